//! Typed settings read from environment variables (12-factor), each with a documented default.
//!
//! Settings are parsed from a lookup function rather than the process environment, so that
//! tests pass a map and never mutate the environment. [`SETTINGS`] is the one table of keys,
//! defaults and meanings; the README's table is written from it.

use std::net::SocketAddr;
use std::time::Duration;

use crate::clock::ClockSetting;
use crate::identity::{IdentityMode, IdentitySettings};
pub use crate::profile::Profile;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line: for collectors.
    Json,
    /// Human-readable lines: for a terminal.
    Text,
}

/// One documented setting.
#[derive(Debug)]
pub struct Setting {
    /// The environment variable.
    pub key: &'static str,
    /// Its default, as written.
    pub default: &'static str,
    /// What it sets.
    pub meaning: &'static str,
}

/// The settings every server reads. A service's own settings live in its crate.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "SHANYRAQ_PROFILE",
        default: "dev",
        meaning: "`dev` or `prod`; `prod` refuses the `dev` subsystem, callers without identity and the movable clock",
    },
    Setting {
        key: "SHANYRAQ_IDENTITY",
        default: "dev (allowed in the dev profile only; prod must name another)",
        meaning: "how callers are proven: `dev` (metadata as given), `mtls`, `mesh-istio` or `mesh-linkerd` (README \"Security\")",
    },
    Setting {
        key: "SHANYRAQ_TLS_DIR",
        default: "(unset; required by `mtls`)",
        meaning: "`ca.pem`, `server.pem`/`server.key` and `<subsystem>.pem`/`<subsystem>.key` for outgoing calls; files are read again when they change (`suite certs` writes one)",
    },
    Setting {
        key: "SHANYRAQ_HEALTH_LISTEN",
        default: "`mtls`: the listen address with the port + 1000; otherwise unset",
        meaning: "a plaintext port serving gRPC health only, for probes that speak no TLS",
    },
    Setting {
        key: "SHANYRAQ_TRUST_DOMAIN",
        default: "cluster.local",
        meaning: "the SPIFFE trust domain of the suite's workloads",
    },
    Setting {
        key: "SHANYRAQ_NAMESPACE",
        default: "shanyraq",
        meaning: "the namespace of the suite's own and trusted workloads: `spiffe://<trust-domain>/ns/<namespace>/sa/<subsystem>`",
    },
    Setting {
        key: "SHANYRAQ_SPIFFE_ID",
        default: "spiffe://<trust-domain>/ns/<namespace>/sa/<binary name>",
        meaning: "this workload's own id: `mesh-istio` believes only an x-forwarded-client-cert element whose `By=` is this",
    },
    Setting {
        key: "POD_IP",
        default: "(unset)",
        meaning: "`mesh-istio` binds it (Istio forwards to the pod address) unless SHANYRAQ_LISTEN is set",
    },
    Setting {
        key: "SHANYRAQ_TOKEN_ISSUERS_FILE",
        default: "(unset: no person tokens accepted)",
        meaning: "TOML: each `[[issuer]]` with `iss`, `jwks_file` and the `subsystems` it is trusted for",
    },
    Setting {
        key: "SHANYRAQ_TOKEN_LEEWAY",
        default: "30s",
        meaning: "clock skew allowed on a token's `exp` and `nbf`, at most 30s",
    },
    Setting {
        key: "SHANYRAQ_CALLERS_FILE",
        default: "(unset: the caller tables in code)",
        meaning: "TOML: agencies admitted by SPIFFE id and rules that replace who may call a method (README \"Security\")",
    },
    Setting {
        key: "SHANYRAQ_NAME_KEY",
        default: "(unset: names are numbers; required by prod)",
        meaning: "a secret of at least 16 characters: resource names become opaque tokens (`registry/applications/3f9c…`); names handed out before keep resolving",
    },
    Setting {
        key: "SHANYRAQ_LISTEN",
        default: "127.0.0.1:50051 (suite; each service binary has its own port)",
        meaning: "the address the gRPC server binds",
    },
    Setting {
        key: "SHANYRAQ_CLOCK",
        default: "system",
        meaning: "`system`, `fixed:<RFC 3339>` or `offset:<duration>` such as `offset:-3days` (the last two dev only)",
    },
    Setting {
        key: "SHANYRAQ_DRAIN_TIMEOUT",
        default: "10s",
        meaning: "after SIGTERM, how long in-flight calls and open streams may finish",
    },
    Setting {
        key: "SHANYRAQ_REQUEST_TIMEOUT",
        default: "30s",
        meaning: "the longest a unary call may run; a shorter `grpc-timeout` from the caller wins",
    },
    Setting {
        key: "SHANYRAQ_CONCURRENCY_LIMIT",
        default: "256",
        meaning: "calls in flight per connection; beyond it calls are shed with RESOURCE_EXHAUSTED and RetryInfo",
    },
    Setting {
        key: "SHANYRAQ_CALLS_IN_FLIGHT",
        default: "128",
        meaning: "unary calls in flight per service in this process, over all connections; beyond it calls are shed with RESOURCE_EXHAUSTED and RetryInfo",
    },
    Setting {
        key: "SHANYRAQ_MAX_STREAMS",
        default: "1024",
        meaning: "open streams (Watch) in this process, counted apart from unary calls so that watchers never shed a filing",
    },
    Setting {
        key: "SHANYRAQ_BROWSER_ORIGINS",
        default: "`*` in dev, none elsewhere",
        meaning: "the web origins (comma-separated, or `*`) whose pages may call over gRPC-Web (CORS); gRPC-Web from the same origin and from non-browser clients needs none",
    },
    Setting {
        key: "SHANYRAQ_MAX_MESSAGE_BYTES",
        default: "25165824 (24 MiB)",
        meaning: "the decoding limit of a request, above the documents' own limits",
    },
    Setting {
        key: "SHANYRAQ_DOCUMENT_MAX_BYTES",
        default: "5242880 (5 MiB)",
        meaning: "the largest document a request may carry; a larger one is refused with DOCUMENT_TOO_LARGE",
    },
    Setting {
        key: "SHANYRAQ_DOCUMENTS_MAX_BYTES",
        default: "20971520 (20 MiB)",
        meaning: "the most document bytes one request may carry, all documents together",
    },
    Setting { key: "SHANYRAQ_LOG", default: "info", meaning: "the log filter, in tracing's `EnvFilter` syntax" },
    Setting { key: "SHANYRAQ_LOG_FORMAT", default: "json", meaning: "`json` or `text`" },
    Setting {
        key: "SHANYRAQ_DATA_DIR",
        default: "./data",
        meaning: "where each service's SQLite file lives (`<service>.db`), when no database URL is set",
    },
    Setting {
        key: "DATABASE_URL",
        default: "(unset: SQLite)",
        meaning: "a `postgres://` URL: every service keeps its tables in its own schema of that database",
    },
    Setting {
        key: "<SERVICE>_DATABASE_URL",
        default: "(unset)",
        meaning: "one service's own database, `postgres://…` or `sqlite://…`, over DATABASE_URL; SERVICE is PRIVATIZATION, REGISTRY, RENT_SUBSIDY, COMPLAINTS or EGOV_GATEWAY",
    },
    Setting {
        key: "SHANYRAQ_DB_SCHEMA_PREFIX",
        default: "(none)",
        meaning: "prefixed to each service's PostgreSQL schema name (`registry`, `rent_subsidy`, …)",
    },
    Setting {
        key: "SHANYRAQ_DB_POOL_SIZE",
        default: "10",
        meaning: "PostgreSQL connections per service; SQLite always has one writer",
    },
    Setting {
        key: "SHANYRAQ_DB_BUSY_TIMEOUT",
        default: "5s",
        meaning: "how long SQLite waits for a lock before failing",
    },
    Setting {
        key: "SHANYRAQ_IDEMPOTENCY_RETENTION",
        default: "30days",
        meaning: "how long a request id's first answer is kept for retries",
    },
    Setting {
        key: "SHANYRAQ_OUTBOX_POLL",
        default: "1s",
        meaning: "how often the outbox relay looks for due rows (it also wakes on every commit)",
    },
    Setting { key: "SHANYRAQ_OUTBOX_BATCH", default: "64", meaning: "rows the relay claims at a time" },
    Setting {
        key: "SHANYRAQ_OUTBOX_LEASE",
        default: "30s",
        meaning: "how long a claimed row is the claimer's before another replica may take it over",
    },
    Setting {
        key: "SHANYRAQ_OUTBOX_MAX_BACKOFF",
        default: "5m",
        meaning: "the longest wait between delivery attempts of one row (backoff doubles from 1s)",
    },
    Setting { key: "SHANYRAQ_DELIVERY_TIMEOUT", default: "10s", meaning: "the deadline of one outbox delivery call" },
    Setting {
        key: "SHANYRAQ_OUTBOX_MAX_ATTEMPTS",
        default: "25",
        meaning: "attempts before a delivery is parked (a permanent refusal parks it at once); operators re-queue parked rows",
    },
    Setting {
        key: "SHANYRAQ_SWEEP_INTERVAL",
        default: "5s",
        meaning: "how often the deadline sweeper looks for due work (it also wakes whenever the clock is set or moved)",
    },
    Setting {
        key: "<SUBSYSTEM>_ENDPOINT",
        default: "this server's own address",
        meaning: "where outbox deliveries to a subsystem go, e.g. GATEWAY_ENDPOINT=http://127.0.0.1:50056; the suite serves every subsystem itself",
    },
    Setting {
        key: "SHANYRAQ_CALENDAR_FILE",
        default: "(the built-in shared/calendar/data/kz-calendar.toml)",
        meaning: "Kazakhstan's working-day calendar as data; a bad or unreadable file stops the start",
    },
    Setting {
        key: "OTEL_EXPORTER_OTLP_ENDPOINT",
        default: "(unset: no export)",
        meaning: "when set, traces go there over OTLP/gRPC",
    },
    Setting { key: "OTEL_SERVICE_NAME", default: "the binary's name", meaning: "the service name on exported traces" },
];

/// The settings of one server process.
#[derive(Debug, Clone)]
pub struct Config {
    /// The deployment profile.
    pub profile: Profile,
    /// The address to bind.
    pub listen: SocketAddr,
    /// How the clock tells time.
    pub clock: ClockSetting,
    /// How long a SIGTERM lets calls and streams drain.
    pub drain_timeout: Duration,
    /// The longest a call may run.
    pub request_timeout: Duration,
    /// Calls in flight per connection before shedding.
    pub concurrency_limit: usize,
    /// Unary calls in flight per service in the process, over all connections, before shedding.
    pub calls_in_flight: usize,
    /// Open streams in the process before new ones are shed.
    pub max_streams: usize,
    /// The web origins whose pages may call over gRPC-Web.
    pub browser_origins: BrowserOrigins,
    /// The decoding limit of one message.
    pub max_message_bytes: usize,
    /// The largest document a request may carry.
    pub document_max_bytes: usize,
    /// The most document bytes one request may carry.
    pub documents_max_bytes: usize,
    /// The log filter.
    pub log_filter: String,
    /// The log format.
    pub log_format: LogFormat,
    /// The OTLP endpoint, when traces are exported.
    pub otlp_endpoint: Option<String>,
    /// The service name on traces and logs.
    pub service_name: String,
    /// How callers are proven.
    pub identity: IdentitySettings,
    /// The key of opaque resource names, when set.
    pub name_key: Option<String>,
    /// Where and how services keep their state.
    pub storage: StorageSettings,
    /// The outbox relay's pace.
    pub outbox: OutboxSettings,
    /// How often the sweeper looks for due work besides clock moves.
    pub sweep_interval: Duration,
    /// Outbox destinations named by subsystem (`<SUBSYSTEM>_ENDPOINT`); others are this server.
    pub endpoints: Vec<(String, String)>,
    /// The calendar file, when not the built-in one.
    pub calendar_file: Option<std::path::PathBuf>,
}

/// The services that keep state, by the name of their crate and of their database.
pub const STORE_SERVICES: &[&str] = &["privatization", "registry", "rent-subsidy", "complaints", "egov-gateway"];

/// Where and how services keep their state.
#[derive(Debug, Clone)]
pub struct StorageSettings {
    /// The folder of the SQLite files.
    pub data_dir: std::path::PathBuf,
    /// The shared PostgreSQL URL, when set.
    pub database_url: Option<String>,
    /// Per-service URLs, by service name.
    pub service_urls: Vec<(String, String)>,
    /// Prefixed to each PostgreSQL schema name.
    pub schema_prefix: String,
    /// PostgreSQL connections per service.
    pub pool_size: u32,
    /// SQLite's lock wait.
    pub busy_timeout: Duration,
    /// How long idempotency records are kept.
    pub idempotency_retention: Duration,
}

/// The outbox relay's pace.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// How often the relay polls besides being woken by commits.
    pub poll: Duration,
    /// Rows claimed at a time.
    pub batch: u32,
    /// How long a claim lasts.
    pub lease: Duration,
    /// The longest backoff between attempts.
    pub max_backoff: Duration,
    /// The deadline of one delivery.
    pub delivery_timeout: Duration,
    /// Attempts before a delivery is parked.
    pub max_attempts: u32,
}

/// The environment variable that names one service's database: `REGISTRY_DATABASE_URL`.
pub fn service_url_key(service: &str) -> String {
    format!("{}_DATABASE_URL", service.to_ascii_uppercase().replace('-', "_"))
}

/// The environment variable that names a subsystem's endpoint: `GATEWAY_ENDPOINT`.
pub fn endpoint_key(subsystem: &str) -> String {
    format!("{}_ENDPOINT", subsystem.to_ascii_uppercase().replace('-', "_"))
}

/// A setting that cannot be used, with the key and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{key}={value:?}: {problem}")]
pub struct ConfigError {
    /// The environment variable.
    pub key: &'static str,
    /// The value given.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

impl Config {
    /// The working-day calendar: the configured file, or the built-in one.
    pub fn load_calendar(&self) -> Result<calendar::Calendar, ConfigError> {
        let Some(path) = &self.calendar_file else { return Ok(calendar::Calendar::shipped()) };
        let value = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| bad("SHANYRAQ_CALENDAR_FILE", &value, &e.to_string()))?;
        calendar::Calendar::parse(&text).map_err(|e| bad("SHANYRAQ_CALENDAR_FILE", &value, &e.to_string()))
    }

    /// Reads the settings from the process environment.
    pub fn from_env(service_name: &str, default_listen: SocketAddr) -> Result<Self, ConfigError> {
        Self::from_lookup(service_name, default_listen, |key| std::env::var(key).ok())
    }

    /// Reads the settings through `lookup`, which answers a key with its value if set.
    pub fn from_lookup(
        service_name: &str,
        default_listen: SocketAddr,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let get = |key: &'static str| lookup(key).filter(|v| !v.trim().is_empty());
        let profile = match get("SHANYRAQ_PROFILE").as_deref().map(str::trim) {
            None | Some("dev") => Profile::Dev,
            Some("prod") => Profile::Prod,
            Some(other) => return Err(bad("SHANYRAQ_PROFILE", other, "expected `dev` or `prod`")),
        };
        let mode = match get("SHANYRAQ_IDENTITY").as_deref().map(str::trim) {
            None => IdentityMode::Dev,
            Some(v) => IdentityMode::parse(v)
                .ok_or_else(|| bad("SHANYRAQ_IDENTITY", v, "expected `dev`, `mtls`, `mesh-istio` or `mesh-linkerd`"))?,
        };
        // `dev` believes metadata: the dev profile only. The dev profile may also prove callers,
        // to try a mode out or to measure what it costs.
        if profile == Profile::Prod && mode == IdentityMode::Dev {
            return Err(bad(
                "SHANYRAQ_IDENTITY",
                &lookup("SHANYRAQ_IDENTITY").unwrap_or_default(),
                "the prod profile believes no metadata: set `mtls`, `mesh-istio` or `mesh-linkerd`",
            ));
        }
        let pod_listen = match (mode, get("POD_IP")) {
            (IdentityMode::MeshIstio, Some(ip)) => Some(
                ip.trim()
                    .parse::<std::net::IpAddr>()
                    .map(|ip| SocketAddr::new(ip, default_listen.port()))
                    .map_err(|e| bad("POD_IP", &ip, &format!("expected an IP address ({e})")))?,
            ),
            _ => None,
        };
        let listen = match get("SHANYRAQ_LISTEN") {
            None if mode == IdentityMode::MeshIstio => pod_listen.ok_or_else(|| {
                bad(
                    "SHANYRAQ_LISTEN",
                    "",
                    "mesh-istio binds the pod address: set POD_IP (downward API) or SHANYRAQ_LISTEN",
                )
            })?,
            None => default_listen,
            Some(v) => {
                v.trim().parse().map_err(|e| bad("SHANYRAQ_LISTEN", &v, &format!("expected host:port ({e})")))?
            }
        };
        let clock = match get("SHANYRAQ_CLOCK") {
            None => ClockSetting::System,
            Some(v) => ClockSetting::parse(&v).map_err(|e| bad("SHANYRAQ_CLOCK", &v, &e))?,
        };
        if profile == Profile::Prod && clock != ClockSetting::System {
            return Err(bad(
                "SHANYRAQ_CLOCK",
                &lookup("SHANYRAQ_CLOCK").unwrap_or_default(),
                "the prod profile reads the system clock only; fixed and offset clocks are dev-only",
            ));
        }
        let log_format = match get("SHANYRAQ_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(other) => return Err(bad("SHANYRAQ_LOG_FORMAT", other, "expected `json` or `text`")),
        };
        let health_listen = match get("SHANYRAQ_HEALTH_LISTEN") {
            Some(v) => Some(
                v.trim()
                    .parse()
                    .map_err(|e| bad("SHANYRAQ_HEALTH_LISTEN", &v, &format!("expected host:port ({e})")))?,
            ),
            None if mode == IdentityMode::Mtls => Some(SocketAddr::new(
                listen.ip(),
                if listen.port() == 0 { 0 } else { listen.port().saturating_add(1000) },
            )),
            None => None,
        };
        let trust_domain =
            get("SHANYRAQ_TRUST_DOMAIN").map_or_else(|| "cluster.local".to_owned(), |v| v.trim().to_owned());
        let namespace = get("SHANYRAQ_NAMESPACE").map_or_else(|| "shanyraq".to_owned(), |v| v.trim().to_owned());
        let token_leeway = duration(&get, "SHANYRAQ_TOKEN_LEEWAY", crate::identity::token::MAX_LEEWAY)?;
        if token_leeway > crate::identity::token::MAX_LEEWAY {
            return Err(bad("SHANYRAQ_TOKEN_LEEWAY", &format!("{token_leeway:?}"), "at most 30s"));
        }
        let identity = IdentitySettings {
            mode,
            tls_dir: get("SHANYRAQ_TLS_DIR").map(Into::into),
            health_listen,
            own_spiffe_id: get("SHANYRAQ_SPIFFE_ID")
                .unwrap_or_else(|| format!("spiffe://{trust_domain}/ns/{namespace}/sa/{service_name}")),
            trust_domain,
            namespace,
            issuers_file: get("SHANYRAQ_TOKEN_ISSUERS_FILE").map(Into::into),
            token_leeway,
            callers_file: get("SHANYRAQ_CALLERS_FILE").map(Into::into),
        };
        if mode == IdentityMode::Mtls && identity.tls_dir.is_none() {
            return Err(bad("SHANYRAQ_TLS_DIR", "", "required with SHANYRAQ_IDENTITY=mtls (`suite certs` makes one)"));
        }
        let name_key = get("SHANYRAQ_NAME_KEY");
        match &name_key {
            Some(k) if k.trim().len() < crate::names::MIN_KEY_LEN => {
                return Err(bad("SHANYRAQ_NAME_KEY", "(hidden)", "at least 16 characters"));
            }
            None if profile == Profile::Prod => {
                return Err(bad(
                    "SHANYRAQ_NAME_KEY",
                    "",
                    "the prod profile names records with opaque tokens: set a secret of at least 16 characters",
                ));
            }
            _ => {}
        }
        Ok(Config {
            profile,
            listen,
            identity,
            name_key,
            clock,
            drain_timeout: duration(&get, "SHANYRAQ_DRAIN_TIMEOUT", Duration::from_secs(10))?,
            request_timeout: duration(&get, "SHANYRAQ_REQUEST_TIMEOUT", Duration::from_secs(30))?,
            concurrency_limit: positive(&get, "SHANYRAQ_CONCURRENCY_LIMIT", 256)?,
            calls_in_flight: positive(&get, "SHANYRAQ_CALLS_IN_FLIGHT", 128)?,
            max_streams: positive(&get, "SHANYRAQ_MAX_STREAMS", 1024)?,
            browser_origins: browser_origins(get("SHANYRAQ_BROWSER_ORIGINS"), profile)?,
            max_message_bytes: positive(&get, "SHANYRAQ_MAX_MESSAGE_BYTES", 24 * 1024 * 1024)?,
            document_max_bytes: positive(&get, "SHANYRAQ_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)?,
            documents_max_bytes: positive(&get, "SHANYRAQ_DOCUMENTS_MAX_BYTES", 20 * 1024 * 1024)?,
            log_filter: get("SHANYRAQ_LOG").unwrap_or_else(|| "info".to_owned()),
            log_format,
            otlp_endpoint: get("OTEL_EXPORTER_OTLP_ENDPOINT"),
            service_name: get("OTEL_SERVICE_NAME").unwrap_or_else(|| service_name.to_owned()),
            storage: StorageSettings {
                data_dir: get("SHANYRAQ_DATA_DIR").unwrap_or_else(|| "./data".to_owned()).into(),
                database_url: get("DATABASE_URL"),
                service_urls: STORE_SERVICES
                    .iter()
                    .filter_map(|s| {
                        lookup(&service_url_key(s)).filter(|v| !v.trim().is_empty()).map(|v| ((*s).to_owned(), v))
                    })
                    .collect(),
                schema_prefix: get("SHANYRAQ_DB_SCHEMA_PREFIX").unwrap_or_default(),
                pool_size: u32::try_from(positive(&get, "SHANYRAQ_DB_POOL_SIZE", 10)?).unwrap_or(u32::MAX),
                busy_timeout: duration(&get, "SHANYRAQ_DB_BUSY_TIMEOUT", Duration::from_secs(5))?,
                idempotency_retention: duration(
                    &get,
                    "SHANYRAQ_IDEMPOTENCY_RETENTION",
                    Duration::from_secs(30 * 86_400),
                )?,
            },
            outbox: OutboxSettings {
                poll: duration(&get, "SHANYRAQ_OUTBOX_POLL", Duration::from_secs(1))?,
                batch: u32::try_from(positive(&get, "SHANYRAQ_OUTBOX_BATCH", 64)?).unwrap_or(u32::MAX),
                lease: duration(&get, "SHANYRAQ_OUTBOX_LEASE", Duration::from_secs(30))?,
                max_backoff: duration(&get, "SHANYRAQ_OUTBOX_MAX_BACKOFF", Duration::from_secs(300))?,
                delivery_timeout: duration(&get, "SHANYRAQ_DELIVERY_TIMEOUT", Duration::from_secs(10))?,
                max_attempts: u32::try_from(positive(&get, "SHANYRAQ_OUTBOX_MAX_ATTEMPTS", 25)?).unwrap_or(u32::MAX),
            },
            sweep_interval: duration(&get, "SHANYRAQ_SWEEP_INTERVAL", Duration::from_secs(5))?,
            calendar_file: get("SHANYRAQ_CALENDAR_FILE").map(Into::into),
            endpoints: crate::principal::Subsystem::ALL
                .iter()
                .filter_map(|s| {
                    lookup(&endpoint_key(s.as_str()))
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| (s.as_str().to_owned(), v))
                })
                .collect(),
        })
    }
}

/// The web origins whose pages may call the suite from a browser (CORS on gRPC-Web).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserOrigins {
    /// Any origin: the dev profile's default, so that a page served from anywhere on a
    /// developer's machine can try the read methods.
    Any,
    /// These origins only (none: browsers of other origins are not let in; outside dev the
    /// default, since a page calling with a user's token is a decision of the deployment).
    Listed(Vec<String>),
}

fn browser_origins(value: Option<String>, profile: Profile) -> Result<BrowserOrigins, ConfigError> {
    let Some(value) = value else {
        return Ok(if profile == Profile::Dev { BrowserOrigins::Any } else { BrowserOrigins::Listed(Vec::new()) });
    };
    if value.trim() == "*" {
        return Ok(BrowserOrigins::Any);
    }
    let mut origins = Vec::new();
    for origin in value.split(',').map(|o| o.trim().trim_end_matches('/')).filter(|o| !o.is_empty()) {
        // An origin is a scheme and a host (and port), no path: as a browser sends it.
        let host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
        let valid = host.is_some_and(|h| !h.is_empty() && !h.contains(['/', ' ']))
            && http::HeaderValue::from_str(origin).is_ok();
        if !valid {
            return Err(bad(
                "SHANYRAQ_BROWSER_ORIGINS",
                &value,
                "expected `*` or origins such as `https://portal.example.kz` separated by commas",
            ));
        }
        origins.push(origin.to_owned());
    }
    Ok(BrowserOrigins::Listed(origins))
}

fn bad(key: &'static str, value: &str, problem: &str) -> ConfigError {
    ConfigError { key, value: value.to_owned(), problem: problem.to_owned() }
}

fn duration(
    get: &impl Fn(&'static str) -> Option<String>,
    key: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    match get(key) {
        None => Ok(default),
        Some(v) => match humantime::parse_duration(v.trim()) {
            Ok(d) if !d.is_zero() => Ok(d),
            Ok(_) => Err(bad(key, &v, "must be longer than zero")),
            Err(e) => Err(bad(key, &v, &format!("expected a duration such as `10s` ({e})"))),
        },
    }
}

fn positive(
    get: &impl Fn(&'static str) -> Option<String>,
    key: &'static str,
    default: usize,
) -> Result<usize, ConfigError> {
    match get(key) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(bad(key, &v, "expected a whole number above zero")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const LISTEN: &str = "127.0.0.1:50051";

    /// The settings of `pairs`, with a name key unless they name one (prod requires it).
    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        map.entry("SHANYRAQ_NAME_KEY".into()).or_insert_with(|| "a name key for the tests".into());
        Config::from_lookup("suite", LISTEN.parse().unwrap(), |k| map.get(k).cloned())
    }

    #[test]
    fn the_prod_profile_needs_a_name_key_of_sixteen_characters() {
        let lookup = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| (*v).to_owned())
        };
        let prod: &[(&str, &str)] = &[("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "mesh-linkerd")];
        let e = Config::from_lookup("suite", LISTEN.parse().unwrap(), lookup(prod)).unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_NAME_KEY");
        let short: &[(&str, &str)] = &[("SHANYRAQ_NAME_KEY", "short")];
        assert_eq!(
            Config::from_lookup("suite", LISTEN.parse().unwrap(), lookup(short)).unwrap_err().key,
            "SHANYRAQ_NAME_KEY"
        );
        assert!(Config::from_lookup("suite", LISTEN.parse().unwrap(), lookup(&[])).unwrap().name_key.is_none());
    }

    #[test]
    fn browser_origins_are_any_in_dev_none_in_prod_unless_listed_and_must_be_origins() {
        let prod = [("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "mesh-linkerd")];
        assert_eq!(config(&prod).unwrap().browser_origins, BrowserOrigins::Listed(Vec::new()));
        let listed =
            [prod[0], prod[1], ("SHANYRAQ_BROWSER_ORIGINS", "https://portal.example.kz/, http://localhost:8080")];
        assert_eq!(
            config(&listed).unwrap().browser_origins,
            BrowserOrigins::Listed(vec!["https://portal.example.kz".into(), "http://localhost:8080".into()])
        );
        for wrong in ["portal.example.kz", "https://portal.example.kz/page", "ftp://x", "https://"] {
            let e = config(&[("SHANYRAQ_BROWSER_ORIGINS", wrong)]).unwrap_err();
            assert_eq!(e.key, "SHANYRAQ_BROWSER_ORIGINS", "{wrong}");
        }
        assert_eq!(config(&[("SHANYRAQ_BROWSER_ORIGINS", "*")]).unwrap().browser_origins, BrowserOrigins::Any);
    }

    #[test]
    fn an_empty_environment_gives_the_documented_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.profile, Profile::Dev);
        assert_eq!(c.listen.to_string(), LISTEN);
        assert_eq!(c.clock, ClockSetting::System);
        assert_eq!(c.drain_timeout, Duration::from_secs(10));
        assert_eq!(c.request_timeout, Duration::from_secs(30));
        assert_eq!(c.concurrency_limit, 256);
        assert_eq!((c.calls_in_flight, c.max_streams), (128, 1024));
        assert_eq!(c.browser_origins, BrowserOrigins::Any);
        assert_eq!(c.max_message_bytes, 24 * 1024 * 1024);
        assert_eq!(c.log_filter, "info");
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.otlp_endpoint, None);
        assert_eq!(c.service_name, "suite");
        assert_eq!(c.storage.data_dir, std::path::PathBuf::from("./data"));
        assert_eq!(c.storage.database_url, None);
        assert_eq!(c.storage.idempotency_retention, Duration::from_secs(30 * 86_400));
        assert_eq!(c.outbox.lease, Duration::from_secs(30));
        assert_eq!(c.sweep_interval, Duration::from_secs(5));
        assert!(c.endpoints.is_empty());
    }

    #[test]
    fn per_service_databases_and_endpoints_are_read_by_name() {
        let c = config(&[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1/shanyraq"),
            ("RENT_SUBSIDY_DATABASE_URL", "sqlite://./subsidy.db"),
            ("GATEWAY_ENDPOINT", "http://127.0.0.1:50056"),
        ])
        .unwrap();
        assert_eq!(c.storage.database_url.as_deref(), Some("postgres://postgres@127.0.0.1/shanyraq"));
        assert_eq!(c.storage.service_urls, vec![("rent-subsidy".to_owned(), "sqlite://./subsidy.db".to_owned())]);
        assert_eq!(c.endpoints, vec![("gateway".to_owned(), "http://127.0.0.1:50056".to_owned())]);
        assert_eq!(service_url_key("egov-gateway"), "EGOV_GATEWAY_DATABASE_URL");
    }

    #[test]
    fn every_setting_read_is_documented() {
        let source = include_str!("config.rs");
        let documented: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        assert!(documented.contains(&"<SERVICE>_DATABASE_URL") && documented.contains(&"<SUBSYSTEM>_ENDPOINT"));
        for line in source.lines().filter(|l| l.contains("get(\"") || l.contains("&get, \"")) {
            let key = line.split('"').nth(1).unwrap();
            assert!(documented.contains(&key), "{key} is read but not in SETTINGS");
        }
    }

    #[test]
    fn the_calendar_is_the_built_in_one_unless_a_file_is_named() {
        assert_eq!(config(&[]).unwrap().load_calendar().unwrap().version(), calendar::Calendar::shipped().version());
        let e = config(&[("SHANYRAQ_CALENDAR_FILE", "/nonexistent/kz-calendar.toml")])
            .unwrap()
            .load_calendar()
            .unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_CALENDAR_FILE");
        let dir = std::env::temp_dir().join(format!("shanyraq-calendar-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("kz-calendar.toml");
        std::fs::write(&file, calendar::SHIPPED.replace("kz-calendar-2026.2", "kz-calendar-test")).unwrap();
        let loaded = config(&[("SHANYRAQ_CALENDAR_FILE", file.to_str().unwrap())]).unwrap().load_calendar().unwrap();
        assert_eq!(loaded.version(), "kz-calendar-test");
        std::fs::write(&file, "version = 1").unwrap();
        assert!(config(&[("SHANYRAQ_CALENDAR_FILE", file.to_str().unwrap())]).unwrap().load_calendar().is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_readme_documents_every_setting() {
        let readme = include_str!("../../../README.md");
        for setting in SETTINGS {
            assert!(readme.contains(&format!("| `{}` |", setting.key)), "README.md lacks {}", setting.key);
        }
    }

    #[test]
    fn values_are_parsed() {
        let c = config(&[
            ("SHANYRAQ_PROFILE", "prod"),
            ("SHANYRAQ_IDENTITY", "mesh-linkerd"),
            ("SHANYRAQ_LISTEN", "0.0.0.0:6000"),
            ("SHANYRAQ_DRAIN_TIMEOUT", "2s"),
            ("SHANYRAQ_LOG_FORMAT", "text"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"),
        ])
        .unwrap();
        assert_eq!(c.profile, Profile::Prod);
        assert_eq!(c.listen.port(), 6000);
        assert_eq!(c.drain_timeout, Duration::from_secs(2));
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.otlp_endpoint.as_deref(), Some("http://127.0.0.1:4317"));
    }

    #[test]
    fn bad_values_name_the_key_and_the_problem() {
        let e = config(&[("SHANYRAQ_DRAIN_TIMEOUT", "soon")]).unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_DRAIN_TIMEOUT");
        assert!(e.to_string().contains("duration"), "{e}");
        assert_eq!(config(&[("SHANYRAQ_PROFILE", "staging")]).unwrap_err().key, "SHANYRAQ_PROFILE");
        assert_eq!(config(&[("SHANYRAQ_LISTEN", "nowhere")]).unwrap_err().key, "SHANYRAQ_LISTEN");
        assert_eq!(config(&[("SHANYRAQ_CONCURRENCY_LIMIT", "0")]).unwrap_err().key, "SHANYRAQ_CONCURRENCY_LIMIT");
        assert_eq!(config(&[("SHANYRAQ_DRAIN_TIMEOUT", "0s")]).unwrap_err().key, "SHANYRAQ_DRAIN_TIMEOUT");
    }

    #[test]
    fn the_prod_profile_refuses_a_movable_clock() {
        assert!(config(&[("SHANYRAQ_CLOCK", "fixed:2026-03-12T09:00:00+05:00")]).is_ok());
        let e = config(&[
            ("SHANYRAQ_PROFILE", "prod"),
            ("SHANYRAQ_IDENTITY", "mesh-linkerd"),
            ("SHANYRAQ_CLOCK", "fixed:2026-03-12T09:00:00+05:00"),
        ])
        .unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_CLOCK");
        assert!(e.problem.contains("dev-only"));
        assert!(
            config(&[
                ("SHANYRAQ_PROFILE", "prod"),
                ("SHANYRAQ_IDENTITY", "mesh-linkerd"),
                ("SHANYRAQ_CLOCK", "system")
            ])
            .is_ok()
        );
    }

    #[test]
    fn the_prod_profile_must_name_a_proving_identity_mode_and_dev_mode_is_the_dev_profile_s_alone() {
        for pairs in
            [vec![("SHANYRAQ_PROFILE", "prod")], vec![("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "dev")]]
        {
            assert_eq!(config(&pairs).unwrap_err().key, "SHANYRAQ_IDENTITY", "{pairs:?}");
        }
        assert_eq!(config(&[]).unwrap().identity.mode, IdentityMode::Dev);
        let trying = config(&[("SHANYRAQ_IDENTITY", "mtls"), ("SHANYRAQ_TLS_DIR", "/tls")]).unwrap();
        assert_eq!(trying.identity.mode, IdentityMode::Mtls, "the dev profile may try a proving mode");
        assert_eq!(config(&[("SHANYRAQ_IDENTITY", "kerberos")]).unwrap_err().key, "SHANYRAQ_IDENTITY");
        let e = config(&[("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "mtls")]).unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_TLS_DIR");
        let c = config(&[("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "mtls"), ("SHANYRAQ_TLS_DIR", "/tls")])
            .unwrap();
        assert_eq!(c.identity.health_listen.unwrap().port(), 51051, "health on the port + 1000");
        assert_eq!(c.identity.own_spiffe_id, "spiffe://cluster.local/ns/shanyraq/sa/suite");
        let e = config(&[("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "mesh-istio")]).unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_LISTEN", "istio binds the pod address");
        let c = config(&[("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "mesh-istio"), ("POD_IP", "10.1.2.3")])
            .unwrap();
        assert_eq!(c.listen.to_string(), "10.1.2.3:50051");
        let e = config(&[
            ("SHANYRAQ_PROFILE", "prod"),
            ("SHANYRAQ_IDENTITY", "mesh-linkerd"),
            ("SHANYRAQ_TOKEN_LEEWAY", "2m"),
        ])
        .unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_TOKEN_LEEWAY");
    }
}
