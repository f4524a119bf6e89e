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
