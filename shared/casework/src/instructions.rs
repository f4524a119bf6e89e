//! Instructions of upheld complaints (`law::remedy`): the complaints service sends the
//! provider's service what the reviewing body ordered about a case; it is kept with the case,
//! due by its term (working days from receipt, `shared/calendar`), shown until an official of
//! the case's jurisdiction reports it done, and the complaints service is told through the
//! outbox, in the same change.

use chrono::{DateTime, Utc};
use law::remedy::Remedy;
use platform::store::outbox::OutboxMessage;
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, Subsystem, on_backend};
use proto::housing::common::v1 as common;
use proto::housing::complaints::v1 as complaints;

use crate::history::timestamp;

/// The complaints service's method that records an instruction done.
pub const RECORD_REMEDY_DONE: &str = "/kz.housing.complaints.v1.ComplaintService/RecordRemedyDone";

/// An instruction as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstructionRow {
    /// The case's id.
    pub application_id: i64,
    /// Its number in the case.
    pub seq: i64,
    /// The complaint that ordered it.
    pub complaint: String,
    /// The remedy's code.
    pub remedy: String,
    /// The document's kind (STOP_DEMANDING_DOCUMENT), else empty.
    pub document_kind: String,
    /// The days (ANSWER_WITHIN), else 0.
    pub days: i64,
    /// Its text in Kazakh.
    pub text_kk: String,
    /// In Russian.
    pub text_ru: String,
    /// In English.
    pub text_en: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Its due day.
    pub due_date: String,
    /// The end of that day.
    pub due_at: DateTime<Utc>,
    /// When it was reported done.
    pub done_at: Option<DateTime<Utc>>,
    /// What was reported.
    pub done_note: Option<String>,
}

impl InstructionRow {
    /// Its name under the case `case_name`.
    pub fn name(&self, case_name: &str) -> String {
        format!("{case_name}/instructions/{}", self.seq)
    }

    /// As the contract shows it at `now`.
    pub fn to_proto(&self, case_name: &str, now: DateTime<Utc>) -> common::Instruction {
        let kind = common::RemedyKind::from_str_name(&format!("REMEDY_KIND_{}", self.remedy))
            .unwrap_or(common::RemedyKind::Unspecified);
        let state =
            if self.done_at.is_some() { common::InstructionState::Done } else { common::InstructionState::Open };
        common::Instruction {
            name: self.name(case_name),
            complaint: self.complaint.clone(),
            remedy: Some(common::Remedy {
                kind: kind as i32,
                document_kind: self.document_kind.clone(),
                days: i32::try_from(self.days).unwrap_or(0),
            }),
            text: Some(common::LocalizedText {
                kk: self.text_kk.clone(),
                ru: self.text_ru.clone(),
                en: self.text_en.clone(),
            }),
            state: state as i32,
            receive_time: Some(timestamp(self.received_at)),
            due_date: self.due_date.clone(),
            done_time: self.done_at.map(timestamp),
            done_note: self.done_note.clone().unwrap_or_default(),
            overdue: self.done_at.is_none() && now > self.due_at,
        }
    }
}

/// The remedy a request names, checked: an instruction, not a reopening.
pub fn remedy_of(remedy: Option<&common::Remedy>) -> Result<Remedy, ApiError> {
    let r = remedy.ok_or_else(|| ApiError::bad_field("REMEDY_REQUIRED", "remedy", "the instruction"))?;
    let code = common::RemedyKind::try_from(r.kind)
        .map(|k| k.as_str_name().trim_start_matches("REMEDY_KIND_").to_owned())
        .unwrap_or_default();
    match Remedy::parse(&code, &r.document_kind, i64::from(r.days)) {
        Ok(Some(remedy)) if remedy.is_instruction() => Ok(remedy),
        Ok(_) => Err(ApiError::bad_field(
            "REMEDY_INVALID",
            "remedy.kind",
            "RENDER_SERVICE, STOP_DEMANDING_DOCUMENT or ANSWER_WITHIN",
        )),
        Err(law::remedy::RemedyRefused::DocumentKindMissing) => {
            Err(ApiError::bad_field("REMEDY_INVALID", "remedy.document_kind", "the document no longer demanded"))
        }
        Err(law::remedy::RemedyRefused::DaysOutOfRange) => Err(ApiError::bad_field(
            "REMEDY_INVALID",
            "remedy.days",
            format!("1 to {} working days", law::remedy::MAX_ANSWER_DAYS),
        )),
    }
}

/// The instruction of `complaint`, if the case keeps one.
pub async fn of_complaint(tx: &mut WriteTx, complaint: &str) -> Result<Option<InstructionRow>, ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query_as(
        "SELECT application_id, seq, complaint, remedy, document_kind, days, text_kk, text_ru, text_en, received_at, due_date, due_at, done_at, done_note FROM instructions WHERE complaint = $1"
    )
    .bind(complaint)
    .fetch_optional(c)
    .await)
    .map_err(store_error)
}

/// Keeps the instruction `complaint` gives case `case_id`, due by `due`, in `tx`; a repeat of
/// the same complaint's keeps the first. Answers it.
pub async fn receive(
    tx: &mut WriteTx,
    case_id: i64,
    complaint: &str,
    remedy: &Remedy,
    text: &common::LocalizedText,
    due: &calendar::Due,
) -> Result<InstructionRow, ApiError> {
    if let Some(kept) = of_complaint(tx, complaint).await? {
        return Ok(kept);
    }
    let (document_kind, days) = match remedy {
        Remedy::StopDemandingDocument(kind) => (kind.clone(), 0),
        Remedy::AnswerWithin(days) => (String::new(), i64::from(*days)),
        _ => (String::new(), 0),
    };
    let now = tx.now();
    on_backend!(tx.conn(), |c| sqlx::query(
        "INSERT INTO instructions (application_id, seq, complaint, remedy, document_kind, days, text_kk, text_ru, text_en, received_at, due_date, due_at) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM instructions WHERE application_id = $1"
    )
    .bind(case_id)
    .bind(complaint)
    .bind(remedy.code())
    .bind(&document_kind)
    .bind(days)
    .bind(&text.kk)
    .bind(&text.ru)
    .bind(&text.en)
    .bind(now)
    .bind(due.due_date.to_string())
    .bind(due.due_at)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(store_error)?;
    let kept = of_complaint(tx, complaint).await?.ok_or_else(|| ApiError::internal("an instruction just kept"))?;
    tx.audit(complaint, &format!("instruction {} received, due {}", remedy.code(), due.due_date)).await?;
    Ok(kept)
}

/// The instructions of case `case_id`, oldest first.
pub async fn list(db: &Db, case_id: i64) -> Result<Vec<InstructionRow>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT application_id, seq, complaint, remedy, document_kind, days, text_kk, text_ru, text_en, received_at, due_date, due_at, done_at, done_note FROM instructions WHERE application_id = $1 ORDER BY seq"
    )
    .bind(case_id)
    .fetch_all(c)
    .await)
    .map_err(store_error)
}

/// The case and number an instruction's name gives: `<case>/instructions/<n>`.
pub fn parse_name(name: &str) -> Option<(&str, i64)> {
    let (case, number) = name.trim().rsplit_once("/instructions/")?;
    number.parse().ok().filter(|n| *n > 0).map(|n| (case, n))
}

/// Reports instruction `seq` of case `case_id` done with `note`, and tells the complaints
/// service, in `tx`. One reported done already is `INSTRUCTION_DONE`.
pub async fn complete(
    tx: &mut WriteTx,
    case_id: i64,
    name: &str,
    seq: i64,
    note: &str,
) -> Result<InstructionRow, ApiError> {
    let row: Option<InstructionRow> = on_backend!(tx.conn(), |c| sqlx::query_as(
        "SELECT application_id, seq, complaint, remedy, document_kind, days, text_kk, text_ru, text_en, received_at, due_date, due_at, done_at, done_note FROM instructions WHERE application_id = $1 AND seq = $2"
    )
    .bind(case_id)
    .bind(seq)
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    let row = row.ok_or_else(|| not_found(name))?;
    if let Some(done) = row.done_at {
        return Err(ApiError::failed_precondition("INSTRUCTION_DONE", format!("{name} was reported done at {done}"))
            .precondition("INSTRUCTION", name, "open"));
    }
    let now = tx.now();
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE instructions SET done_at = $1, done_note = $2 WHERE application_id = $3 AND seq = $4"
    )
    .bind(now)
    .bind(note)
    .bind(case_id)
    .bind(seq)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(store_error)?;
    let report = complaints::RecordRemedyDoneRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: row.complaint.clone(),
        instruction: name.to_owned(),
        done_time: Some(timestamp(now)),
        note: note.to_owned(),
    };
    let message = OutboxMessage::new(
        Subsystem::Complaints,
        RECORD_REMEDY_DONE,
        name,
        "State Services Law art. 25: the instruction carried out",
        &report,
    );
    tx.enqueue(message).await?;
    tx.audit(name, &format!("instruction of {} done: {note}", row.complaint)).await?;
    Ok(InstructionRow { done_at: Some(now), done_note: Some(note.to_owned()), ..row })
}

/// The answer for an instruction that is not there, or that the caller may not see.
pub fn not_found(name: &str) -> ApiError {
    ApiError::not_found("INSTRUCTION_NOT_FOUND", format!("no instruction {name}")).meta("name", name)
}
