//! Subsidizing part of the rent of a dwelling rented from the private housing fund (Annex 3;
//! SR cl. 1, 26, 33, 34), provided by Otbasy bank through otbasybank.kz.
//!
//! The contract is declared; its methods answer UNIMPLEMENTED until the rent-subsidy issue
//! lands. The caller table below is already the one that service enforces.
#![forbid(unsafe_code)]

use platform::principal::Allow::{self, Official, Subsystem as From};
use platform::store::{NO_MIGRATIONS, StoreSpec};
use platform::{ApiError, OfficialRole as Role, ServerContext, ServiceSet, Subsystem as S};
use proto::housing::subsidy::v1::rent_subsidy_service_server::RentSubsidyServiceServer;

/// The service's database: the platform's tables (audit, idempotency, outbox, jobs) until its
/// own tables land with its issue.
pub const STORE: StoreSpec =
    StoreSpec { service: "rent-subsidy", subsystem: S::RentSubsidy, sqlite: &NO_MIGRATIONS, postgres: &NO_MIGRATIONS };

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50054";

/// Anyone who shows the service's status to the applicant (Annex 3 row 11(2)).
const STATUS_READERS: &[Allow] =
    &[From(S::OtbasyPortal), From(S::EgovPortal), From(S::ContactCentre), From(S::Complaints)];

/// Adds the rent-subsidy service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    ctx.start_store(STORE, |jobs| jobs).await?;
    services
        .add_pending::<RentSubsidyServiceServer<()>>()
        .method(
            "GetServiceStandard",
            &[From(S::OtbasyPortal), From(S::EgovPortal), From(S::ContactCentre), From(S::Complaints)],
        )
        // Annex 3 row 3: otbasybank.kz is the only channel.
        .method("CreateApplication", &[From(S::OtbasyPortal)])
        .method("GetApplication", STATUS_READERS)
        .method("ListApplicationEvents", STATUS_READERS)
        .method("WatchApplication", STATUS_READERS)
        .method("ListApplications", &[Official(S::OtbasyPortal, Role::OtbasyOfficial), From(S::ContactCentre)])
        .method("ListOverdue", &[Official(S::OtbasyPortal, Role::OtbasyOfficial), From(S::Complaints)])
        // DESIGN.md "Cases, deadlines and evidence": only the complaints service reopens a case.
        .method("ReconsiderApplication", &[From(S::Complaints)])
        .method("RecordReview", &[Official(S::OtbasyPortal, Role::OtbasyOfficial)])
        .method(
            "ListPayments",
            &[From(S::OtbasyPortal), Official(S::OtbasyPortal, Role::OtbasyOfficial), From(S::ContactCentre)],
        );
    Ok(())
}
