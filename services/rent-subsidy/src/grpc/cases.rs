//! The rest of the service (the personal-cabinet reads and the overdue list are the case
//! kernel's, `casework::service`): the officials' review of the lease, the
//! lease ended early, the payments, reconsideration after an upheld complaint, and the standard.

use casework::fields::{self, id_of};
use casework::paging::{page_size, paged, sequence_token};
use law::RefusalGround as _;
use platform::store::{Command, request_hash};
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::subsidy::v1 as pb;
use tonic::Request;

use super::{Subsidy, application_name, calendar_error, not_found, refusal};
use crate::Subsidies;
use crate::app::decide::{self, DECIDE};
use crate::domain::standard::{IN_FORCE_FROM, ROWS, SOURCE};
use crate::domain::{Ground, Stage, grounds, terms};
use crate::store::{self, Column, Deadline};
use casework::asked::Asked;
use casework::reopen::{self, Reconsideration};
use law::Stage as _;

const REVIEW: &str = "/kz.housing.subsidy.v1.RentSubsidyService/RecordReview";
const CLAIM: &str = "/kz.housing.subsidy.v1.RentSubsidyService/ClaimReviewTask";
const END_LEASE: &str = "/kz.housing.subsidy.v1.RentSubsidyService/EndLease";
const RECONSIDER: &str = "/kz.housing.subsidy.v1.RentSubsidyService/ReconsiderApplication";

/// The official acting; the dev profile's anonymous caller acts as `dev`.
fn official(p: &Principal) -> Result<String, ApiError> {
    match &p.official {
        Some(o) => Ok(o.id.clone()),
        None if p.subsystem == platform::Subsystem::Dev => Ok("dev".into()),
        None => Err(ApiError::permission_denied("OFFICIAL_REQUIRED", "an otbasy-official reviews the lease")),
    }
}

fn text([kk, ru, en]: [&str; 3]) -> common::LocalizedText {
    common::LocalizedText { kk: kk.into(), ru: ru.into(), en: en.into() }
}

impl Subsidy {
    /// The application `name` names, if the caller may see it (`casework::access`): one the
    /// caller may not see is answered exactly like a missing one.
    pub(super) async fn visible(&self, p: &Principal, name: &str) -> Result<store::ApplicationRow, ApiError> {
        casework::reads::visible::<Subsidies>(&self.db, p, name, "name").await
    }

    pub(super) fn service_standard(
        &self,
        r: pb::GetServiceStandardRequest,
    ) -> Result<pb::GetServiceStandardResponse, ApiError> {
        let as_of = if r.as_of.trim().is_empty() {
            self.clock.now_local().date_naive()
        } else {
            fields::date(&r.as_of, "as_of")?
        };
        if as_of < IN_FORCE_FROM {
            return Err(ApiError::not_found(
                "STANDARD_NOT_IN_FORCE",
                format!("this version of the standard is in force from {IN_FORCE_FROM}"),
            )
            .meta("in_force_from", IN_FORCE_FROM.to_string()));
        }
        let rows = ROWS
            .iter()
            .map(|(number, heading, items)| common::StandardRow {
                number: *number,
                heading: Some(text(*heading)),
                items: if *number == 10 {
                    Ground::ALL.iter().map(|g| text(g.texts())).collect()
                } else {
                    items.iter().map(|t| text(*t)).collect()
                },
            })
            .collect();
        Ok(pb::GetServiceStandardResponse {
            standard: Some(common::ServiceStandard {
                service: "rent-subsidy".into(),
                source: SOURCE.into(),
                in_force_from: IN_FORCE_FROM.to_string(),
                rows,
                refusal_grounds: Ground::ALL.iter().map(|g| refusal(*g, "")).collect(),
            }),
        })
    }

    pub(super) async fn tasks(&self, r: pb::ListReviewTasksRequest) -> Result<pb::ListReviewTasksResponse, ApiError> {
        let limit = page_size(r.page_size)?;
        let ids = store::at_stage(&self.db, Stage::UnderReview, sequence_token(&r.page_token)?, limit + 1).await?;
        let (page, next) = paged(ids, limit, |id| id.to_string());
        Ok(pb::ListReviewTasksResponse {
            applications: casework::service::load_all(self, page).await?,
            next_page_token: next,
        })
    }

    pub(super) async fn claim(
        &self,
        r: Request<pb::ClaimReviewTaskRequest>,
    ) -> Result<pb::ClaimReviewTaskResponse, ApiError> {
        let p = Principal::of(&r);
        let me = official(&p)?;
        let r = r.into_inner();
        let command = Command::new(p, CLAIM).idempotent(fields::request_id(&r.request_id)?, request_hash(CLAIM, &r));
        let id = id_of(&r.name, "subsidy/applications", "name")?;
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let app = store::application_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                    let name = application_name(id);
                    let mine = app.reviewer.as_deref() == Some(me.as_str());
                    if app.stage != Stage::UnderReview || (app.reviewer.is_some() && !mine) {
                        return Err(ApiError::failed_precondition(
                            "TASK_NOT_OPEN",
                            format!(
                                "{name} is {} and claimed by {}",
                                app.stage.code(),
                                app.reviewer.clone().unwrap_or_default()
                            ),
                        )
                        .precondition(
                            "STAGE",
                            name,
                            format!("{}, unclaimed", Stage::UnderReview.code()),
                        ));
                    }
                    store::set(tx, id, Column::Reviewer, Some(&me)).await?;
                    tx.audit(&name, &format!("review claimed by {me}")).await?;
                    Ok(pb::ClaimReviewTaskResponse::default())
                })
            })
            .await?;
        Ok(pb::ClaimReviewTaskResponse { application: Some(self.load(id).await?) })
    }

    /// The official's review (Annex 3 row 5): the lease confirmed, the payments assigned unless a
    /// recorded finding refuses; or a motivated refusal on the official's ground.
    pub(super) async fn review(
        &self,
        r: Request<pb::RecordReviewRequest>,
    ) -> Result<pb::RecordReviewResponse, ApiError> {
        let p = Principal::of(&r);
        let me = official(&p)?;
        let r = r.into_inner();
        let request_id = fields::request_id(&r.request_id)?;
        let id = id_of(&r.name, "subsidy/applications", "name")?;
        let reason = fields::text(&r.reason, "reason")?;
        let refused = match (r.approve, grounds::official(&r.refusal_code)) {
            (true, _) => None,
            (false, Some(ground)) => Some(ground),
            (false, None) => {
                return Err(ApiError::bad_field(
                    "REFUSAL_CODE_INVALID",
                    "refusal_code",
                    "NONCONFORMING (row 10(2)) or UNRELIABLE_DOCUMENTS (row 10(1))",
                ));
            }
        };
        let params = self.inputs.parameters_on(self.clock.now_local().date_naive())?;
        let command = Command::new(p, REVIEW).idempotent(request_id, request_hash(REVIEW, &r));
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let app = store::application_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                    let name = application_name(id);
                    if app.stage != Stage::UnderReview || app.reviewer.as_deref() != Some(me.as_str()) {
                        return Err(ApiError::failed_precondition(
                            "TASK_NOT_CLAIMED",
                            format!("claim {name} before reviewing it; it is {}", app.stage.code()),
                        )
                        .precondition(
                            "STAGE",
                            name,
                            format!("{}, claimed by {me}", Stage::UnderReview.code()),
                        ));
                    }
                    let why = format!("reviewed by {me}: {reason}");
                    decide::reviewed(tx, &app, refused, &reason, &why, &params).await?;
                    Ok(pb::RecordReviewResponse::default())
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(pb::RecordReviewResponse { application: Some(self.load(id).await?) })
    }

    /// A lease ended early, by the applicant or an official: the payments stop.
    pub(super) async fn end_lease(&self, r: Request<pb::EndLeaseRequest>) -> Result<pb::EndLeaseResponse, ApiError> {
        let p = Principal::of(&r);
        let row = self.visible(&p, &r.get_ref().name).await?;
        let r = r.into_inner();
        let request_id = fields::request_id(&r.request_id)?;
        let end = fields::date(&r.end_date, "end_date")?;
        let reason = fields::text(&r.reason, "reason")?;
        let today = self.clock.now_local().date_naive();
        if end > today || end.to_string() < row.lease_start {
            return Err(ApiError::bad_field(
                "END_DATE_INVALID",
                "end_date",
                format!("between the lease's start {} and today {today}", row.lease_start),
            ));
        }
        let id = row.id;
        let command = Command::new(p, END_LEASE).idempotent(request_id, request_hash(END_LEASE, &r));
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let app = store::application_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                    if app.stage != Stage::Assigned {
                        return Err(ApiError::failed_precondition(
                            "NOT_PAYING",
                            format!("the application is {}", app.stage.code()),
                        )
                        .precondition("STAGE", application_name(id), Stage::Assigned.code()));
                    }
                    store::set(tx, id, Column::LeaseEnd, Some(&end.to_string())).await?;
                    decide::stop(tx, &app, &format!("LEASE_ENDED on {end}: {reason}")).await?;
                    Ok(pb::EndLeaseResponse::default())
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(pb::EndLeaseResponse { application: Some(self.load(id).await?) })
    }

    pub(super) async fn payments(
        &self,
        r: Request<pb::ListPaymentsRequest>,
    ) -> Result<pb::ListPaymentsResponse, ApiError> {
        let row = self.visible(&Principal::of(&r), &r.get_ref().name).await?;
        let r = r.into_inner();
        let limit = page_size(r.page_size)?;
        let rows = store::payments(&self.db, row.id, r.page_token.trim(), limit + 1).await?;
        let (page, next) = paged(rows, limit, |p| p.month.clone());
        Ok(pb::ListPaymentsResponse {
            payments: page
                .into_iter()
                .map(|p| pb::Payment {
                    month: p.month,
                    amount: Some(common::Money { tiyn: p.amount_tiyn }),
                    accrued_at: Some(casework::history::timestamp(p.accrued_at)),
                    due_on: p.due_on,
                    payee_iin: p.payee_iin,
                    parameter_version: p.parameter_version,
                })
                .collect(),
            next_page_token: next,
        })
    }

    /// DESIGN.md "Cases, deadlines and evidence": an upheld complaint reopens a refused case,
    /// decided again at once within a new term (`casework::reopen::reconsider`).
    pub(super) async fn reconsider(
        &self,
        request: Request<pb::ReconsiderApplicationRequest>,
    ) -> Result<pb::ReconsiderApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let asked = Asked::new(principal, RECONSIDER, &r.request_id, &r, false)?;
        // The subsidy decides a reopened case again at once: there is no stage to choose.
        let pb::ReconsiderApplicationRequest { request_id: _, name, stage: _, complaint, reason } = &r;
        let asking = Reconsideration::checked::<Subsidies>(name, complaint, reason)?;
        let id = asking.id;
        let deadline = |_: &store::ApplicationRow, note: &str| {
            let (now, today) = (self.clock.now(), self.clock.now_local().date_naive());
            let term = terms::DECISION;
            let due = self.calendar.due(today, term.length, calendar::DEFAULT_START).map_err(calendar_error)?;
            Ok(Deadline::of_term(term, "RECONSIDERATION_OPENED", now, due, note))
        };
        let then: reopen::Then<Subsidies> = Box::new(|tx, _, case| {
            Box::pin(async move {
                let at = tx.now();
                tx.schedule(DECIDE, &case.name(), at).await
            })
        });
        reopen::reconsider(&self.db, &self.complaints, asked, asking, deadline, then).await?;
        self.changed.notify_waiters();
        Ok(pb::ReconsiderApplicationResponse { application: Some(self.load(id).await?) })
    }
}
