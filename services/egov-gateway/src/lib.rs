//! The emulated e-government gateway: the single door of every housing service to state data
//! (Annex 1 row 9, last paragraph: "it is not allowed to demand from recipients documents and
//! data that can be obtained from information systems", applied to all three services by
//! [A-GW]), one gRPC service per state information system, reached with an X-Road-style
//! envelope in metadata.
//!
//! - `domain/`: the registers' records, the family the act records establish, the seeded
//!   population (plain Rust);
//! - `store`: the registers in the gateway's own database (SQLite or PostgreSQL);
//! - `grpc/`: the handlers, the envelope, and the conversions;
//! - `access`: who may call what, deny by default.
//!
//! - `authority`: the emulated certification authority (Ed25519);
//! - `evidence`: the hash-chained, signed evidence log and the processing log;
//! - `faults`: fault injection for the housing services' tests.
#![forbid(unsafe_code)]

pub mod access;
pub mod authority;
pub mod document_store;
pub mod domain;
pub mod evidence;
pub mod exchange_store;
pub mod faults;
pub mod grpc;
pub mod seed;
pub mod store;

use platform::principal::Subsystem as S;
use platform::store::StoreSpec;
use platform::{ApiError, Principal, ServerContext, ServiceSet, tuned};
use proto::egov::gateway::v1 as gw;
use sqlx::migrate::Migrator;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The gateway's database: the registers, and the platform's tables.
pub const STORE: StoreSpec = StoreSpec {
    service: "egov-gateway",
    subsystem: S::Gateway,
    sqlite: &SQLITE,
    postgres: &POSTGRES,
    closed_stages: platform::store::no_cases,
    shared: &[],
};

/// The address the separate binary binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50056";

/// People seeded at start-up unless `GATEWAY_SEED_PERSONS` says otherwise.
pub const DEFAULT_SEED_PERSONS: usize = 3000;

/// The gateway's own settings, read from the environment (documented in the README).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `GATEWAY_SEED`: the population's seed.
    pub seed: u64,
    /// `GATEWAY_SEED_PERSONS`: how many people to seed at start-up; 0 seeds none.
    pub seed_persons: usize,
    /// `GATEWAY_ACCESS_FILE`: extra grants, TOML.
    pub access_file: Option<String>,
}

impl Settings {
    /// Reads the settings through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ApiError> {
        let number = |key: &str, default: u64| -> Result<u64, ApiError> {
            match lookup(key).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(v) => {
                    v.trim().parse().map_err(|_| ApiError::internal(format!("{key}={v:?}: expected a whole number")))
                }
            }
        };
        let access_file = match lookup("GATEWAY_ACCESS_FILE").filter(|v| !v.trim().is_empty()) {
            None => None,
            Some(path) => Some(
                std::fs::read_to_string(&path)
                    .map_err(|e| ApiError::internal(format!("GATEWAY_ACCESS_FILE={path:?}: {e}")))?,
            ),
        };
        Ok(Settings {
            seed: number("GATEWAY_SEED", seed::DEFAULT_SEED)?,
            seed_persons: usize::try_from(number("GATEWAY_SEED_PERSONS", DEFAULT_SEED_PERSONS as u64)?).unwrap_or(0),
            access_file,
        })
    }
}

/// Adds every gateway service to a server: opens the registers, seeds the population, and
/// grants access as configured.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    let settings = Settings::from_lookup(|key| std::env::var(key).ok())?;
    let db = ctx.start_store(STORE, |jobs| jobs).await?;
    let registers = store::Registers::new(db);
    if settings.seed_persons > 0 {
        let system = Principal { subsystem: S::Gateway, official: None, user_iin: None, representative: None };
        grpc::seed_population(&registers, system, settings.seed, settings.seed_persons, |_| {}).await?;
    }
    let grants = access::Grants::for_profile(ctx.config.profile, settings.access_file.as_deref())?;
    let authority =
        authority::Authority::new(registers.secret("ca-root").await?, registers.secret("person-keys").await?)
            .map_err(|e| ApiError::internal(format!("the authority's root certificate: {e}")))?;
    let evidence_key = authority::EvidenceKey::new(registers.secret("evidence").await?);
    let gateway = grpc::Gateway::new(grpc::Parts {
        registers,
        clock: ctx.clock.clone(),
        grants: grants.clone(),
        profile: ctx.config.profile,
        authority,
        evidence_key,
    });

    let rules = |service: &str, mut set: platform::principal::ServiceRules<'_>| {
        for (s, method) in access::gateway_methods().into_iter().filter(|(s, _)| s == service) {
            set = set.method(&method, &grants.rules(&s, &method));
        }
    };
    let g = &gateway;
    rules(
        "IdentityService",
        services.add(tuned!(gw::identity_service_server::IdentityServiceServer::new(g.clone()), ctx)),
    );
    rules(
        "CivilStatusService",
        services.add(tuned!(gw::civil_status_service_server::CivilStatusServiceServer::new(g.clone()), ctx)),
    );
    rules(
        "PropertyService",
        services.add(tuned!(gw::property_service_server::PropertyServiceServer::new(g.clone()), ctx)),
    );
    rules("CourtService", services.add(tuned!(gw::court_service_server::CourtServiceServer::new(g.clone()), ctx)));
    rules(
        "SocialStatusService",
        services.add(tuned!(gw::social_status_service_server::SocialStatusServiceServer::new(g.clone()), ctx)),
    );
    rules(
        "EmploymentService",
        services.add(tuned!(gw::employment_service_server::EmploymentServiceServer::new(g.clone()), ctx)),
    );
    rules(
        "ConsentService",
        services.add(tuned!(gw::consent_service_server::ConsentServiceServer::new(g.clone()), ctx)),
    );
    rules(
        "SignatureService",
        services.add(tuned!(gw::signature_service_server::SignatureServiceServer::new(g.clone()), ctx)),
    );
    rules("OtpService", services.add(tuned!(gw::otp_service_server::OtpServiceServer::new(g.clone()), ctx)));
    rules(
        "NotificationService",
        services.add(tuned!(gw::notification_service_server::NotificationServiceServer::new(g.clone()), ctx)),
    );
    rules(
        "MonitoringService",
        services.add(tuned!(gw::monitoring_service_server::MonitoringServiceServer::new(g.clone()), ctx)),
    );
    rules(
        "DocumentService",
        services.add(tuned!(gw::document_service_server::DocumentServiceServer::new(g.clone()), ctx)),
    );
    rules("AuditService", services.add(tuned!(gw::audit_service_server::AuditServiceServer::new(g.clone()), ctx)));
    rules("MetaService", services.add(tuned!(gw::meta_service_server::MetaServiceServer::new(g.clone()), ctx)));
    rules("AdminService", services.add(tuned!(gw::admin_service_server::AdminServiceServer::new(gateway), ctx)));
    Ok(())
}
