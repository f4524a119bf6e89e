//! Privatization of dwellings from the state housing fund (Annex 1; PR cl. 4, 9, 14), provided
//! by the local executive bodies through the State Corporation and the e-government portal.
//!
//! The contract is declared; its methods answer UNIMPLEMENTED until the privatization issue
//! lands. The caller table below is already the one that service enforces.
#![forbid(unsafe_code)]

use platform::principal::Allow::{self, Official, Subsystem as From};
use platform::store::{NO_MIGRATIONS, StoreSpec};
use platform::{ApiError, OfficialRole as Role, ServerContext, ServiceSet, Subsystem as S};
use proto::housing::privatization::v1::privatization_service_server::PrivatizationServiceServer;

/// The service's database: the platform's tables (audit, idempotency, outbox, jobs) until its
/// own tables land with its issue.
pub const STORE: StoreSpec = StoreSpec {
    service: "privatization",
    subsystem: S::Privatization,
    sqlite: &NO_MIGRATIONS,
    postgres: &NO_MIGRATIONS,
};

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50052";

/// Anyone who shows the service's status to the applicant (Annex 1 row 11(2)).
const STATUS_READERS: &[Allow] = &[
    From(S::EgovPortal),
    From(S::StateCorporation),
    From(S::ContactCentre),
    From(S::Complaints),
    Official(S::Privatization, Role::AkimatOfficial),
    Official(S::Privatization, Role::HousingCommission),
];

/// Adds the privatization service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    ctx.start_store(STORE, |jobs| jobs).await?;
    services
        .add_pending::<PrivatizationServiceServer<()>>()
        .method(
            "GetServiceStandard",
            &[From(S::EgovPortal), From(S::StateCorporation), From(S::ContactCentre), From(S::Complaints)],
        )
        // Annex 1 row 3; PR cl. 4: the portal, or a State Corporation operator for paper.
        .method(
            "CreateApplication",
            &[From(S::EgovPortal), Official(S::StateCorporation, Role::StateCorporationOperator)],
        )
        .method("GetApplication", STATUS_READERS)
        .method("ListApplicationEvents", STATUS_READERS)
        .method("WatchApplication", STATUS_READERS)
        .method(
            "ListApplications",
            &[
                Official(S::Privatization, Role::AkimatOfficial),
                Official(S::Privatization, Role::HousingCommission),
                From(S::ContactCentre),
            ],
        )
        .method("ListOverdue", &[Official(S::Privatization, Role::AkimatOfficial), From(S::Complaints)])
        // DESIGN.md "Cases, deadlines and evidence": only the complaints service reopens a case.
        .method("ReconsiderApplication", &[From(S::Complaints)])
        .method("RecordCommissionDecision", &[Official(S::Privatization, Role::HousingCommission)])
        .method(
            "RecordTransferStep",
            &[
                Official(S::Privatization, Role::PropertyBodyOfficial),
                Official(S::Privatization, Role::RegisteringBodyOfficial),
                Official(S::Privatization, Role::AkimatOfficial),
            ],
        )
        .method("RecordContract", &[Official(S::Privatization, Role::AkimatOfficial)]);
    Ok(())
}
