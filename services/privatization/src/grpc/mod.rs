//! Privatization's gRPC service: handlers that check the request into a use case's command,
//! call it (`app/`, or the case kernel's reads), and answer.

mod cases;
pub mod convert;
mod filing;
pub(crate) use filing::decode as decode_filing;
mod stages;
mod standard;

use pb::privatization_service_server::PrivatizationService;
use platform::ApiError;
use proto::housing::privatization::v1 as pb;
use tonic::{Request, Response, Status};

pub use crate::app::Privatization;
use crate::app::calendar_error;
use crate::store::{self, Parts};

type Answer<T> = Result<Response<T>, Status>;

fn ok<T>(result: Result<T, ApiError>) -> Answer<T> {
    result.map(Response::new).map_err(Status::from)
}

impl Privatization {
    /// One application with everything it shows; NOT_FOUND when there is none.
    async fn load(&self, id: i64) -> Result<pb::Application, ApiError> {
        casework::service::load(self, id).await
    }
}

/// How the case kernel shows a privatization (`casework::service`).
impl casework::service::Shows for Privatization {
    type Kind = crate::Privatizations;
    type Shown = pb::Application;

    fn kernel(&self) -> casework::service::Kernel<'_> {
        casework::service::Kernel::new(&self.db, &self.clock, &self.changed, &self.shutdown, &self.seal, &self.calendar)
    }

    /// An application already read, with everything it shows.
    async fn show(&self, row: store::ApplicationRow) -> Result<pb::Application, ApiError> {
        let id = row.id;
        let parts = Parts {
            findings: store::findings(&self.db, id).await?,
            family: store::family(&self.db, id).await?,
            document_kinds: store::document_kinds(&self.db, id).await?,
            awaiting_state_data: row.awaiting_state_data != 0,
        };
        Ok(convert::application(&row, &parts, self.clock.now()))
    }
}

casework::application_service! {
impl PrivatizationService for Privatization {
    proto: pb, "kz.housing.privatization.v1.PrivatizationService";

    /// A document of an application, to those who may see it; every read audited.
    async fn get_document(&self, r: Request<pb::GetDocumentRequest>) -> Answer<pb::GetDocumentResponse> {
        const METHOD: &str = "/kz.housing.privatization.v1.PrivatizationService/GetDocument";
        let principal = platform::Principal::of(&r);
        let pb::GetDocumentRequest { name } = r.into_inner();
        let document = casework::documents::read::<crate::Privatizations>(&self.db, &principal, &name, METHOD).await?;
        Ok(Response::new(pb::GetDocumentResponse { document: Some(document) }))
    }

    async fn record_commission_decision(
        &self,
        r: Request<pb::RecordCommissionDecisionRequest>,
    ) -> Answer<pb::RecordCommissionDecisionResponse> {
        ok(self.act(r).await.map(|application| pb::RecordCommissionDecisionResponse { application }))
    }

    async fn record_property_body_decision(
        &self,
        r: Request<pb::RecordPropertyBodyDecisionRequest>,
    ) -> Answer<pb::RecordPropertyBodyDecisionResponse> {
        ok(self.act(r).await.map(|application| pb::RecordPropertyBodyDecisionResponse { application }))
    }

    async fn record_transfer_act(
        &self,
        r: Request<pb::RecordTransferActRequest>,
    ) -> Answer<pb::RecordTransferActResponse> {
        ok(self.act(r).await.map(|application| pb::RecordTransferActResponse { application }))
    }

    async fn record_state_registration(
        &self,
        r: Request<pb::RecordStateRegistrationRequest>,
    ) -> Answer<pb::RecordStateRegistrationResponse> {
        ok(self.act(r).await.map(|application| pb::RecordStateRegistrationResponse { application }))
    }

    async fn sign_contract(&self, r: Request<pb::SignContractRequest>) -> Answer<pb::SignContractResponse> {
        ok(self.act(r).await.map(|application| pb::SignContractResponse { application }))
    }
}
}
