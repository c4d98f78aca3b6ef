//! Verifying and minting tokens. Each key is pinned to one algorithm, so a token can never
//! choose how it is checked (no `none`, no HS256 signed with an RSA public key).

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm as JwkAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};

use super::cache::VerifiedTokens;
use super::config::{AuthArgs, KeyAlgorithm};
use super::{AuthError, Claims, Role, Scopes, Viewer};
use crate::domain::Id;

/// Shortest HS256 secret accepted, in bytes (the length of a SHA-256 block half).
pub const MIN_SECRET_BYTES: usize = 32;

struct Key {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Checks bearer tokens against the configured keys, issuer and audience.
pub struct Verifier {
    keys: Vec<Key>,
    issuer: String,
    audience: String,
    leeway: u64,
    verified: VerifiedTokens,
}

fn check_secret(secret: &str) -> anyhow::Result<()> {
    if secret.len() < MIN_SECRET_BYTES {
        bail!("LOTSENNETZ_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long");
    }
    Ok(())
}

fn jwk_algorithm(jwk: &jsonwebtoken::jwk::Jwk) -> anyhow::Result<Algorithm> {
    let declared = match jwk.common.key_algorithm {
        Some(JwkAlgorithm::RS256) => Some(Algorithm::RS256),
        Some(JwkAlgorithm::RS384) => Some(Algorithm::RS384),
        Some(JwkAlgorithm::RS512) => Some(Algorithm::RS512),
        Some(JwkAlgorithm::PS256) => Some(Algorithm::PS256),
        Some(JwkAlgorithm::ES256) => Some(Algorithm::ES256),
        Some(JwkAlgorithm::ES384) => Some(Algorithm::ES384),
        Some(JwkAlgorithm::EdDSA) => Some(Algorithm::EdDSA),
        Some(other) => bail!("JWKS key algorithm {other:?} is not accepted"),
        None => None,
    };
    let implied = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) => match &ec.curve {
            EllipticCurve::P256 => Algorithm::ES256,
            EllipticCurve::P384 => Algorithm::ES384,
            other => bail!("JWKS curve {other:?} is not accepted"),
        },
        AlgorithmParameters::OctetKeyPair(_) => Algorithm::EdDSA,
        AlgorithmParameters::OctetKey(_) => bail!("symmetric keys in a JWKS are not accepted"),
    };
    let algorithm = declared.unwrap_or(implied);
    let family_matches = jsonwebtoken::Algorithm::family(algorithm) == jsonwebtoken::Algorithm::family(implied);
    if !family_matches {
        bail!("JWKS key declares {algorithm:?} but is a {implied:?} key");
    }
    Ok(algorithm)
}

impl Verifier {
    pub fn from_args(args: &AuthArgs) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        if let Some(secret) = &args.jwt_secret {
            check_secret(secret.expose())?;
            keys.push(Key {
                kid: None,
                algorithm: Algorithm::HS256,
                key: DecodingKey::from_secret(secret.expose().as_bytes()),
            });
        }
        if let Some(path) = &args.jwt_public_key {
            let pem = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let (algorithm, key) = match args.jwt_public_key_alg {
                KeyAlgorithm::Rs256 => (Algorithm::RS256, DecodingKey::from_rsa_pem(&pem)),
                KeyAlgorithm::Es256 => (Algorithm::ES256, DecodingKey::from_ec_pem(&pem)),
                KeyAlgorithm::EdDsa => (Algorithm::EdDSA, DecodingKey::from_ed_pem(&pem)),
            };
            let key = key.with_context(|| format!("{} is not a {algorithm:?} public key", path.display()))?;
            keys.push(Key { kid: None, algorithm, key });
        }
        if let Some(path) = &args.jwt_jwks {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let set: JwkSet =
                serde_json::from_str(&text).with_context(|| format!("{} is not a JWKS", path.display()))?;
            for jwk in &set.keys {
                if jwk.common.public_key_use == Some(jsonwebtoken::jwk::PublicKeyUse::Encryption) {
                    continue;
                }
                let kid = jwk.common.key_id.clone().context("every JWKS key needs a kid")?;
                let algorithm = jwk_algorithm(jwk).with_context(|| format!("JWKS key {kid}"))?;
                let key = DecodingKey::from_jwk(jwk).with_context(|| format!("JWKS key {kid}"))?;
                keys.push(Key { kid: Some(kid), algorithm, key });
            }
        }
        if keys.is_empty() {
            bail!(
                "no token key configured: set LOTSENNETZ_JWT_SECRET (development), LOTSENNETZ_JWT_PUBLIC_KEY or LOTSENNETZ_JWT_JWKS"
            );
        }
        Ok(Self {
            keys,
            issuer: args.jwt_issuer.clone(),
            audience: args.jwt_audience.clone(),
            leeway: args.jwt_leeway,
            verified: VerifiedTokens::new(),
        })
    }

    /// Reads an `Authorization` header value: `None` is anonymous, anything else must verify.
    pub fn viewer(&self, authorization: Option<&str>) -> Result<Viewer, AuthError> {
        let Some(value) = authorization else { return Ok(Viewer::Anonymous) };
        let token =
            value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).ok_or(AuthError::NotBearer)?;
        self.verify(token.trim())
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
        let key = match &header.kid {
            Some(kid) => self.keys.iter().find(|k| k.kid.as_deref() == Some(kid)),
            None => {
                let mut unnamed = self.keys.iter().filter(|k| k.kid.is_none());
                match (unnamed.next(), unnamed.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            }
        }
        .ok_or(AuthError::UnknownKey)?;
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

/// Seconds since the Unix epoch, as `jsonwebtoken` counts them for `exp` and `nbf`.
fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Mints an HS256 token with the configured secret, issuer and audience.
pub fn mint(
    args: &AuthArgs,
    subject: &str,
    role: Role,
    scope: Option<&str>,
    ttl_seconds: u64,
) -> anyhow::Result<String> {
    let secret = args.jwt_secret.as_ref().context("minting tokens needs LOTSENNETZ_JWT_SECRET")?;
    check_secret(secret.expose())?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).context("system clock before 1970")?.as_secs();
    let claims = Claims {
        sub: subject.to_owned(),
        role,
        scope: scope.map(str::to_owned),
        iss: args.jwt_issuer.clone(),
        aud: args.jwt_audience.clone(),
        iat: now,
        nbf: None,
        exp: now + ttl_seconds,
    };
    Ok(encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.expose().as_bytes()))?)
}
