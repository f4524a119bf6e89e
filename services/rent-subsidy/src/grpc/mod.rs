//! The rent subsidy's gRPC service: handlers that check the request into a use case's command,
//! call it (`app/`, or the case kernel's reads), and answer.

mod cases;
mod filing;

use law::RefusalGround as _;

use casework::history::timestamp as ts;
use chrono::{DateTime, Utc};
use pb::rent_subsidy_service_server::RentSubsidyService;
use platform::ApiError;
use proto::housing::common::v1 as common;
use proto::housing::subsidy::v1 as pb;
use tonic::{Request, Response, Status};

pub use crate::app::decide::{ACCRUE, DECIDE};

use crate::domain::{Ground, Stage};
use crate::store::{self, ApplicationRow, FindingRow};

pub use crate::app::Subsidy;

type Answer<T> = Result<Response<T>, Status>;

use crate::app::calendar_error;

/// The resource name of an application.
pub fn application_name(id: i64) -> String {
    <crate::Subsidies as casework::case::CaseKind>::name(id)
}

fn ok<T>(result: Result<T, ApiError>) -> Answer<T> {
    result.map(Response::new).map_err(Status::from)
}

fn stage_out(stage: Stage) -> i32 {
    match stage {
        Stage::Accepted => pb::ApplicationStage::Accepted,
        Stage::UnderReview => pb::ApplicationStage::UnderReview,
        Stage::Assigned => pb::ApplicationStage::Assigned,
        Stage::Refused => pb::ApplicationStage::Refused,
        Stage::Terminated => pb::ApplicationStage::Terminated,
        Stage::Reconsideration => pb::ApplicationStage::Reconsideration,
        Stage::Withdrawn => pb::ApplicationStage::Withdrawn,
    }
    .into()
}

/// A refusal ground with its texts.
pub fn refusal(ground: Ground, reason: &str) -> common::RefusalGround {
    casework::refusal_ground(ground.record(), reason)
}

/// An application as the contract shows it.
pub fn application(row: &ApplicationRow, findings: &[FindingRow], now: DateTime<Utc>) -> pb::Application {
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    // The months from the assignment day on, as `decide::assign` scheduled them.
    let schedule = match (day(&row.lease_start), day(&row.lease_end), row.assigned_on.as_deref().and_then(day)) {
        (Some(start), Some(end), Some(from)) if matches!(row.stage, Stage::Assigned | Stage::Terminated) => {
            crate::domain::schedule::accruals(start, end, from).into_iter().map(|(m, _)| m).collect()
        }
        _ => Vec::new(),
    };
    pb::Application {
        name: application_name(row.id),
        applicant_name: row.applicant_name.clone().unwrap_or_default(),
        business_id: row.business_id.clone(),
        applicant: Some(common::PersonRef { iin: row.applicant_iin.clone() }),
        representative: None,
        case_kind: pb::SubsidyCase::RentPrivateFund.into(),
        stage: stage_out(row.stage),
        deadline: Some(row.deadline.clone().to_proto(row.is_open(), now)),
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
        monthly_payment: row.monthly_tiyn.map(|tiyn| common::Money { tiyn }),
        lease: Some(pb::Lease {
            landlord_iin: row.landlord_iin.clone(),
            address: Some(common::Address {
                kato_code: row.kato.clone(),
                street: row.address.clone(),
                ..Default::default()
            }),
            area_m2_tenths: i32::try_from(row.area_decimetres).unwrap_or(i32::MAX),
            family_size: i32::try_from(row.family_size).unwrap_or(i32::MAX),
            monthly_rent: Some(common::Money { tiyn: row.rent_tiyn }),
            start_date: row.lease_start.clone(),
            end_date: row.lease_end.clone(),
            landlord_iban: row.landlord_iban.clone().unwrap_or_default(),
        }),
        findings: findings
            .iter()
            .map(|f| {
                let ground = f.ground.as_deref().and_then(Ground::parse);
                pb::Finding {
                    code: f.code.clone(),
                    clause: ground.map(|g| g.clause().to_owned()).unwrap_or_default(),
                    refuses: ground.is_some(),
                    source: f.source.clone(),
                    detail: f.detail.clone(),
                }
            })
            .collect(),
        parameter_version: row.parameter_version.clone().unwrap_or_default(),
        stop_reason: row.stop_reason.clone().unwrap_or_default(),
        reviewer: row.reviewer.clone().unwrap_or_default(),
        schedule,
    }
}

impl Subsidy {
    async fn load(&self, id: i64) -> Result<pb::Application, ApiError> {
        casework::service::load(self, id).await
    }
}

/// How the case kernel shows a subsidy application (`casework::service`).
impl casework::service::Shows for Subsidy {
    type Kind = crate::Subsidies;
    type Shown = pb::Application;

    fn kernel(&self) -> casework::service::Kernel<'_> {
        casework::service::Kernel::new(&self.db, &self.clock, &self.changed, &self.shutdown, &self.seal, &self.calendar)
    }

    /// An application already read, with its findings.
    async fn show(&self, row: ApplicationRow) -> Result<pb::Application, ApiError> {
        Ok(application(&row, &store::findings(&self.db, row.id).await?, self.clock.now()))
    }
}

casework::application_service! {
impl RentSubsidyService for Subsidy {
    proto: pb, "kz.housing.subsidy.v1.RentSubsidyService";

    async fn record_review(&self, r: Request<pb::RecordReviewRequest>) -> Answer<pb::RecordReviewResponse> {
        ok(self.review(r).await)
    }

    async fn list_review_tasks(&self, r: Request<pb::ListReviewTasksRequest>) -> Answer<pb::ListReviewTasksResponse> {
        ok(self.tasks(r.into_inner()).await)
    }

    async fn claim_review_task(&self, r: Request<pb::ClaimReviewTaskRequest>) -> Answer<pb::ClaimReviewTaskResponse> {
        ok(self.claim(r).await)
    }

    async fn end_lease(&self, r: Request<pb::EndLeaseRequest>) -> Answer<pb::EndLeaseResponse> {
        ok(self.end_lease(r).await)
    }

    async fn list_payments(&self, r: Request<pb::ListPaymentsRequest>) -> Answer<pb::ListPaymentsResponse> {
        ok(self.payments(r).await)
    }

    async fn record_payment(&self, r: Request<pb::RecordPaymentRequest>) -> Answer<pb::RecordPaymentResponse> {
        ok(self.record_payment(r).await)
    }
}
}
