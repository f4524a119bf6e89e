//! The officials' review of the partially automated cases (Annex 2 rows 5(2), 5(3)): a task in
//! the official's jurisdiction is claimed by one official at a time, then decided with the
//! official's findings and a reason, which decide the application with those the state systems
//! gave.

use law::Stage as _;
use platform::ApiError;

use super::Registry;
use super::decide::{accepted_on, claim, finding_row, finish, stored_finding};
use crate::Enrolments;
use crate::domain::Stage;
use crate::domain::decision::{self, OfficialFinding};
use crate::store::{self, TaskRow};
use casework::asked::Asked;
use casework::case::CaseKind as _;

/// The official working a task: who, and the settlement they serve (none: the whole bank).
#[derive(Debug, Clone)]
pub struct Official {
    pub id: String,
    pub jurisdiction: Option<String>,
}

/// An official's decision of a task: which task, what they found, and why.
#[derive(Debug, Clone)]
pub struct TaskDecision {
    pub task: i64,
    pub findings: Vec<OfficialFinding>,
    pub reason: String,
}

/// The resource name of review task `id`.
pub fn task_name(id: i64) -> String {
    format!("registry/review-tasks/{id}")
}

/// Task `id`, if there is one (`TASK_NOT_FOUND`) in the official's jurisdiction
/// (`OUTSIDE_JURISDICTION`).
async fn task_of(r: &Registry, id: i64, official: &Official) -> Result<TaskRow, ApiError> {
    let task = store::task(&r.db, id).await?.ok_or_else(|| {
        ApiError::not_found("TASK_NOT_FOUND", format!("no review task {}", task_name(id))).meta("name", task_name(id))
    })?;
    match official.jurisdiction.as_deref() {
        Some(j) if j != task.settlement_kato => Err(ApiError::permission_denied(
            "OUTSIDE_JURISDICTION",
            format!("the task is in {}, outside the official's jurisdiction {j}", task.settlement_kato),
        )
        .meta("task", task_name(task.id))),
        _ => Ok(task),
    }
}

/// The official takes task `id`: an open task becomes theirs; one they hold already stays so;
/// one done or held by another is refused.
#[tracing::instrument(level = "debug", skip_all, fields(task = id))]
pub async fn claim_task(r: &Registry, asked: Asked, id: i64, official: Official) -> Result<(), ApiError> {
    task_of(r, id, &official).await?;
    let me = official.id;
    r.db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let task = store::task_in(tx, id).await?.ok_or_else(|| ApiError::internal("a task vanished"))?;
            match (task.state.as_str(), task.assignee.as_deref()) {
                ("OPEN", _) => store::claim_task(tx, id, &me).await?,
                ("CLAIMED", Some(who)) if who == me => {}
                (state, who) => {
                    return Err(ApiError::failed_precondition(
                        "TASK_NOT_OPEN",
                        format!("the task is {state}{}", who.map(|w| format!(" by {w}")).unwrap_or_default()),
                    )
                    .precondition("TASK_STATE", task_name(id), "OPEN"));
                }
            }
            tx.audit(&task_name(id), &format!("claimed by {me}")).await
        })
    })
    .await?;
    Ok(())
}

/// The official decides the task they hold (Annex 2 rows 5(2), 5(3)): their findings join those
/// the state systems gave, and all of them decide the application, which must still be under
/// review; the task is done. Answers the application's id.
#[tracing::instrument(level = "debug", skip_all, fields(task = decided.task))]
pub async fn decide_task(
    r: &Registry,
    asked: Asked,
    decided: TaskDecision,
    official: Official,
) -> Result<i64, ApiError> {
    let task = task_of(r, decided.task, &official).await?;
    let (id, app_id, me) = (task.id, task.application_id, official.id);
    let TaskDecision { findings: found, reason, .. } = decided;
    r.db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let task = store::task_in(tx, id).await?.ok_or_else(|| ApiError::internal("a task vanished"))?;
            if task.state != "CLAIMED" || task.assignee.as_deref() != Some(me.as_str()) {
                return Err(ApiError::failed_precondition(
                    "TASK_NOT_CLAIMED",
                    format!("claim the task before deciding it; it is {}", task.state),
                )
                .precondition("TASK_STATE", task_name(id), format!("CLAIMED by {me}")));
            }
            let app = store::application_in(tx, app_id).await?.ok_or_else(|| Enrolments::not_found(app_id))?;
            if app.stage != Stage::UnderReview {
                return Err(ApiError::failed_precondition(
                    "NOT_UNDER_REVIEW",
                    format!("the application is {}", app.stage.code()),
                )
                .precondition("STAGE", Enrolments::name(app_id), Stage::UnderReview.code()));
            }
            let claim = claim(&app)?;
            let new = decision::review_findings(claim, &app.applicant_iin, accepted_on(&app)?, &found);
            let mut all: Vec<_> = store::findings_in(tx, app_id).await?.iter().map(stored_finding).collect();
            all.extend(new.iter().cloned());
            let outcome = decision::outcome(&all);
            let rows: Vec<_> = new.iter().map(finding_row).collect();
            store::finish_task(tx, id, &reason).await?;
            finish(tx, &app, &rows, &outcome, &format!("reviewed by {me}: {reason}")).await.map(drop)
        })
    })
    .await?;
    r.changed.notify_waiters();
    Ok(app_id)
}
