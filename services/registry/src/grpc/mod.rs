//! The registry's gRPC service: handlers that check the request into a use case's command,
//! call it (`app/`, or the case kernel's reads), and answer.

mod cases;
pub mod convert;
mod filing;
mod queue;
mod review;
mod standard;

use pb::registry_service_server::RegistryService;
use platform::ApiError;
use proto::housing::registry::v1 as pb;
use tonic::{Request, Response, Status};

use crate::store;
use crate::store::Parts;

pub use crate::app::decide::DECIDE;

pub use crate::app::{DocumentLimits, Registry};

type Answer<T> = Result<Response<T>, Status>;

use crate::app::calendar_error;

impl Registry {
    /// One application with everything it shows; NOT_FOUND when there is none.
    async fn load(&self, id: i64) -> Result<pb::Application, ApiError> {
        casework::service::load(self, id).await
    }
}

/// How the case kernel shows an enrolment (`casework::service`).
impl casework::service::Shows for Registry {
    type Kind = crate::Enrolments;
    type Shown = pb::Application;

    fn kernel(&self) -> casework::service::Kernel<'_> {
        casework::service::Kernel::new(&self.db, &self.clock, &self.changed, &self.shutdown, &self.seal, &self.calendar)
    }

    /// An application already read, with everything it shows.
    async fn show(&self, row: store::ApplicationRow) -> Result<pb::Application, ApiError> {
        let id = row.id;
        let parts = Parts {
            findings: store::findings(&self.db, id).await?,
            confirmations: store::confirmations(&self.db, id).await?,
            document_kinds: store::document_kinds(&self.db, id).await?,
            queue: store::entry(&self.db, id).await?,
        };
        Ok(convert::application(&row, &parts, self.clock.now()))
    }
}

fn not_found(id: i64) -> ApiError {
    <crate::Enrolments as casework::case::CaseKind>::not_found(id)
}

fn ok<T>(result: Result<T, ApiError>) -> Answer<T> {
    result.map(Response::new).map_err(Status::from)
}

casework::application_service! {
impl RegistryService for Registry {
    proto: pb, "kz.housing.registry.v1.RegistryService";

    /// A document of an application, to those who may see it; every read audited.
    async fn get_document(&self, r: Request<pb::GetDocumentRequest>) -> Answer<pb::GetDocumentResponse> {
        const METHOD: &str = "/kz.housing.registry.v1.RegistryService/GetDocument";
        let principal = platform::Principal::of(&r);
        let pb::GetDocumentRequest { name } = r.into_inner();
        let document = casework::documents::read::<crate::Enrolments>(&self.db, &principal, &name, METHOD).await?;
        Ok(Response::new(pb::GetDocumentResponse { document: Some(document) }))
    }

    async fn publish_service_standard(
        &self,
        r: Request<pb::PublishServiceStandardRequest>,
    ) -> Answer<pb::PublishServiceStandardResponse> {
        ok(self.publish_standard(r).await)
    }

    async fn list_standard_publications(
        &self,
        _: Request<pb::ListStandardPublicationsRequest>,
    ) -> Answer<pb::ListStandardPublicationsResponse> {
        ok(self.publications().await)
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
}
