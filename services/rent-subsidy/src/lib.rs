//! Subsidy of part of the rent of a dwelling rented from the private housing fund (Annex 3;
//! SR cl. 26), provided by Otbasy bank through otbasybank.kz: applications certified with an EDS,
//! the facts from the gateway and the registry, an official's review of the lease, the amount
//! under dated parameters, and monthly payments to the landlord while the person stays on the
//! waiting list.
#![forbid(unsafe_code)]

pub mod app;
pub mod domain;
pub mod gather;
pub mod grpc;
pub mod reporting;
pub mod store;

use std::sync::Arc;

use clients::{CallPolicy, ChannelPool, GatewayClient, RegistryClient};
use platform::principal::Allow::{self, Official, Subsystem as From};
use platform::store::StoreSpec;
use platform::{ApiError, OfficialRole as Role, ServerContext, ServiceSet, Subsystem as S, tuned};
use proto::housing::subsidy::v1::rent_subsidy_service_server::RentSubsidyServiceServer;
use sqlx::migrate::Migrator;

use app::decide::{self, ACCRUE, DECIDE};
use domain::amount::{SHIPPED, Schedule};
use grpc::Subsidy;

use casework::listing::Field;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The rent subsidy's cases, as the case kernel knows them.
#[derive(Debug, Clone, Copy)]
pub struct Subsidies;

impl casework::case::CaseKind for Subsidies {
    const SERVICE: &'static str = "rent-subsidy";
    const COLLECTION: &'static str = "subsidy/applications";
    type Stage = domain::Stage;
    const FILTER: &'static [Field] =
        &[Field::stage::<domain::Stage>(), Field::any("applicant_iin"), Field::any("landlord_iin")];
    const SCOPED_BY: [&'static str; 2] = ["applicant_iin", "kato"];
    const NOUN: &'static str = "application";
    type Row = store::ApplicationRow;
}

impl casework::reopen::Reopens for Subsidies {
    const REFUSED: domain::Stage = domain::Stage::Refused;
    const RECONSIDERATION: domain::Stage = domain::Stage::Reconsideration;

    fn case(row: &store::ApplicationRow) -> casework::case::Case<Self> {
        row.case()
    }
}

impl casework::withdraw::Withdraws for Subsidies {
    const WITHDRAWN: domain::Stage = domain::Stage::Withdrawn;
    const UNDECIDED: &'static [domain::Stage] = &domain::Stage::UNDECIDED;
    const JOBS: &'static [&'static str] = &[app::decide::DECIDE];
}

/// The service's database.
pub const STORE: StoreSpec = StoreSpec {
    service: "rent-subsidy",
    subsystem: S::RentSubsidy,
    sqlite: &SQLITE,
    postgres: &POSTGRES,
    closed_stages: law::stage::closed_codes::<domain::Stage>,
    shared: &[casework::CASE_TABLES],
};

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50054";

/// Anyone who shows the service's status to the applicant (Annex 3 row 11(2)).
const STATUS_READERS: &[Allow] =
    &[From(S::OtbasyPortal), From(S::EgovPortal), From(S::ContactCentre), From(S::Complaints)];
/// The bank's officials.
const OFFICIALS: &[Allow] = &[Official(S::OtbasyPortal, Role::OtbasyOfficial)];

/// The parameters of the amount: `SUBSIDY_PARAMETERS_FILE`, else the shipped ones.
fn parameters() -> Result<Schedule, ApiError> {
    match std::env::var("SUBSIDY_PARAMETERS_FILE").ok().filter(|p| !p.trim().is_empty()) {
        None => Schedule::parse(SHIPPED),
        Some(path) => Schedule::parse(
            &std::fs::read_to_string(&path)
                .map_err(|e| ApiError::internal(format!("SUBSIDY_PARAMETERS_FILE={path}: {e}")))?,
        ),
    }
    .map_err(ApiError::internal)
}

/// Adds the rent subsidy service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    let gateway = ChannelPool::from_channels(ctx.channels(S::RentSubsidy, S::Gateway, 2)?);
    let registry = ChannelPool::from_channels(ctx.channels(S::RentSubsidy, S::Registry, 2)?);
    let sources = gather::Sources::new(
        GatewayClient::new(gateway, S::RentSubsidy.as_str(), CallPolicy::default()),
        RegistryClient::new(registry, S::RentSubsidy.as_str(), CallPolicy::default()).map_err(ApiError::internal)?,
    );
    let inputs = decide::Inputs { sources, parameters: Arc::new(parameters()?) };
    let (for_decide, for_accrue) = (inputs.clone(), inputs.sources.clone());
    let db = ctx
        .start_store(STORE, move |sweeper| {
            sweeper
                .handle_prepared(
                    DECIDE,
                    move |db, job| {
                        let inputs = for_decide.clone();
                        async move { decide::prepare_decision(&db, &inputs, job).await }
                    },
                    |tx, job, gathered| Box::pin(decide::apply_decision(tx, job, gathered)),
                )
                .handle_prepared(
                    ACCRUE,
                    move |db, job| {
                        let sources = for_accrue.clone();
                        async move { decide::prepare_accrual(&db, &sources, job).await }
                    },
                    |tx, job, on_list| Box::pin(decide::apply_accrual(tx, job, on_list)),
                )
        })
        .await?;
    let seal = casework::results::start(ctx, S::RentSubsidy, &db).await?;
    let service = Subsidy {
        db,
        calendar: ctx.calendar.clone(),
        clock: ctx.clock.clone(),
        inputs,
        complaints: casework::premise::complaints_client(ctx, S::RentSubsidy)?,
        changed: std::sync::Arc::default(),
        shutdown: ctx.shutdown_signal(),
        seal,
    };
    services
        .add(tuned!(RentSubsidyServiceServer::new(service), ctx))
        .method(
            "GetServiceStandard",
            &[From(S::OtbasyPortal), From(S::EgovPortal), From(S::ContactCentre), From(S::Complaints)],
        )
        // Annex 3 row 3: otbasybank.kz is the only channel.
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
        .method(
            "ListPayments",
            &[From(S::OtbasyPortal), From(S::ContactCentre), Official(S::OtbasyPortal, Role::OtbasyOfficial)],
        )
        // A person lists their own ("my applications"), an official their jurisdiction's
        // (`casework::access`).
        .method("ListApplications", STATUS_READERS)
        .method("ListOverdue", &[Official(S::OtbasyPortal, Role::OtbasyOfficial), From(S::Complaints)])
        // DESIGN.md "Cases, deadlines and evidence": only the complaints service reopens a case.
        .method("ReconsiderApplication", &[From(S::Complaints)])
        // Annex 3 row 5: the official's review of the lease.
        .method("ListReviewTasks", OFFICIALS)
        .method("ClaimReviewTask", OFFICIALS)
        .method("RecordReview", OFFICIALS)
        .method("EndLease", &[From(S::OtbasyPortal), Official(S::OtbasyPortal, Role::OtbasyOfficial)])
        // Annex 3 row 6: the months are paid to the landlord's account.
        .method("RecordPayment", OFFICIALS);
    Ok(())
}
