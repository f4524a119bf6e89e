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
use tokio::sync::Semaphore;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

/// The longest run the tool agrees to.
const MAX_DURATION: Duration = Duration::from_secs(600);
/// The most calls in flight it agrees to.
const MAX_CONCURRENCY: usize = 10_000;

#[derive(Debug, Clone)]
struct Options {
    target: String,
    scenario: Scenario,
    concurrency: usize,
    rate: Option<u32>,
    duration: Duration,
    channels: usize,
    seed: u64,
    persons: usize,
    tls_dir: Option<std::path::PathBuf>,
    tokens: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Health,
    GatewayPerson,
    RegistryEnrol,
    PrivatizationJourney,
}

const USAGE: &str = "usage: load [--target URL] [--scenario health|gateway-person|registry-enrol|privatization-journey] [--concurrency N] [--rate R] \
[--duration 30s] [--channels K] [--seed S] [--persons P] [--tls-dir DIR [--tokens DIR]]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        target: "http://127.0.0.1:50051".into(),
        scenario: Scenario::Health,
        concurrency: 64,
        rate: None,
        duration: Duration::from_secs(10),
        channels: 4,
        seed: egov_gateway::seed::DEFAULT_SEED,
        persons: egov_gateway::DEFAULT_SEED_PERSONS,
        tls_dir: None,
        tokens: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|_| format!("{flag}: {v:?} is not a whole number"));
        match flag.as_str() {
            "--target" => o.target = value()?,
            "--scenario" => {
                o.scenario = match value()?.as_str() {
                    "health" => Scenario::Health,
                    "gateway-person" => Scenario::GatewayPerson,
                    "registry-enrol" => Scenario::RegistryEnrol,
                    "privatization-journey" => Scenario::PrivatizationJourney,
                    other => return Err(format!("unknown scenario {other:?}")),
                }
            }
            "--concurrency" => o.concurrency = usize::try_from(number(value()?)?).unwrap_or(usize::MAX),
            "--rate" => o.rate = Some(u32::try_from(number(value()?)?).map_err(|_| "--rate too large".to_owned())?),
            "--duration" => {
                o.duration = humantime::parse_duration(&value()?).map_err(|e| format!("--duration: {e}"))?
            }
            "--channels" => o.channels = usize::try_from(number(value()?)?).unwrap_or(1),
            "--seed" => o.seed = number(value()?)?,
            "--persons" => o.persons = usize::try_from(number(value()?)?).unwrap_or(0),
            "--tls-dir" => o.tls_dir = Some(value()?.into()),
            "--tokens" => o.tokens = Some(value()?.into()),
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown flag {other:?}\n{USAGE}")),
        }
    }
    if o.concurrency == 0 || o.concurrency > MAX_CONCURRENCY {
        return Err(format!("--concurrency must be 1 to {MAX_CONCURRENCY}"));
    }
    if o.duration.is_zero() || o.duration > MAX_DURATION {
        return Err("--duration must be above zero and at most 10m".into());
    }
    if o.tokens.is_some() && o.tls_dir.is_none() {
        return Err("--tokens goes with --tls-dir (a token is believed only from a proven workload)".into());
    }
    if o.tls_dir.is_some() && o.scenario == Scenario::PrivatizationJourney {
        return Err("privatization-journey acts as several officials' workloads: run it without --tls-dir".into());
    }
    if o.rate == Some(0) {
        return Err("--rate must be above zero".into());
    }
    if matches!(o.scenario, Scenario::GatewayPerson | Scenario::RegistryEnrol | Scenario::PrivatizationJourney)
        && o.persons == 0
    {
        return Err("this scenario needs --persons above zero".into());
    }
    Ok(o)
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

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    codes: BTreeMap<i32, u64>,
    /// The timed part of the run, preparation excluded.
    elapsed: Duration,
}

impl Tally {
    fn add(&mut self, latency: Duration, code: i32) {
        self.latencies_us.push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
        *self.codes.entry(code).or_default() += 1;
    }

    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (code, n) in other.codes {
            *self.codes.entry(code).or_default() += n;
        }
    }
}

async fn run(o: Options) -> Result<Tally, String> {
    // The scenario's own workload, and the development tools' for the preparation.
    let workload = match o.scenario {
        Scenario::GatewayPerson => "registry",
        _ => "otbasy-portal",
    };
    let (pool, prep_pool) = match &o.tls_dir {
        None => {
            let pool = ChannelPool::lazy(&o.target, o.channels).map_err(|e| format!("--target: {e}"))?;
            (pool.clone(), pool)
        }
        Some(dir) => (secure::pool(&o.target, dir, workload, o.channels)?, secure::pool(&o.target, dir, "dev", 1)?),
    };
    let tokens = match &o.tokens {
        Some(dir) => Some(secure::Minter::open(dir)?),
        None => None,
    };
    // No retries: a failure counts as one.
    let policy = CallPolicy { deadline: Duration::from_secs(10), retries: 0, backoff: Duration::ZERO };
    let people: Vec<String> = if o.scenario == Scenario::GatewayPerson {
        egov_gateway::seed::population(o.seed, o.persons).persons.iter().map(|p| p.iin.to_string()).collect()
    } else {
        Vec::new()
    };
    let enrol = if o.scenario == Scenario::RegistryEnrol {
        // A run of its own: people no earlier run loaded.
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        eprintln!("preparing {} signed applications…", o.persons);
        Some(Arc::new(enrol::prepare(prep_pool.get(), o.persons, seed, o.concurrency, tokens.as_ref()).await?))
    } else {
        None
    };
    let journey = if o.scenario == Scenario::PrivatizationJourney {
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        eprintln!("preparing {} signed privatization applications…", o.persons);
        Some(Arc::new(journey::prepare(prep_pool.get(), o.persons, seed, o.concurrency).await?))
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
    };
    let started = Instant::now();
    let deadline = started + o.duration;
    let mut tally = Tally::default();
    match o.rate {
        None => {
            let mut workers = Vec::new();
            for w in 0..o.concurrency {
                let caller = caller.clone();
                workers.push(tokio::spawn(async move {
                    let mut tally = Tally::default();
                    let mut n = w;
                    while Instant::now() < deadline {
                        let started = Instant::now();
                        let code = caller.call(n).await;
                        tally.add(started.elapsed(), code);
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
            let slots = Arc::new(Semaphore::new(o.concurrency));
            let mut ticker = tokio::time::interval(Duration::from_secs(1) / rate);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut calls = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                ticker.tick().await;
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    // Offered but not sent: the in-flight bound was reached.
                    *tally.codes.entry(-1).or_default() += 1;
                    continue;
                };
                let caller = caller.clone();
                calls.push(tokio::spawn(async move {
                    let started = Instant::now();
                    let code = caller.call(n).await;
                    drop(slot);
                    (started.elapsed(), code)
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

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("bare-server") {
        return bare::serve(args.get(1).map_or("127.0.0.1:50999", String::as_str));
    }
    if args.first().map(String::as_str) == Some("otlp-sink") {
        return sink::serve(args.get(1).map_or("127.0.0.1:4317", String::as_str));
    }
    let options = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
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
    let mut sorted = tally.latencies_us.clone();
    sorted.sort_unstable();
    let calls = sorted.len();
    let ok = tally.codes.get(&0).copied().unwrap_or(0);
    let mode = options.rate.map_or(format!("{} in flight", options.concurrency), |r| format!("{r}/s offered"));
    println!(
        "scenario {:?}, {mode}, {} channels, {:.1} s, target {}",
        options.scenario, options.channels, elapsed, options.target
    );
    println!("calls {calls}  ok {ok}  calls/s {:.0}  ok/s {:.0}", calls as f64 / elapsed, ok as f64 / elapsed);
    println!(
        "latency ms  p50 {:.3}  p95 {:.3}  p99 {:.3}  max {:.3}",
        percentile(&sorted, 50.0),
        percentile(&sorted, 95.0),
        percentile(&sorted, 99.0),
        percentile(&sorted, 100.0)
    );
    for (code, n) in tally.codes.iter().filter(|(c, _)| **c != 0) {
        println!("failed {:<28} {n}", code_name(*code));
    }
    if ok == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_are_bounded() {
        assert!(parse(&args("--concurrency 0")).is_err());
        assert!(parse(&args("--concurrency 20000")).is_err());
        assert!(parse(&args("--duration 11m")).is_err());
        assert!(parse(&args("--rate 0")).is_err());
        assert!(parse(&args("--scenario nothing")).is_err());
        let o = parse(&args("--scenario gateway-person --concurrency 64 --duration 30s --channels 2")).unwrap();
        assert_eq!(
            (o.scenario, o.concurrency, o.duration, o.channels),
            (Scenario::GatewayPerson, 64, Duration::from_secs(30), 2)
        );
    }

    #[test]
    fn percentiles_read_the_sorted_latencies() {
        let sorted: Vec<u64> = (1..=100).map(|n| n * 1000).collect();
        assert_eq!(percentile(&sorted, 50.0), 51.0);
        assert_eq!(percentile(&sorted, 99.0), 99.0);
        assert_eq!(percentile(&sorted, 100.0), 100.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
