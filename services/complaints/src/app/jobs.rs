//! The complaints' deadline jobs: `VERIFY` asks a complaint's case of its service again when
//! the service did not answer at filing (a missing case dismisses the complaint), and
//! `OVERDUE` marks a review still open past its term (SR cl. 26, [A-MON]).

use casework::case::enter_stage;
use casework::fields::id_of;
use platform::ApiError;
use platform::store::sweeper::Job;
use platform::store::{Db, WriteTx};

use crate::ComplaintCases;
use crate::domain::Stage;
use crate::domain::terms::Service;
use crate::store::{self, Column};
use crate::targets::{Case, Targets};

/// The job that asks a complaint's case again.
pub const VERIFY: &str = "VERIFY";
/// The job that marks a review past its term.
pub const OVERDUE: &str = "OVERDUE";

fn name(id: i64) -> String {
    <ComplaintCases as casework::case::CaseKind>::name(id)
}

/// The `VERIFY` job's outside half: the case, asked again.
pub async fn prepare_verify(db: &Db, targets: &Targets, job: Job) -> Result<Option<Case>, ApiError> {
    let id = id_of(&job.subject, "complaints/complaints", "subject")?;
    match store::complaint(db, id).await? {
        Some(c) if c.case_check == "PENDING" => {
            let service = Service::of(&c.application).ok_or_else(|| ApiError::internal("no service"))?;
            targets.look(service, &c.application).await.map(Some)
        }
        _ => Ok(None),
    }
}

/// The `VERIFY` job's change: the case confirmed, or the complaint dismissed for want of one.
pub async fn apply_verify(tx: &mut WriteTx, job: &Job, case: Option<Case>) -> Result<(), ApiError> {
    let id = id_of(&job.subject, "complaints/complaints", "subject")?;
    let c = store::complaint_in(tx, id).await?;
    match (c, case) {
        (Some(c), Some(Case::Found { applicant_name, .. })) if c.case_check == "PENDING" => {
            store::set(tx, id, Column::CaseCheck, "VERIFIED").await?;
            if !applicant_name.is_empty() {
                store::set(tx, id, Column::ComplainantName, &applicant_name).await?;
            }
            tx.audit(&name(id), "the case is confirmed by its service").await
        }
        (Some(c), Some(Case::Missing)) if c.case_check == "PENDING" && c.is_open() => {
            store::set(tx, id, Column::CaseCheck, "NOT_FOUND").await?;
            let why = format!("dismissed: {} does not exist", c.application);
            enter_stage(tx, &mut c.case(), Stage::Dismissed, &why, None, &why).await?;
            tx.cancel_jobs(OVERDUE, &name(id)).await.map(|_| ())
        }
        _ => tx.audit(&job.subject, "nothing to verify").await,
    }
}

/// The `OVERDUE` job: a review still open past its (current) term is marked.
pub async fn mark_overdue(tx: &mut WriteTx, job: &Job) -> Result<(), ApiError> {
    let id = id_of(&job.subject, "complaints/complaints", "subject")?;
    match store::complaint_in(tx, id).await? {
        Some(c) if c.is_open() && c.deadline.due_at <= job.due_at => {
            store::mark_overdue(tx, id).await?;
            tx.audit(&name(id), &format!("the review is past its term of {}", c.deadline.due_date)).await
        }
        _ => tx.audit(&job.subject, "not overdue: decided or extended").await,
    }
}
