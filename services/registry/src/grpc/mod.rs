//! The registry's gRPC service: thin handlers that check the request, ask the domain, write
//! through the store in one transaction, and answer.

mod cases;
pub mod convert;

mod filing;
mod queue;
mod review;
mod standard;

use std::sync::Arc;

use calendar::{Calendar, CalendarError};
use pb::registry_service_server::RegistryService;
use platform::store::Db;
use platform::{ApiError, Clock};
use proto::housing::registry::v1 as pb;
use tokio::sync::{Notify, watch};
use tonic::{Request, Response, Status};

use crate::gather::StateData;
use crate::store;
use convert::Parts;

pub use crate::app::decide::DECIDE;

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct Registry {
    db: Db,
    calendar: Arc<Calendar>,
    clock: Clock,
    state: StateData,
    /// The complaints service, which confirms an upheld complaint before a reopening.
    complaints: clients::ComplaintsClient,
    limits: DocumentLimits,
    /// Woken after every committed change, so that watchers of this process see it at once;
    /// watchers poll besides, for changes made by other replicas.
    changed: Arc<Notify>,
    shutdown: watch::Receiver<bool>,
}

pub use casework::documents::Limits as DocumentLimits;

/// The parts a registry is built from.
#[derive(Debug)]
pub struct Deps {
    /// Its database.
    pub db: Db,
    /// The calendar.
    pub calendar: Arc<Calendar>,
    /// The clock.
    pub clock: Clock,
    /// The gateway.
    pub state: StateData,
    /// The complaints service.
    pub complaints: clients::ComplaintsClient,
    /// The documents' limits.
    pub limits: DocumentLimits,
    /// The server's shutdown signal.
    pub shutdown: watch::Receiver<bool>,
}

type Answer<T> = Result<Response<T>, Status>;

/// A calendar that does not cover a date is the operators' to fix, not the caller's.
fn calendar_error(e: CalendarError) -> ApiError {
    ApiError::failed_precondition(
        "CALENDAR_NOT_COVERED",
        format!("the working-day calendar cannot count this term: {e}"),
    )
}

impl Registry {
    /// The handlers.
    pub fn new(p: Deps) -> Self {
        Registry {
            db: p.db,
            calendar: p.calendar,
            clock: p.clock,
            state: p.state,
            complaints: p.complaints,
            limits: p.limits,
            changed: Arc::new(Notify::new()),
            shutdown: p.shutdown,
        }
    }

    /// One application with everything it shows; NOT_FOUND when there is none.
    async fn load(&self, id: i64) -> Result<pb::Application, ApiError> {
        let row = store::application(&self.db, id).await?.ok_or_else(|| not_found(id))?;
        let parts = Parts {
            findings: store::findings(&self.db, id).await?,
            confirmations: store::confirmations(&self.db, id).await?,
            document_kinds: store::document_kinds(&self.db, id).await?,
            queue: store::entry(&self.db, id).await?,
        };
        Ok(convert::application(&row, &parts, self.clock.now()))
    }

    /// The applications of a page, each with everything it shows.
    async fn load_all(&self, ids: Vec<i64>) -> Result<Vec<pb::Application>, ApiError> {
        let mut applications = Vec::with_capacity(ids.len());
        for id in ids {
            applications.push(self.load(id).await?);
        }
        Ok(applications)
    }
}

fn not_found(id: i64) -> ApiError {
    <crate::Enrolments as casework::case::CaseKind>::not_found(id)
}

fn ok<T>(result: Result<T, ApiError>) -> Answer<T> {
    result.map(Response::new).map_err(Status::from)
}

#[tonic::async_trait]
impl RegistryService for Registry {
    async fn get_service_standard(
        &self,
        r: Request<pb::GetServiceStandardRequest>,
    ) -> Answer<pb::GetServiceStandardResponse> {
        ok(self.service_standard(r.into_inner()).await)
    }

    async fn publish_service_standard(
        &self,
        r: Request<pb::PublishServiceStandardRequest>,
    ) -> Answer<pb::PublishServiceStandardResponse> {
        ok(self.publish_standard(r).await)
    }

    async fn create_application(
        &self,
        r: Request<pb::CreateApplicationRequest>,
    ) -> Answer<pb::CreateApplicationResponse> {
        ok(self.create(r).await)
    }

    async fn get_application(&self, r: Request<pb::GetApplicationRequest>) -> Answer<pb::GetApplicationResponse> {
        ok(self.get(r).await)
    }

    async fn list_applications(&self, r: Request<pb::ListApplicationsRequest>) -> Answer<pb::ListApplicationsResponse> {
        ok(self.list(r).await)
    }

    async fn list_application_events(
        &self,
        r: Request<pb::ListApplicationEventsRequest>,
    ) -> Answer<pb::ListApplicationEventsResponse> {
        ok(self.list_events(r).await)
    }

    type WatchApplicationStream = cases::EventStream;

    async fn watch_application(&self, r: Request<pb::WatchApplicationRequest>) -> Answer<Self::WatchApplicationStream> {
        ok(self.watch(r).await)
    }

    async fn reconsider_application(
        &self,
        r: Request<pb::ReconsiderApplicationRequest>,
    ) -> Answer<pb::ReconsiderApplicationResponse> {
        ok(self.reconsider(r).await)
    }

    async fn list_overdue(&self, r: Request<pb::ListOverdueRequest>) -> Answer<pb::ListOverdueResponse> {
        ok(self.overdue(r.into_inner()).await)
    }

    async fn list_review_tasks(&self, r: Request<pb::ListReviewTasksRequest>) -> Answer<pb::ListReviewTasksResponse> {
        ok(self.list_tasks(r).await)
    }

    async fn claim_review_task(&self, r: Request<pb::ClaimReviewTaskRequest>) -> Answer<pb::ClaimReviewTaskResponse> {
        ok(self.claim_task(r).await)
    }

    async fn decide_review_task(
        &self,
        r: Request<pb::DecideReviewTaskRequest>,
    ) -> Answer<pb::DecideReviewTaskResponse> {
        ok(self.decide_task(r).await)
    }

    async fn get_queue_position(
        &self,
        r: Request<pb::GetQueuePositionRequest>,
    ) -> Answer<pb::GetQueuePositionResponse> {
        ok(self.queue_position(r).await)
    }

    async fn list_queue(&self, r: Request<pb::ListQueueRequest>) -> Answer<pb::ListQueueResponse> {
        ok(self.queue_page(r).await)
    }

    async fn get_queue_standing(
        &self,
        r: Request<pb::GetQueueStandingRequest>,
    ) -> Answer<pb::GetQueueStandingResponse> {
        ok(self.queue_standing(r).await)
    }

    async fn remove_from_queue(&self, r: Request<pb::RemoveFromQueueRequest>) -> Answer<pb::RemoveFromQueueResponse> {
        ok(self.remove(r).await)
    }
}
