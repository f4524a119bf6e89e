//! Complaints against the three housing services, with the review terms, extensions and
//! notices of PR cl. 14 and SR cl. 33, 34 (State Services Law Art. 25).
//!
//! The contract is declared; its methods answer UNIMPLEMENTED until the complaints issue
//! lands. The caller table below is already the one that service enforces.
#![forbid(unsafe_code)]

use platform::principal::Allow::{self, Official, Subsystem as From};
use platform::store::{NO_MIGRATIONS, StoreSpec};
use platform::{ApiError, OfficialRole as Role, ServerContext, ServiceSet, Subsystem as S};
use proto::housing::complaints::v1::complaint_service_server::ComplaintServiceServer;

/// The service's database: the platform's tables (audit, idempotency, outbox, jobs) until its
/// own tables land with its issue.
pub const STORE: StoreSpec =
    StoreSpec { service: "complaints", subsystem: S::Complaints, sqlite: &NO_MIGRATIONS, postgres: &NO_MIGRATIONS };

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50055";

/// Where a complaint is filed and followed: the portals, the State Corporation, 1414.
const FILERS: &[Allow] = &[
    From(S::EgovPortal),
    From(S::OtbasyPortal),
    Official(S::StateCorporation, Role::StateCorporationOperator),
    From(S::ContactCentre),
];

/// Readers of a complaint's status: the filers and the reviewers.
const STATUS_READERS: &[Allow] = &[
    From(S::EgovPortal),
    From(S::OtbasyPortal),
    From(S::StateCorporation),
    From(S::ContactCentre),
    Official(S::Complaints, Role::ComplaintReviewer),
];

/// Adds the complaints service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    ctx.start_store(STORE, |jobs| jobs).await?;
    services
        .add_pending::<ComplaintServiceServer<()>>()
        .method("CreateComplaint", FILERS)
        .method("GetComplaint", STATUS_READERS)
        .method("ListComplaintEvents", STATUS_READERS)
        .method("WatchComplaint", STATUS_READERS)
        .method("ListComplaints", &[Official(S::Complaints, Role::ComplaintReviewer), From(S::ContactCentre)])
        // SR cl. 34: the official authorized to review the complaint extends and decides.
        .method("ExtendReview", &[Official(S::Complaints, Role::ComplaintReviewer)])
        .method("RecordComplaintDecision", &[Official(S::Complaints, Role::ComplaintReviewer)])
        .method("ListOverdue", &[Official(S::Complaints, Role::ComplaintReviewer)]);
    Ok(())
}
