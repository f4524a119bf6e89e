//! X.509 v3 certificates on P-256: a self-signed root with the CA's constraints, and
//! end-entity certificates for signing (a person's, bound to an IIN; an organization's, bound
//! to a BIN), as the national certification authority's name them: `SERIALNUMBER=IIN…` for a
//! person, `OU=BIN…` with the organization's name for an organization.

use chrono::{DateTime, Utc};
use der::asn1::{BitString, OctetString};
use der::oid::AssociatedOid as _;
use der::{Decode as _, Encode as _};
use p256::ecdsa::{SigningKey, VerifyingKey};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::certificate::{TbsCertificate, Version};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use crate::{PkiError, ec_p256, ecdsa_sha256, key_id, public_bytes, sign_der, verifies_der};

/// Whom a certificate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The certification authority itself.
    Authority {
        /// Its name (`CN`).
        name: String,
    },
    /// A person, by IIN (`SERIALNUMBER=IIN<12 digits>`).
    Person {
        /// The 12-digit IIN.
        iin: String,
    },
    /// An organization, by BIN (`OU=BIN<12 digits>`) and name (`O`, `CN`).
    Organization {
        /// The 12-digit BIN.
        bin: String,
        /// Its name.
        name: String,
    },
}

impl Subject {
    /// The distinguished name in RFC 4514 form. Values are the suite's own (digits, and names
    /// without the characters RFC 4514 escapes), checked here all the same.
    fn name(&self) -> Result<Name, PkiError> {
        let text = match self {
            Subject::Authority { name } => format!("CN={},C=KZ", safe(name)?),
            Subject::Person { iin } => format!("CN={0},SERIALNUMBER=IIN{0},C=KZ", safe(iin)?),
            Subject::Organization { bin, name } => {
                format!("CN={0},O={0},OU=BIN{1},C=KZ", safe(name)?, safe(bin)?)
            }
        };
        text.parse().map_err(|e| PkiError::malformed("name", e))
    }
}

fn safe(value: &str) -> Result<&str, PkiError> {
    if value.is_empty() || value.chars().any(|c| matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=' | '#')) {
        return Err(PkiError::Unsupported(format!("a name part {value:?} with characters RFC 4514 escapes")));
    }
    Ok(value)
}

/// What a certificate is issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Whom it names.
    pub subject: Subject,
    /// The subject's public key.
    pub key: VerifyingKey,
    /// The serial number's bytes (positive, at most 20 bytes).
    pub serial: Vec<u8>,
    /// Valid from.
    pub not_before: DateTime<Utc>,
    /// Valid until.
    pub not_after: DateTime<Utc>,
}

/// A self-signed root for the authority's `key`: a CA (basic constraints, critical), signing
/// certificates and revocation lists only.
pub fn root(key: &SigningKey, request: &Request) -> Result<Vec<u8>, PkiError> {
    let name = request.subject.name()?;
    let own = key_id(key.verifying_key());
    let extensions = vec![
        extension(&BasicConstraints { ca: true, path_len_constraint: Some(0) }, true)?,
        extension(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign), true)?,
        extension(&SubjectKeyIdentifier(octets(own)?), false)?,
    ];
    sign(key, name.clone(), name, request, extensions)
}

/// An end-entity certificate under the root `issuer` (its DER) signed with `issuer_key`: for
/// digital signatures and non-repudiation (the `smimesign` purpose `openssl cms` checks).
pub fn issue(issuer: &[u8], issuer_key: &SigningKey, request: &Request) -> Result<Vec<u8>, PkiError> {
    let issuer = Certificate::from_der(issuer).map_err(|e| PkiError::malformed("issuer certificate", e))?;
    let authority = AuthorityKeyIdentifier {
        key_identifier: Some(octets(key_id(issuer_key.verifying_key()))?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    let extensions = vec![
        extension(&BasicConstraints { ca: false, path_len_constraint: None }, true)?,
        extension(&KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation), true)?,
        extension(&SubjectKeyIdentifier(octets(key_id(&request.key))?), false)?,
        extension(&authority, false)?,
    ];
    sign(issuer_key, issuer.tbs_certificate.subject, request.subject.name()?, request, extensions)
}

fn sign(
    issuer_key: &SigningKey,
    issuer: Name,
    subject: Name,
    request: &Request,
    extensions: Vec<Extension>,
) -> Result<Vec<u8>, PkiError> {
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&request.serial).map_err(|e| PkiError::malformed("serial", e))?,
        signature: ecdsa_sha256(),
        issuer,
        validity: Validity { not_before: time(request.not_before)?, not_after: time(request.not_after)? },
        subject,
        subject_public_key_info: SubjectPublicKeyInfoOwned {
            algorithm: ec_p256()?,
            subject_public_key: bits(&public_bytes(&request.key))?,
        },
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let signed = tbs.to_der().map_err(|e| PkiError::malformed("certificate", e))?;
    let signature = sign_der(issuer_key, &signed);
    let certificate =
        Certificate { tbs_certificate: tbs, signature_algorithm: ecdsa_sha256(), signature: bits(&signature)? };
    certificate.to_der().map_err(|e| PkiError::malformed("certificate", e))
}

fn extension<T: der::oid::AssociatedOid + der::Encode>(value: &T, critical: bool) -> Result<Extension, PkiError> {
    let bytes = value.to_der().map_err(|e| PkiError::malformed("extension", e))?;
    Ok(Extension { extn_id: T::OID, critical, extn_value: octets(bytes)? })
}

fn octets(bytes: Vec<u8>) -> Result<OctetString, PkiError> {
    OctetString::new(bytes).map_err(|e| PkiError::malformed("octet string", e))
}

fn bits(bytes: &[u8]) -> Result<BitString, PkiError> {
    BitString::from_bytes(bytes).map_err(|e| PkiError::malformed("bit string", e))
}

fn time(at: DateTime<Utc>) -> Result<Time, PkiError> {
    Time::try_from(std::time::SystemTime::from(at)).map_err(|e| PkiError::malformed("time", e))
}

fn chrono_time(at: &Time) -> DateTime<Utc> {
    DateTime::<Utc>::from(at.to_system_time())
}

/// A certificate read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The serial number, lowercase hex of its bytes.
    pub serial: String,
    /// The IIN of a person's certificate, the BIN of an organization's; empty for the root.
    pub holder: String,
    /// The subject's common name.
    pub common_name: String,
    /// Valid from.
    pub not_before: DateTime<Utc>,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// The subject's key.
    pub key: VerifyingKey,
    /// The subject key identifier, when the certificate has one.
    pub key_id: Option<Vec<u8>>,
    tbs: Vec<u8>,
    signature: Vec<u8>,
}

impl Read {
    /// Whether `issuer` signed this certificate.
    pub fn issued_by(&self, issuer: &VerifyingKey) -> bool {
        verifies_der(issuer, &self.tbs, &self.signature)
    }

    /// Whether it is valid at `at`.
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// Reads a DER certificate with a P-256 key and an ECDSA signature.
pub fn read(der_bytes: &[u8]) -> Result<Read, PkiError> {
    let certificate = Certificate::from_der(der_bytes).map_err(|e| PkiError::malformed("certificate", e))?;
    from_certificate(&certificate)
}

pub(crate) fn from_certificate(certificate: &Certificate) -> Result<Read, PkiError> {
    let tbs = &certificate.tbs_certificate;
    let spki = &tbs.subject_public_key_info;
    if spki.algorithm != ec_p256()? || certificate.signature_algorithm.oid != crate::ECDSA_SHA256 {
        return Err(PkiError::Unsupported("a certificate not on P-256 with ECDSA".into()));
    }
    let point = spki.subject_public_key.as_bytes().ok_or_else(|| PkiError::malformed("public key", "bits"))?;
    let key = VerifyingKey::from_sec1_bytes(point).map_err(|e| PkiError::malformed("public key", e))?;
    let mut holder = String::new();
    let mut common_name = String::new();
    for rdn in &tbs.subject.0 {
        for attribute in rdn.0.iter() {
            let text = attribute.to_string();
            let value = text.split_once('=').map(|(_, v)| v.to_owned()).unwrap_or_default();
            match attribute.oid.to_string().as_str() {
                "2.5.4.3" => common_name = value,
                "2.5.4.5" => holder = value.trim_start_matches("IIN").to_owned(),
                "2.5.4.11" if value.starts_with("BIN") => holder = value.trim_start_matches("BIN").to_owned(),
                _ => {}
            }
        }
    }
    let key_id =
        tbs.extensions.iter().flatten().find(|e| e.extn_id == SubjectKeyIdentifier::OID).and_then(|e| {
            SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok().map(|k| k.0.as_bytes().to_vec())
        });
    Ok(Read {
        serial: hex_of(tbs.serial_number.as_bytes()),
        holder,
        common_name,
        not_before: chrono_time(&tbs.validity.not_before),
        not_after: chrono_time(&tbs.validity.not_after),
        key,
        key_id,
        tbs: tbs.to_der().map_err(|e| PkiError::malformed("certificate", e))?,
        signature: certificate.signature.raw_bytes().to_vec(),
    })
}

/// Lowercase hex.
pub fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
