//! Typed settings read from environment variables (12-factor), each with a documented default.
//!
//! Settings are parsed from a lookup function rather than the process environment, so that
//! tests pass a map and never mutate the environment. [`SETTINGS`] is the one table of keys,
//! defaults and meanings; the README's table is written from it.

use std::net::SocketAddr;
use std::time::Duration;

use crate::clock::ClockSetting;

/// The deployment profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The default: callers without identity act as the `dev` subsystem with every right, the
    /// clock can be moved, verbose conveniences are on.
    Dev,
    /// Production: refuses what is dev-only (the `dev` subsystem, the movable clock).
    Prod,
}

impl Profile {
    /// The profile's name as written in `SHANYRAQ_PROFILE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Dev => "dev",
            Profile::Prod => "prod",
        }
    }
}

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
        meaning: "calls in flight per connection; beyond it calls are shed with RESOURCE_EXHAUSTED",
    },
    Setting {
        key: "SHANYRAQ_MAX_MESSAGE_BYTES",
        default: "25165824 (24 MiB)",
        meaning: "the decoding limit of a request, above the documents' own limits",
    },
    Setting { key: "SHANYRAQ_LOG", default: "info", meaning: "the log filter, in tracing's `EnvFilter` syntax" },
    Setting { key: "SHANYRAQ_LOG_FORMAT", default: "json", meaning: "`json` or `text`" },
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
    /// The decoding limit of one message.
    pub max_message_bytes: usize,
    /// The log filter.
    pub log_filter: String,
    /// The log format.
    pub log_format: LogFormat,
    /// The OTLP endpoint, when traces are exported.
    pub otlp_endpoint: Option<String>,
    /// The service name on traces and logs.
    pub service_name: String,
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
        let listen = match get("SHANYRAQ_LISTEN") {
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
        Ok(Config {
            profile,
            listen,
            clock,
            drain_timeout: duration(&get, "SHANYRAQ_DRAIN_TIMEOUT", Duration::from_secs(10))?,
            request_timeout: duration(&get, "SHANYRAQ_REQUEST_TIMEOUT", Duration::from_secs(30))?,
            concurrency_limit: positive(&get, "SHANYRAQ_CONCURRENCY_LIMIT", 256)?,
            max_message_bytes: positive(&get, "SHANYRAQ_MAX_MESSAGE_BYTES", 24 * 1024 * 1024)?,
            log_filter: get("SHANYRAQ_LOG").unwrap_or_else(|| "info".to_owned()),
            log_format,
            otlp_endpoint: get("OTEL_EXPORTER_OTLP_ENDPOINT"),
            service_name: get("OTEL_SERVICE_NAME").unwrap_or_else(|| service_name.to_owned()),
        })
    }
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

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup("suite", LISTEN.parse().unwrap(), |k| map.get(k).cloned())
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
        assert_eq!(c.max_message_bytes, 24 * 1024 * 1024);
        assert_eq!(c.log_filter, "info");
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.otlp_endpoint, None);
        assert_eq!(c.service_name, "suite");
    }

    #[test]
    fn every_setting_read_is_documented() {
        let source = include_str!("config.rs");
        let documented: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        for line in source.lines().filter(|l| l.contains("get(\"") || l.contains("&get, \"")) {
            let key = line.split('"').nth(1).unwrap();
            assert!(documented.contains(&key), "{key} is read but not in SETTINGS");
        }
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
        let e =
            config(&[("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_CLOCK", "fixed:2026-03-12T09:00:00+05:00")]).unwrap_err();
        assert_eq!(e.key, "SHANYRAQ_CLOCK");
        assert!(e.problem.contains("dev-only"));
        assert!(config(&[("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_CLOCK", "system")]).is_ok());
    }
}
