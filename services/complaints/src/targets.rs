//! The three services a complaint can be about, reached only through their typed clients in
//! `shared/clients` (never their tables): the case looked up at registration, and the upheld
//! complaint's remedy, `ReconsiderApplication`, sent through the outbox so that it is delivered
//! however long the service is away.

use clients::{PrivatizationClient, RegistryClient, SubsidyClient};
use platform::store::outbox::OutboxMessage;
use platform::{ApiError, Subsystem};
use prost::Message;
use proto::housing::{privatization::v1 as privatization, registry::v1 as registry, subsidy::v1 as subsidy};
use tonic::{Code, Status};

use crate::domain::review::ReopenAt;
use crate::domain::terms::Service;

/// What the service says of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Case {
    /// It exists: its applicant, and whether it ended in a refusal.
    Found {
        /// The applicant.
        applicant: String,
        /// The applicant's name as the case records it (empty on a case filed before names).
        applicant_name: String,
        /// Whether it is refused (and so can be reconsidered).
        refused: bool,
    },
    /// There is no such case.
    Missing,
}

/// The three services' clients.
#[derive(Debug, Clone)]
pub struct Targets {
    /// The registry.
    pub registry: RegistryClient,
    /// Privatization.
    pub privatization: PrivatizationClient,
    /// The rent subsidy.
    pub subsidy: SubsidyClient,
}

fn answer<T>(result: Result<T, Status>, found: impl FnOnce(T) -> Case) -> Result<Case, ApiError> {
    match result {
        Ok(t) => Ok(found(t)),
        Err(s) if s.code() == Code::NotFound => Ok(Case::Missing),
        Err(s) => Err(ApiError::unavailable(
            "TARGET_UNAVAILABLE",
            format!("the service did not answer ({:?}: {})", s.code(), s.message()),
        )),
    }
}

impl Targets {
    /// Looks the case up in its service; UNAVAILABLE when the service does not answer.
    pub async fn look(&self, service: Service, name: &str) -> Result<Case, ApiError> {
        match service {
            Service::Registry => answer(self.registry.get_application(name).await, |r| {
                let a = r.application.unwrap_or_default();
                Case::Found {
                    applicant: a.applicant.map(|p| p.iin).unwrap_or_default(),
                    applicant_name: a.applicant_name,
                    refused: a.stage == registry::ApplicationStage::Refused as i32,
                }
            }),
            Service::Privatization => answer(self.privatization.get_application(name).await, |r| {
                let a = r.application.unwrap_or_default();
                Case::Found {
                    applicant: a.applicant.map(|p| p.iin).unwrap_or_default(),
                    applicant_name: a.applicant_name,
                    refused: a.stage == privatization::ApplicationStage::Refused as i32,
                }
            }),
            Service::RentSubsidy => answer(self.subsidy.get_application(name).await, |r| {
                let a = r.application.unwrap_or_default();
                Case::Found {
                    applicant: a.applicant.map(|p| p.iin).unwrap_or_default(),
                    applicant_name: a.applicant_name,
                    refused: a.stage == subsidy::ApplicationStage::Refused as i32,
                }
            }),
        }
    }
}

/// The remedy of an upheld complaint: the case reopened at `stage` (`ACCEPTED` or `UNDER_REVIEW`),
/// idempotent on `request_id` at the service, delivered by the outbox.
pub fn reconsider(
    service: Service,
    request_id: &str,
    application: &str,
    complaint: &str,
    reason: &str,
    stage: ReopenAt,
    user: &str,
) -> OutboxMessage {
    let (destination, method, payload) = match service {
        Service::Registry => (
            Subsystem::Registry,
            "/kz.housing.registry.v1.RegistryService/ReconsiderApplication",
            registry::ReconsiderApplicationRequest {
                request_id: request_id.into(),
                name: application.into(),
                stage: match stage {
                    ReopenAt::UnderReview => registry::ApplicationStage::UnderReview,
                    ReopenAt::Accepted => registry::ApplicationStage::Accepted,
                }
                .into(),
                complaint: complaint.into(),
                reason: reason.into(),
            }
            .encode_to_vec(),
        ),
        Service::Privatization => (
            Subsystem::Privatization,
            "/kz.housing.privatization.v1.PrivatizationService/ReconsiderApplication",
            privatization::ReconsiderApplicationRequest {
                request_id: request_id.into(),
                name: application.into(),
                stage: privatization::ApplicationStage::Accepted.into(),
                complaint: complaint.into(),
                reason: reason.into(),
            }
            .encode_to_vec(),
        ),
        Service::RentSubsidy => (
            Subsystem::RentSubsidy,
            "/kz.housing.subsidy.v1.RentSubsidyService/ReconsiderApplication",
            subsidy::ReconsiderApplicationRequest {
                request_id: request_id.into(),
                name: application.into(),
                stage: subsidy::ApplicationStage::Accepted.into(),
                complaint: complaint.into(),
                reason: reason.into(),
            }
            .encode_to_vec(),
        ),
    };
    let mut message =
        OutboxMessage::new(destination, method, complaint, "an upheld complaint's remedy (DESIGN.md)", &());
    message.payload = payload;
    message.for_user(user)
}

/// An instruction of an upheld complaint, as sent.
#[derive(Debug)]
pub struct Instruct<'a> {
    /// The complaint.
    pub complaint: &'a str,
    /// What the provider is to do.
    pub remedy: &'a law::remedy::Remedy,
    /// Its text.
    pub text: proto::housing::common::v1::LocalizedText,
}

/// The instruction `order` to the service that keeps `application` (State Services Law art. 25),
/// through the outbox. Each service's request has the same fields; the service's own type
/// names the method's contract.
pub fn instruct(service: Service, application: &str, user: &str, order: Instruct<'_>) -> OutboxMessage {
    use proto::housing::common::v1 as common;
    let (kind, document_kind, days) = match order.remedy {
        law::remedy::Remedy::StopDemandingDocument(kind) => {
            (common::RemedyKind::StopDemandingDocument, kind.clone(), 0)
        }
        law::remedy::Remedy::AnswerWithin(days) => {
            (common::RemedyKind::AnswerWithin, String::new(), i32::try_from(*days).unwrap_or(0))
        }
        law::remedy::Remedy::RenderService => (common::RemedyKind::RenderService, String::new(), 0),
        law::remedy::Remedy::Reopen => (common::RemedyKind::Reopen, String::new(), 0),
    };
    let remedy = Some(common::Remedy { kind: kind.into(), document_kind, days });
    // A request id of its own, fixed in the outbox row: a redelivery is the same request.
    let request_id = uuid::Uuid::new_v4().to_string();
    let (name, complaint, text) = (application.to_owned(), order.complaint.to_owned(), Some(order.text));
    let (destination, method, payload) = match service {
        Service::Registry => (
            Subsystem::Registry,
            "/kz.housing.registry.v1.RegistryService/ReceiveInstruction",
            registry::ReceiveInstructionRequest { request_id, name, complaint, remedy, text }.encode_to_vec(),
        ),
        Service::Privatization => (
            Subsystem::Privatization,
            "/kz.housing.privatization.v1.PrivatizationService/ReceiveInstruction",
            privatization::ReceiveInstructionRequest { request_id, name, complaint, remedy, text }.encode_to_vec(),
        ),
        Service::RentSubsidy => (
            Subsystem::RentSubsidy,
            "/kz.housing.subsidy.v1.RentSubsidyService/ReceiveInstruction",
            subsidy::ReceiveInstructionRequest { request_id, name, complaint, remedy, text }.encode_to_vec(),
        ),
    };
    let purpose = "State Services Law art. 25: an upheld complaint's instruction";
    let mut message = OutboxMessage::new(destination, method, order.complaint, purpose, &());
    message.payload = payload;
    message.for_user(user)
}
