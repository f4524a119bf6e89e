//! `DocumentService`: the register of result documents. The housing services register what
//! they issue and the signatures added (through their outboxes); anyone verifies a document by
//! its bytes or by its name and SHA-256, with no identity (`access::public`).

use chrono::{DateTime, Utc};
use platform::store::Command;
use platform::{ApiError, Principal};
use prost::Message as _;
use proto::egov::gateway::v1 as pb;
use sha2::{Digest, Sha256};
use tonic::{Request, Response};

use super::exchange::timestamp;
use super::{Answer, Gateway};
use crate::authority::Verdict;
use crate::document_store::{Registration, SignatureRow};

macro_rules! method {
    ($service:literal, $method:literal) => {
        concat!("/kz.egov.gateway.v1.", $service, "/", $method)
    };
}

/// The largest document verified by its bytes (the canonical texts are a few KiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;

fn sha256_field(value: &str, field: &str) -> Result<[u8; 32], ApiError> {
    crate::authority::digest(value)
        .filter(|_| value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .ok_or_else(|| ApiError::bad_field("SHA256_INVALID", field, "a lowercase hex SHA-256, 64 characters"))
}

fn time_of(t: Option<prost_types::Timestamp>, field: &str) -> Result<DateTime<Utc>, ApiError> {
    t.and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0)))
        .ok_or_else(|| ApiError::bad_field("FIELD_REQUIRED", field, "a time"))
}

impl Gateway {
    /// What signature `s` over `digest` is now: checked under the certificate it carries, or
    /// else the newest of its signer's that verifies it (a provider's seal made before its
    /// certificate was issued), valid when it was made, and revoked or not now.
    async fn signer(
        &self,
        s: &SignatureRow,
        digest: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<pb::DocumentSigner, ApiError> {
        let (role, signer, signature) = s;
        let signed_at = pki::signed::read(signature).ok().and_then(|d| d.signed_at).unwrap_or(now);
        let mut found = (self.authority.verify(&[], signature, digest, signed_at), Vec::new());
        if found.0 == Verdict::Unknown {
            for certificate in self.registers.certificates_of(signer).await? {
                let verdict = self.authority.verify(&certificate, signature, digest, signed_at);
                if verdict != Verdict::Unknown {
                    found = (verdict, certificate);
                    break;
                }
            }
        }
        let (verdict, certificate) = found;
        let carried = pki::signed::read(signature).ok().and_then(|d| d.certificate).map(|(der, _)| der);
        let common_name = carried
            .or(Some(certificate))
            .and_then(|der| self.authority.read(&der))
            .map(|c| c.common_name)
            .unwrap_or_default();
        let (result, serial) = match verdict {
            Verdict::Unknown => (pb::VerificationResult::Unknown, String::new()),
            Verdict::Expired(_, serial) => (pb::VerificationResult::Expired, serial),
            Verdict::InvalidSignature(_, serial) => (pb::VerificationResult::InvalidSignature, serial),
            Verdict::Valid(_, serial) => {
                let revoked = self
                    .registers
                    .certificate(&serial)
                    .await?
                    .is_some_and(|(_, _, revoked)| revoked.is_some_and(|at| at <= now));
                (if revoked { pb::VerificationResult::Revoked } else { pb::VerificationResult::Valid }, serial)
            }
        };
        Ok(pb::DocumentSigner {
            role: role.clone(),
            signer: signer.clone(),
            common_name,
            certificate_serial: serial,
            result: result as i32,
        })
    }
}

#[tonic::async_trait]
impl pb::document_service_server::DocumentService for Gateway {
    async fn register_document(
        &self,
        request: Request<pb::RegisterDocumentRequest>,
    ) -> Answer<pb::RegisterDocumentResponse> {
        const M: &str = method!("DocumentService", "RegisterDocument");
        self.faults.enter(M).await?;
        let exchange = super::envelope::Exchange::open_delivery(&request, M)?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let r = request.get_ref();
            for (field, value) in [("name", &r.name), ("case_name", &r.case_name), ("kind", &r.kind)] {
                if value.trim().is_empty() {
                    return Err(ApiError::bad_field("FIELD_REQUIRED", field, "required"));
                }
            }
            sha256_field(&r.sha256, "sha256")?;
            let registration = Registration {
                client: exchange.client.clone(),
                message_id: exchange.message_id.to_string(),
                name: r.name.trim().to_owned(),
                case_name: r.case_name.trim().to_owned(),
                kind: r.kind.trim().to_owned(),
                sha256: r.sha256.clone(),
                issued_at: time_of(r.issue_time, "issue_time")?,
                signatures: r
                    .signatures
                    .iter()
                    .map(|s| (s.role.clone(), s.signer.clone(), s.signature.clone()))
                    .collect(),
                payload: r.encode_to_vec(),
            };
            let command = Command::new(Principal::of(&request), M);
            let duplicate = self.registers.register_document(command, registration).await?;
            Ok((pb::RegisterDocumentResponse { duplicate }, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    /// Public: reads nothing of the caller, whoever it is.
    async fn verify_result_document(
        &self,
        request: Request<pb::VerifyResultDocumentRequest>,
    ) -> Answer<pb::VerifyResultDocumentResponse> {
        let now = self.clock.now();
        let (name, digest) = match request.into_inner().document {
            Some(pb::verify_result_document_request::Document::Content(content)) => {
                if content.len() > MAX_DOCUMENT_BYTES {
                    return Err(ApiError::bad_field(
                        "DOCUMENT_TOO_LARGE",
                        "content",
                        format!("at most {MAX_DOCUMENT_BYTES} bytes"),
                    )
                    .into());
                }
                (law::result::document_name(&content), <[u8; 32]>::from(Sha256::digest(&content)))
            }
            Some(pb::verify_result_document_request::Document::Reference(r)) => {
                if r.name.trim().is_empty() {
                    return Err(ApiError::bad_field("FIELD_REQUIRED", "reference.name", "the document's name").into());
                }
                (Some(r.name.trim().to_owned()), sha256_field(&r.sha256, "reference.sha256")?)
            }
            None => {
                return Err(ApiError::bad_field(
                    "DOCUMENT_REQUIRED",
                    "document",
                    "its content, or its name and sha256",
                )
                .into());
            }
        };
        let mut answer = pb::VerifyResultDocumentResponse {
            verdict: pb::DocumentVerdict::Unknown as i32,
            name: name.clone().unwrap_or_default(),
            verify_time: Some(timestamp(now)),
            ..Default::default()
        };
        let registered = match &name {
            Some(name) => self.registers.document(name).await?,
            None => None,
        };
        let Some(((_, case_name, kind, sha256, issued_at), signatures)) = registered else {
            return Ok(Response::new(answer));
        };
        answer.case_name = case_name;
        answer.kind = kind;
        answer.issue_time = Some(timestamp(issued_at));
        if sha256 != hex::encode(digest) {
            answer.verdict = pb::DocumentVerdict::Altered as i32;
            return Ok(Response::new(answer));
        }
        for s in &signatures {
            answer.signers.push(self.signer(s, &digest, now).await?);
        }
        let results: Vec<i32> = answer.signers.iter().map(|s| s.result).collect();
        answer.verdict = if results.contains(&(pb::VerificationResult::Revoked as i32)) {
            pb::DocumentVerdict::Revoked
        } else if !results.is_empty() && results.iter().all(|r| *r == pb::VerificationResult::Valid as i32) {
            pb::DocumentVerdict::Genuine
        } else {
            // A registered signature that does not verify over the registered content: the
            // document as registered does not stand.
            pb::DocumentVerdict::Altered
        } as i32;
        Ok(Response::new(answer))
    }
}
