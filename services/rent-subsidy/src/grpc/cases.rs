//! The rest of the service's handlers (the personal-cabinet reads and the overdue list are the
//! case kernel's, `casework::service`): the officials' review of the lease and a lease ended
//! early (use cases in `app::review`), the payments, reconsideration after an upheld complaint,
//! and the standard.

use casework::fields::{self, id_of};
use casework::paging::{page_size, paged, sequence_token};
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::subsidy::v1 as pb;
use tonic::Request;

use super::{Subsidy, calendar_error};
use crate::Subsidies;
use crate::app::decide::DECIDE;
use crate::app::review;
use crate::domain::standard::{IN_FORCE_FROM, ROWS, SOURCE};
use crate::domain::{Ground, Stage, grounds, terms};
use crate::store::{self, Deadline};
use casework::asked::Asked;
use casework::reopen::{self, Reconsideration};

const REVIEW: &str = "/kz.housing.subsidy.v1.RentSubsidyService/RecordReview";
const CLAIM: &str = "/kz.housing.subsidy.v1.RentSubsidyService/ClaimReviewTask";
const END_LEASE: &str = "/kz.housing.subsidy.v1.RentSubsidyService/EndLease";
const RECORD_PAYMENT: &str = "/kz.housing.subsidy.v1.RentSubsidyService/RecordPayment";
const RECONSIDER: &str = "/kz.housing.subsidy.v1.RentSubsidyService/ReconsiderApplication";

/// The official acting; the dev profile's anonymous caller acts as `dev`.
fn official(p: &Principal) -> Result<String, ApiError> {
    match &p.official {
        Some(o) => Ok(o.id.clone()),
        None if p.subsystem == platform::Subsystem::Dev => Ok("dev".into()),
        None => Err(ApiError::permission_denied("OFFICIAL_REQUIRED", "an otbasy-official reviews the lease")),
    }
}

impl Subsidy {
    /// The application `name` names, if the caller may see it (`casework::access`): one the
    /// caller may not see is answered exactly like a missing one.
    pub(super) async fn visible(&self, p: &Principal, name: &str) -> Result<store::ApplicationRow, ApiError> {
        casework::reads::visible::<Subsidies>(&self.db, p, name, "name").await
    }

    pub(super) async fn service_standard(
        &self,
        r: pb::GetServiceStandardRequest,
    ) -> Result<pb::GetServiceStandardResponse, ApiError> {
        let pb::GetServiceStandardRequest { as_of } = r;
        casework::standard::as_of(&as_of, self.clock.now_local().date_naive())?;
        let standard =
            casework::standard::shown::<Ground>("rent-subsidy", SOURCE.into(), IN_FORCE_FROM.to_string(), ROWS);
        Ok(pb::GetServiceStandardResponse { standard: Some(standard) })
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
        let (asked, r) = Asked::of(r, CLAIM, |m| &m.request_id)?;
        let me = official(&asked.principal)?;
        let pb::ClaimReviewTaskRequest { request_id: _, name } = &r;
        let id = id_of(name, "subsidy/applications", "name")?;
        review::claim(self, asked, id, me).await?;
        Ok(pb::ClaimReviewTaskResponse { application: Some(self.load(id).await?) })
    }

    /// The official's review (Annex 3 row 5), as `app::review::review` records it.
    pub(super) async fn review(
        &self,
        r: Request<pb::RecordReviewRequest>,
    ) -> Result<pb::RecordReviewResponse, ApiError> {
        let (asked, r) = Asked::of(r, REVIEW, |m| &m.request_id)?;
        let official = official(&asked.principal)?;
        let pb::RecordReviewRequest { request_id: _, name, approve, refusal_code, reason } = &r;
        let id = id_of(name, "subsidy/applications", "name")?;
        let reason = fields::text(reason, "reason")?;
        let refused = match (approve, grounds::official(refusal_code)) {
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
        review::review(self, asked, review::Review { id, official, refused, reason }).await?;
        Ok(pb::RecordReviewResponse { application: Some(self.load(id).await?) })
    }

    /// A lease ended early, by the applicant or an official: the payments stop.
    pub(super) async fn end_lease(&self, r: Request<pb::EndLeaseRequest>) -> Result<pb::EndLeaseResponse, ApiError> {
        let (asked, r) = Asked::of(r, END_LEASE, |m| &m.request_id)?;
        let row = self.visible(&asked.principal, &r.name).await?;
        let pb::EndLeaseRequest { request_id: _, name: _, end_date, reason } = &r;
        let ended = review::LeaseEnd {
            id: row.id,
            end: fields::date(end_date, "end_date")?,
            reason: fields::text(reason, "reason")?,
        };
        review::end_lease(self, asked, &row, ended).await?;
        Ok(pb::EndLeaseResponse { application: Some(self.load(row.id).await?) })
    }

    pub(super) async fn payments(
        &self,
        r: Request<pb::ListPaymentsRequest>,
    ) -> Result<pb::ListPaymentsResponse, ApiError> {
        let row = self.visible(&Principal::of(&r), &r.get_ref().name).await?;
        let r = r.into_inner();
        let limit = page_size(r.page_size)?;
        let rows = store::payments(&self.db, row.id, r.page_token.trim(), limit + 1).await?;
        let totals = store::totals(&self.db, row.id).await?;
        let (page, next) = paged(rows, limit, |p| p.month.clone());
        Ok(pb::ListPaymentsResponse {
            payments: page.into_iter().map(|p| payment(p, row.landlord_iban.as_deref())).collect(),
            next_page_token: next,
            payable_total: Some(common::Money { tiyn: totals.payable }),
            to_recover_total: Some(common::Money { tiyn: totals.to_recover }),
            paid_total: Some(common::Money { tiyn: totals.paid }),
        })
    }

    /// A month's payout to the landlord's account, by an official of the settlement.
    pub(super) async fn record_payment(
        &self,
        r: Request<pb::RecordPaymentRequest>,
    ) -> Result<pb::RecordPaymentResponse, ApiError> {
        let (asked, r) = Asked::of(r, RECORD_PAYMENT, |m| &m.request_id)?;
        let row = self.visible(&asked.principal, &r.name).await?;
        let month = r.month.trim();
        if chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
            return Err(ApiError::bad_field("MONTH_INVALID", "month", "YYYY-MM"));
        }
        let payout = review::Payout {
            id: row.id,
            month: month.to_owned(),
            paid_on: fields::date(&r.paid_on, "paid_on")?,
            reference: fields::text(&r.reference, "reference")?,
        };
        review::record_payment(self, asked, &row, payout).await?;
        let paid =
            store::payment(&self.db, row.id, month).await?.ok_or_else(|| ApiError::internal("a month just paid"))?;
        Ok(pb::RecordPaymentResponse { payment: Some(payment(paid, row.landlord_iban.as_deref())) })
    }

    /// DESIGN.md "Cases, deadlines and evidence": an upheld complaint reopens a refused case,
    /// decided again at once within a new term (`casework::reopen::reconsider`).
    pub(super) async fn reconsider(
        &self,
        request: Request<pb::ReconsiderApplicationRequest>,
    ) -> Result<pb::ReconsiderApplicationResponse, ApiError> {
        let (asked, r) = Asked::of(request, RECONSIDER, |m| &m.request_id)?;
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

/// A month's payment as the contract shows it, paid to `iban`.
fn payment(p: store::PaymentRow, iban: Option<&str>) -> pb::Payment {
    let status = match (&p.recovery, &p.paid_on) {
        (Some(_), _) => pb::PaymentStatus::ToRecover,
        (None, Some(_)) => pb::PaymentStatus::Paid,
        (None, None) => pb::PaymentStatus::Payable,
    };
    pb::Payment {
        month: p.month,
        amount: Some(common::Money { tiyn: p.amount_tiyn }),
        accrued_time: Some(casework::history::timestamp(p.accrued_at)),
        due_on: p.due_on,
        payee_iin: p.payee_iin,
        parameter_version: p.parameter_version,
        status: status.into(),
        recovery_reason: p.recovery.unwrap_or_default(),
        payee_iban: iban.unwrap_or_default().to_owned(),
        paid_on: p.paid_on.unwrap_or_default(),
        paid_reference: p.paid_reference.unwrap_or_default(),
    }
}
