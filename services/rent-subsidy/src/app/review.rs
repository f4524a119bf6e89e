//! The official's side of a case (Annex 3 row 5): claiming the review of a lease, recording it
//! (the lease confirmed and the payments assigned, or a motivated refusal on the official's
//! ground), and a lease ended early, which stops the payments.

use chrono::NaiveDate;
use law::Stage as _;
use platform::ApiError;

use super::Subsidy;
use super::decide;
use crate::Subsidies;
use crate::domain::{Ground, Stage};
use crate::store::{self, ApplicationRow, Column};
use casework::asked::Asked;
use casework::case::CaseKind as _;

/// The official's review as recorded: the case, the reviewer, the refusal (its ground and the
/// sub-reason it records) or none, and the reason in the official's words.
#[derive(Debug, Clone)]
pub struct Review {
    pub id: i64,
    pub official: String,
    pub refused: Option<(Ground, &'static str)>,
    pub reason: String,
}

/// A lease ended before its term: the case, the last day and why.
#[derive(Debug, Clone)]
pub struct LeaseEnd {
    pub id: i64,
    pub end: NaiveDate,
    pub reason: String,
}

/// An official takes the review of application `id`: it must be under review and claimed by no
/// one else (claiming it again is harmless).
#[tracing::instrument(level = "debug", skip_all, fields(application = id))]
pub async fn claim(s: &Subsidy, asked: Asked, id: i64, official: String) -> Result<(), ApiError> {
    s.db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let app = store::application_in(tx, id).await?.ok_or_else(|| Subsidies::not_found(id))?;
            let name = Subsidies::name(id);
            let mine = app.reviewer.as_deref() == Some(official.as_str());
            if app.stage != Stage::UnderReview || (app.reviewer.is_some() && !mine) {
                let claimed_by = app.reviewer.clone().unwrap_or_default();
                return Err(ApiError::failed_precondition(
                    "TASK_NOT_OPEN",
                    format!("{name} is {} and claimed by {claimed_by}", app.stage.code()),
                )
                .precondition("STAGE", name, format!("{}, unclaimed", Stage::UnderReview.code())));
            }
            store::set(tx, id, Column::Reviewer, Some(&official)).await?;
            tx.audit(&name, &format!("review claimed by {official}")).await
        })
    })
    .await?;
    Ok(())
}

/// The official's review (Annex 3 row 5): the reviewer must have claimed the application; the
/// lease is confirmed and the payments assigned unless a recorded finding refuses, or it is
/// refused on the official's ground.
#[tracing::instrument(level = "debug", skip_all, fields(application = review.id))]
pub async fn review(s: &Subsidy, asked: Asked, review: Review) -> Result<(), ApiError> {
    let params = s.inputs.parameters_on(s.clock.now_local().date_naive())?;
    let Review { id, official, refused, reason } = review;
    s.db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let app = store::application_in(tx, id).await?.ok_or_else(|| Subsidies::not_found(id))?;
            let name = Subsidies::name(id);
            if app.stage != Stage::UnderReview || app.reviewer.as_deref() != Some(official.as_str()) {
                return Err(ApiError::failed_precondition(
                    "TASK_NOT_CLAIMED",
                    format!("claim {name} before reviewing it; it is {}", app.stage.code()),
                )
                .precondition(
                    "STAGE",
                    name,
                    format!("{}, claimed by {official}", Stage::UnderReview.code()),
                ));
            }
            let why = format!("reviewed by {official}: {reason}");
            decide::reviewed(tx, &app, refused, &reason, &why, &params).await
        })
    })
    .await?;
    s.changed.notify_waiters();
    Ok(())
}

/// A lease ended early, by the applicant or an official (`row`, the application as the caller
/// may see it): the last day lies between the lease's start and today; the payments stop.
#[tracing::instrument(level = "debug", skip_all, fields(application = ended.id))]
pub async fn end_lease(s: &Subsidy, asked: Asked, row: &ApplicationRow, ended: LeaseEnd) -> Result<(), ApiError> {
    let LeaseEnd { id, end, reason } = ended;
    let today = s.clock.now_local().date_naive();
    if end > today || end.to_string() < row.lease_start {
        return Err(ApiError::bad_field(
            "END_DATE_INVALID",
            "end_date",
            format!("between the lease's start {} and today {today}", row.lease_start),
        ));
    }
    s.db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let app = store::application_in(tx, id).await?.ok_or_else(|| Subsidies::not_found(id))?;
            if app.stage != Stage::Assigned {
                return Err(ApiError::failed_precondition(
                    "NOT_PAYING",
                    format!("the application is {}", app.stage.code()),
                )
                .precondition("STAGE", Subsidies::name(id), Stage::Assigned.code()));
            }
            store::set(tx, id, Column::LeaseEnd, Some(&end.to_string())).await?;
            // [A-RECOVERY]: a month accrued for a day after the lease ended was not owed; it is
            // recorded as overpaid, to be recovered from the payee, never silently dropped.
            let why = format!("accrued after the lease ended on {end}");
            let overpaid = store::mark_overpaid(tx, id, &end.to_string(), &why).await?;
            let recovered =
                if overpaid > 0 { format!("; {overpaid} month(s) accrued after it to recover") } else { String::new() };
            decide::stop(tx, &app, &format!("LEASE_ENDED on {end}: {reason}{recovered}")).await
        })
    })
    .await?;
    s.changed.notify_waiters();
    Ok(())
}

/// A month's payout as an official records it.
#[derive(Debug, Clone)]
pub struct Payout {
    pub id: i64,
    pub month: String,
    pub paid_on: NaiveDate,
    pub reference: String,
}

/// Records month `p.month` of application `p.id` paid out to the landlord's account (the
/// lease's IBAN, which a payout needs): a month owed, paid once (the same reference again
/// changes nothing).
pub async fn record_payment(s: &Subsidy, asked: Asked, row: &ApplicationRow, p: Payout) -> Result<(), ApiError> {
    let today = s.clock.now_local().date_naive();
    if p.paid_on > today {
        return Err(ApiError::bad_field("PAID_ON_INVALID", "paid_on", format!("not after today {today}")));
    }
    if row.landlord_iban.as_deref().unwrap_or_default().is_empty() {
        return Err(ApiError::failed_precondition(
            "IBAN_MISSING",
            "the lease names no landlord account to pay to (lease.landlord_iban)",
        )
        .precondition("IBAN", Subsidies::name(row.id), "the landlord's IBAN on the lease"));
    }
    s.db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let name = Subsidies::name(p.id);
            let month = store::payment_in(tx, p.id, &p.month).await?.ok_or_else(|| {
                ApiError::not_found("PAYMENT_NOT_FOUND", format!("{name} accrued nothing for {}", p.month))
                    .meta("month", p.month.clone())
            })?;
            if let Some(why) = &month.recovery {
                return Err(ApiError::failed_precondition(
                    "PAYMENT_NOT_PAYABLE",
                    format!("{} is to be recovered, not paid: {why}", p.month),
                )
                .precondition("PAYMENT", format!("{name}/payments/{}", p.month), "payable"));
            }
            match month.paid_reference.as_deref() {
                Some(reference) if reference == p.reference => return tx.audit(&name, "payout recorded already").await,
                Some(reference) => {
                    return Err(ApiError::failed_precondition(
                        "PAYMENT_ALREADY_PAID",
                        format!("{} was paid on {} under {reference}", p.month, month.paid_on.unwrap_or_default()),
                    )
                    .precondition(
                        "PAYMENT",
                        format!("{name}/payments/{}", p.month),
                        "not paid yet",
                    ));
                }
                None => {}
            }
            store::mark_paid(tx, p.id, &p.month, &p.paid_on.to_string(), &p.reference).await?;
            tx.audit(&name, &format!("{} paid on {} under {}", p.month, p.paid_on, p.reference)).await
        })
    })
    .await?;
    s.changed.notify_waiters();
    Ok(())
}
