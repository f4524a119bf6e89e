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
    assert_eq!(set.local_rfc3339, "2026-03-12T09:00:00+05:00");
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
    assert_eq!(advanced.clock.unwrap().local_rfc3339, "2026-03-15T09:00:00+05:00");
    let again = clock.get_time(GetTimeRequest {}).await.unwrap().into_inner().clock.unwrap();
    assert_eq!(again.local_rfc3339, "2026-03-15T09:00:00+05:00", "a set clock stands still");
    let system = clock.use_system_time(UseSystemTimeRequest {}).await.unwrap().into_inner().clock.unwrap();
    assert_eq!(system.mode(), ClockMode::System);
    assert!(system.current_time.unwrap().seconds > MARCH_12_0900_ALMATY);
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
    assert_eq!(reading.current_time.unwrap().seconds, MARCH_12_0900_ALMATY);
}

#[tokio::test]
async fn a_kurban_uq_a_deadline_in_2029_is_provisional_and_one_in_2040_names_the_year_not_loaded() {
    let suite = crate::helpers::spawn_suite(&[]).await;
    let ch = &suite.channel;
    let load = |who: &str| proto::egov::gateway::v1::LoadRecordsRequest {
        persons: vec![crate::kit::citizen(who)],
        consents: vec![crate::kit::consent(who, "registry")],
        ..Default::default()
    };
    // Tuesday 24 April 2029 is Kurban Ait by the Umm al-Qura table: a filing on Monday 23 April
    // is due on Wednesday 25 April, and the deadline says it rests on provisional data.
    let a = crate::kit::iin("1980-04-23", 61);
    crate::kit::load(ch, load(&a)).await;
    crate::kit::at(ch, "2029-04-23T10:00").await;
    let app = crate::kit::enrol(ch, &a, "711210000").await;
    let deadline = app.deadline.unwrap();
    assert_eq!((deadline.due_date.as_str(), deadline.provisional), ("2029-04-25", true), "{deadline:?}");
    assert!(deadline.calendar_version.starts_with("kz-calendar-2026.2"));

    // 2040 is beyond the data: the filing is refused naming the year, and nothing is filed.
    let b = crate::kit::iin("1981-05-05", 61);
    crate::kit::load(ch, load(&b)).await;
    crate::kit::at(ch, "2040-03-01T10:00").await;
    let r = proto::housing::registry::v1::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: false,
        applicant: Some(proto::housing::common::v1::PersonRef { iin: b.clone() }),
        case_kind: proto::housing::registry::v1::EnrolmentCase::NoDwelling5y as i32,
        settlement_kato: "711210000".into(),
        list_category: "GENERAL".into(),
        ..Default::default()
    };
    let client = proto::housing::registry::v1::registry_service_client::RegistryServiceClient::new(ch.clone());
    let status = client.clone().create_application(r).await.unwrap_err();
    assert_eq!(crate::kit::reason(&status), "CALENDAR_YEAR_NOT_LOADED", "{status:?}");
    let info = tonic_types::StatusExt::get_error_details(&status).error_info().cloned().unwrap();
    assert_eq!(info.metadata.get("year").map(String::as_str), Some("2040"));
}
