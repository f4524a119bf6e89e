//! The officials' review of the partially automated cases (Annex 2 rows 5(2), 5(3)): the queue
//! of tasks in the official's jurisdiction, and the requests that claim and decide one (use cases
//! in `app::review`), each destructured into its command.

use casework::asked::Asked;
use chrono::NaiveDate;
use platform::{ApiError, Principal};
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::Registry;
use super::convert::{self, id_of};
use crate::app::review::{self, Official};
use crate::domain::decision::{OfficialFinding, SettledRelation, Worsening};
use crate::store::{self, TaskRow};

const CLAIM: &str = "/kz.housing.registry.v1.RegistryService/ClaimReviewTask";
const DECIDE_TASK: &str = "/kz.housing.registry.v1.RegistryService/DecideReviewTask";

/// The official acting, with their jurisdiction (a settlement code) if they have one.
fn official(principal: &Principal) -> Result<Official, ApiError> {
    // The dev profile's anonymous caller works the tasks as a bank-wide official.
    if principal.subsystem == platform::Subsystem::Dev && principal.official.is_none() {
        return Ok(Official { id: "dev".to_owned(), jurisdiction: None });
    }
    let o = principal.official.as_ref().ok_or_else(|| {
        ApiError::permission_denied("OFFICIAL_REQUIRED", "review tasks are worked by an otbasy-official")
    })?;
    Ok(Official { id: o.id.clone(), jurisdiction: o.jurisdiction.clone() })
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

    pub(super) async fn list_tasks(
        &self,
        r: Request<pb::ListReviewTasksRequest>,
    ) -> Result<pb::ListReviewTasksResponse, ApiError> {
        let jurisdiction = official(&Principal::of(&r))?.jurisdiction;
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
        let (asked, r) = Asked::of(r, CLAIM, |m| &m.request_id)?;
        let official = official(&asked.principal)?;
        let pb::ClaimReviewTaskRequest { request_id: _, name } = &r;
        let id = id_of(name, "registry/review-tasks", "name")?;
        review::claim_task(self, asked, id, official).await?;
        Ok(pb::ClaimReviewTaskResponse { task: Some(self.task_view(&self.task(id).await?).await?) })
    }

    pub(super) async fn decide_task(
        &self,
        r: Request<pb::DecideReviewTaskRequest>,
    ) -> Result<pb::DecideReviewTaskResponse, ApiError> {
        let (asked, r) = Asked::of(r, DECIDE_TASK, |m| &m.request_id)?;
        let official = official(&asked.principal)?;
        let pb::DecideReviewTaskRequest { request_id: _, name, findings, reason } = &r;
        let reason = convert::text(reason, "reason")?;
        let findings = official_findings(findings)?;
        let task = id_of(name, "registry/review-tasks", "name")?;
        let decided = review::TaskDecision { task, findings, reason };
        let application = review::decide_task(self, asked, decided, official).await?;
        Ok(pb::DecideReviewTaskResponse {
            task: Some(self.task_view(&self.task(task).await?).await?),
            application: Some(self.load(application).await?),
        })
    }

    /// Task `id` as it stands after a change.
    async fn task(&self, id: i64) -> Result<TaskRow, ApiError> {
        store::task(&self.db, id).await?.ok_or_else(|| ApiError::internal("a task vanished"))
    }
}

/// The official's findings, each checked and named by its path when wrong.
fn official_findings(given: &[pb::OfficialFinding]) -> Result<Vec<OfficialFinding>, ApiError> {
    let mut out = Vec::new();
    for (i, f) in given.iter().enumerate() {
        let pb::OfficialFinding { code, occurred_on, buyer_is_local_executive_body, settled_relation, detail } = f;
        let at = |field: &str| format!("findings[{i}].{field}");
        let on = || {
            NaiveDate::parse_from_str(occurred_on.trim(), "%Y-%m-%d").map_err(|_| {
                ApiError::bad_field("DATE_INVALID", at("occurred_on"), "required for a worsening, YYYY-MM-DD")
            })
        };
        let detail_text = detail.trim().to_owned();
        let act = match code.trim() {
            "WORSENING_EXCHANGE" => Some(Worsening::Exchange),
            "WORSENING_ALIENATION" => {
                Some(Worsening::Alienation { buyer_is_local_executive_body: *buyer_is_local_executive_body })
            }
            "WORSENING_DESTRUCTION" => Some(Worsening::Destruction),
            "WORSENING_VACATED" => Some(Worsening::Vacated),
            "WORSENING_SETTLED_OTHERS" => {
                let relation = SettledRelation::parse(settled_relation.trim()).ok_or_else(|| {
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
            Some(act) => OfficialFinding::Worsening { act, on: on()?, detail: detail_text },
            None => {
                let detail = convert::text(detail, &at("detail"))?;
                if code.trim() == "CATEGORY_NOT_CONFIRMED" {
                    OfficialFinding::CategoryNotConfirmed(detail)
                } else {
                    OfficialFinding::UnreliableDocuments(detail)
                }
            }
        });
    }
    Ok(out)
}
