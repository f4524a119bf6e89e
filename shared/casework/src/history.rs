//! The append-only history of a case (DESIGN.md "Cases, deadlines and evidence"): every stage
//! change is an event with its sequence number, who caused it, why, and the deadline of the
//! stage entered, computed once from the calendar and stored.

use chrono::{DateTime, Datelike as _, Utc};
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};
use proto::housing::common::v1 as common;

/// A stage's legal deadline as stored: in a case's `deadline_*` columns (a row flattens it in)
/// and in each event.
#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Deadline {
    /// The term.
    #[sqlx(rename = "deadline_term")]
    pub term: i64,
    /// `WORKING_DAYS` or `CALENDAR_DAYS`.
    #[sqlx(rename = "deadline_unit")]
    pub unit: String,
    /// The event it counts from, for example `APPLICATION_ACCEPTED`.
    #[sqlx(rename = "deadline_counted_from")]
    pub counted_from: String,
    /// When that event happened.
    #[sqlx(rename = "deadline_counted_from_at")]
    pub counted_from_at: DateTime<Utc>,
    /// The last day, `YYYY-MM-DD`.
    #[sqlx(rename = "deadline_due_date")]
    pub due_date: String,
    /// The end of that day.
    #[sqlx(rename = "deadline_due_at")]
    pub due_at: DateTime<Utc>,
    /// The clause that sets the term.
    #[sqlx(rename = "deadline_clause")]
    pub clause: String,
    /// The calendar data's version.
    #[sqlx(rename = "deadline_calendar_version")]
    pub calendar_version: String,
}

impl Deadline {
    /// A deadline of `term` counted from `event` at `at`, as the calendar computed it.
    pub fn new(
        term: calendar::Term,
        event: &str,
        at: DateTime<Utc>,
        due: calendar::Due,
        clause: impl Into<String>,
    ) -> Self {
        Deadline {
            term: i64::from(term.count),
            unit: match term.unit {
                calendar::TermUnit::CalendarDays => "CALENDAR_DAYS",
                calendar::TermUnit::WorkingDays => "WORKING_DAYS",
            }
            .into(),
            counted_from: event.into(),
            counted_from_at: at,
            due_date: due.due_date.to_string(),
            due_at: due.due_at,
            clause: clause.into(),
            calendar_version: if due.provisional {
                format!("{}{PROVISIONAL}", due.calendar_version)
            } else {
                due.calendar_version
            },
        }
    }

    /// The deadline of the law's `term` counted from `event` at `at`, as the calendar computed
    /// it (`due`); its clause is the term's, followed by `note` where there is one.
    pub fn of_term(term: law::Term, event: &str, at: DateTime<Utc>, due: calendar::Due, note: &str) -> Self {
        let clause = if note.is_empty() { term.clause.to_owned() } else { format!("{}; {note}", term.clause) };
        Deadline::new(term.length, event, at, due, clause)
    }

    /// The contract's deadline, breached when its end passed with the stage still open.
    pub fn to_proto(&self, open: bool, now: DateTime<Utc>) -> common::Deadline {
        common::Deadline {
            term: i32::try_from(self.term).unwrap_or(i32::MAX),
            unit: if self.unit == "CALENDAR_DAYS" {
                common::TermUnit::CalendarDays
            } else {
                common::TermUnit::WorkingDays
            }
            .into(),
            counted_from: self.counted_from.clone(),
            counted_from_time: Some(timestamp(self.counted_from_at)),
            due_date: self.due_date.clone(),
            due_time: Some(timestamp(self.due_at)),
            clause: self.clause.clone(),
            calendar_version: self.calendar_version.clone(),
            breached: open && self.due_at < now,
            provisional: provisional(&self.calendar_version),
        }
    }
}

/// Binds a deadline's eight `deadline_*` values to an insert, in the order the case tables name
/// their columns (term, unit, counted from, counted from at, due date, due at, clause, calendar
/// version).
pub trait BindDeadline<'q>: Sized {
    /// The query with the deadline's values bound next.
    fn bind_deadline(self, d: &'q Deadline) -> Self;
}

impl<'q, DB, O> BindDeadline<'q> for sqlx::query::QueryScalar<'q, DB, O, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    fn bind_deadline(self, d: &'q Deadline) -> Self {
        self.bind(d.term)
            .bind(d.unit.as_str())
            .bind(d.counted_from.as_str())
            .bind(d.counted_from_at)
            .bind(d.due_date.as_str())
            .bind(d.due_at)
            .bind(d.clause.as_str())
            .bind(d.calendar_version.as_str())
    }
}

/// What a deadline's stored calendar version ends with when its count went through a year the
/// calendar data hold as provisional (`Deadline.provisional`).
const PROVISIONAL: &str = " (provisional)";

/// Whether a stored calendar version marks its deadline provisional.
pub fn provisional(calendar_version: &str) -> bool {
    calendar_version.ends_with(PROVISIONAL)
}

/// A calendar that does not cover a date is the operators' to fix, not the caller's: a year not
/// loaded is `CALENDAR_YEAR_NOT_LOADED` naming it.
pub fn calendar_error(e: calendar::CalendarError) -> ApiError {
    match e {
        calendar::CalendarError::OutOfRange { date, first, last } => {
            let year = date.year();
            ApiError::failed_precondition(
                "CALENDAR_YEAR_NOT_LOADED",
                format!(
                    "the working-day calendar holds {first} to {last}; {year} is not loaded, so a term reaching {date} cannot be counted"
                ),
            )
            .precondition("CALENDAR_YEAR", year.to_string(), "the calendar data (SHANYRAQ_CALENDAR_FILE) must hold this year")
            .meta("year", year.to_string())
        }
        e => ApiError::failed_precondition(
            "CALENDAR_NOT_COVERED",
            format!("the working-day calendar cannot count this term: {e}"),
        ),
    }
}

/// An instant as protobuf's timestamp.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0) }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub sequence: i64,
    pub stage: String,
    pub occurred_at: DateTime<Utc>,
    pub subsystem: String,
    pub official_id: Option<String>,
    pub official_role: Option<String>,
    pub user_iin: Option<String>,
    pub representative_iin: Option<String>,
    pub reason: String,
    pub deadline_term: Option<i64>,
    pub deadline_unit: Option<String>,
    pub deadline_counted_from: Option<String>,
    pub deadline_counted_from_at: Option<DateTime<Utc>>,
    pub deadline_due_date: Option<String>,
    pub deadline_due_at: Option<DateTime<Utc>>,
    pub deadline_clause: Option<String>,
    pub deadline_calendar_version: Option<String>,
}

impl EventRow {
    /// The contract's event.
    pub fn to_proto(&self) -> common::StageEvent {
        let deadline = match (&self.deadline_due_date, self.deadline_due_at, self.deadline_counted_from_at) {
            (Some(due_date), Some(due_at), Some(from_at)) => Some(
                Deadline {
                    term: self.deadline_term.unwrap_or_default(),
                    unit: self.deadline_unit.clone().unwrap_or_default(),
                    counted_from: self.deadline_counted_from.clone().unwrap_or_default(),
                    counted_from_at: from_at,
                    due_date: due_date.clone(),
                    due_at,
                    clause: self.deadline_clause.clone().unwrap_or_default(),
                    calendar_version: self.deadline_calendar_version.clone().unwrap_or_default(),
                }
                .to_proto(false, due_at),
            ),
            _ => None,
        };
        common::StageEvent {
            sequence: self.sequence,
            stage: self.stage.clone(),
            occurred_time: Some(timestamp(self.occurred_at)),
            actor: Some(common::Actor {
                subsystem: self.subsystem.clone(),
                official_id: self.official_id.clone().unwrap_or_default(),
                official_role: self.official_role.clone().unwrap_or_default(),
                user_iin: self.user_iin.clone().unwrap_or_default(),
                representative_iin: self.representative_iin.clone().unwrap_or_default(),
            }),
            reason: self.reason.clone(),
            deadline,
        }
    }
}

/// Moves an application to `stage` and appends the event; a new deadline replaces the stored
/// one. Answers the event's sequence number.
pub async fn record_stage(
    tx: &mut WriteTx,
    id: i64,
    stage: &str,
    reason: &str,
    deadline: Option<&Deadline>,
) -> Result<i64, ApiError> {
    let now = tx.now();
    // One statement: a stage without a deadline of its own keeps the stored one.
    let sequence: i64 = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "UPDATE applications SET stage = $2, last_sequence = last_sequence + 1, updated_at = $3, \
         deadline_term = COALESCE($4, deadline_term), deadline_unit = COALESCE($5, deadline_unit), \
         deadline_counted_from = COALESCE($6, deadline_counted_from), \
         deadline_counted_from_at = COALESCE($7, deadline_counted_from_at), \
         deadline_due_date = COALESCE($8, deadline_due_date), deadline_due_at = COALESCE($9, deadline_due_at), \
         deadline_clause = COALESCE($10, deadline_clause), \
         deadline_calendar_version = COALESCE($11, deadline_calendar_version) WHERE id = $1 RETURNING last_sequence"
    )
    .bind(id)
    .bind(stage)
    .bind(now)
    .bind(deadline.map(|d| d.term))
    .bind(deadline.map(|d| d.unit.as_str()))
    .bind(deadline.map(|d| d.counted_from.as_str()))
    .bind(deadline.map(|d| d.counted_from_at))
    .bind(deadline.map(|d| d.due_date.as_str()))
    .bind(deadline.map(|d| d.due_at))
    .bind(deadline.map(|d| d.clause.as_str()))
    .bind(deadline.map(|d| d.calendar_version.as_str()))
    .fetch_one(c)
    .await)
    .map_err(store_error)?;
    insert_event(tx, id, sequence, stage, reason, deadline).await?;
    Ok(sequence)
}

/// Appends event `sequence` by the change's principal.
pub async fn insert_event(
    tx: &mut WriteTx,
    id: i64,
    sequence: i64,
    stage: &str,
    reason: &str,
    deadline: Option<&Deadline>,
) -> Result<(), ApiError> {
    let now = tx.now();
    let p = tx.principal().clone();
    let official = p.official.as_ref();
    on_backend!(tx.conn(), |c| sqlx::query(
        "INSERT INTO application_events (application_id, sequence, stage, occurred_at, subsystem, official_id, official_role, \
         user_iin, representative_iin, reason, deadline_term, deadline_unit, deadline_counted_from, deadline_counted_from_at, \
         deadline_due_date, deadline_due_at, deadline_clause, deadline_calendar_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    )
    .bind(id)
    .bind(sequence)
    .bind(stage)
    .bind(now)
    .bind(p.subsystem.as_str())
    .bind(official.map(|o| o.id.as_str()))
    .bind(official.map(|o| o.role.as_str()))
    .bind(p.user_iin.as_deref())
    .bind(p.representative.as_ref().map(|r| r.iin.as_str()))
    .bind(reason)
    .bind(deadline.map(|d| d.term))
    .bind(deadline.map(|d| d.unit.as_str()))
    .bind(deadline.map(|d| d.counted_from.as_str()))
    .bind(deadline.map(|d| d.counted_from_at))
    .bind(deadline.map(|d| d.due_date.as_str()))
    .bind(deadline.map(|d| d.due_at))
    .bind(deadline.map(|d| d.clause.as_str()))
    .bind(deadline.map(|d| d.calendar_version.as_str()))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// A page of a case's history as the contract shows it (`List…Events`): `page_size` and
/// `page_token` as the request gave them; answers the events and the next page's token.
pub async fn events_page(
    db: &Db,
    id: i64,
    page_size: i32,
    page_token: &str,
) -> Result<(Vec<common::StageEvent>, String), ApiError> {
    let limit = crate::paging::page_size(page_size)?;
    let rows = events(db, id, crate::paging::sequence_token(page_token)?, limit + 1).await?;
    let (page, next) = crate::paging::paged(rows, limit, |e| e.sequence.to_string());
    Ok((page.iter().map(EventRow::to_proto).collect(), next))
}

/// Whether a case ever entered `stage` (a code).
pub async fn ever_at(db: &Db, id: i64, stage: &str) -> Result<bool, ApiError> {
    let found: Option<i64> = on_backend!(db.reader(), |c| sqlx::query_scalar(
        "SELECT sequence FROM application_events WHERE application_id = $1 AND stage = $2 LIMIT 1"
    )
    .bind(id)
    .bind(stage)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    Ok(found.is_some())
}

/// An application's events after `after`, oldest first.
pub async fn events(db: &Db, id: i64, after: i64, limit: i64) -> Result<Vec<EventRow>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT sequence, stage, occurred_at, subsystem, official_id, official_role, user_iin, representative_iin, reason, \
         deadline_term, deadline_unit, deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, \
         deadline_clause, deadline_calendar_version FROM application_events WHERE application_id = $1 AND sequence > $2 \
         ORDER BY sequence LIMIT $3"
    )
    .bind(id)
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await)
    .map_err(store_error)
}
