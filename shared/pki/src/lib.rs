//! The formats other stacks check signatures with: X.509 v3 certificates (RFC 5280) and CMS
//! detached signatures (RFC 5652), both with ECDSA on P-256 over SHA-256 (RFC 5480, RFC 5753),
//! so that `openssl cms -verify`, Bouncy Castle or .NET's `SignedCms` accept what the suite
//! signs. (Ed25519 would be shorter, but OpenSSL before 3.2 refuses it in CMS with signed
//! attributes, and agencies run older ones.)
//!
//! [`certificate`] issues and reads certificates; [`signed`] makes and checks detached
//! signatures over a SHA-256 digest, the `messageDigest` of the signed attributes, which is how
//! a client that holds only the digest (the applicant's and the official's) signs a document
//! it never sees. Plain Rust: no I/O, no runtime.
#![forbid(unsafe_code)]

pub mod certificate;
pub mod signed;

use der::Any;
use der::asn1::ObjectIdentifier;
use p256::ecdsa::signature::Signer as _;
use spki::AlgorithmIdentifierOwned;

pub use p256::ecdsa::{SigningKey, VerifyingKey};

/// id-ecPublicKey (RFC 5480): every key here.
pub const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1, the one curve.
pub const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// ecdsa-with-SHA256 (RFC 5758): every signature here.
pub const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// id-sha256: the digest of every signed content.
pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// Why bytes are not a certificate or a signature of the kind expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    /// Not DER of the structure expected.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was read.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Well formed, but not what this profile signs with.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

impl PkiError {
    fn malformed(what: &'static str, detail: impl std::fmt::Display) -> Self {
        PkiError::Malformed { what, detail: detail.to_string() }
    }
}

/// The signature algorithm, parameters absent (RFC 5758 section 3.2).
fn ecdsa_sha256() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid: ECDSA_SHA256, parameters: None }
}

/// The key algorithm: an EC key on the named curve P-256 (RFC 5480 section 2.1.1).
fn ec_p256() -> Result<AlgorithmIdentifierOwned, PkiError> {
    let curve = Any::encode_from(&P256).map_err(|e| PkiError::malformed("curve", e))?;
    Ok(AlgorithmIdentifierOwned { oid: EC_PUBLIC_KEY, parameters: Some(curve) })
}

/// A signing key derived from a 32-byte secret: the secret itself when it is a valid scalar,
/// else its SHA-256, again, until it is (a chance of about 2^-32 each time).
pub fn key_from_secret(secret: &[u8; 32]) -> SigningKey {
    use sha2::Digest as _;
    let mut bytes = *secret;
    loop {
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return key;
        }
        bytes = sha2::Sha256::digest(bytes).into();
    }
}

/// A public key's uncompressed SEC1 point, as the certificate carries it.
pub fn public_bytes(key: &VerifyingKey) -> Vec<u8> {
    key.to_encoded_point(false).as_bytes().to_vec()
}

/// The DER signature of `message` (SHA-256, then ECDSA; RFC 6979 nonces).
fn sign_der(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    let signature: p256::ecdsa::Signature = key.sign(message);
    signature.to_der().as_bytes().to_vec()
}

/// Whether `signature` (DER) is `key`'s over `message`. Checked with ring's P-256, several
/// times faster than the pure-Rust curve that signs: every filing's signature, its certificate
/// and every sealed result are checked, and that was a sixth of an enrolment's time.
fn verifies_der(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let public = public_bytes(key);
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_ASN1, public)
        .verify(message, signature)
        .is_ok()
}

/// The key identifier of a public key: the first 20 bytes of its SHA-256 (RFC 7093 section 2,
/// method 1), in the certificate's subject key identifier and in a signature's signer id.
pub fn key_id(key: &VerifyingKey) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(public_bytes(key))[..20].to_vec()
}

/// PEM armour of DER bytes (RFC 7468), 64 characters a line.
pub fn pem(label: &str, der_bytes: &[u8]) -> String {
    use der::pem::LineEnding;
    der::pem::encode_string(label, LineEnding::LF, der_bytes).unwrap_or_default()
}
