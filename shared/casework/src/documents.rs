//! The documents an application or a complaint carries (`common.v1.Document`), kept with the
//! case in the service's `documents` table: nothing accepted is lost.

use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};
use proto::housing::common::v1 as common;
use sha2::{Digest, Sha256};

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

/// How large the documents of one request may be (DESIGN.md "Contracts").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest document.
    pub each: usize,
    /// All documents of one request together.
    pub total: usize,
}

/// Checks the documents a request carries, noting each problem as a field violation: a kind the
/// service knows (where `kinds` names them), a media type, content within `limits`, and the
/// SHA-256 the request claims for it. Answers the documents as they are kept.
pub fn check(
    documents: &[common::Document],
    kinds: Option<&[&str]>,
    limits: Limits,
    note: &mut dyn FnMut(ApiError),
) -> Vec<Kept> {
    let mut kept = Vec::with_capacity(documents.len());
    let mut total = 0usize;
    for (i, d) in documents.iter().enumerate() {
        let at = |f: &str| format!("documents[{i}].{f}");
        if let Some(kinds) = kinds.filter(|kinds| !kinds.contains(&d.kind.as_str())) {
            note(ApiError::bad_field("DOCUMENT_KIND_UNKNOWN", at("kind"), format!("one of {}", kinds.join(", "))));
        }
        if d.media_type.trim().is_empty() {
            note(ApiError::bad_field("FIELD_REQUIRED", at("media_type"), "required, for example application/pdf"));
        }
        if d.content.is_empty() {
            note(ApiError::bad_field("DOCUMENT_EMPTY", at("content"), "a document has content"));
        }
        if d.content.len() > limits.each {
            note(ApiError::bad_field("DOCUMENT_TOO_LARGE", at("content"), format!("at most {} bytes", limits.each)));
        }
        total += d.content.len();
        let sha256 = d.sha256.trim().to_lowercase();
        if hex::encode(Sha256::digest(&d.content)) != sha256 {
            note(ApiError::bad_field("DOCUMENT_HASH_MISMATCH", at("sha256"), "the lowercase hex SHA-256 of content"));
        }
        kept.push((d.kind.clone(), d.media_type.trim().to_owned(), sha256, d.content.to_vec()));
    }
    if total > limits.total {
        note(ApiError::bad_field(
            "DOCUMENT_TOO_LARGE",
            "documents",
            format!("at most {} bytes together", limits.total),
        ));
    }
    kept
}

/// One document of a case of kind `K`, named `{case}/documents/{n}` (`n`: its place among the
/// case's documents as `document_kinds` lists them, from 0), with its content, to a caller who
/// may see the case (the applicant and their representative, the officials of the case's
/// jurisdiction, the suite's services: `crate::access`); anyone else is answered as if it were
/// missing. The content is checked against the SHA-256 kept with it and never served when it
/// differs; every read is written to the audit under `method`, who read which document.
pub async fn read<K: crate::case::CaseKind>(
    db: &Db,
    principal: &platform::Principal,
    name: &str,
    method: &'static str,
) -> Result<common::Document, ApiError> {
    let named = || ApiError::bad_field("NAME_INVALID", "name", format!("{}/{{id}}/documents/{{n}}", K::COLLECTION));
    let (case, place) = name.trim().rsplit_once("/documents/").ok_or_else(named)?;
    let seq: i64 = place.parse().map_err(|_| named())?;
    let row: K::Row = crate::reads::visible::<K>(db, principal, case, "name").await?;
    let id = crate::rows::CaseRow::id(&row);
    let kept: Option<(String, String, String, Vec<u8>)> = on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT kind, media_type, sha256, content FROM documents WHERE application_id = $1 AND seq = $2"
    )
    .bind(id)
    .bind(seq)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    let (kind, media_type, sha256, content) = kept.ok_or_else(|| {
        ApiError::not_found("DOCUMENT_NOT_FOUND", format!("{} has no document {seq}", K::name(id))).meta("name", name)
    })?;
    if hex::encode(Sha256::digest(&content)) != sha256 {
        return Err(ApiError::internal(format!("{name}: the content kept no longer matches its SHA-256")));
    }
    let read = format!("document {seq} ({kind}) read");
    let document_name = name.trim().to_owned();
    db.transact::<(), _>(platform::store::Command::new(principal.clone(), method), move |tx| {
        Box::pin(async move { tx.audit(&document_name, &read).await })
    })
    .await?;
    Ok(common::Document { kind, media_type, sha256, content })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(kind: &str, content: &[u8]) -> common::Document {
        common::Document {
            kind: kind.into(),
            media_type: "application/pdf".into(),
            sha256: hex::encode(Sha256::digest(content)),
            content: content.to_vec(),
        }
    }

    fn reasons(documents: &[common::Document], kinds: Option<&[&str]>) -> Vec<String> {
        let mut found = Vec::new();
        check(documents, kinds, Limits { each: 4, total: 6 }, &mut |e| found.push(e.reason().to_owned()));
        found
    }

    #[test]
    fn a_document_is_of_a_known_kind_within_the_limits_and_hashes_to_what_it_claims() {
        assert!(reasons(&[document("LEASE", b"abc")], Some(&["LEASE"])).is_empty());
        assert_eq!(reasons(&[document("OTHER", b"abc")], Some(&["LEASE"])), ["DOCUMENT_KIND_UNKNOWN"]);
        assert!(reasons(&[document("OTHER", b"abc")], None).is_empty());
        assert_eq!(reasons(&[document("LEASE", b"abcde")], None), ["DOCUMENT_TOO_LARGE"]);
        assert_eq!(reasons(&[document("A", b"abcd"), document("B", b"abcd")], None), ["DOCUMENT_TOO_LARGE"]);
        assert_eq!(reasons(&[document("LEASE", b"")], None), ["DOCUMENT_EMPTY"]);
        let mut altered = document("LEASE", b"abc");
        altered.content = b"abd".to_vec();
        assert_eq!(reasons(&[altered], None), ["DOCUMENT_HASH_MISMATCH"]);
    }
}
