//! Token settings, shared by every subcommand so that `token` and `serve` agree.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::config::Secret;

fn secret(value: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(value))
}

/// Algorithm of a configured public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlgorithm {
    #[value(name = "RS256")]
    Rs256,
    #[value(name = "ES256")]
    Es256,
    #[value(name = "EdDSA")]
    EdDsa,
}

#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// Shared secret for HS256 tokens (at least 32 bytes); for development and `lotsennetz token`.
    #[arg(long, env = "LOTSENNETZ_JWT_SECRET", hide_env_values = true, value_parser = secret)]
    pub jwt_secret: Option<Secret>,
    /// PEM file with the public key (or the certificate) of the identity provider.
    #[arg(long, env = "LOTSENNETZ_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<PathBuf>,
    /// Algorithm of `--jwt-public-key`.
    #[arg(long, env = "LOTSENNETZ_JWT_PUBLIC_KEY_ALG", value_enum, default_value = "RS256")]
    pub jwt_public_key_alg: KeyAlgorithm,
    /// JWKS file (e.g. saved from Keycloak's certs endpoint); keys are chosen by `kid`.
    #[arg(long, env = "LOTSENNETZ_JWT_JWKS")]
    pub jwt_jwks: Option<PathBuf>,
    /// Required `iss` claim.
    #[arg(long, env = "LOTSENNETZ_JWT_ISSUER", default_value = "lotsennetz")]
    pub jwt_issuer: String,
    /// Required `aud` claim.
    #[arg(long, env = "LOTSENNETZ_JWT_AUDIENCE", default_value = "lotsennetz")]
    pub jwt_audience: String,
    /// Clock skew tolerated for `exp` and `nbf`, in seconds.
    #[arg(long, env = "LOTSENNETZ_JWT_LEEWAY", default_value_t = 30)]
    pub jwt_leeway: u64,
}

impl AuthArgs {
    /// Settings for tests: HS256 with this secret and the default issuer and audience.
    pub fn with_secret(secret: &str) -> Self {
        Self {
            jwt_secret: Some(Secret::new(secret)),
            jwt_public_key: None,
            jwt_public_key_alg: KeyAlgorithm::Rs256,
            jwt_jwks: None,
            jwt_issuer: "lotsennetz".into(),
            jwt_audience: "lotsennetz".into(),
            jwt_leeway: 30,
        }
    }

    pub fn has_key(&self) -> bool {
        self.jwt_secret.is_some() || self.jwt_public_key.is_some() || self.jwt_jwks.is_some()
    }
}
