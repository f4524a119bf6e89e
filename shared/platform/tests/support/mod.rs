//! Shared by the storage tests: the test service's database (a fresh one per test on either
//! backend comes from `platform::testing`), and a receiver of outbox deliveries that records
//! every arrival.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use platform::principal::Subsystem;
use platform::store::StoreSpec;
use platform::store::outbox::RawCodec;
use sqlx::migrate::Migrator;
use tokio::net::TcpListener;
use tonic::body::Body;
use tonic::server::NamedService;

static NOTES_SQLITE: Migrator = sqlx::migrate!("./tests/migrations/sqlite");
static NOTES_POSTGRES: Migrator = sqlx::migrate!("./tests/migrations/postgres");

/// The test service's database.
pub const SPEC: StoreSpec = StoreSpec {
    service: "notes",
    subsystem: Subsystem::Registry,
    sqlite: &NOTES_SQLITE,
    postgres: &NOTES_POSTGRES,
    closed_stages: platform::store::no_cases,
    shared: &[],
};

pub use platform::testing::{Kind, TestDb, postgres};

/// Every arrival at the receiver, and what it applied.
#[derive(Debug, Default)]
pub struct Arrivals {
    /// Every delivery, duplicates included: (client, message id, case).
    pub all: Vec<(String, String, String)>,
    /// What was applied, once per (client, message id), with the case it carried.
    pub applied: HashMap<(String, String), String>,
    /// Deliveries of a message already applied, which the receiver dropped.
    pub dropped: u32,
}

/// A receiver of outbox deliveries on port 0, idempotent as DESIGN.md asks: it records each
/// arrival, waits `delay`, then applies it unless (client, message id) was applied before.
#[derive(Clone)]
pub struct Receiver {
    pub arrivals: Arc<Mutex<Arrivals>>,
    delay: Duration,
}

impl NamedService for Receiver {
    const NAME: &'static str = "test.v1.ReceiverService";
}

pub const DELIVER: &str = "/test.v1.ReceiverService/Deliver";

impl tower_service::Service<http::Request<Body>> for Receiver {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(RawCodec);
            Ok(grpc.unary(Apply(this), request).await)
        })
    }
}

struct Apply(Receiver);

impl tonic::server::UnaryService<Bytes> for Apply {
    type Response = Bytes;
    type Future = Pin<Box<dyn Future<Output = Result<tonic::Response<Bytes>, tonic::Status>> + Send>>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let receiver = self.0.clone();
        Box::pin(async move {
            let get =
                |key: &str| request.metadata().get(key).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let key = (get("x-egov-client"), get("x-egov-message-id"));
            receiver.arrivals.lock().unwrap().all.push((key.0.clone(), key.1.clone(), get("x-egov-case")));
            tokio::time::sleep(receiver.delay).await;
            let mut arrivals = receiver.arrivals.lock().unwrap();
            match arrivals.applied.entry(key) {
                std::collections::hash_map::Entry::Occupied(_) => arrivals.dropped += 1,
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(get("x-egov-case"));
                }
            }
            Ok(tonic::Response::new(Bytes::new()))
        })
    }
}

/// Starts a receiver; answers its URL and its record.
pub async fn start_receiver(delay: Duration) -> (String, Arc<Mutex<Arrivals>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let receiver = Receiver { arrivals: Arc::default(), delay };
    let arrivals = receiver.arrivals.clone();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(receiver)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    (url, arrivals)
}

/// Waits until `done` holds, polling; panics with `what` after `limit`.
pub async fn eventually(limit: Duration, what: &str, mut done: impl AsyncFnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
