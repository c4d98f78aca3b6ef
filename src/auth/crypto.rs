//! The signatures of tokens, computed by `ring`: the Neo4j driver's TLS already compiles it,
//! so the token library needs no crypto stack of its own (its RustCrypto back end was thirty
//! crates, 26 s of the first build's compile time).
//!
//! [`install`] makes this the process's provider for `jsonwebtoken`; everything in the
//! service that signs or checks a token calls it first. RSA keys must have 2,048 to 8,192 bits
//! (ring refuses shorter ones), elliptic-curve keys are P-256 or P-384 points, EdDSA keys
//! Ed25519.

use std::sync::Once;

use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::jwk::{EllipticCurve, ThumbprintHash};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair, RsaPublicKeyComponents, UnparsedPublicKey,
};
use ring::{digest, hmac, rsa};

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    jwk_utils: JwkUtils { extract_rsa_public_key_components, extract_ec_public_key_coordinates, compute_digest },
};

/// Makes ring the token library's crypto provider for this process (once; later calls are
/// free).
///
/// # Panics
/// When another provider was installed, or the token library was used before this call.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        if let Err(other) = PROVIDER.install_default() {
            assert!(std::ptr::eq(other, &PROVIDER), "jsonwebtoken was used before auth::crypto::install");
        }
    });
}

/// What a token's algorithm does, and with which of ring's algorithms.
enum Scheme {
    Hmac(hmac::Algorithm),
    Rsa {
        verify: &'static ring::signature::RsaParameters,
        sign: &'static dyn ring::signature::RsaEncoding,
    },
    Ecdsa {
        verify: &'static ring::signature::EcdsaVerificationAlgorithm,
        sign: &'static ring::signature::EcdsaSigningAlgorithm,
    },
    Ed25519,
}

fn scheme(algorithm: Algorithm) -> Scheme {
    use ring::signature as s;
    match algorithm {
        Algorithm::HS256 => Scheme::Hmac(hmac::HMAC_SHA256),
        Algorithm::HS384 => Scheme::Hmac(hmac::HMAC_SHA384),
        Algorithm::HS512 => Scheme::Hmac(hmac::HMAC_SHA512),
        Algorithm::RS256 => Scheme::Rsa { verify: &s::RSA_PKCS1_2048_8192_SHA256, sign: &s::RSA_PKCS1_SHA256 },
        Algorithm::RS384 => Scheme::Rsa { verify: &s::RSA_PKCS1_2048_8192_SHA384, sign: &s::RSA_PKCS1_SHA384 },
        Algorithm::RS512 => Scheme::Rsa { verify: &s::RSA_PKCS1_2048_8192_SHA512, sign: &s::RSA_PKCS1_SHA512 },
        Algorithm::PS256 => Scheme::Rsa { verify: &s::RSA_PSS_2048_8192_SHA256, sign: &s::RSA_PSS_SHA256 },
        Algorithm::PS384 => Scheme::Rsa { verify: &s::RSA_PSS_2048_8192_SHA384, sign: &s::RSA_PSS_SHA384 },
        Algorithm::PS512 => Scheme::Rsa { verify: &s::RSA_PSS_2048_8192_SHA512, sign: &s::RSA_PSS_SHA512 },
        Algorithm::ES256 => {
            Scheme::Ecdsa { verify: &s::ECDSA_P256_SHA256_FIXED, sign: &s::ECDSA_P256_SHA256_FIXED_SIGNING }
        }
        Algorithm::ES384 => {
            Scheme::Ecdsa { verify: &s::ECDSA_P384_SHA384_FIXED, sign: &s::ECDSA_P384_SHA384_FIXED_SIGNING }
        }
        Algorithm::EdDSA => Scheme::Ed25519,
    }
}

/// A key checked against its algorithm's family, so that no token can have a key used by
/// another family's algorithm (an RSA public key as an HMAC secret).
fn same_family(algorithm: Algorithm, family: AlgorithmFamily) -> Result<(), Error> {
    if algorithm.family() == family { Ok(()) } else { Err(ErrorKind::InvalidKeyFormat.into()) }
}

struct RingSigner {
    algorithm: Algorithm,
    key: EncodingKey,
}

struct RingVerifier {
    algorithm: Algorithm,
    key: DecodingKey,
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    same_family(*algorithm, key.family())?;
    Ok(Box::new(RingSigner { algorithm: *algorithm, key: key.clone() }))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    same_family(*algorithm, key.family())?;
    Ok(Box::new(RingVerifier { algorithm: *algorithm, key: key.clone() }))
}

fn refused(what: impl std::fmt::Display) -> signature::Error {
    signature::Error::from_source(what.to_string())
}

impl Signer<Vec<u8>> for RingSigner {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let random = SystemRandom::new();
        match scheme(self.algorithm) {
            Scheme::Hmac(algorithm) => {
                let secret = self.key.try_get_hmac_secret().map_err(refused)?;
                Ok(hmac::sign(&hmac::Key::new(algorithm, secret), message).as_ref().to_vec())
            }
            Scheme::Rsa { sign, .. } => {
                let pair = RsaKeyPair::from_der(self.key.inner()).map_err(refused)?;
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(sign, &random, message, &mut signature).map_err(refused)?;
                Ok(signature)
            }
            Scheme::Ecdsa { sign, .. } => {
                let pair = EcdsaKeyPair::from_pkcs8(sign, self.key.inner(), &random).map_err(refused)?;
                Ok(pair.sign(&random, message).map_err(refused)?.as_ref().to_vec())
            }
            Scheme::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(self.key.inner()).map_err(refused)?;
                Ok(pair.sign(message).as_ref().to_vec())
            }
        }
    }
}

impl JwtSigner for RingSigner {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        let checked = match (scheme(self.algorithm), self.key.kind()) {
            (Scheme::Hmac(algorithm), _) => {
                let secret = self.key.try_get_hmac_secret().map_err(refused)?;
                hmac::verify(&hmac::Key::new(algorithm, secret), message, signature)
            }
            (Scheme::Rsa { verify, .. }, DecodingKeyKind::RsaModulusExponent { n, e }) => {
                RsaPublicKeyComponents { n, e }.verify(verify, message, signature)
            }
            (Scheme::Rsa { verify, .. }, DecodingKeyKind::SecretOrDer(der)) => {
                UnparsedPublicKey::new(verify, der).verify(message, signature)
            }
            (Scheme::Ecdsa { verify, .. }, DecodingKeyKind::SecretOrDer(point)) => {
                UnparsedPublicKey::new(verify, point).verify(message, signature)
            }
            (Scheme::Ed25519, DecodingKeyKind::SecretOrDer(key)) => {
                UnparsedPublicKey::new(&ring::signature::ED25519, key).verify(message, signature)
            }
            (_, DecodingKeyKind::RsaModulusExponent { .. }) => return Err(refused("an RSA key for another algorithm")),
        };
        checked.map_err(|_| refused("signature does not match"))
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// Shortest and longest RSA modulus whose signatures ring checks, in bits.
pub(super) const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// The length in bits of an RSA public key's modulus (`None` for other keys or an unreadable
/// one): keys outside [`RSA_BITS`] are refused when the service starts, not token by token.
pub(super) fn rsa_modulus_bits(key: &DecodingKey) -> Option<usize> {
    if key.family() != AlgorithmFamily::Rsa {
        return None;
    }
    let modulus = match key.kind() {
        DecodingKeyKind::RsaModulusExponent { n, .. } => n.as_slice(),
        DecodingKeyKind::SecretOrDer(der) => super::pem::rsa_public_key(der)?,
    };
    let significant = &modulus[modulus.iter().position(|&b| b != 0)?..];
    Some(significant.len() * 8 - significant[0].leading_zeros() as usize)
}

fn extract_rsa_public_key_components(private_der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let pair = RsaKeyPair::from_der(private_der).map_err(|e| ErrorKind::InvalidRsaKey(e.to_string()))?;
    let public = rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
    Ok((public.n, public.e))
}

fn extract_ec_public_key_coordinates(
    private_pkcs8: &[u8],
    algorithm: Algorithm,
) -> Result<(EllipticCurve, Vec<u8>, Vec<u8>), Error> {
    let curve = match algorithm {
        Algorithm::ES256 => EllipticCurve::P256,
        Algorithm::ES384 => EllipticCurve::P384,
        _ => return Err(ErrorKind::InvalidEcdsaKey.into()),
    };
    let Scheme::Ecdsa { sign, .. } = scheme(algorithm) else { unreachable!("ES256 and ES384 are ECDSA") };
    let pair =
        EcdsaKeyPair::from_pkcs8(sign, private_pkcs8, &SystemRandom::new()).map_err(|_| ErrorKind::InvalidEcdsaKey)?;
    // An uncompressed point: 0x04, then x and y of equal length.
    let point = pair.public_key().as_ref();
    let (x, y) = point[1..].split_at((point.len() - 1) / 2);
    Ok((curve, x.to_vec(), y.to_vec()))
}

fn compute_digest(data: &[u8], hash: ThumbprintHash) -> Vec<u8> {
    let algorithm = match hash {
        ThumbprintHash::SHA256 => &digest::SHA256,
        ThumbprintHash::SHA384 => &digest::SHA384,
        ThumbprintHash::SHA512 => &digest::SHA512,
    };
    digest::digest(algorithm, data).as_ref().to_vec()
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{Header, Validation, decode, encode};
    use serde_json::{Value, json};

    use super::*;

    fn claims() -> Value {
        json!({ "sub": "lotse-0001", "exp": 4_102_444_800u64 })
    }

    #[test]
    fn hmac_tokens_verify_with_their_secret_and_no_other() {
        install();
        let token =
            encode(&Header::new(Algorithm::HS256), &claims(), &EncodingKey::from_secret(b"one secret")).unwrap();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_aud = false;
        assert!(decode::<Value>(&token, &DecodingKey::from_secret(b"one secret"), &validation).is_ok());
        assert!(decode::<Value>(&token, &DecodingKey::from_secret(b"another one"), &validation).is_err());
    }

    #[test]
    fn rsa_modulus_lengths_are_read_from_components_and_pkcs1() {
        let n = [vec![0x00, 0x80], vec![0; 255]].concat();
        let components = DecodingKey::from_rsa_raw_components(&n, &[1, 0, 1]);
        assert_eq!(rsa_modulus_bits(&components), Some(2048));
        // SEQUENCE { INTEGER (0x00 0x01 0xff: 9 bits), INTEGER 65537 }
        let pkcs1 = DecodingKey::from_rsa_der(&[0x30, 0x0a, 0x02, 0x03, 0x00, 0x01, 0xff, 0x02, 0x03, 1, 0, 1]);
        assert_eq!(rsa_modulus_bits(&pkcs1), Some(9));
        let long_form =
            DecodingKey::from_rsa_der(&[0x30, 0x81, 0x0a, 0x02, 0x03, 0x00, 0x7f, 0xff, 0x02, 0x03, 1, 0, 1]);
        assert_eq!(rsa_modulus_bits(&long_form), Some(15));
        assert_eq!(rsa_modulus_bits(&DecodingKey::from_rsa_der(&[0x30, 0x85, 0, 0])), None);
        assert_eq!(rsa_modulus_bits(&DecodingKey::from_secret(b"secret")), None);
    }

    #[test]
    fn a_key_of_another_family_is_refused() {
        install();
        let rsa_public = DecodingKey::from_rsa_components("sXch", "AQAB").unwrap();
        assert!(verifier(&Algorithm::HS256, &rsa_public).is_err());
        assert!(signer(&Algorithm::RS256, &EncodingKey::from_secret(b"secret")).is_err());
    }
}
