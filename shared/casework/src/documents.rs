//! The documents an application or a complaint carries (`common.v1.Document`), kept with the
//! case in the service's `documents` table: nothing accepted is lost.

use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

/// A document as kept: kind, media type, SHA-256, content.
pub type Kept = (String, String, String, Vec<u8>);

/// Keeps a case's documents, in the order filed.
pub async fn keep(tx: &mut WriteTx, id: i64, documents: &[Kept]) -> Result<(), ApiError> {
    for (seq, (kind, media, sha, content)) in documents.iter().enumerate() {
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        on_backend!(tx.conn(), |c| sqlx::query(
            "INSERT INTO documents (application_id, seq, kind, media_type, sha256, content) VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(id)
        .bind(seq)
        .bind(kind)
        .bind(media)
        .bind(sha)
        .bind(content)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)?;
    }
    Ok(())
}

/// The kinds of a case's documents, in the order filed.
pub async fn kinds(db: &Db, id: i64) -> Result<Vec<String>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_scalar(
        "SELECT kind FROM documents WHERE application_id = $1 ORDER BY seq"
    )
    .bind(id)
    .fetch_all(c)
    .await)
    .map_err(store_error)
}
