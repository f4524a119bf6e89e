//! The emulated national certification authority: a root Ed25519 key of its own, certificates
//! bound to an IIN (the contract's `Certificate`: an encoded body and the root's signature),
//! and the seeded people's test keys, derived from a gateway secret so that they never leave it.

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use kz_ids::Iin;
use prost::Message;
use proto::egov::gateway::v1 as pb;
use sha2::{Digest, Sha256};

/// The issuer's name on every certificate.
pub const ISSUER: &str = "KZ EMULATED NATIONAL CERTIFICATION AUTHORITY (TEST)";

/// How long a certificate is valid.
pub const VALIDITY_DAYS: i64 = 365;

/// The authority's keys.
pub struct Authority {
    root: SigningKey,
    people: [u8; 32],
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").field("root", &hex::encode(self.root.verifying_key().as_bytes())).finish()
    }
}

/// What the authority says of a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Valid, by this signer, certificate serial.
    Valid(Iin, String),
    /// The signature does not match.
    InvalidSignature(Iin, String),
    /// Not a certificate of this authority.
    Unknown,
    /// Expired.
    Expired(Iin, String),
}

/// A certificate read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The serial number.
    pub serial: String,
    /// Whose.
    pub iin: Iin,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// The encoded `Certificate`.
    pub encoded: Vec<u8>,
}

fn timestamp(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: t.timestamp(), nanos: 0 }
}

impl Authority {
    /// The authority from its two secrets.
    pub fn new(root_secret: [u8; 32], people_secret: [u8; 32]) -> Self {
        Authority { root: SigningKey::from_bytes(&root_secret), people: people_secret }
    }

    /// The root's public key.
    pub fn root_public_key(&self) -> [u8; 32] {
        self.root.verifying_key().to_bytes()
    }

    /// A person's test key: derived, never stored, never sent.
    fn person_key(&self, iin: Iin) -> SigningKey {
        let mut hasher = Sha256::new();
        hasher.update(self.people);
        hasher.update(iin.to_string().as_bytes());
        SigningKey::from_bytes(&hasher.finalize().into())
    }

    /// A new certificate for `iin`, valid from `now` for a year.
    pub fn issue(&self, iin: Iin, now: DateTime<Utc>) -> Issued {
        let serial = uuid::Uuid::new_v4().simple().to_string();
        let not_after = now + chrono::Duration::days(VALIDITY_DAYS);
        let body = pb::CertificateBody {
            serial: serial.clone(),
            subject_iin: iin.to_string(),
            public_key: self.person_key(iin).verifying_key().to_bytes().to_vec(),
            not_before: Some(timestamp(now)),
            not_after: Some(timestamp(not_after)),
            issuer: ISSUER.to_owned(),
        }
        .encode_to_vec();
        let signature = self.root.sign(&body).to_bytes().to_vec();
        Issued { serial, iin, not_after, encoded: pb::Certificate { body, signature }.encode_to_vec() }
    }

    /// Signs a 32-byte digest with the person's test key.
    pub fn sign(&self, iin: Iin, digest: &[u8; 32]) -> Vec<u8> {
        self.person_key(iin).sign(digest).to_bytes().to_vec()
    }

    /// Reads a certificate of this authority: its serial, subject and key, or `None` when the
    /// root did not sign it.
    pub fn read(&self, encoded: &[u8]) -> Option<(pb::CertificateBody, VerifyingKey)> {
        let certificate = pb::Certificate::decode(encoded).ok()?;
        let signature = Signature::from_slice(&certificate.signature).ok()?;
        self.root.verifying_key().verify(&certificate.body, &signature).ok()?;
        let body = pb::CertificateBody::decode(certificate.body.as_slice()).ok()?;
        let key: [u8; 32] = body.public_key.as_slice().try_into().ok()?;
        let key = VerifyingKey::from_bytes(&key).ok()?;
        Some((body, key))
    }

    /// Verifies `signature` over `digest` under `encoded` at `now` (revocation is the store's
    /// to say).
    pub fn verify(&self, encoded: &[u8], signature: &[u8], digest: &[u8; 32], now: DateTime<Utc>) -> Verdict {
        let Some((body, key)) = self.read(encoded) else { return Verdict::Unknown };
        let Ok(iin) = Iin::parse(&body.subject_iin) else { return Verdict::Unknown };
        let not_after = body.not_after.map(|t| t.seconds).unwrap_or_default();
        if now.timestamp() > not_after {
            return Verdict::Expired(iin, body.serial);
        }
        match Signature::from_slice(signature).map(|s| key.verify(digest, &s)) {
            Ok(Ok(())) => Verdict::Valid(iin, body.serial),
            _ => Verdict::InvalidSignature(iin, body.serial),
        }
    }
}

/// Signs and checks with the evidence key.
#[derive(Clone)]
pub struct EvidenceKey(SigningKey);

impl std::fmt::Debug for EvidenceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EvidenceKey").field(&hex::encode(self.0.verifying_key().as_bytes())).finish()
    }
}

impl EvidenceKey {
    /// The key from its secret.
    pub fn new(secret: [u8; 32]) -> Self {
        EvidenceKey(SigningKey::from_bytes(&secret))
    }

    /// The public key, published by `AuditService.GetPublicKey`.
    pub fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// Signs an entry hash.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).to_bytes().to_vec()
    }

    /// Checks a signature of an entry hash.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature).is_ok_and(|s| self.0.verifying_key().verify(message, &s).is_ok())
    }
}

/// Reads a lowercase hex SHA-256 digest.
pub fn digest(hex_text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(hex_text.trim()).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority() -> Authority {
        Authority::new([7; 32], [9; 32])
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-04-01T10:00:00+05:00").unwrap().to_utc()
    }

    #[test]
    fn a_signature_round_trip_and_a_tampered_digest() {
        let ca = authority();
        let iin = Iin::parse("791028302728").unwrap();
        let cert = ca.issue(iin, now());
        let digest = [1u8; 32];
        let signature = ca.sign(iin, &digest);
        assert_eq!(ca.verify(&cert.encoded, &signature, &digest, now()), Verdict::Valid(iin, cert.serial.clone()));
        assert_eq!(
            ca.verify(&cert.encoded, &signature, &[2u8; 32], now()),
            Verdict::InvalidSignature(iin, cert.serial.clone())
        );
        let later = now() + chrono::Duration::days(VALIDITY_DAYS + 1);
        assert_eq!(ca.verify(&cert.encoded, &signature, &digest, later), Verdict::Expired(iin, cert.serial));
    }

    #[test]
    fn another_authoritys_certificate_is_unknown() {
        let iin = Iin::parse("791028302728").unwrap();
        let foreign = Authority::new([8; 32], [9; 32]).issue(iin, now());
        assert_eq!(authority().verify(&foreign.encoded, &[0; 64], &[1; 32], now()), Verdict::Unknown);
        assert_eq!(authority().verify(b"not a certificate", &[0; 64], &[1; 32], now()), Verdict::Unknown);
    }

    #[test]
    fn another_persons_signature_does_not_verify() {
        let ca = authority();
        let (a, b) = (Iin::parse("791028302728").unwrap(), Iin::parse("850215300005").unwrap());
        let cert = ca.issue(a, now());
        let digest = [3u8; 32];
        assert!(matches!(
            ca.verify(&cert.encoded, &ca.sign(b, &digest), &digest, now()),
            Verdict::InvalidSignature(..)
        ));
    }
}
