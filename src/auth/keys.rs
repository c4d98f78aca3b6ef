//! The configured token keys as one set, and which of them checks a given token.
//!
//! Every key is pinned to one algorithm. A token is checked by exactly one key, never by
//! trying several: the key with the token's `kid` and algorithm, or, when no key has that
//! `kid` (or the token names none), the key without a `kid` for the token's algorithm. So a
//! PEM key accepts the RS256 tokens of a provider that puts a `kid` in every token (Keycloak,
//! Azure AD), and the development secret and a provider's key work side by side. Two keys
//! that the same token could select make the configuration ambiguous: it is refused at start.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm as JwkAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

use super::config::{AuthArgs, KeyAlgorithm};
use super::pem::{self, PublicKey};

/// Shortest HS256 secret accepted, in bytes (the length of a SHA-256 block half).
const MIN_SECRET_BYTES: usize = 32;

/// Where a key was configured, for start-up errors.
#[derive(Debug, Clone)]
enum Source {
    Secret,
    PublicKey(PathBuf),
    /// The `position`th key (from 1) of a JWKS file.
    Jwks {
        path: PathBuf,
        position: usize,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Secret => write!(f, "LOTSENNETZ_JWT_SECRET"),
            Source::PublicKey(path) => write!(f, "LOTSENNETZ_JWT_PUBLIC_KEY ({})", path.display()),
            Source::Jwks { path, position } => write!(f, "key {position} of LOTSENNETZ_JWT_JWKS ({})", path.display()),
        }
    }
}

pub(super) struct Key {
    kid: Option<String>,
    pub(super) algorithm: Algorithm,
    pub(super) key: DecodingKey,
    source: Source,
}

/// Every configured key, at most one per (`kid`, algorithm).
pub(super) struct KeySet {
    keys: Vec<Key>,
}

pub(super) fn check_secret(secret: &str) -> anyhow::Result<()> {
    if secret.len() < MIN_SECRET_BYTES {
        bail!("LOTSENNETZ_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long");
    }
    Ok(())
}

impl KeySet {
    /// Reads the secret, the PEM key and the JWKS; refuses a set in which one token could
    /// select two keys.
    pub(super) fn from_args(args: &AuthArgs) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        if let Some(secret) = &args.jwt_secret {
            check_secret(secret.expose())?;
            let key = DecodingKey::from_secret(secret.expose().as_bytes());
            keys.push(Key { kid: None, algorithm: Algorithm::HS256, key, source: Source::Secret });
        }
        if let Some(path) = &args.jwt_public_key {
            keys.push(pem_key(path, args.jwt_public_key_alg)?);
        }
        if let Some(path) = &args.jwt_jwks {
            keys.extend(jwks_keys(path)?);
        }
        if keys.is_empty() {
            bail!(
                "no token key configured: set LOTSENNETZ_JWT_SECRET (development), LOTSENNETZ_JWT_PUBLIC_KEY or LOTSENNETZ_JWT_JWKS"
            );
        }
        refuse_ambiguity(&keys)?;
        Ok(Self { keys })
    }

    /// The one key that checks a token with this `kid` and `alg` header, if any.
    pub(super) fn select(&self, kid: Option<&str>, algorithm: Algorithm) -> Option<&Key> {
        let named = kid.and_then(|kid| self.find(Some(kid), algorithm));
        named.or_else(|| self.find(None, algorithm))
    }

    fn find(&self, kid: Option<&str>, algorithm: Algorithm) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid.as_deref() == kid && k.algorithm == algorithm)
    }
}

/// Two keys with the same `kid` (or both without one) and the same algorithm: a token could
/// select either, and which one checks it would depend on the order of the configuration.
fn refuse_ambiguity(keys: &[Key]) -> anyhow::Result<()> {
    for (i, first) in keys.iter().enumerate() {
        let Some(second) = keys[i + 1..].iter().find(|k| k.kid == first.kid && k.algorithm == first.algorithm) else {
            continue;
        };
        let (alg, a, b) = (first.algorithm, &first.source, &second.source);
        match &first.kid {
            None => bail!(
                "ambiguous token keys: {a} and {b} both check {alg:?} tokens without a kid, so such a token could \
                 match either; configure only one of them, or give the JWKS key a kid"
            ),
            Some(kid) => bail!(
                "ambiguous token keys: {a} and {b} both have kid \"{kid}\" and check {alg:?} tokens; remove one of them"
            ),
        }
    }
    Ok(())
}

fn pem_key(path: &Path, algorithm: KeyAlgorithm) -> anyhow::Result<Key> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let public = pem::public_key(&text).with_context(|| format!("{} holds no public key", path.display()))?;
    let algorithm = match algorithm {
        KeyAlgorithm::Rs256 => Algorithm::RS256,
        KeyAlgorithm::Es256 => Algorithm::ES256,
        KeyAlgorithm::EdDsa => Algorithm::EdDSA,
    };
    let key = match (algorithm, &public) {
        (Algorithm::RS256, PublicKey::Rsa(der)) => DecodingKey::from_rsa_der(der),
        (Algorithm::ES256, PublicKey::P256(point)) => DecodingKey::from_ec_der(point),
        (Algorithm::EdDSA, PublicKey::Ed25519(key)) => DecodingKey::from_ed_der(key),
        (_, other) => bail!(
            "{} holds {}, not a key for {algorithm:?} (LOTSENNETZ_JWT_PUBLIC_KEY_ALG)",
            path.display(),
            other.kind()
        ),
    };
    let source = Source::PublicKey(path.to_owned());
    check_rsa_size(&key, &source)?;
    Ok(Key { kid: None, algorithm, key, source })
}

/// The signing keys of a JWKS; encryption keys (`"use": "enc"` or an encryption `alg`, as
/// Keycloak publishes next to its signing keys) are left out.
fn jwks_keys(path: &Path) -> anyhow::Result<Vec<Key>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let set: JwkSet = serde_json::from_str(&text).with_context(|| format!("{} is not a JWKS", path.display()))?;
    let mut keys = Vec::new();
    for (index, jwk) in set.keys.iter().enumerate() {
        if is_for_encryption(jwk) {
            continue;
        }
        let source = Source::Jwks { path: path.to_owned(), position: index + 1 };
        let algorithm = jwk_algorithm(jwk).with_context(|| source.to_string())?;
        // `from_jwk` ignores the JWK's `alg`: the algorithm is pinned above, from `alg` and the key type.
        let key = DecodingKey::from_jwk(jwk).with_context(|| source.to_string())?;
        check_rsa_size(&key, &source)?;
        keys.push(Key { kid: jwk.common.key_id.clone(), algorithm, key, source });
    }
    Ok(keys)
}

/// An RSA key that no token signature could match (ring checks 2,048 to 8,192 bits) stops the
/// start instead of refusing every token.
fn check_rsa_size(key: &DecodingKey, source: &Source) -> anyhow::Result<()> {
    match super::crypto::rsa_modulus_bits(key) {
        Some(bits) if !super::crypto::RSA_BITS.contains(&bits) => bail!(
            "{source}: an RSA key of {bits} bits; token signatures are checked with keys of {} to {} bits",
            super::crypto::RSA_BITS.start(),
            super::crypto::RSA_BITS.end()
        ),
        _ => Ok(()),
    }
}

fn is_for_encryption(jwk: &Jwk) -> bool {
    jwk.common.public_key_use == Some(PublicKeyUse::Encryption)
        || matches!(
            jwk.common.key_algorithm,
            Some(JwkAlgorithm::RSA1_5 | JwkAlgorithm::RSA_OAEP | JwkAlgorithm::RSA_OAEP_256)
        )
}

fn jwk_algorithm(jwk: &Jwk) -> anyhow::Result<Algorithm> {
    let declared = match jwk.common.key_algorithm {
        Some(JwkAlgorithm::RS256) => Some(Algorithm::RS256),
        Some(JwkAlgorithm::RS384) => Some(Algorithm::RS384),
        Some(JwkAlgorithm::RS512) => Some(Algorithm::RS512),
        Some(JwkAlgorithm::PS256) => Some(Algorithm::PS256),
        Some(JwkAlgorithm::PS384) => Some(Algorithm::PS384),
        Some(JwkAlgorithm::PS512) => Some(Algorithm::PS512),
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
    // RSA keys serve the RS and PS algorithms alike; a curve serves only its own algorithm.
    let fits = algorithm == implied || (implied == Algorithm::RS256 && algorithm.family() == implied.family());
    if !fits {
        bail!("JWKS key declares {algorithm:?} but is a {implied:?} key");
    }
    Ok(algorithm)
}
