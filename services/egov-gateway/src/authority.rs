//! The emulated national certification authority: a P-256 root of its own with a self-signed
//! X.509 certificate (published by `SignatureService/GetAuthorityCertificate`), X.509
//! certificates bound to an IIN or, for a provider's key, a BIN, and CMS detached signatures
//! (`shared/pki`), so that any stack checks them with its standard tools. The seeded people's
//! test keys are derived from a gateway secret, so that they never leave it.
//!
//! [A-NCA-ALGORITHMS]: the national authority signs with the GOST R 34.10-2015 algorithms of
//! Kazakhstan's standard; no pure-Rust CMS stack here speaks them, so the emulation signs with
//! ECDSA P-256 over SHA-256 in the same formats (X.509 v3, CMS `SignedData`). Only
//! `shared/pki` names the algorithm.

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer as _, Verifier as _};
use pki::certificate::{self, Request, Subject};
use pki::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The issuer's name on every certificate.
pub const ISSUER: &str = "KZ EMULATED NATIONAL CERTIFICATION AUTHORITY (TEST)";

/// How long a certificate is valid.
pub const VALIDITY_DAYS: i64 = 365;

/// The root's own validity: fixed, so that the same secret always gives the same certificate.
const ROOT_VALIDITY: (&str, &str) = ("2025-01-01T00:00:00Z", "2045-01-01T00:00:00Z");

/// The authority's keys and its root certificate.
pub struct Authority {
    root: SigningKey,
    root_certificate: Vec<u8>,
    people: [u8; 32],
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").field("root", &hex::encode(pki::key_id(self.root.verifying_key()))).finish()
    }
}

/// What the authority says of a signature; the holder is an IIN, or a BIN for an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Valid, by this holder, certificate serial.
    Valid(String, String),
    /// The signature does not match.
    InvalidSignature(String, String),
    /// Not a certificate of this authority, or not a signature at all.
    Unknown,
    /// Expired.
    Expired(String, String),
}

/// A certificate issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The serial number, lowercase hex.
    pub serial: String,
    /// Whose: an IIN, or an organization's BIN.
    pub holder: String,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// The X.509 certificate, DER.
    pub encoded: Vec<u8>,
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.to_utc()).unwrap_or_default()
}

/// A fresh serial: 16 random bytes, positive.
fn serial() -> Vec<u8> {
    let mut bytes = uuid::Uuid::new_v4().into_bytes().to_vec();
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    bytes
}

impl Authority {
    /// The authority from its two secrets.
    pub fn new(root_secret: [u8; 32], people_secret: [u8; 32]) -> Result<Self, pki::PkiError> {
        let root = pki::key_from_secret(&root_secret);
        let request = Request {
            subject: Subject::Authority { name: ISSUER.to_owned() },
            key: *root.verifying_key(),
            serial: vec![1],
            not_before: at(ROOT_VALIDITY.0),
            not_after: at(ROOT_VALIDITY.1),
        };
        let root_certificate = certificate::root(&root, &request)?;
        Ok(Authority { root, root_certificate, people: people_secret })
    }

    /// The root's certificate, DER.
    pub fn root_certificate(&self) -> &[u8] {
        &self.root_certificate
    }

    /// A person's test key: derived, never stored, never sent.
    fn person_key(&self, iin: &str) -> SigningKey {
        let mut hasher = Sha256::new();
        hasher.update(self.people);
        hasher.update(iin.as_bytes());
        pki::key_from_secret(&hasher.finalize().into())
    }

    fn certify(
        &self,
        subject: Subject,
        holder: &str,
        key: VerifyingKey,
        (not_before, not_after): (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Issued, pki::PkiError> {
        let serial = serial();
        let request = Request { subject, key, serial: serial.clone(), not_before, not_after };
        let encoded = certificate::issue(&self.root_certificate, &self.root, &request)?;
        Ok(Issued { serial: hex::encode(serial), holder: holder.to_owned(), not_after, encoded })
    }

    /// A new certificate for a person's test key, valid from `now` for a year.
    pub fn issue(&self, iin: kz_ids::Iin, now: DateTime<Utc>) -> Result<Issued, pki::PkiError> {
        let iin = iin.to_string();
        let key = *self.person_key(&iin).verifying_key();
        let validity = (now, now + chrono::Duration::days(VALIDITY_DAYS));
        self.certify(Subject::Person { iin: iin.clone() }, &iin, key, validity)
    }

    /// A new certificate for an organization's own key (a provider's, which seals its
    /// automated results). [A-PROVIDER-SEAL]: it is valid as long as the root, so that a seal
    /// never needs renewing in the emulation and a development clock moved back still finds
    /// it valid when the seal was made; revocation ends it.
    pub fn issue_organization(&self, bin: &str, name: &str, key: VerifyingKey) -> Result<Issued, pki::PkiError> {
        let subject = Subject::Organization { bin: bin.to_owned(), name: name.to_owned() };
        self.certify(subject, bin, key, (at(ROOT_VALIDITY.0), at(ROOT_VALIDITY.1)))
    }

    /// Signs a SHA-256 digest with the person's test key: a CMS detached signature carrying
    /// `certificate`, signed at `now`.
    pub fn sign(
        &self,
        iin: kz_ids::Iin,
        digest: &[u8; 32],
        certificate: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, pki::PkiError> {
        let carried: Vec<&[u8]> = [certificate].into_iter().filter(|c| !c.is_empty()).collect();
        pki::signed::sign(&self.person_key(&iin.to_string()), digest, now, &carried)
    }

    /// Reads a certificate this authority issued, or `None`.
    pub fn read(&self, encoded: &[u8]) -> Option<certificate::Read> {
        certificate::read(encoded).ok().filter(|c| c.issued_by(self.root.verifying_key()))
    }

    /// Verifies a CMS detached `signature` over `digest` at `now`, its signer's certificate
    /// taken from the signature or else from `encoded` (revocation is the store's to say).
    pub fn verify(&self, encoded: &[u8], signature: &[u8], digest: &[u8; 32], now: DateTime<Utc>) -> Verdict {
        let Ok(signed) = pki::signed::read(signature) else {
            // Not a CMS signature: the holder, if the certificate is ours, signed nothing valid.
            return match self.read(encoded) {
                Some(c) => Verdict::InvalidSignature(c.holder, c.serial),
                None => Verdict::Unknown,
            };
        };
        // A certificate presented must be the signer's; none presented, the one the signature
        // carries is taken.
        let carried = signed.certificate.as_ref().map(|(der, _)| der.as_slice()).unwrap_or_default();
        let presented = if encoded.is_empty() { carried } else { encoded };
        let Some(signer) = self.read(presented).filter(|c| c.key_id.as_deref() == Some(signed.key_id.as_slice()))
        else {
            return Verdict::Unknown;
        };
        if !signer.valid_at(now) {
            return Verdict::Expired(signer.holder, signer.serial);
        }
        if signed.verifies(&signer, digest) {
            Verdict::Valid(signer.holder, signer.serial)
        } else {
            Verdict::InvalidSignature(signer.holder, signer.serial)
        }
    }
}

/// Signs and checks with the evidence key.
#[derive(Clone)]
pub struct EvidenceKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for EvidenceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EvidenceKey").field(&hex::encode(self.0.verifying_key().as_bytes())).finish()
    }
}

impl EvidenceKey {
    /// The key from its secret.
    pub fn new(secret: [u8; 32]) -> Self {
        EvidenceKey(ed25519_dalek::SigningKey::from_bytes(&secret))
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
        ed25519_dalek::Signature::from_slice(signature)
            .is_ok_and(|s| self.0.verifying_key().verify(message, &s).is_ok())
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
    use kz_ids::Iin;

    fn authority() -> Authority {
        Authority::new([7; 32], [9; 32]).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-04-01T10:00:00+05:00").unwrap().to_utc()
    }

    #[test]
    fn a_signature_round_trip_and_a_tampered_digest() {
        let ca = authority();
        let iin = Iin::parse("791028302728").unwrap();
        let cert = ca.issue(iin, now()).unwrap();
        let digest = [1u8; 32];
        let signature = ca.sign(iin, &digest, &cert.encoded, now()).unwrap();
        let holder = iin.to_string();
        assert_eq!(ca.verify(&[], &signature, &digest, now()), Verdict::Valid(holder.clone(), cert.serial.clone()));
        assert_eq!(
            ca.verify(&cert.encoded, &signature, &[2u8; 32], now()),
            Verdict::InvalidSignature(holder.clone(), cert.serial.clone())
        );
        let later = now() + chrono::Duration::days(VALIDITY_DAYS + 1);
        assert_eq!(ca.verify(&cert.encoded, &signature, &digest, later), Verdict::Expired(holder, cert.serial));
    }

    #[test]
    fn another_authoritys_certificate_is_unknown() {
        let iin = Iin::parse("791028302728").unwrap();
        let foreign = Authority::new([8; 32], [9; 32]).unwrap();
        let cert = foreign.issue(iin, now()).unwrap();
        let signature = foreign.sign(iin, &[1; 32], &cert.encoded, now()).unwrap();
        assert_eq!(authority().verify(&cert.encoded, &signature, &[1; 32], now()), Verdict::Unknown);
        assert_eq!(authority().verify(b"not a certificate", &[0; 64], &[1; 32], now()), Verdict::Unknown);
    }

    #[test]
    fn another_persons_signature_does_not_verify() {
        let ca = authority();
        let (a, b) = (Iin::parse("791028302728").unwrap(), Iin::parse("850215300005").unwrap());
        let cert = ca.issue(a, now()).unwrap();
        let digest = [3u8; 32];
        // b's signature presented with a's certificate: the signer id names b's key, which
        // a's certificate does not hold.
        let signature = ca.sign(b, &digest, &[], now()).unwrap();
        assert_eq!(ca.verify(&cert.encoded, &signature, &digest, now()), Verdict::Unknown);
    }

    #[test]
    fn the_same_secret_gives_the_same_root_certificate() {
        assert_eq!(authority().root_certificate(), authority().root_certificate());
        assert!(certificate::read(authority().root_certificate()).is_ok());
    }
}
