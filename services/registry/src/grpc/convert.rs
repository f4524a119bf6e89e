//! Between the contract's messages and the registry's rows and values: out to protobuf, and
//! in with every field checked and named by its path when it is wrong (the fields every service
//! shares are checked by `casework::fields`).

pub use casework::fields::{id_of, iin, kato, request_id, text};
pub use casework::paging::{after, page_size, page_token, paged, sequence_token};
use law::RefusalGround as _;

use chrono::{DateTime, Utc};
use platform::ApiError;
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;

use crate::domain::{Case, Ground, Stage};
use crate::store::{ApplicationRow, FindingRow, Parts, QueueRow, TaskRow};
use casework::history::timestamp as ts;

/// The resource name of an application.
pub fn application_name(id: i64) -> String {
    <crate::Enrolments as casework::case::CaseKind>::name(id)
}

pub use crate::app::review::task_name;

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
pub fn case_out(case: Case) -> i32 {
    match case {
        Case::NoDwelling5y => pb::EnrolmentCase::NoDwelling5y,
        Case::EmergencyOnlyDwelling => pb::EnrolmentCase::EmergencyOnlyDwelling,
        Case::OrphanDataMissing => pb::EnrolmentCase::OrphanDataMissing,
    }
    .into()
}

/// The contract's enum of a stage.
pub fn stage_out(stage: Stage) -> i32 {
    match stage {
        Stage::Accepted => pb::ApplicationStage::Accepted,
        Stage::UnderReview => pb::ApplicationStage::UnderReview,
        Stage::Enrolled => pb::ApplicationStage::Enrolled,
        Stage::Refused => pb::ApplicationStage::Refused,
        Stage::Reconsideration => pb::ApplicationStage::Reconsideration,
        Stage::Removed => pb::ApplicationStage::Removed,
        Stage::Withdrawn => pb::ApplicationStage::Withdrawn,
    }
    .into()
}

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

/// A refusal ground with its texts.
pub fn refusal(ground: Ground, reason: Option<&str>) -> common::RefusalGround {
    casework::refusal_ground(ground.record(), reason.unwrap_or_default())
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
        .filter(|_| row.stage == Stage::Refused)
        .map(|g| refusal(g, row.refusal_reason.as_deref()));
    let queue = parts.queue.as_ref();
    pb::Application {
        applicant_name: row.applicant_name.clone().unwrap_or_default(),
        representative_name: row.representative_name.clone().unwrap_or_default(),
        name: application_name(row.id),
        business_id: row.business_id.clone(),
        applicant: Some(common::PersonRef { iin: row.applicant_iin.clone() }),
        representative,
        case_kind: case_out(row.case_kind),
        stage: stage_out(row.stage),
        deadline: Some(row.deadline.clone().to_proto(row.is_open(), now)),
        refusal,
        received_time: Some(ts(row.received_at)),
        accepted_time: Some(ts(row.accepted_at)),
        update_time: Some(ts(row.updated_at)),
        last_sequence: row.last_sequence,
        settlement_kato: row.settlement_kato.clone(),
        list_category: row.list_category.code.to_owned(),
        queue_position: queue.map(|q| q.position).unwrap_or_default(),
        effective_case_kind: case_out(row.effective_case),
        findings: parts.findings.iter().map(finding).collect(),
        confirmations: parts
            .confirmations
            .iter()
            .map(|c| pb::ConfirmationRecord {
                signer_iin: c.signer_iin.clone(),
                method: c.method.clone(),
                certificate_serial: c.certificate_serial.clone(),
                verified_time: Some(ts(c.verified_at)),
            })
            .collect(),
        document_kinds: parts.document_kinds.clone(),
        removal: queue.and_then(|q| {
            q.removed_at.map(|at| pb::QueueRemoval {
                ground: removal_ground_out(q.removal_ground.as_deref().unwrap_or_default()),
                reason: q.removal_reason.clone().unwrap_or_default(),
                removed_time: Some(ts(at)),
                last_position: q.last_position.unwrap_or_default(),
            })
        }),
    }
}

/// A place on a list.
pub fn queue_entry(q: &QueueRow) -> pb::QueueEntry {
    pb::QueueEntry {
        position: q.position,
        person: Some(common::PersonRef { iin: q.person_iin.clone() }),
        accepted_time: Some(ts(q.accepted_at)),
        application: application_name(q.application_id),
        settlement_kato: q.settlement_kato.clone(),
        list_category: q.list_category.clone(),
        enrolled_time: Some(ts(q.enrolled_at)),
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
        case_kind: case_out(app.effective_case),
        deadline: Some(app.deadline.clone().to_proto(app.is_open(), now)),
        created_time: Some(ts(t.created_at)),
        findings: findings.iter().map(finding).collect(),
        document_kinds: kinds.to_vec(),
    }
}
