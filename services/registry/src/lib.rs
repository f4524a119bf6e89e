//! Enrolment of citizens and kandas in the "Housing Provision Center" database (Annex 2;
//! RR cl. 1, 2), provided by Otbasy bank through otbasybank.kz only: applications confirmed
//! over their signing digest, decided from the state systems' data (at once in the fully
//! automated case, after an official's review in the others), and the waiting lists.
#![forbid(unsafe_code)]

pub mod app;
pub mod domain;
pub mod gather;
pub mod grpc;
pub mod reporting;
pub mod store;

use clients::{CallPolicy, ChannelPool, GatewayClient};
use platform::principal::Allow::{self, Official, Subsystem as From};
use platform::store::StoreSpec;
use platform::{ApiError, OfficialRole as Role, ServerContext, ServiceSet, Subsystem as S, tuned};
use proto::housing::registry::v1::registry_service_server::RegistryServiceServer;
use sqlx::migrate::Migrator;

use app::decide::{self, DECIDE};
use grpc::{DocumentLimits, Registry};

use casework::listing::Field;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The registry's cases, as the case kernel knows them.
#[derive(Debug, Clone, Copy)]
pub struct Enrolments;

impl casework::case::CaseKind for Enrolments {
    const SERVICE: &'static str = "registry";
    const COLLECTION: &'static str = "registry/applications";
    type Stage = domain::Stage;
    const FILTER: &'static [Field] = &[
        Field::stage::<domain::Stage>(),
        Field::any("applicant_iin"),
        Field::any("settlement_kato"),
        Field::any("list_category"),
        Field::of("case_kind", &["NO_DWELLING_5Y", "EMERGENCY_ONLY_DWELLING", "ORPHAN_DATA_MISSING"]),
    ];
    const SCOPED_BY: [&'static str; 2] = ["applicant_iin", "settlement_kato"];
    const NOUN: &'static str = "application";
    type Row = store::ApplicationRow;
}

impl casework::reopen::Reopens for Enrolments {
    const REFUSED: domain::Stage = domain::Stage::Refused;
    const RECONSIDERATION: domain::Stage = domain::Stage::Reconsideration;

    fn case(row: &store::ApplicationRow) -> casework::case::Case<Self> {
        row.case()
    }
}

impl casework::withdraw::Withdraws for Enrolments {
    const WITHDRAWN: domain::Stage = domain::Stage::Withdrawn;
    const UNDECIDED: &'static [domain::Stage] = &domain::Stage::UNDECIDED;
    const JOBS: &'static [&'static str] = &[DECIDE];
    const CLOSING: Option<casework::withdraw::Closing> = Some(|tx, id| Box::pin(store::close_tasks_of(tx, id)));
}

/// The service's database.
pub const STORE: StoreSpec = StoreSpec {
    service: "registry",
    subsystem: S::Registry,
    sqlite: &SQLITE,
    postgres: &POSTGRES,
    closed_stages: law::stage::closed_codes::<domain::Stage>,
    shared: &[casework::CASE_TABLES],
};

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50053";

/// Channels to the gateway, one HTTP/2 connection each.
const GATEWAY_CHANNELS: usize = 4;

/// Anyone who shows the service's status to the applicant (Annex 2 row 11(2)).
const STATUS_READERS: &[Allow] =
    &[From(S::OtbasyPortal), From(S::EgovPortal), From(S::ContactCentre), From(S::Complaints), From(S::RentSubsidy)];

/// The bank's officials.
const OFFICIALS: &[Allow] = &[Official(S::OtbasyPortal, Role::OtbasyOfficial)];

/// Adds the registry service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    let pool = ChannelPool::from_channels(ctx.channels(S::Registry, S::Gateway, GATEWAY_CHANNELS)?);
    let state = gather::StateData::new(GatewayClient::new(pool, S::Registry.as_str(), CallPolicy::default()));
    let for_jobs = state.clone();
    let db = ctx
        .start_store(STORE, move |sweeper| {
            sweeper
                .handle_prepared(
                    DECIDE,
                    move |db, job| {
                        let state = for_jobs.clone();
                        async move { decide::prepare_decision(&db, &state, job).await }
                    },
                    |tx, job, facts| Box::pin(decide::apply_decision(tx, job, facts)),
                )
                .handle(app::standard::NOTICES_DUE, |tx, job| Box::pin(app::standard::judge_notices(tx, job)))
        })
        .await?;
    let seal = casework::results::start(ctx, S::Registry, &db).await?;
    let registry = Registry {
        db,
        calendar: ctx.calendar.clone(),
        clock: ctx.clock.clone(),
        state,
        complaints: casework::premise::complaints_client(ctx, S::Registry)?,
        limits: DocumentLimits { each: ctx.config.document_max_bytes, total: ctx.config.documents_max_bytes },
        changed: std::sync::Arc::default(),
        shutdown: ctx.shutdown_signal(),
        seal,
    };
    // RR cl. 2: this order's own change of the standard is in the history, with its notices.
    app::standard::record_order(&registry).await?;
    services
        .add(tuned!(RegistryServiceServer::new(registry), ctx))
        .method(
            "GetServiceStandard",
            &[
                From(S::OtbasyPortal),
                From(S::EgovPortal),
                From(S::ContactCentre),
                From(S::Complaints),
                From(S::StateCorporation),
            ],
        )
        // RR cl. 2: a changed standard is recorded by the bank.
        .method("PublishServiceStandard", OFFICIALS)
        .method(
            "ListStandardPublications",
            &[OFFICIALS, &[From(S::StateCorporation), From(S::ContactCentre), From(S::Ministry)]].concat(),
        )
        // Annex 2 row 3: otbasybank.kz is the only channel.
        .method("CreateApplication", &[From(S::OtbasyPortal)])
        // The applicant withdraws where they filed.
        .method("WithdrawApplication", &[From(S::OtbasyPortal)])
        .method("GetApplication", STATUS_READERS)
        // SR cl. 10: a result is an e-document, shown to whoever sees its case; the official who
        // decided signs it.
        // State Services Law art. 25: an upheld complaint's instruction, from the complaints
        // service only, shown with the case and reported done by an official.
        .method("ReceiveInstruction", &[From(S::Complaints)])
        .method("ListInstructions", STATUS_READERS)
        .method("CompleteInstruction", OFFICIALS)
        .method("GetResultDocument", STATUS_READERS)
        .method("ListResultDocuments", STATUS_READERS)
        .method("SignResultDocument", OFFICIALS)
        .method("ListApplicationEvents", STATUS_READERS)
        .method("WatchApplication", STATUS_READERS)
        // Annex 2 rows 5(2), 5(3): the official opens what they judge; the applicant their own.
        .method(
            "GetDocument",
            &[Official(S::OtbasyPortal, Role::OtbasyOfficial), From(S::OtbasyPortal), From(S::Complaints)],
        )
        // A person lists their own ("my applications"), an official their jurisdiction's
        // (`casework::access`).
        .method("ListApplications", STATUS_READERS)
        .method("ListOverdue", &[Official(S::OtbasyPortal, Role::OtbasyOfficial), From(S::Complaints)])
        // DESIGN.md "Cases, deadlines and evidence": only the complaints service reopens a case.
        .method("ReconsiderApplication", &[From(S::Complaints)])
        // Annex 2 rows 5(2), 5(3): the partially automated cases' human step.
        .method("ListReviewTasks", OFFICIALS)
        .method("ClaimReviewTask", OFFICIALS)
        .method("DecideReviewTask", OFFICIALS)
        .method("GetQueuePosition", &[From(S::OtbasyPortal), From(S::ContactCentre), From(S::RentSubsidy)])
        .method("ListQueue", &[Official(S::OtbasyPortal, Role::OtbasyOfficial), From(S::OtbasyPortal)])
        // The rent subsidy is paid to people on the waiting list (RULES.md section 5).
        .method("GetQueueStanding", &[From(S::RentSubsidy), From(S::OtbasyPortal), From(S::ContactCentre)])
        .method("RemoveFromQueue", OFFICIALS);
    Ok(())
}
