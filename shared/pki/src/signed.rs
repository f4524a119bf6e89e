//! CMS `SignedData` with detached content (RFC 5652 section 5): the signed attributes carry the
//! content type, the signing time and the content's SHA-256 (`messageDigest`), and the
//! ECDSA signature is over their DER (RFC 5652 section 5.4, RFC 5753).
//! The signer is named by its subject key identifier; its certificate travels in the
//! `certificates` set, which the signature does not cover, so a certificate may be added after
//! signing (a provider's, issued later) without touching the signature.

use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec, UtcTime};
use der::{Any, Decode as _, Encode as _};
use p256::ecdsa::SigningKey;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use crate::certificate::{self, Read};
use crate::{PkiError, SHA256, ecdsa_sha256, key_id, sign_der, verifies_der};

/// id-signedData.
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-data: the content is octets.
const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// id-contentType.
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest.
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime.
const SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");

fn malformed(e: impl std::fmt::Display) -> PkiError {
    PkiError::malformed("CMS signature", e)
}

/// Signs the content whose SHA-256 is `digest` with `key`, at `at`, naming the signer by its
/// key identifier and carrying `certificates` (the signer's, DER), as a DER `ContentInfo`.
pub fn sign(
    key: &SigningKey,
    digest: &[u8; 32],
    at: DateTime<Utc>,
    certificates: &[&[u8]],
) -> Result<Vec<u8>, PkiError> {
    let signing_time = UtcTime::from_system_time(std::time::SystemTime::from(at)).map_err(malformed)?;
    let attributes: SetOfVec<Attribute> = SetOfVec::try_from(vec![
        attribute(CONTENT_TYPE, Any::encode_from(&DATA).map_err(malformed)?)?,
        attribute(SIGNING_TIME, Any::encode_from(&signing_time).map_err(malformed)?)?,
        attribute(
            MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(malformed)?).map_err(malformed)?,
        )?,
    ])
    .map_err(malformed)?;
    let signature = sign_der(key, &attributes.to_der().map_err(malformed)?);
    let signer = SignerInfo {
        version: CmsVersion::V3,
        sid: SignerIdentifier::SubjectKeyIdentifier(SubjectKeyIdentifier(
            OctetString::new(key_id(key.verifying_key())).map_err(malformed)?,
        )),
        digest_alg: sha256(),
        signed_attrs: Some(attributes),
        signature_algorithm: ecdsa_sha256(),
        signature: OctetString::new(signature).map_err(malformed)?,
        unsigned_attrs: None,
    };
    let data = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![sha256()]).map_err(malformed)?,
        encap_content_info: EncapsulatedContentInfo { econtent_type: DATA, econtent: None },
        certificates: certificate_set(certificates)?,
        crls: None,
        signer_infos: SignerInfos::try_from(vec![signer]).map_err(malformed)?,
    };
    encode(data)
}

/// The same signature with `certificate` (DER) added to its set, when it is not there yet.
pub fn with_certificate(signed: &[u8], certificate: &[u8]) -> Result<Vec<u8>, PkiError> {
    let mut data = signed_data(signed)?;
    let mut all: Vec<Vec<u8>> = certificates_of(&data).into_iter().map(|(der, _)| der).collect();
    if !all.iter().any(|c| c == certificate) {
        all.push(certificate.to_vec());
    }
    data.certificates = certificate_set(&all.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
    encode(data)
}

fn encode(data: SignedData) -> Result<Vec<u8>, PkiError> {
    let info = ContentInfo { content_type: SIGNED_DATA, content: Any::encode_from(&data).map_err(malformed)? };
    info.to_der().map_err(malformed)
}

fn certificate_set(certificates: &[&[u8]]) -> Result<Option<CertificateSet>, PkiError> {
    if certificates.is_empty() {
        return Ok(None);
    }
    let mut set = Vec::new();
    for der_bytes in certificates {
        let certificate = Certificate::from_der(der_bytes).map_err(|e| PkiError::malformed("certificate", e))?;
        set.push(CertificateChoices::Certificate(certificate));
    }
    Ok(Some(CertificateSet::try_from(set).map_err(malformed)?))
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, PkiError> {
    Ok(Attribute { oid, values: SetOfVec::try_from(vec![value]).map_err(malformed)? })
}

fn sha256() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid: SHA256, parameters: None }
}

/// A detached signature read: what it says it signed, when, and with which key.
#[derive(Debug, Clone)]
pub struct Detached {
    /// The content's SHA-256 the signer attested (`messageDigest`).
    pub digest: Vec<u8>,
    /// The signing time the signer stated.
    pub signed_at: Option<DateTime<Utc>>,
    /// The signer's key identifier.
    pub key_id: Vec<u8>,
    /// The signer's certificate from the set (DER and read), when it travels with it.
    pub certificate: Option<(Vec<u8>, Read)>,
    attributes: Vec<u8>,
    signature: Vec<u8>,
}

impl Detached {
    /// Whether the signature over the attributes verifies under `signer` and the attributes
    /// attest `digest`.
    pub fn verifies(&self, signer: &Read, digest: &[u8; 32]) -> bool {
        self.digest == digest && verifies_der(&signer.key, &self.attributes, &self.signature)
    }
}

fn signed_data(bytes: &[u8]) -> Result<SignedData, PkiError> {
    let info = ContentInfo::from_der(bytes).map_err(malformed)?;
    if info.content_type != SIGNED_DATA {
        return Err(PkiError::Unsupported(format!("content type {} is not signed data", info.content_type)));
    }
    info.content.decode_as::<SignedData>().map_err(malformed)
}

fn certificates_of(data: &SignedData) -> Vec<(Vec<u8>, Certificate)> {
    data.certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(c) => c.to_der().ok().map(|der| (der, c.clone())),
            CertificateChoices::Other(_) => None,
        })
        .collect()
}

/// Reads a DER `ContentInfo` of detached signed data with one ECDSA P-256 signer.
pub fn read(bytes: &[u8]) -> Result<Detached, PkiError> {
    let data = signed_data(bytes)?;
    if data.encap_content_info.econtent.is_some() {
        return Err(PkiError::Unsupported("the content is attached; a detached signature is expected".into()));
    }
    let [signer] = data.signer_infos.0.as_slice() else {
        return Err(PkiError::Unsupported("one signer is expected".into()));
    };
    if signer.signature_algorithm.oid != crate::ECDSA_SHA256 || signer.digest_alg.oid != SHA256 {
        return Err(PkiError::Unsupported("a signature other than ECDSA over SHA-256".into()));
    }
    let attributes = signer.signed_attrs.as_ref().ok_or_else(|| malformed("no signed attributes"))?;
    let value = |oid: ObjectIdentifier| attributes.iter().find(|a| a.oid == oid).and_then(|a| a.values.iter().next());
    let digest = value(MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .map(|o| o.as_bytes().to_vec())
        .ok_or_else(|| malformed("no message digest"))?;
    let signed_at = value(SIGNING_TIME)
        .and_then(|v| v.decode_as::<UtcTime>().ok())
        .map(|t| DateTime::<Utc>::from(t.to_system_time()));
    let key_id = match &signer.sid {
        SignerIdentifier::SubjectKeyIdentifier(id) => id.0.as_bytes().to_vec(),
        SignerIdentifier::IssuerAndSerialNumber(_) => {
            return Err(PkiError::Unsupported("a signer named by issuer and serial".into()));
        }
    };
    let certificate = certificates_of(&data)
        .into_iter()
        .filter_map(|(der_bytes, c)| certificate::from_certificate(&c).ok().map(|read| (der_bytes, read)))
        .find(|(_, read)| read.key_id.as_deref() == Some(key_id.as_slice()));
    Ok(Detached {
        digest,
        signed_at,
        key_id,
        certificate,
        attributes: attributes.to_der().map_err(malformed)?,
        signature: signer.signature.as_bytes().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::{Request, Subject, issue, root};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|t| t.to_utc()).unwrap_or_default()
    }

    fn pair() -> (SigningKey, Vec<u8>, SigningKey, Vec<u8>) {
        let ca = crate::key_from_secret(&[7; 32]);
        let request = |subject, key: &SigningKey| Request {
            subject,
            key: *key.verifying_key(),
            serial: vec![1, 2, 3],
            not_before: at("2026-01-01T00:00:00Z"),
            not_after: at("2027-01-01T00:00:00Z"),
        };
        let root_der = root(&ca, &request(Subject::Authority { name: "TEST CA".into() }, &ca)).unwrap();
        let person = crate::key_from_secret(&[9; 32]);
        let leaf = issue(&root_der, &ca, &request(Subject::Person { iin: "791028302728".into() }, &person)).unwrap();
        (ca, root_der, person, leaf)
    }

    #[test]
    fn a_certificate_names_its_holder_and_chains_to_the_root() {
        let (ca, root_der, _, leaf) = pair();
        let read = certificate::read(&leaf).unwrap();
        assert_eq!(read.holder, "791028302728");
        assert_eq!(read.serial, "010203");
        assert!(read.issued_by(ca.verifying_key()));
        assert!(!read.issued_by(crate::key_from_secret(&[8; 32]).verifying_key()));
        assert!(certificate::read(&root_der).unwrap().issued_by(ca.verifying_key()));
        assert!(read.valid_at(at("2026-06-01T00:00:00Z")) && !read.valid_at(at("2027-06-01T00:00:00Z")));
    }

    #[test]
    fn a_detached_signature_verifies_only_its_digest_under_its_signer() {
        let (_, _, person, leaf) = pair();
        let digest = [5u8; 32];
        let signed = sign(&person, &digest, at("2026-04-01T05:00:00Z"), &[&leaf]).unwrap();
        let read = read(&signed).unwrap();
        let (_, signer) = read.certificate.clone().unwrap();
        assert!(read.verifies(&signer, &digest));
        assert!(!read.verifies(&signer, &[6u8; 32]));
        assert_eq!(read.signed_at, Some(at("2026-04-01T05:00:00Z")));
        let mut tampered = signed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(super::read(&tampered).is_ok_and(|r| !r.verifies(&signer, &digest)));
    }

    #[test]
    fn a_certificate_added_later_leaves_the_signature_as_it_was() {
        let (_, _, person, leaf) = pair();
        let digest = [5u8; 32];
        let bare = sign(&person, &digest, at("2026-04-01T05:00:00Z"), &[]).unwrap();
        assert!(read(&bare).unwrap().certificate.is_none());
        let completed = with_certificate(&bare, &leaf).unwrap();
        let read = read(&completed).unwrap();
        assert!(read.verifies(&read.certificate.clone().unwrap().1, &digest));
    }
}
