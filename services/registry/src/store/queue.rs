//! The waiting lists [A-QUEUE]: one per settlement and category, ordered by acceptance time,
//! then application id. Each active entry stores its place (migration 0104), so that reading a
//! place costs the same at 10 and at 500,000: an insertion moves everyone behind down one and
//! a removal moves everyone behind up one, each in one statement, under a lock of the list
//! (the single writer on SQLite, an advisory lock on PostgreSQL, whose replicas write
//! concurrently). A removed entry keeps the place it held.

use chrono::{DateTime, Utc};
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

/// A place on a list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    pub application_id: i64,
    pub settlement_kato: String,
    pub list_category: String,
    pub person_iin: String,
    pub accepted_at: DateTime<Utc>,
    pub enrolled_at: DateTime<Utc>,
    pub removed_at: Option<DateTime<Utc>>,
    pub removal_ground: Option<String>,
    pub removal_reason: Option<String>,
    pub last_position: Option<i64>,
    /// The place now, from 1; 0 once removed.
    pub position: i64,
}

const SELECT: &str = "SELECT q.application_id, q.settlement_kato, q.list_category, q.person_iin, q.accepted_at, \
    q.enrolled_at, q.removed_at, q.removal_ground, q.removal_reason, q.last_position, \
    CASE WHEN q.removed_at IS NULL THEN q.place ELSE 0 END AS position FROM queue_entries q";

/// Holds the list's lock to the end of the transaction: two replicas inserting into one list
/// at once would both read the same place ahead of theirs. SQLite has one writer already.
async fn lock_list(tx: &mut WriteTx, settlement: &str, category: &str) -> Result<(), ApiError> {
    if let platform::store::Backend::Postgres(c) = tx.conn() {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('queue_entries/' || $1 || '/' || $2, 0))")
            .bind(settlement)
            .bind(category)
            .execute(c)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

/// Puts an enrolled application on its list; answers its place.
pub async fn enqueue(
    tx: &mut WriteTx,
    application_id: i64,
    settlement: &str,
    category: &str,
    person: &str,
    accepted_at: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let now = tx.now();
    lock_list(tx, settlement, category).await?;
    // Those accepted later move down one: none when the entry joins at the end, as most do;
    // a reviewed, deferred or reconsidered enrolment lands mid-list.
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE queue_entries SET place = place + 1 WHERE settlement_kato = $1 AND list_category = $2 \
         AND removed_at IS NULL AND (accepted_at > $3 OR (accepted_at = $3 AND application_id > $4))"
    )
    .bind(settlement)
    .bind(category)
    .bind(accepted_at)
    .bind(application_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    // The place is one after the nearest entry ahead (read by the list's order index).
    on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO queue_entries (application_id, settlement_kato, list_category, person_iin, accepted_at, enrolled_at, place) \
         VALUES ($1, $2, $3, $4, $5, $6, 1 + COALESCE((SELECT a.place FROM queue_entries a \
           WHERE a.settlement_kato = $2 AND a.list_category = $3 AND a.removed_at IS NULL \
           AND (a.accepted_at < $5 OR (a.accepted_at = $5 AND a.application_id < $1)) \
           ORDER BY a.accepted_at DESC, a.application_id DESC LIMIT 1), 0)) \
         RETURNING place"
    )
    .bind(application_id)
    .bind(settlement)
    .bind(category)
    .bind(person)
    .bind(accepted_at)
    .bind(now)
    .fetch_one(c)
    .await)
    .map_err(store_error)
}

/// Takes an entry off its list, keeping the place it held; answers that place, or `None`
/// when it was not on the list.
pub async fn remove(
    tx: &mut WriteTx,
    application_id: i64,
    ground: &str,
    reason: &str,
) -> Result<Option<i64>, ApiError> {
    let now = tx.now();
    let list: Option<(String, String)> = on_backend!(tx.conn(), |c| sqlx::query_as(
        "SELECT settlement_kato, list_category FROM queue_entries WHERE application_id = $1 AND removed_at IS NULL"
    )
    .bind(application_id)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    let Some((settlement, category)) = list else { return Ok(None) };
    lock_list(tx, &settlement, &category).await?;
    let place: Option<i64> = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "UPDATE queue_entries SET removed_at = $2, removal_ground = $3, removal_reason = $4, last_position = place, place = NULL \
         WHERE application_id = $1 AND removed_at IS NULL RETURNING last_position"
    )
    .bind(application_id)
    .bind(now)
    .bind(ground)
    .bind(reason)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    let Some(place) = place else { return Ok(None) };
    // Everyone behind moves up one.
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE queue_entries SET place = place - 1 \
         WHERE settlement_kato = $1 AND list_category = $2 AND removed_at IS NULL AND place > $3"
    )
    .bind(&settlement)
    .bind(&category)
    .bind(place)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(Some(place))
}

/// An application's entry, on the list or removed.
pub async fn entry(db: &Db, application_id: i64) -> Result<Option<QueueRow>, ApiError> {
    let sql = format!("{SELECT} WHERE q.application_id = $1");
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(application_id)
        .fetch_optional(c)
        .await)
    .map_err(store_error)
}

/// A person's active entry on one list.
pub async fn entry_of(db: &Db, person: &str, settlement: &str, category: &str) -> Result<Option<QueueRow>, ApiError> {
    let sql = format!(
        "{SELECT} WHERE q.person_iin = $1 AND q.settlement_kato = $2 AND q.list_category = $3 AND q.removed_at IS NULL"
    );
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(person)
        .bind(settlement)
        .bind(category)
        .fetch_optional(c)
        .await)
    .map_err(store_error)
}

/// Every list a person is on.
pub async fn standing(db: &Db, person: &str) -> Result<Vec<QueueRow>, ApiError> {
    let sql =
        format!("{SELECT} WHERE q.person_iin = $1 AND q.removed_at IS NULL ORDER BY q.enrolled_at, q.application_id");
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(person).fetch_all(c).await)
        .map_err(store_error)
}

/// How many people are on a list: the last place, since places run from 1 without a gap, read
/// from the end of the place index (an ORDER BY, which both backends answer from the index;
/// SQLite would count the list for a MAX wrapped in COALESCE).
pub async fn size(db: &Db, settlement: &str, category: &str) -> Result<i64, ApiError> {
    let last: Option<i64> = on_backend!(db.reader(), |c| sqlx::query_scalar(LAST_PLACE)
        .bind(settlement)
        .bind(category)
        .fetch_optional(c)
        .await)
    .map_err(store_error)?;
    Ok(last.unwrap_or(0))
}

/// The last place on a list.
pub(crate) const LAST_PLACE: &str = "SELECT place FROM queue_entries WHERE settlement_kato = $1 AND list_category = $2 \
    AND removed_at IS NULL ORDER BY place DESC LIMIT 1";

/// A page of a list, in order, after the entry `after`.
pub async fn page(
    db: &Db,
    settlement: &str,
    category: &str,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<QueueRow>, ApiError> {
    let keyset = if after.is_some() {
        " AND (q.accepted_at > $3 OR (q.accepted_at = $3 AND q.application_id > $4))"
    } else {
        ""
    };
    let sql = format!(
        "{SELECT} WHERE q.settlement_kato = $1 AND q.list_category = $2 AND q.removed_at IS NULL{keyset} \
         ORDER BY q.accepted_at, q.application_id LIMIT {limit}"
    );
    on_backend!(db.reader(), |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(settlement).bind(category);
        if let Some((at, id)) = after {
            q = q.bind(at).bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(store_error)
}
