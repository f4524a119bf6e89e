//! What the checks of a case found (a fact from a state register, a missing document, a ground
//! of refusal), kept in order with the case in the service's `findings` table.

use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

/// A stored finding.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FindingRow {
    /// What was found, a code of the service's checks.
    pub code: String,
    /// The refusal ground it is, if it is one.
    pub ground: Option<String>,
    /// Where it was found: a register, the filing, an official.
    pub source: String,
    /// Whom it is about (empty where it is about no one person).
    pub person_iin: String,
    /// The day the fact happened, `YYYY-MM-DD`, where the source gives one.
    pub occurred_on: Option<String>,
    /// What was found, in words.
    pub detail: String,
}

const COLUMNS: &str = "code, ground, source, person_iin, occurred_on, detail";

/// Appends findings to a case, after those it has.
pub async fn add(tx: &mut WriteTx, id: i64, findings: &[FindingRow]) -> Result<(), ApiError> {
    for f in findings {
        on_backend!(tx.conn(), |c| sqlx::query(
            "INSERT INTO findings (application_id, seq, code, ground, source, person_iin, occurred_on, detail) \
             VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM findings WHERE application_id = $1), $2, $3, $4, $5, $6, $7)"
        )
        .bind(id)
        .bind(&f.code)
        .bind(f.ground.as_deref())
        .bind(&f.source)
        .bind(&f.person_iin)
        .bind(f.occurred_on.as_deref())
        .bind(&f.detail)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)?;
    }
    Ok(())
}

/// A case's findings, in order.
pub async fn of(db: &Db, id: i64) -> Result<Vec<FindingRow>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM findings WHERE application_id = $1 ORDER BY seq");
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_all(c).await)
        .map_err(store_error)
}

/// A case's findings read inside a change, those it added included.
pub async fn of_in(tx: &mut WriteTx, id: i64) -> Result<Vec<FindingRow>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM findings WHERE application_id = $1 ORDER BY seq");
    on_backend!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_all(c).await)
        .map_err(store_error)
}
