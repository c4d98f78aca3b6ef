//! Verifying and minting tokens. Each key is pinned to one algorithm, so a token can never
//! choose how it is checked (no `none`, no HS256 signed with an RSA public key).

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header, Validation, decode, decode_header, encode};
use serde::Serialize;

use super::cache::VerifiedTokens;
use super::config::AuthArgs;
use super::keys::{KeySet, check_secret};
use super::{AuthError, Claims, Role, Scopes, Viewer};
use crate::domain::Id;

/// Checks bearer tokens against the configured keys, issuer and audience.
pub struct Verifier {
    keys: KeySet,
    issuer: String,
    audience: String,
    leeway: u64,
    verified: VerifiedTokens,
}

impl Verifier {
    pub fn from_args(args: &AuthArgs) -> anyhow::Result<Self> {
        super::crypto::install();
        Ok(Self {
            keys: KeySet::from_args(args)?,
            issuer: args.jwt_issuer.clone(),
            audience: args.jwt_audience.clone(),
            leeway: args.jwt_leeway,
            verified: VerifiedTokens::new(),
        })
    }

    /// Reads an `Authorization` header value: `None` is anonymous, anything else must verify.
    pub fn viewer(&self, authorization: Option<&str>) -> Result<Viewer, AuthError> {
        let Some(value) = authorization else { return Ok(Viewer::Anonymous) };
        self.verify(bearer(value)?)
    }

    /// The viewer of an `Authorization` value, with the last second (Unix time) at which the
    /// token is still accepted: for connections that outlive the token.
    pub fn viewer_until(&self, authorization: &str) -> Result<(Viewer, u64), AuthError> {
        let (viewer, exp) = self.check(bearer(authorization)?)?;
        Ok((viewer, exp.saturating_add(self.leeway)))
    }

    /// The viewer of a token: from the tokens verified before while the token is still
    /// valid, else by checking its signature and claims.
    pub fn verify(&self, token: &str) -> Result<Viewer, AuthError> {
        let now = unix_now();
        if let Some(viewer) = self.verified.get(token, now) {
            return Ok(viewer);
        }
        let (viewer, exp) = self.check(token)?;
        // The same bound as the `exp` check: refused once `exp < now - leeway`.
        self.verified.insert(token, &viewer, exp.saturating_add(self.leeway));
        Ok(viewer)
    }

    /// Checks signature and claims; returns the viewer and the token's expiry.
    fn check(&self, token: &str) -> Result<(Viewer, u64), AuthError> {
        let header = decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        // RFC 7515 §4.1.11: a recipient must refuse a token whose `crit` names an extension it
        // does not understand, and this service understands none.
        if let Some(critical) = header.crit {
            return Err(AuthError::CriticalExtension(critical.join(", ")));
        }
        let key = self
            .keys
            .select(header.kid.as_deref(), header.alg)
            .ok_or_else(|| AuthError::UnknownKey { kid: header.kid.clone(), algorithm: header.alg })?;
        let mut validation = Validation::new(key.algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = self.leeway;
        let claims =
            decode::<Claims>(token, &key.key, &validation).map_err(|e| AuthError::Invalid(e.to_string()))?.claims;
        let subject = || Id::parse_field("sub", &claims.sub).map_err(|_| AuthError::BadSubject);
        let viewer = match claims.role {
            Role::Lotse => Viewer::Lotse(subject()?),
            Role::Expert => Viewer::Expert(subject()?),
            Role::Admin => Viewer::Admin { subject: claims.sub },
            Role::Integration => Viewer::Integration {
                scopes: Scopes::parse(claims.scope.as_deref().unwrap_or("")),
                subject: claims.sub,
            },
        };
        Ok((viewer, claims.exp))
    }
}

/// The token of a bearer `Authorization` value.
fn bearer(value: &str) -> Result<&str, AuthError> {
    // The scheme is case-insensitive (RFC 9110 §11.1): `Bearer`, `bearer` and `BEARER` alike.
    let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::NotBearer);
    }
    Ok(token.trim_start())
}

/// Seconds since the Unix epoch, as `jsonwebtoken` counts them for `exp` and `nbf`.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The claims of a token minted here; verification reads only [`Claims`].
#[derive(Serialize)]
struct MintedClaims {
    sub: String,
    role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    iss: String,
    aud: String,
    exp: u64,
    iat: u64,
}

/// Mints an HS256 token with the configured secret, issuer and audience.
pub fn mint(
    args: &AuthArgs,
    subject: &str,
    role: Role,
    scope: Option<&str>,
    ttl_seconds: u64,
) -> anyhow::Result<String> {
    super::crypto::install();
    let secret = args.jwt_secret.as_ref().context("minting tokens needs LOTSENNETZ_JWT_SECRET")?;
    check_secret(secret.expose())?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).context("system clock before 1970")?.as_secs();
    let claims = MintedClaims {
        sub: subject.to_owned(),
        role,
        scope: scope.map(str::to_owned),
        iss: args.jwt_issuer.clone(),
        aud: args.jwt_audience.clone(),
        iat: now,
        exp: now + ttl_seconds,
    };
    Ok(encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.expose().as_bytes()))?)
}
