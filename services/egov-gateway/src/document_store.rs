//! Storage of the register of result documents (`DocumentService`): a document by name with
//! its content's SHA-256, and the signatures registered for it, in order.

use chrono::{DateTime, Utc};
use platform::store::{Command, store_error};
use platform::{ApiError, on_backend};

use crate::store::Registers;

/// A registered document: the registering service, case, kind, SHA-256, issue time.
pub type DocumentRow = (String, String, String, String, DateTime<Utc>);

/// A registered signature: role, signer, CMS bytes.
pub type SignatureRow = (String, String, Vec<u8>);

/// A registration as received.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The registering service (`x-egov-client`) and its message id.
    pub client: String,
    /// Its message id.
    pub message_id: String,
    /// The document's name.
    pub name: String,
    /// Its case.
    pub case_name: String,
    /// Its kind.
    pub kind: String,
    /// Its SHA-256.
    pub sha256: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// The signatures it brings.
    pub signatures: Vec<SignatureRow>,
    /// The request as received: its hash is kept beside the message id, so that another
    /// registration under the same id is refused rather than dropped.
    pub payload: Vec<u8>,
}

impl Registers {
    /// Registers a document, or adds the signatures a later registration of the same name
    /// brings; once per (client, message id). A name registered by another client, or with
    /// another SHA-256, is refused: a document never changes. Answers whether it was a repeat.
    pub async fn register_document(&self, command: Command, r: Registration) -> Result<bool, ApiError> {
        self.db()
            .transact::<bool, _>(command, move |tx| {
                Box::pin(async move {
                    if !tx.accept_once(&r.client, &r.message_id, &r.payload).await? {
                        tx.audit(&r.name, "redelivery dropped").await?;
                        return Ok(true);
                    }
                    let now = tx.now();
                    on_backend!(tx.conn(), |c| sqlx::query(
                        "INSERT INTO document_register (name, client, case_name, kind, sha256, issued_at, registered_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING"
                    )
                    .bind(&r.name)
                    .bind(&r.client)
                    .bind(&r.case_name)
                    .bind(&r.kind)
                    .bind(&r.sha256)
                    .bind(r.issued_at)
                    .bind(now)
                    .execute(c)
                    .await
                    .map(|_| ()))
                    .map_err(store_error)?;
                    let (client, sha256): (String, String) = on_backend!(tx.conn(), |c| sqlx::query_as(
                        "SELECT client, sha256 FROM document_register WHERE name = $1"
                    )
                    .bind(&r.name)
                    .fetch_one(c)
                    .await)
                    .map_err(store_error)?;
                    if client != r.client || sha256 != r.sha256 {
                        return Err(ApiError::already_exists(
                            "DOCUMENT_NAME_TAKEN",
                            format!("{} is registered already, with other content or by another service", r.name),
                        )
                        .meta("name", r.name.clone()));
                    }
                    for (role, signer, signature) in &r.signatures {
                        on_backend!(tx.conn(), |c| sqlx::query(
                            "INSERT INTO document_signatures (name, number, role, signer, signature) \
                             SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4 FROM document_signatures WHERE name = $1"
                        )
                        .bind(&r.name)
                        .bind(role)
                        .bind(signer)
                        .bind(signature)
                        .execute(c)
                        .await
                        .map(|_| ()))
                        .map_err(store_error)?;
                    }
                    tx.audit(&r.name, &format!("registered with {} signature(s)", r.signatures.len())).await?;
                    Ok(false)
                })
            })
            .await
            .map(|c| c.response)
    }

    /// A registered document and its signatures, in order.
    pub async fn document(&self, name: &str) -> Result<Option<(DocumentRow, Vec<SignatureRow>)>, ApiError> {
        let row: Option<DocumentRow> = on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT client, case_name, kind, sha256, issued_at FROM document_register WHERE name = $1"
        )
        .bind(name)
        .fetch_optional(pool)
        .await)
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let signatures: Vec<SignatureRow> = on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT role, signer, signature FROM document_signatures WHERE name = $1 ORDER BY number"
        )
        .bind(name)
        .fetch_all(pool)
        .await)
        .map_err(store_error)?;
        Ok(Some((row, signatures)))
    }

    /// The certificates issued to `holder` (an IIN or a BIN), encoded, newest first.
    pub async fn certificates_of(&self, holder: &str) -> Result<Vec<Vec<u8>>, ApiError> {
        on_backend!(self.db().reader(), |pool| sqlx::query_scalar(
            "SELECT encoded FROM certificates WHERE iin = $1 ORDER BY not_after DESC"
        )
        .bind(holder)
        .fetch_all(pool)
        .await)
        .map_err(store_error)
    }
}
