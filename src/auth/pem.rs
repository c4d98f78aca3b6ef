//! Public keys read from a PEM file (`--jwt-public-key`), and the few DER rules they need.
//!
//! Accepted: a SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`, what `openssl pkey -pubout`
//! writes and identity providers publish), an RSA key in PKCS #1 form (`RSA PUBLIC KEY`) and
//! the key of an X.509 certificate (`CERTIFICATE`, the first one of a chain). The key's type
//! is read from its algorithm identifier, so a key of another type than the configured
//! algorithm's is named in the start-up error instead of refusing every token later.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A public key in the forms the signature checks take it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PublicKey {
    /// PKCS #1 `RSAPublicKey` DER.
    Rsa(Vec<u8>),
    /// The uncompressed point of a P-256 key.
    P256(Vec<u8>),
    /// A P-384 key (ES384), which `--jwt-public-key-alg` does not offer.
    P384,
    /// The 32 bytes of an Ed25519 key.
    Ed25519(Vec<u8>),
}

impl PublicKey {
    /// What the key is, for errors.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            PublicKey::Rsa(_) => "an RSA key",
            PublicKey::P256(_) => "an EC P-256 key",
            PublicKey::P384 => "an EC P-384 key",
            PublicKey::Ed25519(_) => "an Ed25519 key",
        }
    }
}

/// Why a file holds no usable public key.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PemError {
    /// No `-----BEGIN ...-----` line with its `-----END ...-----`.
    NotPem,
    /// A PEM block of a label that holds no public key (a private key, say).
    Label(String),
    /// The base64 between the lines does not decode.
    Base64,
    /// The DER inside is not the structure its label names.
    Structure(&'static str),
    /// A key of a type that no accepted algorithm uses.
    Unsupported(&'static str),
}

impl fmt::Display for PemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PemError::NotPem => write!(f, "no PEM block (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)"),
            PemError::Label(label) => write!(
                f,
                "a PEM block \"{label}\" holds no public key; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE"
            ),
            PemError::Base64 => write!(f, "the PEM block is not valid base64"),
            PemError::Structure(what) => write!(f, "the PEM block is not a valid {what}"),
            PemError::Unsupported(what) => write!(f, "{what}; accepted are RSA, EC P-256 and Ed25519 keys"),
        }
    }
}

impl std::error::Error for PemError {}

// Object identifiers, DER-encoded.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OBJECT_IDENTIFIER: u8 = 0x06;
/// `[0] EXPLICIT`, the version of an X.509 v2/v3 certificate.
const CONTEXT_0: u8 = 0xa0;

/// The public key of the first PEM block of `text`.
pub(super) fn public_key(text: &str) -> Result<PublicKey, PemError> {
    let (label, der) = first_block(text)?;
    match label {
        "PUBLIC KEY" => subject_public_key_info(&der),
        "RSA PUBLIC KEY" => {
            rsa_public_key(&der).ok_or(PemError::Structure("PKCS #1 RSA public key"))?;
            Ok(PublicKey::Rsa(der))
        }
        "CERTIFICATE" => subject_public_key_info(certificate_key_info(&der).ok_or(PemError::Structure("certificate"))?),
        other => Err(PemError::Label(other.to_owned())),
    }
}

/// The label and the decoded contents of the first `-----BEGIN label-----` block.
fn first_block(text: &str) -> Result<(&str, Vec<u8>), PemError> {
    let mut lines = text.lines().map(str::trim);
    let label =
        lines.find_map(|line| line.strip_prefix("-----BEGIN ")?.strip_suffix("-----")).ok_or(PemError::NotPem)?;
    let end = format!("-----END {label}-----");
    let mut body = String::new();
    for line in lines.by_ref() {
        if line == end {
            return STANDARD.decode(&body).map(|der| (label, der)).map_err(|_| PemError::Base64);
        }
        // RFC 1421 headers (`Proc-Type: ...`) come only with encrypted private keys.
        if !line.contains(':') {
            body.push_str(line);
        }
    }
    Err(PemError::NotPem)
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`
/// with `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`.
fn subject_public_key_info(der: &[u8]) -> Result<PublicKey, PemError> {
    const WHAT: PemError = PemError::Structure("SubjectPublicKeyInfo");
    let info = der_contents(der, SEQUENCE).ok_or(WHAT)?;
    let (algorithm, rest) = der_element(info, SEQUENCE).ok_or(WHAT)?;
    let (key, _) = der_element(rest, BIT_STRING).ok_or(WHAT)?;
    // A key is a whole number of bytes: no unused bits in the last one.
    let key = key.strip_prefix(&[0]).ok_or(WHAT)?.to_vec();
    let (oid, parameters) = der_element(algorithm, OBJECT_IDENTIFIER).ok_or(WHAT)?;
    match oid {
        RSA_ENCRYPTION => {
            rsa_public_key(&key).ok_or(PemError::Structure("RSA public key"))?;
            Ok(PublicKey::Rsa(key))
        }
        EC_PUBLIC_KEY => match der_element(parameters, OBJECT_IDENTIFIER).map(|(curve, _)| curve) {
            Some(P256) => Ok(PublicKey::P256(key)),
            Some(P384) => Ok(PublicKey::P384),
            _ => Err(PemError::Unsupported("an EC key on another curve than P-256 or P-384")),
        },
        ED25519 => Ok(PublicKey::Ed25519(key)),
        _ => Err(PemError::Unsupported("a key of another algorithm")),
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`: the modulus.
pub(super) fn rsa_public_key(der: &[u8]) -> Option<&[u8]> {
    let (modulus, rest) = der_element(der_contents(der, SEQUENCE)?, INTEGER)?;
    der_element(rest, INTEGER)?;
    Some(modulus)
}

/// The SubjectPublicKeyInfo (whole element) of `Certificate ::= SEQUENCE { tbsCertificate, ... }`,
/// `TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
/// validity, subject, subjectPublicKeyInfo, ... }`.
fn certificate_key_info(der: &[u8]) -> Option<&[u8]> {
    let (tbs, _) = der_element(der_contents(der, SEQUENCE)?, SEQUENCE)?;
    let mut rest = tbs;
    if rest.first() == Some(&CONTEXT_0) {
        rest = der_element(rest, CONTEXT_0)?.1;
    }
    rest = der_element(rest, INTEGER)?.1;
    for _signature_issuer_validity_subject in 0..4 {
        rest = der_element(rest, SEQUENCE)?.1;
    }
    let (info, after) = der_element(rest, SEQUENCE)?;
    let header = rest.len() - after.len() - info.len();
    Some(&rest[..header + info.len()])
}

/// The contents of the DER element at the start of `input`, which must have this `tag`.
fn der_contents(input: &[u8], tag: u8) -> Option<&[u8]> {
    der_element(input, tag).map(|(contents, _)| contents)
}

/// The contents of the DER element at the start of `input` (which must have this `tag`) and
/// what follows it.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    if found != tag {
        return None;
    }
    let (length, rest) = match first {
        short @ 0..0x80 => (usize::from(short), rest),
        long => {
            let octets = usize::from(long & 0x7f);
            if octets == 0 || octets > 4 || rest.len() < octets {
                return None;
            }
            let (length, rest) = rest.split_at(octets);
            (length.iter().fold(0, |n, &b| (n << 8) | usize::from(b)), rest)
        }
    };
    (rest.len() >= length).then(|| rest.split_at(length))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    #[test]
    fn the_fixtures_public_keys_are_read_with_their_type() {
        let rsa = public_key(&fixture("rsa-public.pem")).unwrap();
        let PublicKey::Rsa(der) = &rsa else { panic!("{rsa:?}") };
        assert_eq!(rsa_public_key(der).map(|n| n.len()), Some(257), "2048-bit modulus with its sign octet");
        assert!(matches!(public_key(&fixture("ec-public.pem")), Ok(PublicKey::P256(point)) if point.len() == 65));
        assert!(matches!(public_key(&fixture("ed-public.pem")), Ok(PublicKey::Ed25519(key)) if key.len() == 32));
        assert_eq!(public_key(&fixture("rsa-certificate.pem")), Ok(rsa));
    }

    #[test]
    fn pkcs1_keys_are_taken_as_they_are() {
        let der = [0x30, 0x0a, 0x02, 0x03, 0x00, 0x01, 0xff, 0x02, 0x03, 1, 0, 1];
        let pem = format!("-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n", STANDARD.encode(der));
        assert_eq!(public_key(&pem), Ok(PublicKey::Rsa(der.to_vec())));
    }

    #[test]
    fn what_is_no_public_key_is_named() {
        assert_eq!(public_key("just text"), Err(PemError::NotPem));
        assert_eq!(public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n"), Err(PemError::NotPem));
        assert_eq!(public_key(&fixture("rsa-private.pem")), Err(PemError::Label("PRIVATE KEY".into())));
        assert_eq!(public_key("-----BEGIN PUBLIC KEY-----\n*\n-----END PUBLIC KEY-----"), Err(PemError::Base64));
        let truncated =
            fixture("ec-public.pem").replace("pOR+vfI5kqtGsqjFuFYcU5tReVlXRej6Q4AhnpGXEvKxp8AQlEHwmvDNFQ==", "");
        assert_eq!(public_key(&truncated), Err(PemError::Structure("SubjectPublicKeyInfo")));
    }

    #[test]
    fn long_form_lengths_are_read_and_overruns_refused() {
        assert_eq!(der_element(&[0x04, 0x81, 0x01, 0xaa, 0xbb], 0x04), Some((&[0xaa][..], &[0xbb][..])));
        assert_eq!(der_element(&[0x04, 0x02, 0xaa], 0x04), None);
        assert_eq!(der_element(&[0x04, 0x80], 0x04), None);
        assert_eq!(der_element(&[0x05, 0x00], 0x04), None);
    }
}
