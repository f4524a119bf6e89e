//! Results as signed e-documents (SR cl. 10; row 6 of each annex): each result a service hands
//! out (an enrolment notice, a refusal, the commission's decision, the transfer act, the
//! contract, the subsidy's assignment, a complaint's decision) is issued in the result's own
//! transaction as a document with a canonical text in kk, ru and en, sealed there with the
//! provider's key ([A-PROVIDER-SEAL]) by a CMS detached signature, and registered at the
//! gateway through the outbox, where anyone verifies it (`DocumentService/VerifyResultDocument`).
//! The official who decided, and for a contract the applicant, add their own signatures over
//! the same SHA-256 ([`add`]).
//!
//! The provider's key is made once per database and kept there; the gateway's certification
//! authority certifies it ([`certify_seal`], at start, retried until it answers). A seal made
//! before the certificate arrived names its key only; the certificate is added to it when the
//! document is read, which the signature does not cover.

use chrono::{DateTime, Utc};
use clients::{CaseRef, GatewayClient};
use law::result::{DOCUMENT_HEADER, Provider, ResultKind};
use platform::store::outbox::OutboxMessage;
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, Subsystem, on_backend};
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use sha2::{Digest, Sha256};

use crate::history::timestamp;

/// The gateway's method that registers a document.
pub const REGISTER_DOCUMENT: &str = "/kz.egov.gateway.v1.DocumentService/RegisterDocument";
/// The row of `provider_keys` that seals results.
const SEAL: &str = "seal";

/// Who signs: the provider's seal, an official, the applicant.
pub const PROVIDER: &str = "PROVIDER";
/// An official's signature.
pub const OFFICIAL: &str = "OFFICIAL";
/// The applicant's signature (a contract).
pub const APPLICANT: &str = "APPLICANT";

/// A service's seal as its handlers reach it: the gateway that certifies the key and verifies
/// people's signatures, and the authority's root certificate once read.
#[derive(Debug, Clone)]
pub struct Seal {
    gateway: GatewayClient,
    root: std::sync::Arc<std::sync::OnceLock<Vec<u8>>>,
}

impl Seal {
    /// The seal reached through `gateway`.
    pub fn new(gateway: GatewayClient) -> Self {
        Seal { gateway, root: std::sync::Arc::default() }
    }

    /// The gateway.
    pub fn gateway(&self) -> &GatewayClient {
        &self.gateway
    }

    /// The authority's root certificate, DER: read from the gateway once, then kept; empty
    /// while the gateway does not answer (the document is still served, and verified online).
    pub async fn root(&self) -> Vec<u8> {
        if let Some(root) = self.root.get() {
            return root.clone();
        }
        let case = CaseRef {
            name: "results/authority".into(),
            purpose: "SR cl. 10: verifying result documents offline".into(),
            user_iin: String::new(),
        };
        match self.gateway.get_authority_certificate(&case, gw::GetAuthorityCertificateRequest {}).await {
            Ok(answer) => self.root.get_or_init(|| answer.certificate).clone(),
            Err(e) => {
                tracing::warn!(error = %e.message(), "the authority's root certificate is not read yet");
                Vec::new()
            }
        }
    }
}

/// A result to issue as a document.
#[derive(Debug, Clone, Copy)]
pub struct Decided<'a> {
    /// The service, as `law::result::provider` names it (`registry`).
    pub service: &'a str,
    /// The case's row id.
    pub case_id: i64,
    /// The case's resource name.
    pub case_name: &'a str,
    /// The kind of result.
    pub kind: ResultKind,
    /// The decision, as the case's stage says it (`ENROLLED`, `REFUSED`).
    pub decision: &'a str,
    /// The clause it rests on.
    pub clause: &'a str,
    /// Its text, as the person is told it.
    pub text: &'a common::LocalizedText,
}

/// The canonical content of a document (README "Result documents"): UTF-8, one field a line,
/// LF, in this order, then the title and text in each language. Nothing in it depends on the
/// machine: the same result gives the same bytes.
pub fn canonical(name: &str, result: &Decided<'_>, provider: Provider, issued_at: DateTime<Utc>) -> Vec<u8> {
    let local = issued_at.with_timezone(&calendar::KAZAKHSTAN);
    let [title_kk, title_ru, title_en] = result.kind.title();
    let flat = |text: &str| text.replace(['\r', '\n'], " ");
    format!(
        "{DOCUMENT_HEADER}\nname: {name}\nkind: {}\ncase: {}\ndecision: {}\nclause: {}\nissued: {}\nprovider: {} (BIN {})\n\n[kk] {title_kk}\n{}\n\n[ru] {title_ru}\n{}\n\n[en] {title_en}\n{}\n",
        result.kind.code(),
        result.case_name,
        result.decision,
        flat(result.clause),
        local.format("%Y-%m-%dT%H:%M:%S%:z"),
        provider.name,
        provider.bin,
        flat(&result.text.kk),
        flat(&result.text.ru),
        flat(&result.text.en),
    )
    .into_bytes()
}

fn provider_of(service: &str) -> Result<Provider, ApiError> {
    law::result::provider(service).ok_or_else(|| ApiError::internal(format!("no provider named for {service}")))
}

/// Issues `result` as a document in `tx`: its content, the provider's seal, and its
/// registration at the gateway through the outbox. Answers the document's name.
pub async fn issue(tx: &mut WriteTx, result: Decided<'_>) -> Result<String, ApiError> {
    let provider = provider_of(result.service)?;
    let seq: i64 = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM result_documents WHERE application_id = $1"
    )
    .bind(result.case_id)
    .fetch_one(c)
    .await)
    .map_err(store_error)?;
    let name = format!("{}/results/{seq}", result.case_name);
    let at = tx.now();
    let content = canonical(&name, &result, provider, at);
    let digest: [u8; 32] = Sha256::digest(&content).into();
    let sha256 = hex::encode(digest);
    let (secret, certificate, serial) = seal_key_in(tx).await?;
    let certificates: Vec<&[u8]> = certificate.as_deref().into_iter().collect();
    let seal = pki::signed::sign(&pki::key_from_secret(&secret), &digest, at, &certificates)
        .map_err(|e| ApiError::internal(format!("sealing {name}: {e}")))?;
    on_backend!(tx.conn(), |c| sqlx::query(
        "INSERT INTO result_documents (application_id, seq, name, kind, content, sha256, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(result.case_id)
    .bind(seq)
    .bind(&name)
    .bind(result.kind.code())
    .bind(&content)
    .bind(&sha256)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(store_error)?;
    let sealed = Signature { role: PROVIDER.into(), signer: provider.bin.into(), serial, signature: seal, at };
    add_signature(tx, result.case_id, seq, &sealed).await?;
    let registration = gw::RegisterDocumentRequest {
        name: name.clone(),
        case_name: result.case_name.to_owned(),
        kind: result.kind.code().to_owned(),
        sha256,
        issue_time: Some(timestamp(at)),
        signatures: vec![sealed.registered()],
    };
    tx.enqueue(OutboxMessage::new(
        Subsystem::Gateway,
        REGISTER_DOCUMENT,
        result.case_name,
        "SR cl. 10: the result as a verifiable e-document",
        &registration,
    ))
    .await?;
    tx.audit(&name, &format!("{} issued and sealed", result.kind.code())).await?;
    Ok(name)
}

/// Hands a result out in its change: the document ([`issue`]) and the `notice` telling the
/// person, both or neither.
pub async fn hand_out(tx: &mut WriteTx, result: Decided<'_>, notice: OutboxMessage) -> Result<String, ApiError> {
    let name = issue(tx, result).await?;
    tx.enqueue(notice).await?;
    Ok(name)
}

/// One signature of a document.
#[derive(Debug, Clone)]
struct Signature {
    role: String,
    signer: String,
    serial: String,
    signature: Vec<u8>,
    at: DateTime<Utc>,
}

impl Signature {
    fn registered(&self) -> gw::RegisteredSignature {
        gw::RegisteredSignature {
            role: self.role.clone(),
            signer: self.signer.clone(),
            signature: self.signature.clone(),
        }
    }
}

async fn add_signature(tx: &mut WriteTx, case_id: i64, seq: i64, s: &Signature) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "INSERT INTO result_signatures (application_id, seq, number, role, signer, serial, signature, signed_at) \
         SELECT $1, $2, COALESCE(MAX(number), 0) + 1, $3, $4, $5, $6, $7 FROM result_signatures WHERE application_id = $1 AND seq = $2"
    )
    .bind(case_id)
    .bind(seq)
    .bind(&s.role)
    .bind(&s.signer)
    .bind(&s.serial)
    .bind(&s.signature)
    .bind(s.at)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(store_error)
}

type SealRow = (Vec<u8>, Option<Vec<u8>>, Option<String>);

async fn seal_key_in(tx: &mut WriteTx) -> Result<([u8; 32], Option<Vec<u8>>, String), ApiError> {
    let row: Option<SealRow> = on_backend!(tx.conn(), |c| sqlx::query_as(
        "SELECT secret, certificate, serial FROM provider_keys WHERE name = $1"
    )
    .bind(SEAL)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    let (secret, certificate, serial) =
        row.ok_or_else(|| ApiError::internal("the provider's sealing key is not made"))?;
    let secret: [u8; 32] = secret.try_into().map_err(|_| ApiError::internal("the sealing key is not 32 bytes"))?;
    Ok((secret, certificate, serial.unwrap_or_default()))
}

/// Makes the provider's sealing key if there is none: whoever inserts first wins, on any
/// number of replicas.
pub async fn make_seal_key(db: &Db) -> Result<(), ApiError> {
    let mut fresh = uuid::Uuid::new_v4().into_bytes().to_vec();
    fresh.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    on_backend!(db.writer(), |pool| sqlx::query(
        "INSERT INTO provider_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"
    )
    .bind(SEAL)
    .bind(fresh)
    .execute(pool)
    .await
    .map(|_| ()))
    .map_err(store_error)
}

async fn seal_public_key(db: &Db) -> Result<(pki::VerifyingKey, bool), ApiError> {
    let row: Option<SealRow> = on_backend!(db.writer(), |pool| sqlx::query_as(
        "SELECT secret, certificate, serial FROM provider_keys WHERE name = $1"
    )
    .bind(SEAL)
    .fetch_optional(pool)
    .await)
    .map_err(store_error)?;
    let (secret, certificate, _) = row.ok_or_else(|| ApiError::internal("the provider's sealing key is not made"))?;
    let secret: [u8; 32] = secret.try_into().map_err(|_| ApiError::internal("the sealing key is not 32 bytes"))?;
    Ok((*pki::key_from_secret(&secret).verifying_key(), certificate.is_some()))
}

/// The seal of the service `me` serving in `ctx` with its database `db`: the sealing key made if
/// there is none, and certified in the background ([`certify_seal`], retried every second until
/// the gateway answers).
pub async fn start(ctx: &platform::ServerContext, me: Subsystem, db: &Db) -> Result<Seal, ApiError> {
    let pool = clients::ChannelPool::from_channels(ctx.channels(me, Subsystem::Gateway, 1)?);
    let seal = Seal::new(GatewayClient::new(pool, me.as_str(), clients::CallPolicy::default()));
    make_seal_key(db).await?;
    let retry = std::time::Duration::from_secs(1);
    tokio::spawn(certify_seal(db.clone(), seal.clone(), me.as_str(), retry, ctx.shutdown_signal()));
    Ok(seal)
}

/// Has the gateway's authority certify the sealing key of `service`, once: retried every
/// `retry` until it answers or `shutdown` turns true. Logged; the service serves meanwhile.
pub async fn certify_seal(
    db: Db,
    seal: Seal,
    service: &'static str,
    retry: std::time::Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match certify_once(&db, seal.gateway(), service).await {
            Ok(()) => return,
            Err(e) => tracing::warn!(service, error = %e, "the seal's certificate is not issued yet; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(retry) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn certify_once(db: &Db, gateway: &GatewayClient, service: &str) -> Result<(), ApiError> {
    let (key, certified) = seal_public_key(db).await?;
    if certified {
        return Ok(());
    }
    let provider = provider_of(service)?;
    let case = CaseRef {
        name: format!("{service}/provider-keys/{SEAL}"),
        purpose: "SR cl. 10: the provider's seal of its results".into(),
        user_iin: String::new(),
    };
    let request = gw::IssueOrganizationCertificateRequest {
        bin: provider.bin.into(),
        organization_name: provider.name.into(),
        public_key: pki::public_bytes(&key),
    };
    let issued = gateway
        .issue_organization_certificate(&case, request)
        .await
        .map_err(|s| ApiError::unavailable("GATEWAY_UNAVAILABLE", format!("the gateway: {}", s.message())))?;
    on_backend!(db.writer(), |pool| sqlx::query(
        "UPDATE provider_keys SET certificate = $1, serial = $2 WHERE name = $3 AND certificate IS NULL"
    )
    .bind(&issued.certificate)
    .bind(&issued.serial)
    .bind(SEAL)
    .execute(pool)
    .await
    .map(|_| ()))
    .map_err(store_error)?;
    tracing::info!(service, serial = %issued.serial, "the seal's certificate is issued");
    Ok(())
}

type DocumentRow = (i64, i64, String, String, Vec<u8>, String, DateTime<Utc>);
type SignatureRow = (String, String, String, Vec<u8>, DateTime<Utc>);

/// The provider's certificate and its serial, once issued.
type Certified = (Option<Vec<u8>>, Option<String>);

async fn certified(db: &Db) -> Result<Certified, ApiError> {
    let row: Option<Certified> =
        on_backend!(db.reader(), |c| sqlx::query_as("SELECT certificate, serial FROM provider_keys WHERE name = $1")
            .bind(SEAL)
            .fetch_optional(c)
            .await)
        .map_err(store_error)?;
    Ok(row.unwrap_or_default())
}

/// A document as the contract shows it: its seal completed with the provider's certificate
/// once known (`certified`), and the authority's root when `root` is given.
async fn show(
    db: &Db,
    row: DocumentRow,
    certified: &Certified,
    root: &[u8],
) -> Result<common::ResultDocument, ApiError> {
    let (case_id, seq, name, kind, content, sha256, issued_at) = row;
    let signatures: Vec<SignatureRow> = on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT role, signer, serial, signature, signed_at FROM result_signatures WHERE application_id = $1 AND seq = $2 ORDER BY number"
    )
    .bind(case_id)
    .bind(seq)
    .fetch_all(c)
    .await)
    .map_err(store_error)?;
    let (certificate, provider_serial) = certified;
    let case_name = name.rsplit_once("/results/").map(|(case, _)| case.to_owned()).unwrap_or_default();
    Ok(common::ResultDocument {
        name,
        case_name,
        kind,
        content,
        sha256,
        issue_time: Some(timestamp(issued_at)),
        signatures: signatures
            .into_iter()
            .map(|(role, signer, serial, signature, at)| {
                let (signature, serial) = match (&certificate, role == PROVIDER) {
                    (Some(c), true) => (
                        pki::signed::with_certificate(&signature, c).unwrap_or(signature),
                        provider_serial.clone().unwrap_or(serial),
                    ),
                    _ => (signature, serial),
                };
                common::DocumentSignature {
                    role,
                    signer,
                    certificate_serial: serial,
                    signature,
                    sign_time: Some(timestamp(at)),
                }
            })
            .collect(),
        authority_certificate: root.to_vec(),
    })
}

/// The document `name` names, if it belongs to case `case_id`.
pub async fn get(db: &Db, case_id: i64, name: &str, root: &[u8]) -> Result<Option<common::ResultDocument>, ApiError> {
    let row: Option<DocumentRow> = on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT application_id, seq, name, kind, content, sha256, issued_at FROM result_documents WHERE application_id = $1 AND name = $2"
    )
    .bind(case_id)
    .bind(name)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    match row {
        Some(row) => Ok(Some(show(db, row, &certified(db).await?, root).await?)),
        None => Ok(None),
    }
}

/// Every document of case `case_id`, oldest first.
pub async fn list(db: &Db, case_id: i64, root: &[u8]) -> Result<Vec<common::ResultDocument>, ApiError> {
    let rows: Vec<DocumentRow> = on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT application_id, seq, name, kind, content, sha256, issued_at FROM result_documents WHERE application_id = $1 ORDER BY seq"
    )
    .bind(case_id)
    .fetch_all(c)
    .await)
    .map_err(store_error)?;
    let certified = certified(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(show(db, row, &certified, root).await?);
    }
    Ok(out)
}

/// The case a document's name belongs to: `<case>/results/<n>`.
pub fn case_of(name: &str) -> Option<&str> {
    let (case, number) = name.rsplit_once("/results/")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some(case)
}

/// Adds the signature of `signer` (who the gateway verified it is, in `role`) to the document
/// `name` of case `case_id`, and registers it at the gateway, in `tx`.
pub async fn add(
    tx: &mut WriteTx,
    case_id: i64,
    name: &str,
    role: &str,
    signer: &str,
    serial: &str,
    signature: Vec<u8>,
) -> Result<(), ApiError> {
    let found: Option<(i64, String, String, DateTime<Utc>)> = on_backend!(tx.conn(), |c| sqlx::query_as(
        "SELECT seq, kind, sha256, issued_at FROM result_documents WHERE application_id = $1 AND name = $2"
    )
    .bind(case_id)
    .bind(name)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    let (seq, kind, sha256, issued_at) = found.ok_or_else(|| not_found(name))?;
    let at = tx.now();
    let added = Signature { role: role.into(), signer: signer.into(), serial: serial.into(), signature, at };
    add_signature(tx, case_id, seq, &added).await?;
    let case_name = case_of(name).unwrap_or_default().to_owned();
    let registration = gw::RegisterDocumentRequest {
        name: name.to_owned(),
        case_name: case_name.clone(),
        kind,
        sha256,
        issue_time: Some(timestamp(issued_at)),
        signatures: vec![added.registered()],
    };
    tx.enqueue(OutboxMessage::new(
        Subsystem::Gateway,
        REGISTER_DOCUMENT,
        &case_name,
        "SR cl. 10: a signature added to a result document",
        &registration,
    ))
    .await?;
    tx.audit(name, &format!("signed by {signer} as {role}")).await
}

/// The answer for a document that is not there, or that the caller may not see.
pub fn not_found(name: &str) -> ApiError {
    ApiError::not_found("RESULT_DOCUMENT_NOT_FOUND", format!("no result document {name}")).meta("name", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|t| t.to_utc()).unwrap_or_default()
    }

    #[test]
    fn the_canonical_text_names_itself_and_reads_the_same_every_time() {
        let text = common::LocalizedText {
            kk: "Кезек № 12.".into(),
            ru: "Очередь № 12.".into(),
            en: "Place 12.\r\nEnd".into(),
        };
        let result = Decided {
            service: "registry",
            case_id: 42,
            case_name: "registry/applications/42",
            kind: ResultKind::EnrolmentNotice,
            decision: "ENROLLED",
            clause: "Annex 2 row 6",
            text: &text,
        };
        let provider = provider_of("registry").unwrap();
        let one = canonical("registry/applications/42/results/1", &result, provider, at("2026-04-01T05:00:00Z"));
        assert_eq!(one, canonical("registry/applications/42/results/1", &result, provider, at("2026-04-01T05:00:00Z")));
        let text = String::from_utf8(one.clone()).unwrap();
        assert!(text.contains("\nissued: 2026-04-01T10:00:00+05:00\n"), "{text}");
        assert!(text.contains("[en] Notice of enrolment\nPlace 12.  End\n"), "one line per language: {text}");
        assert_eq!(law::result::document_name(&one).as_deref(), Some("registry/applications/42/results/1"));
        assert_eq!(case_of("registry/applications/42/results/1"), Some("registry/applications/42"));
        assert_eq!(case_of("registry/applications/42/results/x"), None);
    }
}
