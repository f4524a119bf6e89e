//! The officials' review tasks of the partially automated cases (Annex 2 row 5(2), 5(3)), and
//! the recorded changes of the service standard (RR cl. 2).

use chrono::{DateTime, Utc};
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

/// A review task.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub application_id: i64,
    pub state: String,
    pub assignee: Option<String>,
    pub settlement_kato: String,
    pub created_at: DateTime<Utc>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

const TASK: &str = "SELECT id, application_id, state, assignee, settlement_kato, created_at, claimed_at, decided_at, reason FROM review_tasks";

/// Opens a task for an application.
pub async fn open_task(tx: &mut WriteTx, application_id: i64, settlement: &str) -> Result<i64, ApiError> {
    let now = tx.now();
    on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO review_tasks (application_id, state, settlement_kato, created_at) VALUES ($1, 'OPEN', $2, $3) RETURNING id"
    )
    .bind(application_id)
    .bind(settlement)
    .bind(now)
    .fetch_one(c)
    .await)
    .map_err(store_error)
}

/// A task, read inside a change.
pub async fn task_in(tx: &mut WriteTx, id: i64) -> Result<Option<TaskRow>, ApiError> {
    let sql = format!("{TASK} WHERE id = $1");
    on_backend!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)
        .map_err(store_error)
}

/// A task.
pub async fn task(db: &Db, id: i64) -> Result<Option<TaskRow>, ApiError> {
    let sql = format!("{TASK} WHERE id = $1");
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)
        .map_err(store_error)
}

/// An application's task that is not done yet.
pub async fn pending_task_in(tx: &mut WriteTx, application_id: i64) -> Result<Option<TaskRow>, ApiError> {
    let sql = format!("{TASK} WHERE application_id = $1 AND state <> 'DONE' ORDER BY id DESC LIMIT 1");
    on_backend!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(application_id)
        .fetch_optional(c)
        .await)
    .map_err(store_error)
}

/// Gives a task to an official.
pub async fn claim_task(tx: &mut WriteTx, id: i64, official: &str) -> Result<(), ApiError> {
    let now = tx.now();
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE review_tasks SET state = 'CLAIMED', assignee = $2, claimed_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(official)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// Closes a task with the official's reason.
pub async fn finish_task(tx: &mut WriteTx, id: i64, reason: &str) -> Result<(), ApiError> {
    let now = tx.now();
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE review_tasks SET state = 'DONE', decided_at = $2, reason = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .bind(reason)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// Closes the task of application `application_id` that is still open or claimed: the
/// application was withdrawn before the official decided it.
pub async fn close_tasks_of(tx: &mut WriteTx, application_id: i64) -> Result<(), ApiError> {
    let now = tx.now();
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE review_tasks SET state = 'DONE', decided_at = $2, reason = 'the application was withdrawn' \
         WHERE application_id = $1 AND state IN ('OPEN', 'CLAIMED')"
    )
    .bind(application_id)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// Tasks in `states`, in a jurisdiction (`None`: every one), oldest first, after id `after`.
pub async fn tasks(
    db: &Db,
    states: &[&str],
    jurisdiction: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Vec<TaskRow>, ApiError> {
    let states = states.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    let scope = if jurisdiction.is_some() { " AND settlement_kato = $2" } else { "" };
    let sql = format!("{TASK} WHERE state IN ({states}) AND id > $1{scope} ORDER BY id LIMIT {limit}");
    on_backend!(db.reader(), |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(after);
        if let Some(j) = jurisdiction {
            q = q.bind(j.to_owned());
        }
        q.fetch_all(c).await
    })
    .map_err(store_error)
}

/// A recorded change of the service standard.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicationRow {
    pub id: i64,
    pub in_force_from: String,
    pub source: String,
    pub summary_kk: String,
    pub summary_ru: String,
    pub summary_en: String,
    pub notices_due_date: String,
    pub notices_due_at: DateTime<Utc>,
    pub calendar_version: String,
    pub recorded_at: DateTime<Utc>,
}

const PUBLICATION: &str = "SELECT id, in_force_from, source, summary_kk, summary_ru, summary_en, notices_due_date, \
    notices_due_at, calendar_version, recorded_at FROM standard_publications";

/// Records a change; answers its id.
pub async fn insert_publication(tx: &mut WriteTx, p: &PublicationRow) -> Result<i64, ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO standard_publications (in_force_from, source, summary_kk, summary_ru, summary_en, notices_due_date, \
         notices_due_at, calendar_version, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(&p.in_force_from)
    .bind(&p.source)
    .bind(&p.summary_kk)
    .bind(&p.summary_ru)
    .bind(&p.summary_en)
    .bind(&p.notices_due_date)
    .bind(p.notices_due_at)
    .bind(&p.calendar_version)
    .bind(p.recorded_at)
    .fetch_one(c)
    .await)
    .map_err(store_error)
}

/// The latest change in force on `day` (`YYYY-MM-DD`).
pub async fn publication_in_force(db: &Db, day: &str) -> Result<Option<PublicationRow>, ApiError> {
    let sql = format!("{PUBLICATION} WHERE in_force_from <= $1 ORDER BY in_force_from DESC, id DESC LIMIT 1");
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(day).fetch_optional(c).await)
        .map_err(store_error)
}

/// Keeps notice `message_id` of publication `id` to `recipient`.
pub async fn insert_notice(tx: &mut WriteTx, id: i64, recipient: &str, message_id: &str) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "INSERT INTO publication_notices (publication_id, recipient, message_id) VALUES ($1, $2, $3)"
    )
    .bind(id)
    .bind(recipient)
    .bind(message_id)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(store_error)
}

/// A publication's notices: recipient, whether its message has left, and the verdict on time
/// (none before the day due has ended).
pub type NoticeRow = (String, bool, Option<i64>);

/// The notices of publication `id`, in `tx`.
pub async fn notices_in(tx: &mut WriteTx, id: i64) -> Result<Vec<NoticeRow>, ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query_as(
        "SELECT n.recipient, COALESCE(o.delivered_at IS NOT NULL, FALSE), n.late FROM publication_notices n \
         LEFT JOIN outbox o ON o.message_id = n.message_id WHERE n.publication_id = $1 ORDER BY n.recipient"
    )
    .bind(id)
    .fetch_all(c)
    .await)
    .map_err(store_error)
}

/// The notices of publication `id`.
pub async fn notices(db: &Db, id: i64) -> Result<Vec<NoticeRow>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT n.recipient, COALESCE(o.delivered_at IS NOT NULL, FALSE), n.late FROM publication_notices n \
         LEFT JOIN outbox o ON o.message_id = n.message_id WHERE n.publication_id = $1 ORDER BY n.recipient"
    )
    .bind(id)
    .fetch_all(c)
    .await)
    .map_err(store_error)
}

/// Records whether the notice of publication `id` to `recipient` left in time.
pub async fn judge_notice(tx: &mut WriteTx, id: i64, recipient: &str, late: bool) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE publication_notices SET late = $3 WHERE publication_id = $1 AND recipient = $2 AND late IS NULL"
    )
    .bind(id)
    .bind(recipient)
    .bind(i64::from(late))
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(store_error)
}

/// Publication `id`, in `tx`.
pub async fn publication_in(tx: &mut WriteTx, id: i64) -> Result<Option<PublicationRow>, ApiError> {
    let sql = format!("{PUBLICATION} WHERE id = $1");
    on_backend!(tx.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)
        .map_err(store_error)
}

/// Every publication, the oldest first.
pub async fn publications(db: &Db) -> Result<Vec<PublicationRow>, ApiError> {
    let sql = format!("{PUBLICATION} ORDER BY in_force_from, id");
    on_backend!(db.reader(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(c).await)
        .map_err(store_error)
}
