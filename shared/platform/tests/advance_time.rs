//! The sweeper wakes when `ClockService.AdvanceTime` moves the clock over gRPC: a job due in
//! three days runs as soon as the clock is advanced by three days, although the sweeper's
//! interval is an hour.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use platform::principal::Subsystem;
use platform::store::{Command, Db, NO_MIGRATIONS, StoreSpec};
use platform::{Clock, Config, Principal, ServerContext, ServiceSet};
use proto::housing::ops::v1::clock_service_client::ClockServiceClient;
use proto::housing::ops::v1::{AdvanceTimeRequest, SetTimeRequest};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

const SPEC: StoreSpec = StoreSpec {
    service: "sweeper-test",
    subsystem: Subsystem::Complaints,
    sqlite: &NO_MIGRATIONS,
    postgres: &NO_MIGRATIONS,
    closed_stages: platform::store::no_cases,
    shared: &[],
};

#[tokio::test]
async fn advance_time_over_grpc_wakes_the_sweeper() {
    let dir = std::env::temp_dir().join(format!("shanyraq-advance-{}", uuid::Uuid::new_v4().simple()));
    let dir_setting = dir.display().to_string();
    let config = Config::from_lookup("test", "127.0.0.1:0".parse().unwrap(), |key| match key {
        "SHANYRAQ_DATA_DIR" => Some(dir_setting.clone()),
        "SHANYRAQ_SWEEP_INTERVAL" => Some("1h".into()),
        _ => None,
    })
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (ran_tx, mut ran) = mpsc::unbounded_channel();
    let opened: Arc<Mutex<Option<Db>>> = Arc::default();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(platform::serve(
        ServerContext::new(config, Clock::system()).unwrap(),
        {
            let opened = opened.clone();
            async move |ctx: &ServerContext, _: &mut ServiceSet| {
                let db = ctx
                    .start_store(SPEC, |sweeper| {
                        sweeper.handle("REVIEW_DEADLINE", move |tx, job| {
                            let ran_tx = ran_tx.clone();
                            Box::pin(async move {
                                tx.audit(&job.subject, "review deadline breached").await?;
                                let _ = ran_tx.send(tx.now());
                                Ok(())
                            })
                        })
                    })
                    .await?;
                *opened.lock().unwrap() = Some(db);
                Ok(())
            }
        },
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let mut clock = ClockServiceClient::connect(format!("http://{addr}")).await.unwrap();
    let march_12 = prost_types::Timestamp { seconds: 1_773_288_000, nanos: 0 };
    clock.set_time(SetTimeRequest { time: Some(march_12) }).await.unwrap();

    let db = opened.lock().unwrap().clone().unwrap();
    let start = db.clock().now();
    let due = start + chrono::Duration::days(3);
    let principal =
        Principal { subsystem: Subsystem::Complaints, official: None, user_iin: None, representative: None };
    db.transact::<String, _>(Command::new(principal, "/test.v1.Complaints/Register"), move |tx| {
        Box::pin(async move {
            tx.schedule("REVIEW_DEADLINE", "complaints/complaints/1", due).await?;
            tx.audit("complaints/complaints/1", "review deadline registered").await?;
            Ok(String::new())
        })
    })
    .await
    .unwrap();

    // The sweeper swept at start-up and on SetTime, before the job existed; with an hour's
    // interval, only this move can wake it in time.
    clock
        .advance_time(AdvanceTimeRequest { by: Some(prost_types::Duration { seconds: 3 * 86_400, nanos: 0 }) })
        .await
        .unwrap();
    let ran_at = tokio::time::timeout(Duration::from_secs(30), ran.recv())
        .await
        .expect("the sweeper woke on AdvanceTime")
        .unwrap();
    assert_eq!(ran_at, due, "the job ran at the advanced clock's time");

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
