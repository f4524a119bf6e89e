//! The "personal cabinet" view of a case (Annex 2 row 11(2)): one application, lists, its
//! history and a live watch; the overdue list; and reconsideration after an upheld complaint.

use calendar::DEFAULT_START;
use platform::store::{Command, request_hash};
use platform::{ApiError, Principal};
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::convert::{self, application_name, id_of};
use super::{DECIDE, Registry, calendar_error};
use crate::app::decide::claim;
use casework::case::enter_stage;
use casework::reopen;

use crate::Enrolments;
use crate::domain::Stage;
use crate::store::{self, Deadline};
use casework::history::events_page;
use casework::reads::{overdue_page, visible_page};

/// The stream `WatchApplication` answers.
pub type EventStream = casework::watch::Events<pb::WatchApplicationResponse>;

const RECONSIDER: &str = "/kz.housing.registry.v1.RegistryService/ReconsiderApplication";

impl Registry {
    /// The application `name` names (read from the request's `field`), if the caller may see it
    /// (`casework::access::visible`).
    pub(super) async fn visible(&self, principal: &Principal, name: &str, field: &str) -> Result<i64, ApiError> {
        Ok(casework::reads::visible::<Enrolments>(&self.db, principal, name, field).await?.id)
    }

    pub(super) async fn get(
        &self,
        r: Request<pb::GetApplicationRequest>,
    ) -> Result<pb::GetApplicationResponse, ApiError> {
        let principal = Principal::of(&r);
        let row = casework::reads::visible::<Enrolments>(&self.db, &principal, &r.get_ref().name, "name").await?;
        Ok(pb::GetApplicationResponse { application: Some(self.show(row).await?) })
    }

    /// The applications the caller may see, newest first: a person's own ("my applications"),
    /// an official's jurisdiction's, everything for the suite's services.
    pub(super) async fn list(
        &self,
        request: Request<pb::ListApplicationsRequest>,
    ) -> Result<pb::ListApplicationsResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let (ids, next) =
            visible_page::<Enrolments>(&self.db, &principal, &r.filter, r.page_size, &r.page_token).await?;
        Ok(pb::ListApplicationsResponse { applications: self.load_all(ids).await?, next_page_token: next })
    }

    pub(super) async fn list_events(
        &self,
        r: Request<pb::ListApplicationEventsRequest>,
    ) -> Result<pb::ListApplicationEventsResponse, ApiError> {
        let id = self.visible(&Principal::of(&r), &r.get_ref().name, "name").await?;
        let (events, next_page_token) =
            events_page(&self.db, id, r.get_ref().page_size, &r.get_ref().page_token).await?;
        Ok(pb::ListApplicationEventsResponse { events, next_page_token })
    }

    pub(super) async fn watch(&self, r: Request<pb::WatchApplicationRequest>) -> Result<EventStream, ApiError> {
        let id = self.visible(&Principal::of(&r), &r.get_ref().name, "name").await?;
        let after = r.get_ref().after_sequence;
        let wrap = |event| pb::WatchApplicationResponse { event: Some(event) };
        casework::watch::stream_after(self.db.clone(), id, after, self.changed.clone(), self.shutdown.clone(), wrap)
    }

    pub(super) async fn overdue(&self, r: pb::ListOverdueRequest) -> Result<pb::ListOverdueResponse, ApiError> {
        let (ids, next) = overdue_page::<Stage>(&self.db, self.clock.now(), r.page_size, &r.page_token).await?;
        Ok(pb::ListOverdueResponse { applications: self.load_all(ids).await?, next_page_token: next })
    }

    /// DESIGN.md "Cases, deadlines and evidence": an upheld complaint reopens a refused case at
    /// a named stage with a new deadline; the history stays.
    pub(super) async fn reconsider(
        &self,
        request: Request<pb::ReconsiderApplicationRequest>,
    ) -> Result<pb::ReconsiderApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let request_id = convert::request_id(&r.request_id)?;
        let id = id_of(&r.name, "registry/applications", "name")?;
        let reopen_at = reopened_at(r.stage)?;
        let complaint = casework::premise::complaint_named(&r.complaint)?;
        let reason = convert::text(&r.reason, "reason")?;
        let app = store::application(&self.db, id).await?.ok_or_else(|| super::not_found(id))?;
        // Reopened only on an upheld complaint about this very case, confirmed at its source.
        casework::premise::upheld_complaint(&self.complaints, complaint.as_str(), &application_name(id)).await?;
        let case = claim(&app)?.case;
        let now = self.clock.now();
        let acceptance = calendar::Channel::OTBASYBANK_REGISTRY
            .accept(&self.calendar, now)
            .map_err(calendar_error)?
            .ok_or_else(|| ApiError::internal("the channel is open around the clock"))?;
        let due = self.calendar.due(acceptance.accepted_on, case.term(), DEFAULT_START).map_err(calendar_error)?;
        let clause = format!("{}; reconsideration after {}", case.term_clause(), complaint.as_str());
        let deadline = Deadline::new(case.term(), "RECONSIDERATION_OPENED", now, due, clause);
        let command = Command::new(principal, RECONSIDER).idempotent(request_id, request_hash(RECONSIDER, &r));
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let (app, mut case) = reopen::refused::<Enrolments>(tx, id).await?;
                    if let Some(other) = store::collision_in(tx, &app).await? {
                        return Err(crate::app::file::collision(&other));
                    }
                    reopen::reopen(tx, &mut case, &complaint, &reason, &deadline).await?;
                    let name = case.name();
                    if reopen_at == Stage::UnderReview {
                        let reopened = "reopened for an official's review";
                        enter_stage(tx, &mut case, Stage::UnderReview, reopened, None, reopened).await?;
                        store::open_task(tx, id, &app.settlement_kato).await?;
                    } else {
                        let at = tx.now();
                        tx.schedule(DECIDE, &name, at).await?;
                    }
                    Ok(pb::ReconsiderApplicationResponse {
                        application: Some(pb::Application { name, ..Default::default() }),
                    })
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(pb::ReconsiderApplicationResponse { application: Some(self.load(id).await?) })
    }
}

/// Where a reopened case starts again: at acceptance (decided again at once) or with an official.
fn reopened_at(stage: i32) -> Result<Stage, ApiError> {
    match pb::ApplicationStage::try_from(stage) {
        Ok(pb::ApplicationStage::Accepted) => Ok(Stage::Accepted),
        Ok(pb::ApplicationStage::UnderReview) => Ok(Stage::UnderReview),
        _ => Err(ApiError::bad_field(
            "STAGE_NOT_REOPENABLE",
            "stage",
            "APPLICATION_STAGE_ACCEPTED or APPLICATION_STAGE_UNDER_REVIEW",
        )),
    }
}
