//! Metrics over OTLP (the OpenTelemetry SDK's; the collector exposes them to Prometheus), named
//! after the OpenTelemetry semantic conventions v1.37 where they have a name:
//!
//! | name | kind | attributes |
//! |---|---|---|
//! | `rpc.server.call.duration` | histogram, s | `rpc.system.name`, `rpc.method`, `rpc.response.status_code` |
//! | `db.client.operation.duration` | histogram, s (a state change's transaction, to its commit) | `db.system.name`, `db.namespace` |
//! | `shanyraq.gateway.calls` | counter | `gateway.register` (the method), `outcome` (the gRPC code) |
//! | `shanyraq.outbox.backlog` | gauge | `store` |
//! | `shanyraq.outbox.oldest_age` | gauge, s: the oldest undelivered row | `store` |
//! | `shanyraq.outbox.parked` | gauge | `store` |
//! | `shanyraq.cases` | gauge: cases by stage | `store`, `stage` |
//! | `shanyraq.deadlines.breached` | gauge: open cases past their deadline (the injected clock's now) | `store`, `stage` |
//!
//! Without `OTEL_EXPORTER_OTLP_ENDPOINT` the instruments are no-ops.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram};

/// Every metric name the suite emits (the dashboard's test checks against it).
pub const NAMES: &[&str] = &[
    "rpc.server.call.duration",
    "db.client.operation.duration",
    "shanyraq.gateway.calls",
    "shanyraq.outbox.backlog",
    "shanyraq.outbox.oldest_age",
    "shanyraq.outbox.parked",
    "shanyraq.cases",
    "shanyraq.deadlines.breached",
];

/// How often the stores' gauges are read from the databases.
pub const STORE_READ_INTERVAL: Duration = Duration::from_secs(10);

struct Instruments {
    rpc: Histogram<f64>,
    db: Histogram<f64>,
    gateway: Counter<u64>,
}

fn instruments() -> &'static Instruments {
    static INSTRUMENTS: OnceLock<Instruments> = OnceLock::new();
    INSTRUMENTS.get_or_init(|| {
        let meter = opentelemetry::global::meter("shanyraq");
        Instruments {
            rpc: meter
                .f64_histogram("rpc.server.call.duration")
                .with_unit("s")
                .with_description("Duration of incoming calls")
                .build(),
            db: meter
                .f64_histogram("db.client.operation.duration")
                .with_unit("s")
                .with_description("Duration of a state change's transaction, to its commit")
                .build(),
            gateway: meter
                .u64_counter("shanyraq.gateway.calls")
                .with_description("Calls to the gateway's registers")
                .build(),
        }
    })
}

/// One answered call.
pub fn rpc_answered(method: &str, status_code: &str, elapsed: Duration) {
    instruments().rpc.record(
        elapsed.as_secs_f64(),
        &[
            KeyValue::new("rpc.system.name", "grpc"),
            KeyValue::new("rpc.method", method.to_owned()),
            KeyValue::new("rpc.response.status_code", status_code.to_owned()),
        ],
    );
}

/// One committed (or failed) transaction.
pub fn transaction(system: &'static str, store: &'static str, elapsed: Duration) {
    instruments().db.record(
        elapsed.as_secs_f64(),
        &[KeyValue::new("db.system.name", system), KeyValue::new("db.namespace", store)],
    );
}

/// One call to a gateway register and its outcome (a gRPC code's name).
pub fn gateway_call(register: &str, outcome: &str) {
    instruments().gateway.add(
        1,
        &[KeyValue::new("gateway.register", register.to_owned()), KeyValue::new("outcome", outcome.to_owned())],
    );
}

/// What the stores' gauges read last, by store.
#[derive(Debug, Default, Clone)]
pub struct StoreReading {
    /// Undelivered outbox rows.
    pub backlog: i64,
    /// The oldest undelivered row's age, seconds.
    pub oldest_age: f64,
    /// Parked rows.
    pub parked: i64,
    /// Cases by stage.
    pub cases: BTreeMap<String, i64>,
    /// Open cases past their deadline, by stage.
    pub breached: BTreeMap<String, i64>,
}

/// The latest readings, by store; the observable gauges report them.
pub type Readings = Arc<Mutex<BTreeMap<&'static str, StoreReading>>>;

/// What a gauge reports of a store's reading: attributes and value, per data point.
type ReadFn = fn(&StoreReading) -> Vec<(Vec<KeyValue>, f64)>;

/// Registers the stores' gauges over `readings` (once per process).
pub fn store_gauges(readings: Readings) {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        let meter = opentelemetry::global::meter("shanyraq");
        let each = move |read: ReadFn| {
            let readings = readings.clone();
            move |observer: &dyn opentelemetry::metrics::AsyncInstrument<f64>| {
                for (store, reading) in readings.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                    for (mut attributes, value) in read(reading) {
                        attributes.push(KeyValue::new("store", *store));
                        observer.observe(value, &attributes);
                    }
                }
            }
        };
        let _ = meter
            .f64_observable_gauge("shanyraq.outbox.backlog")
            .with_callback(each(|r| vec![(vec![], r.backlog as f64)]))
            .build();
        let _ = meter
            .f64_observable_gauge("shanyraq.outbox.oldest_age")
            .with_unit("s")
            .with_callback(each(|r| vec![(vec![], r.oldest_age)]))
            .build();
        let _ = meter
            .f64_observable_gauge("shanyraq.outbox.parked")
            .with_callback(each(|r| vec![(vec![], r.parked as f64)]))
            .build();
        let _ = meter
            .f64_observable_gauge("shanyraq.cases")
            .with_callback(each(|r| {
                r.cases.iter().map(|(stage, n)| (vec![KeyValue::new("stage", stage.clone())], *n as f64)).collect()
            }))
            .build();
        let _ = meter
            .f64_observable_gauge("shanyraq.deadlines.breached")
            .with_callback(each(|r| {
                r.breached.iter().map(|(stage, n)| (vec![KeyValue::new("stage", stage.clone())], *n as f64)).collect()
            }))
            .build();
    });
}
