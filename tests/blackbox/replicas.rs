//! Replicas for real: two processes of every service (two suites) on one PostgreSQL, the
//! journeys sent to either in turn. Every stage happens once, every monitoring report and
//! notice is delivered once (the outbox relays of both compete for the rows), every job due at
//! an instant (the subsidy's monthly accruals) runs once (the sweepers of both compete for it),
//! and a watch on one replica sees a change made on the other. Needs PostgreSQL: skipped, saying so, without.

use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use proto::housing::registry::v1 as pb;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use tokio_stream::StreamExt;

use crate::helpers::{call, spawn_suite};
use crate::kit;

fn postgres() -> Option<String> {
    match std::env::var("SHANYRAQ_BLACKBOX_DATABASE_URL").or_else(|_| std::env::var("SHANYRAQ_TEST_POSTGRES")) {
        Ok(url) if url.starts_with("postgres") => Some(url),
        _ => None,
    }
}

async fn stages(ch: &tonic::transport::Channel, name: &str) -> Vec<String> {
    let r = pb::ListApplicationEventsRequest { name: name.into(), ..Default::default() };
    RegistryServiceClient::new(ch.clone())
        .list_application_events(r)
        .await
        .unwrap()
        .into_inner()
        .events
        .into_iter()
        .map(|e| e.stage)
        .collect()
}

#[tokio::test]
async fn two_replicas_of_every_service_on_one_postgresql_do_everything_once() {
    let Some(url) = postgres() else {
        eprintln!("skipped: no PostgreSQL named (SHANYRAQ_BLACKBOX_DATABASE_URL)");
        return;
    };
    let prefix = format!("bb{}_", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("SHANYRAQ_DB_SCHEMA_PREFIX", prefix.as_str()),
        ("SHANYRAQ_OUTBOX_POLL", "100ms"),
        ("SHANYRAQ_SWEEP_INTERVAL", "200ms"),
    ];
    let a = spawn_suite(&env).await;
    let b = spawn_suite(&env).await;
    let people: Vec<String> = (0..4).map(|n| kit::iin("1985-07-07", 10 + n)).collect();
    kit::load(
        &a.channel,
        gw::LoadRecordsRequest {
            persons: people.iter().map(|p| kit::citizen(p)).collect(),
            consents: people.iter().map(|p| kit::consent(p, "registry")).collect(),
            ..Default::default()
        },
    )
    .await;
    for replica in [&a, &b] {
        kit::at(&replica.channel, "2026-04-15T10:00").await;
    }
    // The journeys to either replica in turn; each read back on the other.
    let mut apps = Vec::new();
    for (n, who) in people.iter().enumerate() {
        let (to, other) = if n % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let app = crate::kit::enrol(&to.channel, who, "751110000").await;
        assert_eq!(app.stage, pb::ApplicationStage::Enrolled as i32);
        assert_eq!(stages(&other.channel, &app.name).await, ["ACCEPTED", "ENROLLED"], "each stage once");
        apps.push(app);
    }
    // Every stage report and notice delivered once, whichever relay took the row.
    for app in &apps {
        let mut reports = Vec::new();
        for _ in 0..100 {
            let r = gw::ListStageReportsRequest { case_name: app.name.clone(), ..Default::default() };
            let (page, _) = call::<_, gw::ListStageReportsResponse>(
                &b.channel,
                "/kz.egov.gateway.v1.MonitoringService/ListStageReports",
                r,
                &kit::envelope("791028302728"),
            )
            .await
            .unwrap();
            reports = page.reports.into_iter().map(|r| r.stage).collect();
            if reports.len() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let r = gw::ListStageReportsRequest { case_name: app.name.clone(), ..Default::default() };
        let (page, _) = call::<_, gw::ListStageReportsResponse>(
            &a.channel,
            "/kz.egov.gateway.v1.MonitoringService/ListStageReports",
            r,
            &kit::envelope("791028302728"),
        )
        .await
        .unwrap();
        let mut settled: Vec<String> = page.reports.into_iter().map(|r| r.stage).collect();
        settled.sort();
        assert_eq!(settled, ["ACCEPTED", "ENROLLED"], "each report once: {reports:?}");
    }

    // A watch on replica B sees a removal made on replica A.
    let first = &apps[0];
    let mut watch = RegistryServiceClient::new(b.channel.clone())
        .watch_application(pb::WatchApplicationRequest { name: first.name.clone(), after_sequence: 2 })
        .await
        .unwrap()
        .into_inner();
    let official = [
        ("x-caller-subsystem", "otbasy-portal"),
        ("x-official-id", "official-1"),
        ("x-official-role", "otbasy-official"),
    ];
    let remove = pb::RemoveFromQueueRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: first.name.clone(),
        ground: pb::RemovalGround::OwnRequest as i32,
        reason: "asked by the person".into(),
    };
    RegistryServiceClient::new(a.channel.clone()).remove_from_queue(kit::with(remove, &official)).await.unwrap();
    let seen = tokio::time::timeout(Duration::from_secs(10), watch.next()).await.expect("B's watch hears A's change");
    let event = seen.unwrap().unwrap().event.unwrap();
    assert_eq!(event.stage, "REMOVED");
    assert_eq!(stages(&b.channel, &first.name).await, ["ACCEPTED", "ENROLLED", "REMOVED"]);

    // A rent subsidy assigned across the replicas: its monthly accruals are jobs due at an
    // instant of the clock; with both clocks moved alike both sweepers compete for each, and
    // every month is paid once.
    use crate::subsidy;
    let (who, landlord) = subsidy::family(&a.channel, 21, 3_000_000).await;
    subsidy::enrol(&b.channel, &who).await;
    let lease = subsidy::lease(&landlord, 12_000_000, "2026-03-10", "2026-08-09");
    let filed = subsidy::file(&a.channel, subsidy::request(&who, lease)).await.unwrap();
    let assigned = subsidy::review(&b.channel, &filed.name, true, "").await;
    assert_eq!(assigned.schedule, ["2026-05", "2026-06", "2026-07"]);
    for day in ["2026-05-10T10:00", "2026-06-10T10:00", "2026-07-10T10:00"] {
        for replica in [&a, &b] {
            kit::at(&replica.channel, day).await;
        }
        tokio::time::sleep(Duration::from_millis(600)).await; // both sweepers wake
    }
    let mut paid = Vec::new();
    for _ in 0..100 {
        paid = subsidy::payments(&b.channel, &filed.name).await;
        if paid.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        subsidy::payments(&a.channel, &filed.name).await,
        ["2026-05", "2026-06", "2026-07"],
        "once each: {paid:?}"
    );
}
