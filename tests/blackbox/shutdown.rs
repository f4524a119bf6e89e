//! SIGTERM: health turns NOT_SERVING, open calls and streams drain for at most the drain
//! limit, and the process exits 0 (DESIGN.md "Operations").

use std::time::{Duration, Instant};

use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::helpers::spawn_suite;

#[tokio::test]
async fn sigterm_with_an_open_watch_stream_exits_zero_within_the_drain_limit() {
    let drain = Duration::from_secs(2);
    let mut suite = spawn_suite(&[("SHANYRAQ_DRAIN_TIMEOUT", "2s")]).await;
    let mut health = HealthClient::new(suite.channel.clone());
    let mut watch = health.watch(HealthCheckRequest { service: String::new() }).await.unwrap().into_inner();
    assert_eq!(watch.message().await.unwrap().unwrap().status(), ServingStatus::Serving);

    let pid = suite.child.id().to_string();
    let sent = Instant::now();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());

    // The open stream hears NOT_SERVING before the server goes away.
    let heard = tokio::time::timeout(drain, watch.message()).await.expect("an update before the drain limit");
    assert_eq!(heard.unwrap().unwrap().status(), ServingStatus::NotServing);

    // The stream is still open, so only the drain limit ends the process: it must not hang.
    let exit = loop {
        if let Some(status) = suite.child.try_wait().unwrap() {
            break status;
        }
        assert!(sent.elapsed() < drain + Duration::from_secs(8), "still running {:?} after SIGTERM", sent.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
}
