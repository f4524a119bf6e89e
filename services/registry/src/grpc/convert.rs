//! Between the contract's messages and the registry's rows and values: out to protobuf, and
//! in with every field checked and named by its path when it is wrong.

use chrono::{DateTime, Utc};
use kz_ids::Iin;
use platform::ApiError;
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;

use crate::domain::{Case, Ground};
use crate::reporting::platform_timestamp as ts;
use crate::store::{self, ApplicationRow, EventRow, FindingRow, QueueRow, TaskRow};

/// The resource name of an application.
pub fn application_name(id: i64) -> String {
    format!("registry/applications/{id}")
}

/// The resource name of a review task.
pub fn task_name(id: i64) -> String {
    format!("registry/review-tasks/{id}")
}

/// The id in a resource name `{prefix}/{id}`.
pub fn id_of(name: &str, prefix: &str, field: &str) -> Result<i64, ApiError> {
    name.trim()
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            let what = if name.trim().is_empty() { "required" } else { "not a resource name of this kind" };
            ApiError::bad_field(
                if name.trim().is_empty() { "FIELD_REQUIRED" } else { "NAME_INVALID" },
                field,
                format!("{what}: expected {prefix}/{{id}}"),
            )
        })
}

/// An IIN field, checked in full (AT-25).
pub fn iin(value: &str, field: &str) -> Result<Iin, ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_field("FIELD_REQUIRED", field, "required: a 12-digit IIN"));
    }
    Iin::parse(value.trim()).map_err(|e| ApiError::bad_field(e.reason(), field, e.to_string()))
}

/// A settlement code: nine digits.
pub fn kato(value: &str, field: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.len() != 9 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_field("KATO_INVALID", field, "a settlement code (KATO) is nine digits"));
    }
    Ok(value.to_owned())
}

/// A required free text.
pub fn text(value: &str, field: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::bad_field("FIELD_REQUIRED", field, "required"));
    }
    if value.chars().count() > 4000 {
        return Err(ApiError::bad_field("TEXT_TOO_LONG", field, "at most 4000 characters"));
    }
    Ok(value.to_owned())
}

/// A client request id: a UUID.
pub fn request_id(value: &str) -> Result<uuid::Uuid, ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_field("FIELD_REQUIRED", "request_id", "required: a client-chosen UUID"));
    }
    uuid::Uuid::parse_str(value.trim()).map_err(|_| ApiError::bad_field("REQUEST_ID_INVALID", "request_id", "a UUID"))
}

/// The case of the contract's enum.
pub fn case(value: i32) -> Result<Case, ApiError> {
    match pb::EnrolmentCase::try_from(value) {
        Ok(pb::EnrolmentCase::NoDwelling5y) => Ok(Case::NoDwelling5y),
        Ok(pb::EnrolmentCase::EmergencyOnlyDwelling) => Ok(Case::EmergencyOnlyDwelling),
        Ok(pb::EnrolmentCase::OrphanDataMissing) => Ok(Case::OrphanDataMissing),
        _ => Err(ApiError::bad_field("CASE_KIND_REQUIRED", "case_kind", "one of the three cases of Annex 2 row 4")),
    }
}

/// The contract's enum of a case.
pub fn case_out(case: &str) -> i32 {
    match Case::parse(case) {
        Some(Case::NoDwelling5y) => pb::EnrolmentCase::NoDwelling5y,
        Some(Case::EmergencyOnlyDwelling) => pb::EnrolmentCase::EmergencyOnlyDwelling,
        Some(Case::OrphanDataMissing) => pb::EnrolmentCase::OrphanDataMissing,
        None => pb::EnrolmentCase::Unspecified,
    }
    .into()
}

/// The contract's enum of a stage code.
pub fn stage_out(stage: &str) -> i32 {
    match stage {
        "ACCEPTED" => pb::ApplicationStage::Accepted,
        "UNDER_REVIEW" => pb::ApplicationStage::UnderReview,
        "ENROLLED" => pb::ApplicationStage::Enrolled,
        "REFUSED" => pb::ApplicationStage::Refused,
        "RECONSIDERATION" => pb::ApplicationStage::Reconsideration,
        "REMOVED" => pb::ApplicationStage::Removed,
        _ => pb::ApplicationStage::Unspecified,
    }
    .into()
}

/// The stage codes a filter may name.
pub const STAGES: &[&str] = &["ACCEPTED", "UNDER_REVIEW", "ENROLLED", "REFUSED", "RECONSIDERATION", "REMOVED"];

/// A removal ground's code.
pub fn removal_ground(value: i32) -> Result<&'static str, ApiError> {
    Ok(match pb::RemovalGround::try_from(value) {
        Ok(pb::RemovalGround::HousingReceived) => "HOUSING_RECEIVED",
        Ok(pb::RemovalGround::LeftSettlement) => "LEFT_SETTLEMENT",
        Ok(pb::RemovalGround::Death) => "DEATH",
        Ok(pb::RemovalGround::OwnRequest) => "OWN_REQUEST",
        Ok(pb::RemovalGround::EnrolmentUnlawful) => "ENROLMENT_UNLAWFUL",
        _ => return Err(ApiError::bad_field("REMOVAL_GROUND_REQUIRED", "ground", "a ground of [A-REMOVAL]")),
    })
}

fn removal_ground_out(code: &str) -> i32 {
    match code {
        "HOUSING_RECEIVED" => pb::RemovalGround::HousingReceived,
        "LEFT_SETTLEMENT" => pb::RemovalGround::LeftSettlement,
        "DEATH" => pb::RemovalGround::Death,
        "OWN_REQUEST" => pb::RemovalGround::OwnRequest,
        "ENROLMENT_UNLAWFUL" => pb::RemovalGround::EnrolmentUnlawful,
        _ => pb::RemovalGround::Unspecified,
    }
    .into()
}

/// A stored deadline as the contract's, breached when its end passed with the stage open.
pub fn deadline(d: &store::Deadline, open: bool, now: DateTime<Utc>) -> common::Deadline {
    common::Deadline {
        term: i32::try_from(d.term).unwrap_or(i32::MAX),
        unit: if d.unit == "CALENDAR_DAYS" { common::TermUnit::CalendarDays } else { common::TermUnit::WorkingDays }
            .into(),
        counted_from: d.counted_from.clone(),
        counted_from_at: Some(ts(d.counted_from_at)),
        due_date: d.due_date.clone(),
        due_at: Some(ts(d.due_at)),
        clause: d.clause.clone(),
        calendar_version: d.calendar_version.clone(),
        breached: open && d.due_at < now,
    }
}

/// A refusal ground with its texts.
pub fn refusal(ground: Ground, reason: Option<&str>) -> common::RefusalGround {
    let [kk, ru, en] = ground.texts();
    common::RefusalGround {
        code: ground.code().into(),
        clause: ground.clause().into(),
        reason: reason.unwrap_or_default().into(),
        text_kk: kk.into(),
        text_ru: ru.into(),
        text_en: en.into(),
    }
}

/// A stored finding.
pub fn finding(f: &FindingRow) -> pb::Finding {
    let ground = f.ground.as_deref().and_then(Ground::parse);
    pb::Finding {
        code: f.code.clone(),
        clause: ground.map(|g| g.clause().to_owned()).unwrap_or_default(),
        refuses: ground.is_some(),
        source: f.source.clone(),
        person_iin: f.person_iin.clone(),
        occurred_on: f.occurred_on.clone().unwrap_or_default(),
        detail: f.detail.clone(),
    }
}

/// Everything an application shows.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// Its findings.
    pub findings: Vec<FindingRow>,
    /// Its confirmations.
    pub confirmations: Vec<store::ConfirmationRow>,
    /// Its documents' kinds.
    pub document_kinds: Vec<String>,
    /// Its place on the list.
    pub queue: Option<QueueRow>,
}

/// An application.
pub fn application(row: &ApplicationRow, parts: &Parts, now: DateTime<Utc>) -> pb::Application {
    let representative = row.representative_iin.as_ref().map(|iin| common::Representative {
        person: Some(common::PersonRef { iin: iin.clone() }),
        basis: match row.representative_basis.as_deref() {
            Some("POWER_OF_ATTORNEY") => common::RepresentationBasis::PowerOfAttorney,
            Some("LEGAL_REPRESENTATIVE") => common::RepresentationBasis::LegalRepresentative,
            _ => common::RepresentationBasis::Unspecified,
        }
        .into(),
        basis_reference: row.representative_reference.clone().unwrap_or_default(),
    });
    let refusal = row
        .refusal_code
        .as_deref()
        .and_then(Ground::parse)
        .filter(|_| row.stage == "REFUSED")
        .map(|g| refusal(g, row.refusal_reason.as_deref()));
    let queue = parts.queue.as_ref();
    pb::Application {
        name: application_name(row.id),
        business_id: row.business_id.clone(),
        applicant: Some(common::PersonRef { iin: row.applicant_iin.clone() }),
        representative,
        case_kind: case_out(&row.case_kind),
        stage: stage_out(&row.stage),
        deadline: Some(deadline(&row.deadline(), row.is_open(), now)),
        refusal,
        received_at: Some(ts(row.received_at)),
        accepted_at: Some(ts(row.accepted_at)),
        update_time: Some(ts(row.updated_at)),
        last_sequence: row.last_sequence,
        settlement_kato: row.settlement_kato.clone(),
        list_category: row.list_category.clone(),
        queue_position: queue.map(|q| q.position).unwrap_or_default(),
        effective_case_kind: case_out(&row.effective_case),
        findings: parts.findings.iter().map(finding).collect(),
        confirmations: parts
            .confirmations
            .iter()
            .map(|c| pb::ConfirmationRecord {
                signer_iin: c.signer_iin.clone(),
                method: c.method.clone(),
                certificate_serial: c.certificate_serial.clone(),
                verified_at: Some(ts(c.verified_at)),
            })
            .collect(),
        document_kinds: parts.document_kinds.clone(),
        removal: queue.and_then(|q| {
            q.removed_at.map(|at| pb::QueueRemoval {
                ground: removal_ground_out(q.removal_ground.as_deref().unwrap_or_default()),
                reason: q.removal_reason.clone().unwrap_or_default(),
                removed_at: Some(ts(at)),
                last_position: q.last_position.unwrap_or_default(),
            })
        }),
    }
}

/// An event.
pub fn event(e: &EventRow) -> common::StageEvent {
    let deadline = match (&e.deadline_due_date, e.deadline_due_at, e.deadline_counted_from_at) {
        (Some(due_date), Some(due_at), Some(from_at)) => Some(deadline(
            &store::Deadline {
                term: e.deadline_term.unwrap_or_default(),
                unit: e.deadline_unit.clone().unwrap_or_default(),
                counted_from: e.deadline_counted_from.clone().unwrap_or_default(),
                counted_from_at: from_at,
                due_date: due_date.clone(),
                due_at,
                clause: e.deadline_clause.clone().unwrap_or_default(),
                calendar_version: e.deadline_calendar_version.clone().unwrap_or_default(),
            },
            false,
            due_at,
        )),
        _ => None,
    };
    common::StageEvent {
        sequence: e.sequence,
        stage: e.stage.clone(),
        occurred_at: Some(ts(e.occurred_at)),
        actor: Some(common::Actor {
            subsystem: e.subsystem.clone(),
            official_id: e.official_id.clone().unwrap_or_default(),
            official_role: e.official_role.clone().unwrap_or_default(),
            user_iin: e.user_iin.clone().unwrap_or_default(),
            representative_iin: e.representative_iin.clone().unwrap_or_default(),
        }),
        reason: e.reason.clone(),
        deadline,
    }
}

/// A place on a list.
pub fn queue_entry(q: &QueueRow) -> pb::QueueEntry {
    pb::QueueEntry {
        position: q.position,
        person: Some(common::PersonRef { iin: q.person_iin.clone() }),
        accepted_at: Some(ts(q.accepted_at)),
        application: application_name(q.application_id),
        settlement_kato: q.settlement_kato.clone(),
        list_category: q.list_category.clone(),
        enrolled_at: Some(ts(q.enrolled_at)),
    }
}

/// A review task.
pub fn task(
    t: &TaskRow,
    app: &ApplicationRow,
    findings: &[FindingRow],
    kinds: &[String],
    now: DateTime<Utc>,
) -> pb::ReviewTask {
    pb::ReviewTask {
        name: task_name(t.id),
        application: application_name(t.application_id),
        state: t.state.clone(),
        assignee: t.assignee.clone().unwrap_or_default(),
        settlement_kato: t.settlement_kato.clone(),
        case_kind: case_out(&app.effective_case),
        deadline: Some(deadline(&app.deadline(), app.is_open(), now)),
        created_at: Some(ts(t.created_at)),
        findings: findings.iter().map(finding).collect(),
        document_kinds: kinds.to_vec(),
    }
}

/// A page size: 0 means 50, more than 500 is read as 500.
pub fn page_size(value: i32) -> Result<i64, ApiError> {
    match value {
        v if v < 0 => Err(ApiError::bad_field("PAGE_SIZE_INVALID", "page_size", "zero or more")),
        0 => Ok(50),
        v => Ok(i64::from(v.min(500))),
    }
}

/// Splits the `limit + 1` rows a page query read into the page and the next page's token,
/// made from the page's last row; the token is empty on the last page.
pub fn paged<T>(mut rows: Vec<T>, limit: i64, token: impl Fn(&T) -> String) -> (Vec<T>, String) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(token).unwrap_or_default() } else { String::new() };
    (rows, next)
}

/// A keyset page token: an instant and an id, opaque to clients.
pub fn page_token(at: DateTime<Utc>, id: i64) -> String {
    hex::encode(format!("{}|{id}", at.to_rfc3339()))
}

/// Reads a keyset page token; empty is the first page.
pub fn after(token: &str) -> Result<Option<(DateTime<Utc>, i64)>, ApiError> {
    if token.is_empty() {
        return Ok(None);
    }
    let bad = || ApiError::bad_field("PAGE_TOKEN_INVALID", "page_token", "not a token this method gave");
    let text = String::from_utf8(hex::decode(token).map_err(|_| bad())?).map_err(|_| bad())?;
    let (at, id) = text.split_once('|').ok_or_else(bad)?;
    let at = DateTime::parse_from_rfc3339(at).map_err(|_| bad())?.with_timezone(&Utc);
    Ok(Some((at, id.parse().map_err(|_| bad())?)))
}

/// A sequence page token.
pub fn sequence_token(token: &str) -> Result<i64, ApiError> {
    if token.is_empty() {
        return Ok(0);
    }
    token
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_field("PAGE_TOKEN_INVALID", "page_token", "not a token this method gave"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_read_with_one_row_more_has_a_next_token() {
        let (page, next) = paged(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!((page, next.as_str()), (vec![1, 2], "2"));
        let (page, next) = paged(vec![1, 2], 2, |n| n.to_string());
        assert_eq!((page, next.as_str()), (vec![1, 2], ""));
    }

    #[test]
    fn page_tokens_round_trip_and_foreign_ones_are_refused() {
        let at = DateTime::parse_from_rfc3339("2026-04-15T05:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(after(&page_token(at, 42)).unwrap(), Some((at, 42)));
        assert_eq!(after("").unwrap(), None);
        assert_eq!(after("zz").unwrap_err().reason(), "PAGE_TOKEN_INVALID");
        assert_eq!(sequence_token("-1").unwrap_err().reason(), "PAGE_TOKEN_INVALID");
        assert_eq!(page_size(0).unwrap(), 50);
        assert_eq!(page_size(9999).unwrap(), 500);
        assert_eq!(page_size(-1).unwrap_err().reason(), "PAGE_SIZE_INVALID");
    }

    #[test]
    fn resource_names_name_their_kind() {
        assert_eq!(id_of("registry/applications/7", "registry/applications", "name").unwrap(), 7);
        assert_eq!(
            id_of("registry/review-tasks/7", "registry/applications", "name").unwrap_err().reason(),
            "NAME_INVALID"
        );
        assert_eq!(id_of("", "registry/applications", "name").unwrap_err().reason(), "FIELD_REQUIRED");
    }
}
