//! `load`: a bounded gRPC load generator for the suite's benchmarks.
//!
//! ```text
//! load --target http://127.0.0.1:50051 --scenario gateway-person --concurrency 64 --duration 30s
//! ```
//!
//! Closed loop (`--concurrency N`: N calls in flight, each worker sending its next call when the
//! last one answers) or open loop (`--rate R`: R calls a second, at most `--concurrency` in
//! flight). It stops by itself after `--duration` (at most 10 minutes) and reports calls per
//! second, p50/p95/p99/max latency, and failures by gRPC status: an HTTP 200 carrying
//! `grpc-status` 14 is a failure (UNAVAILABLE), not a success. Scenarios:
//! - `health`: `grpc.health.v1.Health/Check` of the whole server;
//! - `gateway-person`: `IdentityService/GetPerson` with a full envelope, over the people of the
//!   seeded population (`--seed`, `--persons`, the gateway's defaults), as the subsystem
//!   `registry`;
//! - `registry-enrol`: `RegistryService/CreateApplication`, one `NO_DWELLING_5Y` application
//!   accepted and decided per call, for `--persons` fresh people prepared before the clock
//!   starts (see `enrol.rs`; the suite must run in the dev profile);
//! - `privatization-journey`: one whole communal privatization per call (application at a State
//!   Corporation office, the commission's decision, the contract: three calls), for `--persons`
//!   fresh tenants prepared before the clock starts (see `journey.rs`).
//!
//! `load bare-server [ADDR]` serves a bare tonic server with health only (default
//! 127.0.0.1:50999): the floor every figure is reported against, measured in the same run.
//!
//! `load otlp-sink [ADDR]` accepts OTLP traces and metrics and drops them: what a suite exports
//! to while the cost of its telemetry is measured (default 127.0.0.1:4317).
//!
//! `--tls-dir DIR` calls a suite running `SHANYRAQ_IDENTITY=mtls` (in the dev profile): the
//! preparation presents `dev.pem`, the scenario the caller's own certificate (`otbasy-portal.pem`
//! for `registry-enrol`, `registry.pem` for `gateway-person`), and `--tokens DIR` (the folder of
//! `suite token init`) proves each applicant with a token minted during the preparation, so the
//! cost of mutual TLS and tokens can be measured with the same command.
#![forbid(unsafe_code)]

mod bare;
mod enrol;
mod journey;
mod prep;
mod secure;
mod sink;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clients::{CallPolicy, CaseRef, ChannelPool, GatewayClient};
use proto::egov::gateway::v1 as pb;
use proto::housing::registry::v1 as registry_pb;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use tokio::sync::Semaphore;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

/// The longest run the tool agrees to.
const MAX_DURATION: Duration = Duration::from_secs(600);
/// The most calls in flight it agrees to.
const MAX_CONCURRENCY: usize = 10_000;

/// The list the `queue-position` scenario reads and `prepare-list` fills: Astana's general list.
const LIST_SETTLEMENT: &str = "711210000";
const LIST_CATEGORY: &str = "GENERAL";

#[derive(Debug, Clone, clap::Parser)]
#[command(name = "load", about = "A bounded gRPC load generator for the suite's benchmarks", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Tool>,
    #[command(flatten)]
    options: Options,
}

#[derive(Debug, Clone, clap::Subcommand)]
enum Tool {
    /// Serves a bare tonic server with health only: the floor every figure is reported against.
    BareServer {
        #[arg(default_value = "127.0.0.1:50999")]
        addr: String,
    },
    /// Accepts OTLP traces and metrics and drops them.
    OtlpSink {
        #[arg(default_value = "127.0.0.1:4317")]
        addr: String,
    },
    /// Fills Astana's general waiting list with SIZE enrolments straight through the registry's
    /// store (the suite's settings: SHANYRAQ_DATA_DIR, DATABASE_URL), for `queue-position`.
    PrepareList {
        /// How many people to put on the list.
        #[arg(long, default_value_t = 500_000)]
        size: usize,
        /// The seed of the people's IINs (`queue-position --seed` reads the same people).
        #[arg(long, default_value_t = 2025)]
        seed: u64,
    },
}

#[derive(Debug, Clone, clap::Args)]
struct Options {
    /// The suite's address.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    target: String,
    /// What each call does.
    #[arg(long, value_enum, default_value_t = Scenario::Health)]
    scenario: Scenario,
    /// Calls in flight (closed loop), or the most in flight with --rate.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=MAX_CONCURRENCY as u64))]
    concurrency: u64,
    /// Calls a second offered (open loop); latency counts from each call's scheduled time.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    rate: Option<u32>,
    /// How long the timed part runs, at most 10m.
    #[arg(long, default_value = "10s", value_parser = duration)]
    duration: Duration,
    /// Channels (HTTP/2 connections) the calls spread over.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256))]
    channels: u64,
    /// The population's seed (gateway-person) or the list's (queue-position).
    #[arg(long, default_value_t = egov_gateway::seed::DEFAULT_SEED)]
    seed: u64,
    /// People to prepare (registry-enrol, registry-get, privatization-journey), of the seeded
    /// population (gateway-person), or on the prepared list (queue-position).
    #[arg(long, default_value_t = egov_gateway::DEFAULT_SEED_PERSONS)]
    persons: usize,
    /// Calls a suite in `mtls` with the certificates of this folder.
    #[arg(long)]
    tls_dir: Option<std::path::PathBuf>,
    /// Proves each applicant with a token (the folder of `suite token init`); needs --tls-dir.
    #[arg(long, requires = "tls_dir")]
    tokens: Option<std::path::PathBuf>,
}

fn duration(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    if d.is_zero() || d > MAX_DURATION {
        return Err("above zero and at most 10m".into());
    }
    Ok(d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    /// `grpc.health.v1.Health/Check` of the whole server.
    Health,
    /// `IdentityService/GetPerson` over the seeded population, as the registry.
    GatewayPerson,
    /// `RegistryService/CreateApplication`, one application enrolled per call.
    RegistryEnrol,
    /// `RegistryService/GetApplication` of applications filed before the clock starts.
    RegistryGet,
    /// `RegistryService/GetQueuePosition` on the list `prepare-list` filled.
    QueuePosition,
    /// One whole communal privatization per call (three calls).
    PrivatizationJourney,
}

impl Options {
    fn check(&self) -> Result<(), String> {
        if self.tls_dir.is_some() && self.scenario == Scenario::PrivatizationJourney {
            return Err("privatization-journey acts as several officials' workloads: run it without --tls-dir".into());
        }
        if self.scenario != Scenario::Health && self.persons == 0 {
            return Err("this scenario needs --persons above zero".into());
        }
        Ok(())
    }
}

/// One call of the scenario; answers its gRPC status code (0 for OK).
#[derive(Clone)]
struct Caller {
    scenario: Scenario,
    pool: ChannelPool,
    gateway: GatewayClient,
    people: Arc<Vec<String>>,
    enrol: Option<Arc<enrol::Prepared>>,
    journey: Option<Arc<journey::Prepared>>,
    /// The applications `registry-get` reads.
    names: Arc<Vec<String>>,
}

impl Caller {
    async fn call(&self, n: usize) -> i32 {
        let result = match self.scenario {
            Scenario::Health => HealthClient::new(self.pool.get())
                .check(HealthCheckRequest { service: String::new() })
                .await
                .map(|_| ()),
            Scenario::GatewayPerson => {
                let iin = self.people[n % self.people.len()].clone();
                let case =
                    CaseRef { name: format!("load/cases/{n}"), purpose: "load test".into(), user_iin: iin.clone() };
                self.gateway.get_person(&case, pb::GetPersonRequest { iin }).await.map(|_| ())
            }
            Scenario::RegistryEnrol => match &self.enrol {
                Some(prepared) => return prepared.file(self.pool.get()).await,
                None => return -3,
            },
            Scenario::RegistryGet => {
                let name = self.names[n % self.names.len().max(1)].clone();
                RegistryServiceClient::new(self.pool.get())
                    .get_application(registry_pb::GetApplicationRequest { name })
                    .await
                    .map(|_| ())
            }
            Scenario::QueuePosition => {
                let iin = self.people[n.wrapping_mul(7919) % self.people.len().max(1)].clone();
                let request = registry_pb::GetQueuePositionRequest {
                    iin,
                    settlement_kato: LIST_SETTLEMENT.into(),
                    list_category: LIST_CATEGORY.into(),
                };
                RegistryServiceClient::new(self.pool.get()).get_queue_position(request).await.map(|_| ())
            }
            Scenario::PrivatizationJourney => match &self.journey {
                Some(prepared) => return prepared.run(self.pool.get()).await,
                None => return -3,
            },
        };
        match result {
            Ok(()) => 0,
            Err(status) => status.code() as i32,
        }
    }
}

struct Tally {
    /// Latencies in microseconds, every percentile kept (three significant figures).
    latencies_us: hdrhistogram::Histogram<u64>,
    codes: BTreeMap<i32, u64>,
    /// The timed part of the run, preparation excluded.
    elapsed: Duration,
}

impl Default for Tally {
    fn default() -> Self {
        // From 1 µs to 10 minutes, the longest run, at three significant figures.
        let latencies_us = hdrhistogram::Histogram::new_with_bounds(1, 600_000_000, 3).expect("constant bounds");
        Tally { latencies_us, codes: BTreeMap::new(), elapsed: Duration::ZERO }
    }
}

impl Tally {
    fn add(&mut self, latency: Duration, code: i32) {
        self.latencies_us.saturating_record(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX).max(1));
        *self.codes.entry(code).or_default() += 1;
    }

    fn merge(&mut self, other: Tally) {
        let _ = self.latencies_us.add(&other.latencies_us);
        for (code, n) in other.codes {
            *self.codes.entry(code).or_default() += n;
        }
    }

    /// The latency at percentile `p`, in milliseconds.
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        self.latencies_us.value_at_quantile(p / 100.0) as f64 / 1000.0
    }
}

async fn run(o: Options) -> Result<Tally, String> {
    // The scenario's own workload, and the development tools' for the preparation.
    let workload = match o.scenario {
        Scenario::GatewayPerson => "registry",
        _ => "otbasy-portal",
    };
    let (channels, concurrency) = (o.channels as usize, o.concurrency as usize);
    let (pool, prep_pool) = match &o.tls_dir {
        None => {
            let pool = ChannelPool::lazy(&o.target, channels).map_err(|e| format!("--target: {e}"))?;
            (pool.clone(), pool)
        }
        Some(dir) => (secure::pool(&o.target, dir, workload, channels)?, secure::pool(&o.target, dir, "dev", 1)?),
    };
    let tokens = match &o.tokens {
        Some(dir) => Some(secure::Minter::open(dir)?),
        None => None,
    };
    // No retries: a failure counts as one.
    let policy = CallPolicy { deadline: Duration::from_secs(10), retries: 0, backoff: Duration::ZERO };
    let people: Vec<String> = match o.scenario {
        Scenario::GatewayPerson => {
            egov_gateway::seed::population(o.seed, o.persons).persons.iter().map(|p| p.iin.to_string()).collect()
        }
        Scenario::QueuePosition => prep::fresh_people(o.persons, o.seed),
        _ => Vec::new(),
    };
    let enrol = if matches!(o.scenario, Scenario::RegistryEnrol | Scenario::RegistryGet) {
        // A run of its own: people no earlier run loaded.
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        eprintln!("preparing {} signed applications…", o.persons);
        Some(Arc::new(enrol::prepare(prep_pool.get(), o.persons, seed, concurrency, tokens.as_ref()).await?))
    } else {
        None
    };
    let names = match (&enrol, o.scenario) {
        (Some(prepared), Scenario::RegistryGet) => {
            eprintln!("filing them, to read them…");
            file_all(prepared.clone(), &prep_pool, concurrency).await?
        }
        _ => Vec::new(),
    };
    let journey = if o.scenario == Scenario::PrivatizationJourney {
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        eprintln!("preparing {} signed privatization applications…", o.persons);
        Some(Arc::new(journey::prepare(prep_pool.get(), o.persons, seed, concurrency).await?))
    } else {
        None
    };
    let caller = Caller {
        scenario: o.scenario,
        gateway: GatewayClient::new(pool.clone(), "registry", policy),
        pool,
        people: Arc::new(people),
        enrol,
        journey,
        names: Arc::new(names),
    };
    let started = Instant::now();
    let deadline = started + o.duration;
    let mut tally = Tally::default();
    match o.rate {
        None => {
            let mut workers = Vec::new();
            for w in 0..concurrency {
                let caller = caller.clone();
                workers.push(tokio::spawn(async move {
                    let mut tally = Tally::default();
                    let mut n = w;
                    while Instant::now() < deadline {
                        let started = Instant::now();
                        let code = caller.call(n).await;
                        if code == -3 {
                            // The prepared requests ran out: counted once, not spun on.
                            *tally.codes.entry(code).or_default() += 1;
                            break;
                        }
                        tally.add(started.elapsed(), code);
                        if code == tonic::Code::ResourceExhausted as i32 {
                            // Shed: a well-behaved client waits the RetryInfo's delay.
                            tokio::time::sleep(platform::admission::RETRY_AFTER_SHED).await;
                        }
                        n += 1;
                    }
                    tally
                }));
            }
            for worker in workers {
                tally.merge(worker.await.map_err(|e| e.to_string())?);
            }
        }
        Some(rate) => {
            // Open loop: call n is due at n / rate; its latency counts from then, so a server
            // that falls behind is seen in the latency, not hidden by sending later.
            let slots = Arc::new(Semaphore::new(concurrency));
            let mut calls = Vec::new();
            let mut n = 0;
            loop {
                let scheduled = started + Duration::from_secs_f64(n as f64 / f64::from(rate));
                if scheduled >= deadline {
                    break;
                }
                tokio::time::sleep_until(scheduled.into()).await;
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    // Offered but not sent: the in-flight bound was reached.
                    *tally.codes.entry(-1).or_default() += 1;
                    n += 1;
                    continue;
                };
                let caller = caller.clone();
                calls.push(tokio::spawn(async move {
                    let code = caller.call(n).await;
                    drop(slot);
                    (scheduled.elapsed(), code)
                }));
                n += 1;
            }
            for call in calls {
                let (latency, code) = call.await.map_err(|e| e.to_string())?;
                tally.add(latency, code);
            }
        }
    }
    tally.elapsed = started.elapsed();
    Ok(tally)
}

/// Files every prepared application, `concurrency` at a time; answers their names.
async fn file_all(
    prepared: Arc<enrol::Prepared>,
    pool: &ChannelPool,
    concurrency: usize,
) -> Result<Vec<String>, String> {
    let mut workers = Vec::new();
    for _ in 0..concurrency.clamp(1, 64) {
        let (prepared, channel) = (prepared.clone(), pool.get());
        workers.push(tokio::spawn(async move {
            let mut names = Vec::new();
            while let Some(name) = prepared.file_for_reading(channel.clone()).await? {
                names.push(name);
            }
            Ok::<_, String>(names)
        }));
    }
    let mut names = Vec::new();
    for worker in workers {
        names.extend(worker.await.map_err(|e| e.to_string())??);
    }
    Ok(names)
}

/// Fills the list of `queue-position` through the registry's store, in batches, with progress.
async fn prepare_list(size: usize, seed: u64) -> Result<(), String> {
    let config = platform::Config::from_env("suite", "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?)
        .map_err(|e| format!("{}={:?}: {}", e.key, e.value, e.problem))?;
    let db = platform::store::Db::open(registry::STORE, &config.storage, platform::Clock::system())
        .await
        .map_err(|e| format!("the registry's store: {e}"))?;
    let already = registry::store::size(&db, LIST_SETTLEMENT, LIST_CATEGORY).await.map_err(|e| e.to_string())?;
    if already > 0 {
        return Err(format!("the list already holds {already} people: prepare it on an empty store"));
    }
    eprintln!("generating {size} people…");
    // Accepted one a minute from the day Otbasy bank took the lists over.
    let first = chrono::DateTime::parse_from_rfc3339("2025-05-24T04:00:00Z").map_err(|e| e.to_string())?.to_utc();
    let people: Vec<registry::store::preparation::Person> = prep::fresh_people(size, seed)
        .into_iter()
        .enumerate()
        .map(|(i, iin)| registry::store::preparation::Person {
            iin,
            accepted_at: first + chrono::Duration::minutes(i64::try_from(i).unwrap_or(i64::MAX)),
        })
        .collect();
    let started = Instant::now();
    registry::store::preparation::fill_list(&db, LIST_SETTLEMENT, LIST_CATEGORY, &people, 10_000, |n| {
        eprintln!("  {n} of {size} on the list, {:.0}/s", n as f64 / started.elapsed().as_secs_f64().max(0.001));
    })
    .await
    .map_err(|e| e.to_string())?;
    db.close().await;
    eprintln!(
        "list {LIST_SETTLEMENT}/{LIST_CATEGORY} holds {size} people, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn code_name(code: i32) -> String {
    match code {
        -1 => return "NOT_SENT (in-flight bound)".into(),
        -2 => return "NOT_ADVANCED (accepted, not decided or stage not reached)".into(),
        -3 => return "EXHAUSTED (raise --persons)".into(),
        _ => {}
    }
    format!("{:?}", tonic::Code::from_i32(code))
}

/// The tokio runtime of the tool and of the bare server; a failure is exit code 2.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        eprintln!("runtime: {e}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    use clap::Parser;
    let cli = Cli::parse();
    let options = match cli.command {
        Some(Tool::BareServer { addr }) => return bare::serve(&addr),
        Some(Tool::OtlpSink { addr }) => return sink::serve(&addr),
        Some(Tool::PrepareList { size, seed }) => {
            let runtime = match runtime() {
                Ok(r) => r,
                Err(code) => return code,
            };
            return match runtime.block_on(prepare_list(size, seed)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(2)
                }
            };
        }
        None => cli.options,
    };
    if let Err(e) = options.check() {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let tally = match runtime.block_on(run(options.clone())) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let elapsed = tally.elapsed.as_secs_f64();
    let calls = tally.latencies_us.len();
    let ok = tally.codes.get(&0).copied().unwrap_or(0);
    let mode = options.rate.map_or(format!("{} in flight", options.concurrency), |r| format!("{r}/s offered"));
    println!(
        "scenario {:?}, {mode}, {} channels, {:.1} s, target {}",
        options.scenario, options.channels, elapsed, options.target
    );
    println!("calls {calls}  ok {ok}  calls/s {:.0}  ok/s {:.0}", calls as f64 / elapsed, ok as f64 / elapsed);
    println!(
        "latency ms  p50 {:.3}  p95 {:.3}  p99 {:.3}  max {:.3}",
        tally.percentile(50.0),
        tally.percentile(95.0),
        tally.percentile(99.0),
        tally.percentile(100.0)
    );
    for (code, n) in tally.codes.iter().filter(|(c, _)| **c != 0) {
        println!("failed {:<28} {n}", code_name(*code));
    }
    if ok == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(text: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("load").chain(text.split_whitespace()))
    }

    #[test]
    fn options_are_bounded() {
        assert!(parse("--concurrency 0").is_err());
        assert!(parse("--concurrency 20000").is_err());
        assert!(parse("--duration 11m").is_err());
        assert!(parse("--rate 0").is_err());
        assert!(parse("--scenario nothing").is_err());
        assert!(parse("--tokens dir").is_err(), "a token is believed only from a proven workload");
        let o = parse("--scenario gateway-person --concurrency 64 --duration 30s --channels 2").unwrap().options;
        assert_eq!(
            (o.scenario, o.concurrency, o.duration, o.channels),
            (Scenario::GatewayPerson, 64, Duration::from_secs(30), 2)
        );
        assert!(matches!(parse("prepare-list --size 10").unwrap().command, Some(Tool::PrepareList { size: 10, .. })));
    }

    #[test]
    fn percentiles_read_the_histogram() {
        let mut tally = Tally::default();
        for n in 1..=100u64 {
            tally.add(Duration::from_millis(n), 0);
        }
        assert!((tally.percentile(50.0) - 50.0).abs() < 0.1, "{}", tally.percentile(50.0));
        assert!((tally.percentile(99.0) - 99.0).abs() < 0.1);
        assert!((tally.percentile(100.0) - 100.0).abs() < 0.1);
        assert_eq!(Tally::default().percentile(50.0), 0.0);
    }
}
