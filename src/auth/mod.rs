//! Who is calling: bearer tokens (JWT) verified into a [`Viewer`].
//!
//! No token makes the caller [`Viewer::Anonymous`]; a token that fails any check is an
//! [`AuthError`], never a silent fall-back to anonymous.

mod cache;
mod config;
pub mod crypto;
mod keys;
mod pem;
mod verify;

use serde::{Deserialize, Serialize};

use crate::domain::Id;

pub use config::{AuthArgs, KeyAlgorithm};
pub(crate) use verify::unix_now;
pub use verify::{Verifier, mint};

/// The role a token grants, from its `role` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A Digitallotse; `sub` is their Lotse id.
    Lotse,
    /// A KIC@bw expert; `sub` is their expert id.
    Expert,
    /// The Geschäftsstelle: manages everything.
    Admin,
    /// A service account of another system; rights come from its scopes.
    Integration,
}

/// What an integration may do, from the space-separated `scope` claim.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scopes {
    pub read: bool,
    pub import: bool,
}

impl Scopes {
    pub fn parse(scope: &str) -> Self {
        let mut scopes = Scopes::default();
        for s in scope.split_whitespace() {
            match s {
                "read" => scopes.read = true,
                "import" => scopes.import = true,
                _ => {}
            }
        }
        scopes
    }
}

/// The caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    Anonymous,
    Lotse(Id),
    Expert(Id),
    Admin { subject: String },
    Integration { subject: String, scopes: Scopes },
}

impl Viewer {
    pub fn is_admin(&self) -> bool {
        matches!(self, Viewer::Admin { .. })
    }

    /// Admins and integrations with the `import` scope may write any record.
    pub fn may_write_anything(&self) -> bool {
        matches!(self, Viewer::Admin { .. } | Viewer::Integration { scopes: Scopes { import: true, .. }, .. })
    }

    /// Everyone signed in may read the network, integrations only with `read` or `import`.
    pub fn may_read(&self) -> bool {
        match self {
            Viewer::Anonymous => false,
            Viewer::Integration { scopes, .. } => scopes.read || scopes.import,
            _ => true,
        }
    }

    pub fn lotse(&self) -> Option<&Id> {
        match self {
            Viewer::Lotse(id) => Some(id),
            _ => None,
        }
    }

    pub fn expert(&self) -> Option<&Id> {
        match self {
            Viewer::Expert(id) => Some(id),
            _ => None,
        }
    }

    /// Who acted, for the audit log.
    pub fn subject(&self) -> String {
        match self {
            Viewer::Anonymous => "anonymous".into(),
            Viewer::Lotse(id) | Viewer::Expert(id) => id.to_string(),
            Viewer::Admin { subject } | Viewer::Integration { subject, .. } => subject.clone(),
        }
    }

    pub fn role_name(&self) -> &'static str {
        match self {
            Viewer::Anonymous => "anonymous",
            Viewer::Lotse(_) => "lotse",
            Viewer::Expert(_) => "expert",
            Viewer::Admin { .. } => "admin",
            Viewer::Integration { .. } => "integration",
        }
    }
}

/// The claims Lotsennetz reads from a token. `iss`, `aud` (a string or an array, RFC 7519
/// §4.1.3), `exp` and `nbf` are checked by `jsonwebtoken` before these are read; `iat` is not
/// needed, and every other claim an identity provider adds (`azp`, `realm_access`, `tid` …)
/// is ignored.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Claims {
    sub: String,
    role: Role,
    scope: Option<String>,
    exp: u64,
}

/// Why a token was refused. The client sees only that it was refused (`UNAUTHENTICATED`).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the Authorization header is not a bearer token")]
    NotBearer,
    #[error("token refused: {0}")]
    Invalid(String),
    #[error("no configured key checks {algorithm:?} tokens with kid {kid:?}")]
    UnknownKey { kid: Option<String>, algorithm: jsonwebtoken::Algorithm },
    #[error("token header marks extensions as critical that are not understood: {0}")]
    CriticalExtension(String),
    #[error("token subject is not a valid id")]
    BadSubject,
}
