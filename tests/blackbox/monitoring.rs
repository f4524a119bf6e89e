//! What monitoring measures (SR cl. 26): every stage report carries the service's register
//! code, the provider, the channel, the place, the stage's due day, and at the end the result
//! and its ground; the gateway's compliance report and statistics count cases decided on time,
//! late, and left open past due.

use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use tonic::transport::Channel;

use crate::complaints::{BODY, client, complaint, enrolment_under_review, file, refused_enrolment, reviewer};
use crate::helpers::{call, spawn_suite};
use crate::kit::{self, envelope, gw_path, iin, with};
use proto::housing::complaints::v1 as pb;

async fn compliance(ch: &Channel, service: &str) -> Vec<gw::ComplianceRow> {
    let request = gw::GetComplianceReportRequest {
        service: service.into(),
        from_date: "2026-04-01".into(),
        to_date: "2026-04-30".into(),
        ..Default::default()
    };
    let ministry = [("x-egov-client", "ministry".to_owned())];
    call::<_, gw::GetComplianceReportResponse>(
        ch,
        &gw_path("MonitoringService/GetComplianceReport"),
        request,
        &ministry,
    )
    .await
    .unwrap()
    .0
    .rows
}

async fn reports(ch: &Channel, case: &str) -> Vec<gw::StageReport> {
    let request = gw::ListStageReportsRequest { case_name: case.into(), ..Default::default() };
    call::<_, gw::ListStageReportsResponse>(
        ch,
        &gw_path("MonitoringService/ListStageReports"),
        request,
        &envelope("791028302728"),
    )
    .await
    .unwrap()
    .0
    .reports
}

#[tokio::test]
async fn sr_cl_26_stage_reports_carry_due_days_and_results_and_the_compliance_report_counts_a_late_case() {
    let suite = spawn_suite(&[("SHANYRAQ_OUTBOX_POLL", "100ms")]).await;
    let ch = &suite.channel;
    kit::at(ch, "2026-04-01T10:00").await;
    let (on_time, refused, waiting) = (iin("1980-01-01", 31), iin("1981-01-01", 32), iin("1982-01-01", 33));
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![kit::citizen(&on_time)],
            consents: vec![kit::consent(&on_time, "registry")],
            ..Default::default()
        },
    )
    .await;
    let enrolled = kit::enrol(ch, &on_time, "751110000").await.name;
    let refusal = refused_enrolment(ch, &refused).await;
    let open = enrolment_under_review(ch, &waiting).await;
    // A complaint about the waiting case, due Wed 8 April, decided on Mon 20 April: late.
    let filed =
        file(ch, complaint(&waiting, &open, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic)).await.unwrap();
    kit::at(ch, "2026-04-20T10:00").await;
    let decide = pb::RecordComplaintDecisionRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: filed.name.clone(),
        uphold: false,
        reason: "the review is under way".into(),
        reopen_stage: String::new(),
        remedy: None,
    };
    client(ch).record_complaint_decision(with(decide, &reviewer(BODY))).await.unwrap();

    let mut rows = Vec::new();
    for _ in 0..100 {
        rows = compliance(ch, "").await;
        let decided: i64 = rows.iter().map(|r| r.decided).sum();
        if decided >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let registry = rows.iter().find(|r| r.service == "registry").expect("a registry row");
    assert_eq!(
        (registry.cases, registry.decided, registry.in_term, registry.late, registry.open_past_due),
        (3, 2, 2, 0, 1),
        "{rows:?}"
    );
    assert_eq!((registry.service_code.as_str(), registry.provider_bin.len()), ("KZ-HOUSING-REGISTRY", 12));
    let complaints = rows.iter().find(|r| r.service == "complaints").expect("a complaints row");
    assert_eq!((complaints.decided, complaints.late), (1, 1), "{rows:?}");

    // The reports themselves.
    let enrolment = reports(ch, &enrolled).await;
    let accepted = enrolment.iter().find(|r| r.stage == "ACCEPTED").expect("ACCEPTED reported");
    assert!(!accepted.due_date.is_empty() && accepted.result.is_empty(), "{accepted:?}");
    assert_eq!(accepted.place, "751110000");
    let result = enrolment.iter().find(|r| r.stage == "ENROLLED").expect("ENROLLED reported");
    assert_eq!((result.result.as_str(), result.due_date.as_str()), ("ENROLLED", accepted.due_date.as_str()));
    let refused_report = reports(ch, &refusal).await.into_iter().find(|r| r.stage == "REFUSED").unwrap();
    assert!(!refused_report.ground.is_empty(), "a refusal names its ground: {refused_report:?}");

    // The ministry's statistics, by place: the refusal's ground among Almaty's results.
    let request = gw::GetStatisticsRequest {
        group_by: gw::StatisticsGrouping::Place as i32,
        service: "registry".into(),
        place_prefix: "75".into(),
        from_date: "2026-04-01".into(),
        to_date: "2026-04-30".into(),
    };
    let ministry = [("x-egov-client", "ministry".to_owned())];
    let (stats, _) =
        call::<_, gw::GetStatisticsResponse>(ch, &gw_path("MonitoringService/GetStatistics"), request, &ministry)
            .await
            .unwrap();
    let almaty = stats.rows.iter().find(|r| r.group == "751110000").expect("Almaty's row");
    assert_eq!((almaty.filed, almaty.decided, almaty.terms_kept, almaty.terms_breached), (3, 2, 2, 1));
    assert!(almaty.grounds.iter().any(|g| g.code == refused_report.ground && g.count == 1), "{almaty:?}");
    let bad =
        gw::GetStatisticsRequest { from_date: "2026-04-30".into(), to_date: "2026-04-01".into(), ..Default::default() };
    let refused_period =
        call::<_, gw::GetStatisticsResponse>(ch, &gw_path("MonitoringService/GetStatistics"), bad, &ministry)
            .await
            .unwrap_err();
    assert_eq!(kit::reason(&refused_period), "PERIOD_INVALID");
}
