//! Complaints against the three housing services, with the review terms, extensions and
//! notices of PR cl. 14 and SR cl. 33, 34 (State Services Law Art. 25): registration, the case
//! checked in its service, the reviewer's term, one extension with its notice, and the decision
//! whose remedy reopens the case through the service's `ReconsiderApplication`.
#![forbid(unsafe_code)]

pub mod app;
pub mod domain;
pub mod grpc;
pub mod store;
pub mod targets;

use std::sync::Arc;

use clients::{CallPolicy, ChannelPool, PrivatizationClient, RegistryClient, SubsidyClient};
use platform::principal::Allow::{self, Official, Subsystem as From};
use platform::store::StoreSpec;
use platform::{ApiError, OfficialRole as Role, ServerContext, ServiceSet, Subsystem as S, tuned};
use proto::housing::complaints::v1::complaint_service_server::ComplaintServiceServer;
use sqlx::migrate::Migrator;

use app::jobs::{self, OVERDUE, VERIFY};
use grpc::Complaints;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The complaints, as the case kernel knows them.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintCases;

impl casework::case::CaseKind for ComplaintCases {
    const SERVICE: &'static str = "complaints";
    const COLLECTION: &'static str = "complaints/complaints";
    type Stage = domain::Stage;
    const FILTER: &'static [Field] = &[
        Field::stage::<domain::Stage>(),
        Field::any("complainant_iin"),
        Field::any("application"),
        Field::any("reviewer_id"),
        Field::of("service", &["privatization", "registry", "rent-subsidy"]),
    ];
    // A complaint is the complainant's, and decided by its reviewing body.
    const SCOPED_BY: [&'static str; 2] = ["complainant_iin", "reviewer_id"];
    const NOUN: &'static str = "complaint";
    type Row = store::ComplaintRow;
}

use casework::listing::Field;

/// The service's database.
pub const STORE: StoreSpec = StoreSpec {
    service: "complaints",
    subsystem: S::Complaints,
    sqlite: &SQLITE,
    postgres: &POSTGRES,
    closed_stages: law::stage::closed_codes::<domain::Stage>,
    shared: &[casework::CASE_TABLES],
};

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

/// The services whose cases complaints concern.
const CONCERNED: &[Allow] = &[From(S::Registry), From(S::Privatization), From(S::RentSubsidy)];

/// Adds the complaints service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    let pool = |s: S| ctx.channels(S::Complaints, s, 1).map(ChannelPool::from_channels);
    let me = S::Complaints.as_str();
    let targets = targets::Targets {
        registry: RegistryClient::new(pool(S::Registry)?, me, CallPolicy::default()).map_err(ApiError::internal)?,
        privatization: PrivatizationClient::new(pool(S::Privatization)?, me, CallPolicy::default())
            .map_err(ApiError::internal)?,
        subsidy: SubsidyClient::new(pool(S::RentSubsidy)?, me, CallPolicy::default()).map_err(ApiError::internal)?,
    };
    let for_verify = targets.clone();
    let db = ctx
        .start_store(STORE, move |sweeper| {
            sweeper
                .handle_prepared(
                    VERIFY,
                    move |db, job| {
                        let targets = for_verify.clone();
                        async move { jobs::prepare_verify(&db, &targets, job).await }
                    },
                    |tx, job, case| Box::pin(jobs::apply_verify(tx, job, case)),
                )
                .handle(OVERDUE, |tx, job| Box::pin(jobs::mark_overdue(tx, job)))
        })
        .await?;
    let seal = casework::results::start(ctx, S::Complaints, &db).await?;
    let service = Complaints {
        db,
        calendar: ctx.calendar.clone(),
        clock: ctx.clock.clone(),
        targets,
        limits: casework::documents::Limits {
            each: ctx.config.document_max_bytes,
            total: ctx.config.documents_max_bytes,
        },
        changed: Arc::default(),
        shutdown: ctx.shutdown_signal(),
        seal,
    };
    services
        .add(tuned!(ComplaintServiceServer::new(service), ctx))
        .method("CreateComplaint", FILERS)
        // The services a complaint concerns confirm it before they reopen a case (`premise`).
        .method("GetComplaint", &[STATUS_READERS, CONCERNED].concat())
        .method("ListComplaintEvents", STATUS_READERS)
        .method("WatchComplaint", STATUS_READERS)
        // A person lists their own complaints, a reviewer their body's (`casework::access`).
        .method("ListComplaints", STATUS_READERS)
        // SR cl. 34: the official authorized to review the complaint extends and decides.
        .method("ExtendReview", &[Official(S::Complaints, Role::ComplaintReviewer)])
        .method("RecordComplaintDecision", &[Official(S::Complaints, Role::ComplaintReviewer)])
        // SR cl. 10: the decision is an e-document, shown to whoever sees the complaint; the
        // reviewer signs it.
        // State Services Law art. 25: the provider reports an instruction carried out.
        .method("RecordRemedyDone", CONCERNED)
        .method("GetResultDocument", STATUS_READERS)
        .method("ListResultDocuments", STATUS_READERS)
        .method("SignResultDocument", &[Official(S::Complaints, Role::ComplaintReviewer)])
        .method("ListOverdue", &[Official(S::Complaints, Role::ComplaintReviewer)])
        .method("GetServiceStandard", STATUS_READERS);
    Ok(())
}
