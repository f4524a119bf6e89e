//! The officials' review of the partially automated cases (Annex 2 rows 5(2), 5(3)): a queue of
//! tasks in the official's jurisdiction, claimed one at a time, decided with findings and a
//! reason.

use chrono::NaiveDate;
use platform::store::{Command, request_hash};
use platform::{ApiError, Principal};
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::Registry;
use super::convert::{self, application_name, id_of, task_name};
use crate::app::decide::{accepted_on, claim, finding_row, stored_finding};
use crate::domain::Stage;
use crate::domain::decision::{self, OfficialFinding, SettledRelation, Worsening};
use crate::store::{self, TaskRow};
use law::Stage as _;

const CLAIM: &str = "/kz.housing.registry.v1.RegistryService/ClaimReviewTask";
const DECIDE_TASK: &str = "/kz.housing.registry.v1.RegistryService/DecideReviewTask";

/// The official acting, with their jurisdiction (a settlement code) if they have one.
fn official(principal: &Principal) -> Result<(String, Option<String>), ApiError> {
    // The dev profile's anonymous caller works the tasks as a bank-wide official.
    if principal.subsystem == platform::Subsystem::Dev && principal.official.is_none() {
        return Ok(("dev".to_owned(), None));
    }
    let o = principal.official.as_ref().ok_or_else(|| {
        ApiError::permission_denied("OFFICIAL_REQUIRED", "review tasks are worked by an otbasy-official")
    })?;
    Ok((o.id.clone(), o.jurisdiction.clone()))
}

fn in_jurisdiction(task: &TaskRow, jurisdiction: Option<&str>) -> Result<(), ApiError> {
    match jurisdiction {
        Some(j) if j != task.settlement_kato => Err(ApiError::permission_denied(
            "OUTSIDE_JURISDICTION",
            format!("the task is in {}, outside the official's jurisdiction {j}", task.settlement_kato),
        )
        .meta("task", task_name(task.id))),
        _ => Ok(()),
    }
}

impl Registry {
    /// A task with its application's facts, as the official sees it.
    async fn task_view(&self, task: &TaskRow) -> Result<pb::ReviewTask, ApiError> {
        let app = store::application(&self.db, task.application_id)
            .await?
            .ok_or_else(|| super::not_found(task.application_id))?;
        let findings = store::findings(&self.db, app.id).await?;
        let kinds = store::document_kinds(&self.db, app.id).await?;
        Ok(convert::task(task, &app, &findings, &kinds, self.clock.now()))
    }

    async fn existing_task(&self, name: &str) -> Result<TaskRow, ApiError> {
        let id = id_of(name, "registry/review-tasks", "name")?;
        store::task(&self.db, id).await?.ok_or_else(|| {
            ApiError::not_found("TASK_NOT_FOUND", format!("no review task {}", task_name(id)))
                .meta("name", task_name(id))
        })
    }

    pub(super) async fn list_tasks(
        &self,
        r: Request<pb::ListReviewTasksRequest>,
    ) -> Result<pb::ListReviewTasksResponse, ApiError> {
        let (_, jurisdiction) = official(&Principal::of(&r))?;
        let r = r.into_inner();
        let limit = convert::page_size(r.page_size)?;
        let after = convert::sequence_token(&r.page_token)?;
        let states: &[&str] = match r.state.trim() {
            "" => &["OPEN", "CLAIMED"],
            "OPEN" => &["OPEN"],
            "CLAIMED" => &["CLAIMED"],
            "DONE" => &["DONE"],
            _ => return Err(ApiError::bad_field("TASK_STATE_INVALID", "state", "OPEN, CLAIMED or DONE")),
        };
        let rows = store::tasks(&self.db, states, jurisdiction.as_deref(), after, limit + 1).await?;
        let (page, next) = convert::paged(rows, limit, |t| t.id.to_string());
        let mut tasks = Vec::with_capacity(page.len());
        for t in &page {
            tasks.push(self.task_view(t).await?);
        }
        Ok(pb::ListReviewTasksResponse { tasks, next_page_token: next })
    }

    pub(super) async fn claim_task(
        &self,
        r: Request<pb::ClaimReviewTaskRequest>,
    ) -> Result<pb::ClaimReviewTaskResponse, ApiError> {
        let principal = Principal::of(&r);
        let (me, jurisdiction) = official(&principal)?;
        let r = r.into_inner();
        let request_id = convert::request_id(&r.request_id)?;
        let task = self.existing_task(&r.name).await?;
        in_jurisdiction(&task, jurisdiction.as_deref())?;
        let command = Command::new(principal, CLAIM).idempotent(request_id, request_hash(CLAIM, &r));
        let id = task.id;
        self.db
            .transact(command, move |tx| {
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
                    tx.audit(&task_name(id), &format!("claimed by {me}")).await?;
                    Ok(pb::ClaimReviewTaskResponse {
                        task: Some(pb::ReviewTask { name: task_name(id), ..Default::default() }),
                    })
                })
            })
            .await?;
        let task = store::task(&self.db, id).await?.ok_or_else(|| ApiError::internal("a task vanished"))?;
        Ok(pb::ClaimReviewTaskResponse { task: Some(self.task_view(&task).await?) })
    }

    pub(super) async fn decide_task(
        &self,
        r: Request<pb::DecideReviewTaskRequest>,
    ) -> Result<pb::DecideReviewTaskResponse, ApiError> {
        let principal = Principal::of(&r);
        let (me, jurisdiction) = official(&principal)?;
        let r = r.into_inner();
        let request_id = convert::request_id(&r.request_id)?;
        let reason = convert::text(&r.reason, "reason")?;
        let found = official_findings(&r.findings)?;
        let task = self.existing_task(&r.name).await?;
        in_jurisdiction(&task, jurisdiction.as_deref())?;
        let command = Command::new(principal, DECIDE_TASK).idempotent(request_id, request_hash(DECIDE_TASK, &r));
        let (id, app_id) = (task.id, task.application_id);
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let task = store::task_in(tx, id).await?.ok_or_else(|| ApiError::internal("a task vanished"))?;
                    if task.state != "CLAIMED" || task.assignee.as_deref() != Some(me.as_str()) {
                        return Err(ApiError::failed_precondition(
                            "TASK_NOT_CLAIMED",
                            format!("claim the task before deciding it; it is {}", task.state),
                        )
                        .precondition("TASK_STATE", task_name(id), format!("CLAIMED by {me}")));
                    }
                    let app = store::application_in(tx, app_id).await?.ok_or_else(|| super::not_found(app_id))?;
                    if app.stage != Stage::UnderReview {
                        return Err(ApiError::failed_precondition(
                            "NOT_UNDER_REVIEW",
                            format!("the application is {}", app.stage.code()),
                        )
                        .precondition(
                            "STAGE",
                            application_name(app_id),
                            Stage::UnderReview.code(),
                        ));
                    }
                    let claim = claim(&app)?;
                    let new = decision::review_findings(claim, &app.applicant_iin, accepted_on(&app)?, &found);
                    let mut all: Vec<_> = store::findings_in(tx, app_id).await?.iter().map(stored_finding).collect();
                    all.extend(new.iter().cloned());
                    let outcome = decision::outcome(&all);
                    let rows: Vec<_> = new.iter().map(finding_row).collect();
                    store::finish_task(tx, id, &reason).await?;
                    let why = format!("reviewed by {me}: {reason}");
                    crate::app::decide::finish(tx, &app, &rows, &outcome, &why).await?;
                    Ok(pb::DecideReviewTaskResponse {
                        task: Some(pb::ReviewTask { name: task_name(id), ..Default::default() }),
                        application: Some(pb::Application { name: application_name(app_id), ..Default::default() }),
                    })
                })
            })
            .await?;
        self.changed.notify_waiters();
        let task = store::task(&self.db, id).await?.ok_or_else(|| ApiError::internal("a task vanished"))?;
        Ok(pb::DecideReviewTaskResponse {
            task: Some(self.task_view(&task).await?),
            application: Some(self.load(app_id).await?),
        })
    }
}

/// The official's findings, each checked and named by its path when wrong.
fn official_findings(given: &[pb::OfficialFinding]) -> Result<Vec<OfficialFinding>, ApiError> {
    let mut out = Vec::new();
    for (i, f) in given.iter().enumerate() {
        let at = |field: &str| format!("findings[{i}].{field}");
        let on = || {
            NaiveDate::parse_from_str(f.occurred_on.trim(), "%Y-%m-%d").map_err(|_| {
                ApiError::bad_field("DATE_INVALID", at("occurred_on"), "required for a worsening, YYYY-MM-DD")
            })
        };
        let detail = f.detail.trim().to_owned();
        let act = match f.code.trim() {
            "WORSENING_EXCHANGE" => Some(Worsening::Exchange),
            "WORSENING_ALIENATION" => {
                Some(Worsening::Alienation { buyer_is_local_executive_body: f.buyer_is_local_executive_body })
            }
            "WORSENING_DESTRUCTION" => Some(Worsening::Destruction),
            "WORSENING_VACATED" => Some(Worsening::Vacated),
            "WORSENING_SETTLED_OTHERS" => {
                let relation = SettledRelation::parse(f.settled_relation.trim()).ok_or_else(|| {
                    ApiError::bad_field(
                        "SETTLED_RELATION_INVALID",
                        at("settled_relation"),
                        "SPOUSE, MINOR_CHILD, DISABLED_CHILD, DISABLED_PARENT or OTHER",
                    )
                })?;
                Some(Worsening::SettledIn(relation))
            }
            "CATEGORY_NOT_CONFIRMED" | "UNRELIABLE_DOCUMENTS" => None,
            _ => {
                return Err(ApiError::bad_field(
                    "FINDING_CODE_UNKNOWN",
                    at("code"),
                    "a WORSENING_* code, CATEGORY_NOT_CONFIRMED or UNRELIABLE_DOCUMENTS",
                ));
            }
        };
        out.push(match act {
            Some(act) => OfficialFinding::Worsening { act, on: on()?, detail },
            None => {
                let detail = convert::text(&f.detail, &at("detail"))?;
                if f.code.trim() == "CATEGORY_NOT_CONFIRMED" {
                    OfficialFinding::CategoryNotConfirmed(detail)
                } else {
                    OfficialFinding::UnreliableDocuments(detail)
                }
            }
        });
    }
    Ok(out)
}
