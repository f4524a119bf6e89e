//! A case kind's own row (`applications`, one a case), read and changed the same way in every
//! service: the kind names its columns once, the kernel reads the row by id, inside a change or
//! from the reader, and sets one column of it.

use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A case's stored row, as a service reads it from its `applications` table.
pub trait CaseRow: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin {
    /// The columns the row reads, in a `SELECT`.
    const COLUMNS: &'static str;

    /// The case's id.
    fn id(&self) -> i64;

    /// Whose the case is and where it is decided, as the access rule reads it.
    fn holder(&self) -> crate::access::Case<'_>;
}

fn by_id<R: CaseRow>() -> String {
    format!("SELECT {} FROM applications WHERE id = $1", R::COLUMNS)
}

/// One case's row.
pub async fn one<R: CaseRow>(db: &Db, id: i64) -> Result<Option<R>, ApiError> {
    let sql = by_id::<R>();
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)
        .map_err(store_error)
}

/// One case's row read inside a change: it sees the change's own writes.
pub async fn one_in<R: CaseRow>(tx: &mut WriteTx, id: i64) -> Result<Option<R>, ApiError> {
    let sql = by_id::<R>();
    on_backend!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)
        .map_err(store_error)
}

/// Sets one text column of a case (a column the kind names in its own enum, never a caller's
/// text), or clears it.
pub async fn set_text(tx: &mut WriteTx, id: i64, column: &'static str, value: Option<&str>) -> Result<(), ApiError> {
    let sql = format!("UPDATE applications SET {column} = $2 WHERE id = $1");
    on_backend!(tx.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .bind(value)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// Records the ground a case is refused on and its sub-reason, or clears both (a reopened case).
pub async fn set_refusal(tx: &mut WriteTx, id: i64, refusal: Option<(&str, Option<&str>)>) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE applications SET refusal_code = $2, refusal_reason = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(refusal.map(|r| r.0))
    .bind(refusal.and_then(|r| r.1))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}
