//! Between the contract's messages and privatization's rows: out to protobuf, and in with every
//! field checked and named by its path (the shared fields by `casework::fields`).

pub use casework::fields::{date, id_of, iin, request_id, text};
pub use casework::paging::{after, page_size, page_token, paged, sequence_token};
use law::RefusalGround as _;
use law::Stage as _;

use casework::history::timestamp as ts;
use chrono::{DateTime, Utc};
use platform::ApiError;
use proto::housing::common::v1 as common;
use proto::housing::privatization::v1 as pb;

use crate::domain::{Fund, Ground, Stage};
use crate::store::{ApplicationRow, Parts};

/// The resource name of an application.
pub fn application_name(id: i64) -> String {
    <crate::Privatizations as casework::case::CaseKind>::name(id)
}

/// The fund of the contract's enum.
pub fn fund(value: i32) -> Result<Fund, ApiError> {
    match pb::FundKind::try_from(value) {
        Ok(pb::FundKind::Communal) => Ok(Fund::Communal),
        Ok(pb::FundKind::CommunalEntity) => Ok(Fund::CommunalEntity),
        Ok(pb::FundKind::RepublicanEntity) => Ok(Fund::RepublicanEntity),
        _ => Err(ApiError::bad_field("FUND_KIND_REQUIRED", "fund_kind", "one of the three funds of Annex 1 row 4")),
    }
}

fn fund_out(fund: Fund) -> i32 {
    match fund {
        Fund::Communal => pb::FundKind::Communal,
        Fund::CommunalEntity => pb::FundKind::CommunalEntity,
        Fund::RepublicanEntity => pb::FundKind::RepublicanEntity,
    }
    .into()
}

/// The contract's enum of a stage.
pub fn stage_out(stage: Stage) -> i32 {
    match stage {
        Stage::Accepted => pb::ApplicationStage::Accepted,
        Stage::PropertyBodyDecision => pb::ApplicationStage::PropertyBodyDecision,
        Stage::TransferAct => pb::ApplicationStage::TransferAct,
        Stage::Registration => pb::ApplicationStage::Registration,
        Stage::Contract => pb::ApplicationStage::Contract,
        Stage::Completed => pb::ApplicationStage::Completed,
        Stage::Refused => pb::ApplicationStage::Refused,
        Stage::Reconsideration => pb::ApplicationStage::Reconsideration,
        Stage::Withdrawn => pb::ApplicationStage::Withdrawn,
    }
    .into()
}

/// A refusal ground with its texts.
pub fn refusal(ground: Ground, reason: &str) -> common::RefusalGround {
    casework::refusal_ground(ground.record(), reason)
}

/// An application.
pub fn application(row: &ApplicationRow, parts: &Parts, now: DateTime<Utc>) -> pb::Application {
    let open = row.stage.is_open();
    let person = |iin: &str| common::PersonRef { iin: iin.to_owned() };
    pb::Application {
        applicant_name: row.applicant_name.clone().unwrap_or_default(),
        representative_name: row.representative_name.clone().unwrap_or_default(),
        awaiting_state_data: parts.awaiting_state_data,
        name: application_name(row.id),
        business_id: row.business_id.clone(),
        applicant: Some(person(&row.applicant_iin)),
        representative: row.representative_iin.as_ref().map(|iin| common::Representative {
            person: Some(person(iin)),
            basis: common::RepresentationBasis::PowerOfAttorney.into(),
            basis_reference: row.representative_reference.clone().unwrap_or_default(),
        }),
        case_kind: fund_out(row.fund_kind),
        stage: stage_out(row.stage),
        deadline: Some(row.deadline.clone().to_proto(open, now)),
        refusal: row
            .refusal_code
            .as_deref()
            .and_then(Ground::parse)
            .filter(|_| row.stage == Stage::Refused)
            .map(|g| refusal(g, row.refusal_reason.as_deref().unwrap_or_default())),
        received_time: Some(ts(row.received_at)),
        accepted_time: Some(ts(row.accepted_at)),
        update_time: Some(ts(row.updated_at)),
        last_sequence: row.last_sequence,
        channel: if row.channel == "STATE_CORPORATION" { pb::Channel::StateCorporation } else { pb::Channel::Portal }
            .into(),
        dwelling_id: row.dwelling_id.clone(),
        family_members: parts.family.iter().map(|i| person(i)).collect(),
        office_id: row.office_id.clone().unwrap_or_default(),
        settlement_kato: row.settlement_kato.clone(),
        findings: parts
            .findings
            .iter()
            .map(|f| {
                let ground = f.ground.as_deref().and_then(Ground::parse);
                pb::Finding {
                    code: f.code.clone(),
                    clause: ground.map(|g| g.clause().to_owned()).unwrap_or_default(),
                    refuses: ground.is_some(),
                    source: f.source.clone(),
                    person_iin: f.person_iin.clone(),
                    detail: f.detail.clone(),
                }
            })
            .collect(),
        document_kinds: parts.document_kinds.clone(),
        results: Some(pb::Results {
            decision_number: row.decision_number.clone().unwrap_or_default(),
            price: row.price_tiyn.map(|tiyn| common::Money { tiyn }),
            gratuitous: row.gratuitous != 0,
            property_body_decision_number: row.property_body_decision_number.clone().unwrap_or_default(),
            transfer_act_number: row.transfer_act_number.clone().unwrap_or_default(),
            registration_number: row.registration_number.clone().unwrap_or_default(),
            contract_number: row.contract_number.clone().unwrap_or_default(),
        }),
        transfer_deadline: match (&row.transfer_due_date, row.transfer_due_at) {
            (Some(due_date), Some(due_at)) => Some(common::Deadline {
                term: 30,
                unit: common::TermUnit::CalendarDays.into(),
                counted_from: "COMMISSION_DECISION".into(),
                counted_from_time: None,
                due_date: due_date.clone(),
                due_time: Some(ts(due_at)),
                clause: "Annex 1 row 4(3), stage 3".into(),
                calendar_version: row.transfer_calendar_version.clone().unwrap_or_default(),
                breached: open && row.transfer_registration_pending() && due_at < now,
                provisional: casework::history::provisional(
                    row.transfer_calendar_version.as_deref().unwrap_or_default(),
                ),
            }),
            _ => None,
        },
    }
}

impl ApplicationRow {
    /// Whether the whole transfer (republican fund) is still under way.
    fn transfer_registration_pending(&self) -> bool {
        matches!(self.stage, Stage::PropertyBodyDecision | Stage::TransferAct | Stage::Registration)
    }
}
