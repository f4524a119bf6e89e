//! Privatization of dwellings from the state housing fund (Annex 1; PR cl. 4, 9, 14), provided
//! by the local executive bodies through the State Corporation and the e-government portal:
//! applications confirmed by the tenant's whole adult family, intake from the state systems'
//! data, the housing commission's decision, the transfer between funds and the contract.
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
use proto::housing::privatization::v1::privatization_service_server::PrivatizationServiceServer;
use sqlx::migrate::Migrator;

use casework::listing::Field;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// Privatization's cases, as the case kernel knows them.
#[derive(Debug, Clone, Copy)]
pub struct Privatizations;

impl casework::case::CaseKind for Privatizations {
    const SERVICE: &'static str = "privatization";
    const COLLECTION: &'static str = "privatization/applications";
    type Stage = domain::Stage;
    const FILTER: &'static [Field] = &[
        Field::stage::<domain::Stage>(),
        Field::any("applicant_iin"),
        Field::any("settlement_kato"),
        Field::of("fund_kind", &["FUND_COMMUNAL", "FUND_COMMUNAL_ENTITY", "FUND_REPUBLICAN_ENTITY"]),
    ];
    const SCOPED_BY: [&'static str; 2] = ["applicant_iin", "settlement_kato"];
    const NOUN: &'static str = "application";
    type Row = store::ApplicationRow;
}

impl casework::reopen::Reopens for Privatizations {
    const REFUSED: domain::Stage = domain::Stage::Refused;
    const RECONSIDERATION: domain::Stage = domain::Stage::Reconsideration;

    fn case(row: &store::ApplicationRow) -> casework::case::Case<Self> {
        row.case()
    }
}

impl casework::withdraw::Withdraws for Privatizations {
    const WITHDRAWN: domain::fund::Stage = domain::fund::Stage::Withdrawn;
    const UNDECIDED: &'static [domain::fund::Stage] = &domain::fund::Stage::UNDECIDED;
    // The commission decides at its own pace. A counter's application that waits for the state
    // systems' data keeps its COMPLETE job: withdrawn, the job finds nothing to complete and
    // clears the wait without reading the gateway ([A-SC-OFFLINE]).
    const JOBS: &'static [&'static str] = &[];
}

/// The service's database.
pub const STORE: StoreSpec = StoreSpec {
    service: "privatization",
    subsystem: S::Privatization,
    sqlite: &SQLITE,
    postgres: &POSTGRES,
    closed_stages: law::stage::closed_codes::<domain::Stage>,
    shared: &[casework::CASE_TABLES],
};

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50052";

/// Channels to the gateway.
const GATEWAY_CHANNELS: usize = 2;

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
    let pool = ChannelPool::from_channels(ctx.channels(S::Privatization, S::Gateway, GATEWAY_CHANNELS)?);
    let gateway = GatewayClient::new(pool, S::Privatization.as_str(), CallPolicy::default());
    let state = gather::StateData::new(gateway);
    let limits =
        casework::documents::Limits { each: ctx.config.document_max_bytes, total: ctx.config.documents_max_bytes };
    let for_jobs = state.clone();
    let db = ctx
        .start_store(STORE, move |sweeper| {
            sweeper.handle_prepared(
                app::offline::COMPLETE,
                move |db, job| {
                    let state = for_jobs.clone();
                    async move { app::offline::prepare(db, state, limits, grpc::decode_filing, job).await }
                },
                |tx, job, completion| Box::pin(app::offline::apply(tx, job, completion)),
            )
        })
        .await?;
    let seal = casework::results::start(ctx, S::Privatization, &db).await?;
    let service = grpc::Privatization {
        db,
        calendar: ctx.calendar.clone(),
        clock: ctx.clock.clone(),
        state,
        complaints: casework::premise::complaints_client(ctx, S::Privatization)?,
        limits,
        changed: std::sync::Arc::default(),
        shutdown: ctx.shutdown_signal(),
        seal,
    };
    services
        .add(tuned!(PrivatizationServiceServer::new(service), ctx))
        .method(
            "GetServiceStandard",
            &[From(S::EgovPortal), From(S::StateCorporation), From(S::ContactCentre), From(S::Complaints)],
        )
        // Annex 1 row 3; PR cl. 4: the portal, or a State Corporation operator for paper.
        .method(
            "CreateApplication",
            &[From(S::EgovPortal), Official(S::StateCorporation, Role::StateCorporationOperator)],
        )
        // The applicant withdraws where they may file.
        .method(
            "WithdrawApplication",
            &[From(S::EgovPortal), Official(S::StateCorporation, Role::StateCorporationOperator)],
        )
        .method("GetApplication", STATUS_READERS)
        // SR cl. 10: a result is an e-document, shown to whoever sees its case; the official who
        // decided signs it, and the applicant signs the contract (Annex 1 row 6).
        // State Services Law art. 25: an upheld complaint's instruction, from the complaints
        // service only, shown with the case and reported done by an official.
        .method("ReceiveInstruction", &[From(S::Complaints)])
        .method("ListInstructions", STATUS_READERS)
        .method(
            "CompleteInstruction",
            &[Official(S::Privatization, Role::AkimatOfficial), Official(S::Privatization, Role::HousingCommission)],
        )
        .method("GetResultDocument", STATUS_READERS)
        .method("ListResultDocuments", STATUS_READERS)
        .method(
            "SignResultDocument",
            &[
                From(S::EgovPortal),
                Official(S::Privatization, Role::AkimatOfficial),
                Official(S::Privatization, Role::HousingCommission),
            ],
        )
        .method("ListApplicationEvents", STATUS_READERS)
        .method("WatchApplication", STATUS_READERS)
        // The commission and the akimat's officials open what they judge; the applicant their own.
        .method(
            "GetDocument",
            &[
                From(S::EgovPortal),
                Official(S::Privatization, Role::HousingCommission),
                Official(S::Privatization, Role::AkimatOfficial),
                Official(S::Privatization, Role::PropertyBodyOfficial),
                From(S::Complaints),
            ],
        )
        // A person lists their own ("my applications"), an official their jurisdiction's
        // (`casework::access`).
        .method("ListApplications", STATUS_READERS)
        .method("ListOverdue", &[Official(S::Privatization, Role::AkimatOfficial), From(S::Complaints)])
        // DESIGN.md "Cases, deadlines and evidence": only the complaints service reopens a case.
        .method("ReconsiderApplication", &[From(S::Complaints)])
        // Annex 1 row 4: each stage is closed by the official whose act it is.
        .method("RecordCommissionDecision", &[Official(S::Privatization, Role::HousingCommission)])
        .method("RecordPropertyBodyDecision", &[Official(S::Privatization, Role::PropertyBodyOfficial)])
        .method("RecordTransferAct", &[Official(S::Privatization, Role::AkimatOfficial)])
        .method("RecordStateRegistration", &[Official(S::Privatization, Role::RegisteringBodyOfficial)])
        .method("SignContract", &[Official(S::Privatization, Role::AkimatOfficial)]);
    Ok(())
}
