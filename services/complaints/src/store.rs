//! The complaints' tables: the only place that writes SQL; the stage history is `casework`'s.

use casework::history::BindDeadline as _;
use chrono::{DateTime, Utc};
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

use crate::domain::Stage;
pub use casework::history::{Deadline, EventRow, events, insert_event, record_stage};

/// A complaint as registered.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub complainant_iin: String,
    pub application: String,
    pub service: String,
    pub reviewer_kind: String,
    pub reviewer_id: String,
    pub filed_channel: String,
    pub subject: String,
    pub text: String,
    pub case_check: String,
    pub received_at: DateTime<Utc>,
    pub registered_at: DateTime<Utc>,
    pub registered_on: String,
    pub deadline: Deadline,
}

/// A complaint as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ComplaintRow {
    pub id: i64,
    pub business_id: String,
    pub complainant_iin: String,
    pub application: String,
    pub service: String,
    pub reviewer_kind: String,
    pub reviewer_id: String,
    pub filed_channel: String,
    pub subject: String,
    pub text: String,
    pub case_check: String,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub received_at: DateTime<Utc>,
    pub registered_at: DateTime<Utc>,
    pub registered_on: String,
    /// The current stage's deadline.
    #[sqlx(flatten)]
    pub deadline: Deadline,
    pub extended_at: Option<DateTime<Utc>>,
    pub extra_days: Option<i64>,
    pub extension_reasons: Option<String>,
    pub extension_explanation: Option<String>,
    pub notice_due_date: Option<String>,
    pub notice_due_at: Option<DateTime<Utc>>,
    pub decision_kk: Option<String>,
    pub decision_ru: Option<String>,
    pub decision_en: Option<String>,
    pub overdue: i64,
    pub last_sequence: i64,
    pub updated_at: DateTime<Utc>,
    /// The complainant's name as the case complained about records it.
    pub complainant_name: Option<String>,
    /// The provider's decided complaint a quality-control complaint follows.
    pub follows: Option<String>,
    /// The remedy of an upheld complaint that instructs the provider (`law::remedy`).
    pub remedy: Option<String>,
    /// Its document's kind (STOP_DEMANDING_DOCUMENT).
    pub remedy_document: Option<String>,
    /// Its days (ANSWER_WITHIN).
    pub remedy_days: Option<i64>,
    /// OPEN when sent, DONE when the provider reported it carried out.
    pub remedy_state: Option<String>,
    /// When the provider reported it done.
    pub remedy_done_at: Option<DateTime<Utc>>,
}

impl ComplaintRow {
    /// Whether the review is still open.
    pub fn is_open(&self) -> bool {
        law::Stage::is_open(self.stage)
    }

    /// The complaint as the kernel changes its stage.
    pub fn case(&self) -> casework::case::Case<crate::ComplaintCases> {
        let channel = if self.filed_channel == "PAPER" { "paper" } else { "electronic" };
        casework::case::Case::new(self.id, &self.complainant_iin, channel, self.stage)
            .placed(&self.reviewer_id, &self.deadline.due_date)
    }
}

impl casework::rows::CaseRow for ComplaintRow {
    fn id(&self) -> i64 {
        self.id
    }

    const COLUMNS: &'static str = COLUMNS;

    fn holder(&self) -> casework::access::Case<'_> {
        casework::access::Case {
            applicant: &self.complainant_iin,
            representative: None,
            jurisdiction: &self.reviewer_id,
        }
    }
}

const COLUMNS: &str = "id, business_id, complainant_iin, application, service, reviewer_kind, reviewer_id, filed_channel, subject, \
    text, case_check, stage, received_at, registered_at, registered_on, deadline_term, deadline_unit, deadline_counted_from, \
    deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, deadline_calendar_version, extended_at, \
    extra_days, extension_reasons, extension_explanation, notice_due_date, notice_due_at, decision_kk, decision_ru, decision_en, \
    overdue, last_sequence, updated_at, complainant_name, follows, remedy, remedy_document, remedy_days, remedy_state, \
    remedy_done_at";

/// The latest complaint of `complainant` about `application` before the body `reviewer_kind`
/// (and `reviewer_id`, when given) at one of `stages`.
pub async fn latest(
    tx: &mut WriteTx,
    (complainant, application): (&str, &str),
    (reviewer_kind, reviewer_id): (&str, Option<&str>),
    stages: [Stage; 2],
) -> Result<Option<i64>, ApiError> {
    let [first, second] = stages.map(law::Stage::code);
    on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "SELECT id FROM applications WHERE complainant_iin = $1 AND application = $2 AND reviewer_kind = $3 \
         AND ($4 = '' OR reviewer_id = $4) AND stage IN ($5, $6) ORDER BY id DESC LIMIT 1"
    )
    .bind(complainant)
    .bind(application)
    .bind(reviewer_kind)
    .bind(reviewer_id.unwrap_or_default())
    .bind(first)
    .bind(second)
    .fetch_optional(c)
    .await)
    .map_err(store_error)
}

/// Registers a complaint at `UNDER_REVIEW` with that first event; answers its id.
pub async fn insert(tx: &mut WriteTx, new: &NewComplaint, reason: &str) -> Result<i64, ApiError> {
    let now = tx.now();
    let business_id = format!("C-{}", uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase());
    let d = &new.deadline;
    let id: i64 = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO applications (business_id, complainant_iin, application, service, reviewer_kind, reviewer_id, filed_channel, \
         subject, text, case_check, stage, received_at, registered_at, registered_on, deadline_term, deadline_unit, \
         deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
         deadline_calendar_version, last_sequence, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $23, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 1, $22) \
         RETURNING id"
    )
    .bind(&business_id)
    .bind(&new.complainant_iin)
    .bind(&new.application)
    .bind(&new.service)
    .bind(&new.reviewer_kind)
    .bind(&new.reviewer_id)
    .bind(&new.filed_channel)
    .bind(&new.subject)
    .bind(&new.text)
    .bind(&new.case_check)
    .bind(new.received_at)
    .bind(new.registered_at)
    .bind(&new.registered_on)
    .bind_deadline(d)
    .bind(now)
    .bind(law::Stage::code(Stage::UnderReview))
    .fetch_one(c)
    .await)
    .map_err(store_error)?;
    insert_event(tx, id, 1, law::Stage::code(Stage::UnderReview), reason, Some(&new.deadline)).await?;
    Ok(id)
}

/// The text columns set after registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Whether the case was found in its service.
    CaseCheck,
    /// The decision in Kazakh.
    DecisionKk,
    /// The decision in Russian.
    DecisionRu,
    /// The decision in English.
    DecisionEn,
    /// The complainant's name, as the case complained about records it.
    ComplainantName,
    /// The provider's decided complaint a quality-control complaint follows.
    Follows,
    /// The remedy's code.
    Remedy,
    /// The remedy's document kind.
    RemedyDocument,
    /// The remedy's state.
    RemedyState,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::CaseCheck => "case_check",
            Column::DecisionKk => "decision_kk",
            Column::DecisionRu => "decision_ru",
            Column::DecisionEn => "decision_en",
            Column::ComplainantName => "complainant_name",
            Column::Follows => "follows",
            Column::Remedy => "remedy",
            Column::RemedyDocument => "remedy_document",
            Column::RemedyState => "remedy_state",
        }
    }
}

/// Sets a text column.
pub async fn set(tx: &mut WriteTx, id: i64, column: Column, value: &str) -> Result<(), ApiError> {
    casework::rows::set_text(tx, id, column.name(), Some(value)).await
}

/// Records the extension.
pub async fn set_extension(
    tx: &mut WriteTx,
    id: i64,
    days: i64,
    reasons: &str,
    explanation: &str,
    notice: &Deadline,
) -> Result<(), ApiError> {
    let now = tx.now();
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE applications SET extended_at = $2, extra_days = $3, extension_reasons = $4, extension_explanation = $5, \
         notice_due_date = $6, notice_due_at = $7 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .bind(days)
    .bind(reasons)
    .bind(explanation)
    .bind(&notice.due_date)
    .bind(notice.due_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// Marks the review overdue.
pub async fn mark_overdue(tx: &mut WriteTx, id: i64) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query("UPDATE applications SET overdue = 1 WHERE id = $1")
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

pub use casework::documents::keep as add_documents;

/// One complaint.
pub async fn complaint(db: &Db, id: i64) -> Result<Option<ComplaintRow>, ApiError> {
    casework::rows::one(db, id).await
}

/// One complaint, read inside a change (it sees the change's own writes).
pub async fn complaint_in(tx: &mut WriteTx, id: i64) -> Result<Option<ComplaintRow>, ApiError> {
    casework::rows::one_in(tx, id).await
}

/// Records the instruction's days (ANSWER_WITHIN) with the remedy.
pub async fn set_remedy_days(tx: &mut WriteTx, id: i64, days: i64) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query("UPDATE applications SET remedy_days = $1 WHERE id = $2")
        .bind(days)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
    .map_err(store_error)
}

/// Marks the remedy of complaint `id` done at `at`, once: answers whether it was open.
pub async fn remedy_done(tx: &mut WriteTx, id: i64, at: DateTime<Utc>) -> Result<bool, ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE applications SET remedy_state = 'DONE', remedy_done_at = $1 WHERE id = $2 AND remedy_state = 'OPEN'"
    )
    .bind(at)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
    .map_err(store_error)
}
