//! The development clock: `SetTime` sets the time every service in the process reads, and the
//! prod profile refuses the clock service.

use proto::housing::ops::v1::clock_service_client::ClockServiceClient;
use proto::housing::ops::v1::{AdvanceTimeRequest, ClockMode, GetTimeRequest, SetTimeRequest, UseSystemTimeRequest};
use tonic_types::StatusExt;

use crate::helpers::{call_empty, contract_methods, spawn_suite};

const MARCH_12_0900_ALMATY: i64 = 1_773_288_000; // 2026-03-12T09:00:00+05:00, the order's entry into force

#[tokio::test]
async fn clock_service_sets_the_time_every_service_reads() {
    let suite = spawn_suite(&[]).await;
    let mut clock = ClockServiceClient::new(suite.channel.clone());
    let set = clock
        .set_time(SetTimeRequest { time: Some(prost_types::Timestamp { seconds: MARCH_12_0900_ALMATY, nanos: 0 }) })
        .await
        .unwrap()
        .into_inner()
        .clock
        .unwrap();
    assert_eq!(set.local_time, "2026-03-12T09:00:00+05:00");
    assert_eq!(set.mode(), ClockMode::Fixed);

    // Each call is stamped with the instant its service's clock read when the call began.
    let mut services_seen = std::collections::BTreeSet::new();
    for (service, path) in contract_methods() {
        if !services_seen.insert(service.clone()) {
            continue;
        }
        let stamped = match call_empty(&suite.channel, &path, &[]).await {
            Ok(metadata) => metadata,
            Err(status) => status.metadata().clone(),
        };
        assert_eq!(
            stamped.get("x-shanyraq-now").and_then(|v| v.to_str().ok()),
            Some("2026-03-12T09:00:00+05:00"),
            "{service} reads the set clock"
        );
    }
    assert!(services_seen.len() >= 19, "{services_seen:?}");

    let advanced = clock
        .advance_time(AdvanceTimeRequest { by: Some(prost_types::Duration { seconds: 3 * 86_400, nanos: 0 }) })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(advanced.clock.unwrap().local_time, "2026-03-15T09:00:00+05:00");
    let again = clock.get_time(GetTimeRequest {}).await.unwrap().into_inner().clock.unwrap();
    assert_eq!(again.local_time, "2026-03-15T09:00:00+05:00", "a set clock stands still");
    let system = clock.use_system_time(UseSystemTimeRequest {}).await.unwrap().into_inner().clock.unwrap();
    assert_eq!(system.mode(), ClockMode::System);
    assert!(system.now.unwrap().seconds > MARCH_12_0900_ALMATY);
}

#[tokio::test]
async fn the_prod_profile_refuses_the_clock_service() {
    let suite = spawn_suite(&crate::helpers::PROD_MESH).await;
    let (key, registry) = crate::helpers::from_workload("registry");
    let status = call_empty(
        &suite.channel,
        "/kz.housing.ops.v1.ClockService/GetTime",
        &[(key, registry.as_str()), ("x-caller-subsystem", "registry")],
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), tonic::Code::PermissionDenied);
    assert_eq!(status.get_error_details().error_info().unwrap().reason, "DEV_ONLY");
}

#[tokio::test]
async fn the_suite_starts_on_a_fixed_clock_from_its_settings() {
    let suite = spawn_suite(&[("SHANYRAQ_CLOCK", "fixed:2026-03-12T09:00:00+05:00")]).await;
    let mut clock = ClockServiceClient::new(suite.channel.clone());
    let reading = clock.get_time(GetTimeRequest {}).await.unwrap().into_inner().clock.unwrap();
    assert_eq!(reading.now.unwrap().seconds, MARCH_12_0900_ALMATY);
}
