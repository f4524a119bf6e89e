//! The emulated e-government gateway: the single door of every housing service to state data
//! (Annex 1 row 9, last paragraph, applied to all three services by [A-GW]), one gRPC service
//! per state information system, reached with an X-Road-style envelope in metadata.
//!
//! The contracts are declared; their methods answer UNIMPLEMENTED until the gateway issues
//! land. Access rights are per calling subsystem and method, deny by default (DESIGN.md "The
//! gateway's exchange model"); at the gateway the subsystem is the envelope's `x-egov-client`.
#![forbid(unsafe_code)]

use platform::principal::Allow::{self, DevOnly, Subsystem as From};
use platform::store::{NO_MIGRATIONS, StoreSpec};
use platform::{ApiError, ServerContext, ServiceSet, Subsystem as S};
use proto::egov::gateway::v1 as gw;

/// The service's database: the platform's tables (audit, idempotency, outbox, jobs) until its
/// own tables land with its issue.
pub const STORE: StoreSpec =
    StoreSpec { service: "egov-gateway", subsystem: S::Gateway, sqlite: &NO_MIGRATIONS, postgres: &NO_MIGRATIONS };

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50056";

/// The housing services that decide from state data.
const HOUSING: &[Allow] = &[From(S::Privatization), From(S::Registry), From(S::RentSubsidy), From(S::Complaints)];

/// Every subsystem of the suite but `dev`.
const EVERYONE: &[Allow] = &[
    From(S::Privatization),
    From(S::Registry),
    From(S::RentSubsidy),
    From(S::Complaints),
    From(S::Gateway),
    From(S::EgovPortal),
    From(S::OtbasyPortal),
    From(S::StateCorporation),
    From(S::ContactCentre),
];

/// Adds every gateway service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    ctx.start_store(STORE, |jobs| jobs).await?;
    services
        .add_pending::<gw::identity_service_server::IdentityServiceServer<()>>()
        .method("GetPerson", HOUSING)
        .method("ListIdentityDocuments", HOUSING)
        .method("GetRegisteredAddress", HOUSING);
    services
        .add_pending::<gw::civil_status_service_server::CivilStatusServiceServer<()>>()
        .method("GetFamily", HOUSING)
        .method("ListCivilStatusRecords", HOUSING);
    services
        .add_pending::<gw::property_service_server::PropertyServiceServer<()>>()
        .method("ListDwellings", HOUSING)
        .method("GetStateTenancy", &[From(S::Privatization)]);
    services.add_pending::<gw::court_service_server::CourtServiceServer<()>>().method("ListCourtDecisions", HOUSING);
    services
        .add_pending::<gw::social_status_service_server::SocialStatusServiceServer<()>>()
        .method("GetSocialStatus", HOUSING);
    services
        .add_pending::<gw::employment_service_server::EmploymentServiceServer<()>>()
        .method("GetEmployment", HOUSING);
    // Personal Data Law Art. 8: consent is given and withdrawn by the person through a portal.
    services
        .add_pending::<gw::consent_service_server::ConsentServiceServer<()>>()
        .method("RecordConsent", &[From(S::EgovPortal), From(S::OtbasyPortal)])
        .method("WithdrawConsent", &[From(S::EgovPortal), From(S::OtbasyPortal)])
        .method("CheckConsent", HOUSING);
    services
        .add_pending::<gw::signature_service_server::SignatureServiceServer<()>>()
        .method("IssueCertificate", &[From(S::EgovPortal)])
        .method("SignDigest", &[DevOnly])
        .method("VerifySignature", HOUSING)
        .method("RevokeCertificate", &[From(S::EgovPortal)])
        .method("GetCertificateStatus", HOUSING);
    services
        .add_pending::<gw::otp_service_server::OtpServiceServer<()>>()
        .method("IssueOtp", &[From(S::EgovPortal), From(S::OtbasyPortal)])
        .method("VerifyOtp", HOUSING);
    services
        .add_pending::<gw::notification_service_server::NotificationServiceServer<()>>()
        .method("SendNotification", HOUSING)
        .method("ListNotifications", &[From(S::EgovPortal), From(S::OtbasyPortal), From(S::ContactCentre)]);
    // SR cl. 26: stage data of every case go to the monitoring system.
    services
        .add_pending::<gw::monitoring_service_server::MonitoringServiceServer<()>>()
        .method("ReportStage", HOUSING)
        .method("ListStageReports", HOUSING);
    services
        .add_pending::<gw::audit_service_server::AuditServiceServer<()>>()
        .method("ListEvidence", &[From(S::Gateway)])
        .method("ListProcessingLog", &[From(S::EgovPortal), From(S::Gateway)])
        .method("GetPublicKey", EVERYONE);
    services.add_pending::<gw::meta_service_server::MetaServiceServer<()>>().method("AllowedMethods", EVERYONE);
    services
        .add_pending::<gw::admin_service_server::AdminServiceServer<()>>()
        .method("CreatePerson", &[DevOnly])
        .method("InjectFault", &[DevOnly])
        .method("ClearFaults", &[DevOnly])
        .method("GetIssuedOtp", &[DevOnly]);
    Ok(())
}
