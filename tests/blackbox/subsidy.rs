//! The rent subsidy (Annex 3) through gRPC only, the clock set through `ClockService`: AT-09,
//! AT-10, AT-18, AT-19, AT-24a-b, AT-25, every row of the decision table, the registry down at
//! decision time (separate processes), amounts under two parameter sets, a lease paid month by
//! month with no month paid twice, and a lease cut short by a removal from the waiting list.

use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as reg;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use proto::housing::subsidy::v1 as pb;
use proto::housing::subsidy::v1::rent_subsidy_service_client::RentSubsidyServiceClient;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::helpers::{call, spawn_suite};
use crate::kit::{self, citizen, iin, reason, with};

const ALMATY: &str = "751110000";
const OFFICIAL: &[(&str, &str)] =
    &[("x-caller-subsystem", "otbasy-portal"), ("x-official-id", "official-9"), ("x-official-role", "otbasy-official")];

fn client(ch: &Channel) -> RentSubsidyServiceClient<Channel> {
    RentSubsidyServiceClient::new(ch.clone())
}

fn portal(user: &str) -> [(&'static str, &str); 2] {
    [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", user)]
}

/// A person with consent for the registry and the subsidy, in a large family, earning `income`
/// tiyn a month, and their landlord.
pub(crate) async fn family(ch: &Channel, serial: u16, income: i64) -> (String, String) {
    person(ch, serial, income, Some("LARGE_FAMILY")).await
}

/// A person with consent for the registry and the subsidy, in `group` if any, earning `income`
/// tiyn a month, and their landlord.
async fn person(ch: &Channel, serial: u16, income: i64, group: Option<&str>) -> (String, String) {
    // A birth day of their own each (neighbouring serials may give one IIN).
    let day = format!("{:02}", serial % 28 + 1);
    let (who, landlord) = (iin(&format!("1985-06-{day}"), 1), iin(&format!("1960-06-{day}"), 1));
    let months = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"];
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![citizen(&who), citizen(&landlord)],
            consents: vec![kit::consent(&who, "registry"), kit::consent(&who, "rent-subsidy")],
            social_groups: group
                .map(|g| gw::SocialGroup {
                    iin: who.clone(),
                    code: g.into(),
                    since: "2015-01-01".into(),
                    until: String::new(),
                })
                .into_iter()
                .collect(),
            incomes: months
                .iter()
                .map(|m| gw::MonthlyIncome {
                    iin: who.clone(),
                    month: (*m).into(),
                    amount: Some(common::Money { tiyn: income }),
                })
                .collect(),
            ..Default::default()
        },
    )
    .await;
    (who, landlord)
}

/// Enrols a person on the general list of Almaty through the registry.
pub(crate) async fn enrol(ch: &Channel, who: &str) -> String {
    let app = kit::enrol(ch, who, ALMATY).await;
    assert_eq!(app.stage, reg::ApplicationStage::Enrolled as i32, "{app:?}");
    app.name
}

pub(crate) fn lease(landlord: &str, rent: i64, start: &str, end: &str) -> pb::Lease {
    pb::Lease {
        landlord_iin: landlord.into(),
        address: Some(common::Address {
            kato_code: ALMATY.into(),
            street: "Абай даңғылы".into(),
            building: "10".into(),
            apartment: "5".into(),
            ..Default::default()
        }),
        area_m2_tenths: 540,
        family_size: 4,
        monthly_rent: Some(common::Money { tiyn: rent }),
        start_date: start.into(),
        end_date: end.into(),
        landlord_iban: String::new(),
    }
}

pub(crate) fn request(who: &str, lease: pb::Lease) -> pb::CreateApplicationRequest {
    pb::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        applicant: Some(common::PersonRef { iin: who.into() }),
        case_kind: pb::SubsidyCase::RentPrivateFund as i32,
        lease: Some(lease),
        ..Default::default()
    }
}

/// Files with the applicant's EDS.
pub(crate) async fn file(ch: &Channel, mut r: pb::CreateApplicationRequest) -> Result<pb::Application, Status> {
    let who = r.applicant.as_ref().unwrap().iin.clone();
    let mut check = r.clone();
    check.validate_only = true;
    let digest = client(ch).create_application(with(check, &portal(&who))).await?.into_inner().signing_digest;
    r.confirmations = vec![kit::eds(ch, &who, &digest).await];
    Ok(client(ch).create_application(with(r, &portal(&who))).await?.into_inner().application.unwrap())
}

pub(crate) async fn review(ch: &Channel, name: &str, approve: bool, code: &str) -> pb::Application {
    let claim = pb::ClaimReviewTaskRequest { request_id: uuid::Uuid::new_v4().to_string(), name: name.into() };
    let claimed = client(ch).claim_review_task(with(claim, OFFICIAL)).await.unwrap().into_inner().application.unwrap();
    assert_eq!(claimed.reviewer, "official-9");
    let r = pb::RecordReviewRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: name.into(),
        approve,
        refusal_code: code.into(),
        reason: "the lease was checked against the sources".into(),
    };
    client(ch).record_review(with(r, OFFICIAL)).await.unwrap().into_inner().application.unwrap()
}

async fn get(ch: &Channel, name: &str) -> pb::Application {
    client(ch)
        .get_application(pb::GetApplicationRequest { name: name.into() })
        .await
        .unwrap()
        .into_inner()
        .application
        .unwrap()
}

async fn wait(ch: &Channel, name: &str, stage: pb::ApplicationStage) -> pb::Application {
    for _ in 0..300 {
        let app = get(ch, name).await;
        if app.stage == stage as i32 {
            return app;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} never reached {stage:?}: {:?}", get(ch, name).await);
}

pub(crate) async fn payments(ch: &Channel, name: &str) -> Vec<String> {
    let r = pb::ListPaymentsRequest { name: name.into(), ..Default::default() };
    client(ch).list_payments(r).await.unwrap().into_inner().payments.into_iter().map(|p| p.month).collect()
}

fn due(app: &pb::Application) -> &str {
    &app.deadline.as_ref().unwrap().due_date
}

#[tokio::test]
async fn at18_at19_at24_an_eds_application_is_reviewed_and_assigned_and_every_stage_is_reported_once() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let (who, landlord) = family(ch, 1, 3_000_000).await;
    kit::at(ch, "2026-04-14T10:00").await;
    enrol(ch, &who).await;

    // AT-18: EDS-signed Wed 15 April 10:00: due Mon 20 April; the identity is fetched.
    kit::at(ch, "2026-04-15T10:00").await;
    let r = request(&who, lease(&landlord, 12_000_000, "2026-03-10", "2027-03-09"));
    let unsigned = client(ch).create_application(with(r.clone(), &portal(&who))).await.unwrap_err();
    assert_eq!((unsigned.code(), reason(&unsigned).as_str()), (Code::FailedPrecondition, "CONFIRMATION_MISSING"));
    // [A-SUB-EDS]: a one-time password alone is not accepted.
    let mut otp = r.clone();
    otp.confirmations = vec![common::Confirmation {
        signer: Some(common::PersonRef { iin: who.clone() }),
        method: Some(common::confirmation::Method::Otp(common::OtpConfirmation { code: "123456".into() })),
    }];
    assert_eq!(reason(&client(ch).create_application(with(otp, &portal(&who))).await.unwrap_err()), "EDS_REQUIRED");
    let app = file(ch, r).await.unwrap();
    assert_eq!((app.stage, due(&app)), (pb::ApplicationStage::UnderReview as i32, "2026-04-20"));
    assert!(app.findings.iter().any(|f| f.code == "ON_WAITING_LIST" && f.source == "registry"));
    let assigned = review(ch, &app.name, true, "").await;
    assert_eq!(assigned.stage, pb::ApplicationStage::Assigned as i32);
    assert_eq!((assigned.monthly_payment.unwrap().tiyn, assigned.parameter_version.as_str()), (6_000_000, "2026.1"));
    assert_eq!(assigned.schedule.first().map(String::as_str), Some("2026-05"));

    // AT-24a-b: each stage reported to monitoring once, with no manual step.
    let mut reported = Vec::new();
    for _ in 0..100 {
        let list = gw::ListStageReportsRequest { case_name: app.name.clone(), ..Default::default() };
        let (page, _) = call::<_, gw::ListStageReportsResponse>(
            ch,
            &kit::gw_path("MonitoringService/ListStageReports"),
            list,
            &kit::envelope(&who),
        )
        .await
        .unwrap();
        reported = page.reports.into_iter().map(|r| r.stage).collect::<Vec<_>>();
        if reported.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    reported.sort();
    assert_eq!(reported, ["ACCEPTED", "ASSIGNED", "UNDER_REVIEW"]);

    // AT-19: Saturday 18 April: accepted Mon 20 April, due Thu 23 April.
    let (other, their_landlord) = family(ch, 2, 3_000_000).await;
    kit::at(ch, "2026-04-18T11:00").await;
    let saturday =
        file(ch, request(&other, lease(&their_landlord, 12_000_000, "2026-04-01", "2027-03-31"))).await.unwrap();
    assert_eq!((saturday.stage, due(&saturday)), (pb::ApplicationStage::Accepted as i32, "2026-04-23"));
    let again =
        file(ch, request(&other, lease(&their_landlord, 12_000_000, "2026-04-01", "2027-03-31"))).await.unwrap_err();
    assert_eq!(reason(&again), "OPEN_APPLICATION_EXISTS");
}

#[tokio::test]
async fn a_lease_paid_month_by_month_once_each_then_cut_short_by_a_removal_from_the_list() {
    let suite = spawn_suite(&[("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let ch = &suite.channel;
    let (who, landlord) = family(ch, 3, 3_000_000).await;
    kit::at(ch, "2026-04-14T10:00").await;
    let enrolment = enrol(ch, &who).await;
    kit::at(ch, "2026-04-15T10:00").await;
    let app = file(ch, request(&who, lease(&landlord, 12_000_000, "2026-03-10", "2026-08-09"))).await.unwrap();
    let app = review(ch, &app.name, true, "").await;
    assert_eq!(app.schedule, ["2026-05", "2026-06", "2026-07"]);
    for (day, expected) in [("2026-05-10T10:00", 1), ("2026-05-10T11:00", 1), ("2026-06-10T10:00", 2)] {
        kit::at(ch, day).await;
        for _ in 0..100 {
            if payments(ch, &app.name).await.len() >= expected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Moving the clock twice over a day pays its month once.
        assert_eq!(payments(ch, &app.name).await.len(), expected, "{day}");
    }
    let first = client(ch)
        .list_payments(pb::ListPaymentsRequest { name: app.name.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let p = &first.payments[0];
    assert_eq!(
        (p.due_on.as_str(), p.payee_iin.as_str(), p.amount.unwrap().tiyn),
        ("2026-05-10", landlord.as_str(), 6_000_000)
    );
    // A lease that names no account cannot be paid out.
    let pay = pb::RecordPaymentRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: app.name.clone(),
        month: p.month.clone(),
        paid_on: p.due_on.clone(),
        reference: "B-9".into(),
    };
    assert_eq!(reason(&client(ch).record_payment(with(pay, OFFICIAL)).await.unwrap_err()), "IBAN_MISSING");
    // The person leaves the waiting list: the next accrual stops the payments instead.
    let remove = reg::RemoveFromQueueRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: enrolment,
        ground: reg::RemovalGround::HousingReceived as i32,
        reason: "a dwelling was provided".into(),
    };
    RegistryServiceClient::new(ch.clone()).remove_from_queue(with(remove, OFFICIAL)).await.unwrap();
    kit::at(ch, "2026-07-10T10:00").await;
    let stopped = wait(ch, &app.name, pb::ApplicationStage::Terminated).await;
    assert!(stopped.stop_reason.starts_with("NOT_ON_WAITING_LIST"), "{}", stopped.stop_reason);
    assert_eq!(payments(ch, &app.name).await, ["2026-05", "2026-06"]);
}

#[tokio::test]
async fn annex_3_row_6_the_months_paid_run_from_the_assignment_day_not_the_filing_day() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let (who, landlord) = family(ch, 6, 3_000_000).await;
    kit::at(ch, "2026-04-14T10:00").await;
    enrol(ch, &who).await;
    // Filed Wed 15 April, the lease's accrual day is the 16th, reviewed Fri 17 April: April's
    // accrual day passed before the assignment, so the months start in May.
    kit::at(ch, "2026-04-15T10:00").await;
    let app = file(ch, request(&who, lease(&landlord, 12_000_000, "2026-03-16", "2026-07-15"))).await.unwrap();
    kit::at(ch, "2026-04-17T10:00").await;
    let assigned = review(ch, &app.name, true, "").await;
    assert_eq!(assigned.schedule, ["2026-05", "2026-06"]);
    assert_eq!(get(ch, &app.name).await.schedule, assigned.schedule);
}

#[tokio::test]
async fn amounts_under_two_parameter_sets_and_a_lease_ended_early() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let (april, l1) = family(ch, 4, 3_000_000).await;
    let (july, l2) = family(ch, 5, 3_000_000).await;
    kit::at(ch, "2026-04-14T10:00").await;
    enrol(ch, &april).await;
    enrol(ch, &july).await;
    kit::at(ch, "2026-04-15T10:00").await;
    let a = file(ch, request(&april, lease(&l1, 40_000_000, "2026-04-01", "2027-03-31"))).await.unwrap();
    let a = review(ch, &a.name, true, "").await;
    assert_eq!((a.monthly_payment.unwrap().tiyn, a.parameter_version.as_str()), (15_000_000, "2026.1"));
    kit::at(ch, "2026-07-01T10:00").await;
    let b = file(ch, request(&july, lease(&l2, 40_000_000, "2026-07-01", "2027-06-30"))).await.unwrap();
    let b = review(ch, &b.name, true, "").await;
    assert_eq!((b.monthly_payment.unwrap().tiyn, b.parameter_version.as_str()), (12_000_000, "2026.2"));
    // The applicant ends the lease early: the payments stop with the reason.
    let end = pb::EndLeaseRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: a.name.clone(),
        end_date: "2026-06-30".into(),
        reason: "moved out".into(),
    };
    let ended = client(ch).end_lease(with(end, &portal(&april))).await.unwrap().into_inner().application.unwrap();
    assert_eq!(ended.stage, pb::ApplicationStage::Terminated as i32);
    assert!(ended.stop_reason.contains("LEASE_ENDED"));
    let stranger = pb::EndLeaseRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: b.name.clone(),
        end_date: "2026-07-01".into(),
        reason: "x".into(),
    };
    assert_eq!(
        reason(&client(ch).end_lease(with(stranger, &portal(&april))).await.unwrap_err()),
        "APPLICATION_NOT_FOUND",
        "another person's application is answered like a missing one"
    );
}

#[tokio::test]
async fn annex_3_row_10_every_row_of_the_decision_table_at09_at10_at25() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    kit::at(ch, "2026-04-14T10:00").await;
    let banned = family(ch, 10, 3_000_000).await;
    let deprived = family(ch, 11, 3_000_000).await;
    let uncategorized = person(ch, 12, 3_000_000, None).await;
    let rich = family(ch, 13, 90_000_000).await;
    let relative = family(ch, 14, 3_000_000).await;
    let unreliable = family(ch, 15, 3_000_000).await;
    let unlisted = family(ch, 16, 3_000_000).await;
    let no_consent = family(ch, 17, 3_000_000).await;
    let court = |who: &str, kind: gw::CourtDecisionKind| gw::CourtDecision {
        case_number: format!("2-{who}"),
        iin: who.into(),
        kind: kind as i32,
        in_force_from: "2025-01-01".into(),
        ..Default::default()
    };
    // The landlord is the applicant's spouse [A-RELATIVES]; the spouse consents too.
    let marriage = gw::CivilRecord {
        record_number: "AZ-M-1".into(),
        kind: gw::CivilRecordKind::Marriage as i32,
        event_date: "2015-05-05".into(),
        registered_on: "2015-05-05".into(),
        parties: vec![
            gw::Party { iin: relative.0.clone(), role: gw::PartyRole::Spouse as i32 },
            gw::Party { iin: relative.1.clone(), role: gw::PartyRole::Spouse as i32 },
        ],
    };
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            consents: vec![kit::consent(&relative.1, "registry"), kit::consent(&relative.1, "rent-subsidy")],
            court_decisions: vec![
                court(&banned.0, gw::CourtDecisionKind::ActivityBan),
                court(&deprived.0, gw::CourtDecisionKind::SpecialRightDeprivation),
            ],
            civil_records: vec![marriage],
            ..Default::default()
        },
    )
    .await;
    for who in [&banned, &deprived, &uncategorized, &rich, &relative, &unreliable, &no_consent] {
        enrol(ch, &who.0).await;
    }
    kit::at(ch, "2026-04-15T10:00").await;
    // AT-09: without consent (the gateway reads it as withdrawn) the refusal is at once, row 10(6).
    let fault = gw::InjectFaultRequest {
        method: kit::gw_path("CivilStatusService/GetFamily"),
        kind: gw::FaultKind::ConsentWithdrawn as i32,
        ..Default::default()
    };
    call::<_, gw::InjectFaultResponse>(ch, &kit::gw_path("AdminService/InjectFault"), fault, &[]).await.unwrap();
    let app =
        file(ch, request(&no_consent.0, lease(&no_consent.1, 12_000_000, "2026-04-01", "2027-03-31"))).await.unwrap();
    call::<_, gw::ClearFaultsResponse>(ch, &kit::gw_path("AdminService/ClearFaults"), gw::ClearFaultsRequest {}, &[])
        .await
        .unwrap();
    let r = app.refusal.clone().expect("refused for want of consent");
    assert_eq!((r.code.as_str(), r.clause.as_str()), ("NO_PERSONAL_DATA_CONSENT", "Annex 3 row 10(6)"));
    assert!(!r.text_kk.is_empty() && !r.text_ru.is_empty() && !r.text_en.is_empty());
    // The other rows go through the official's review; the recorded findings decide.
    let rows = [
        (&banned, true, ("COURT_ACTIVITY_BAN", "Annex 3 row 10(3)", "COURT_ACTIVITY_BAN")),
        (&deprived, true, ("COURT_SPECIAL_RIGHT_DEPRIVED", "Annex 3 row 10(4)-(5)", "COURT_SPECIAL_RIGHT_DEPRIVED")),
        (&unlisted, true, ("NONCONFORMING", "Annex 3 row 10(2)", "NOT_ON_WAITING_LIST")),
        (&uncategorized, true, ("NONCONFORMING", "Annex 3 row 10(2)", "CATEGORY_NOT_ELIGIBLE")),
        (&rich, true, ("NONCONFORMING", "Annex 3 row 10(2)", "INCOME_ABOVE_THRESHOLD")),
        (&relative, true, ("NONCONFORMING", "Annex 3 row 10(2)", "LANDLORD_CLOSE_RELATIVE")),
        (&unreliable, false, ("UNRELIABLE_DOCUMENTS", "Annex 3 row 10(1)", "UNRELIABLE_DOCUMENTS")),
    ];
    for (who, approve, (code, clause, sub)) in rows {
        let app = file(ch, request(&who.0, lease(&who.1, 12_000_000, "2026-04-01", "2027-03-31"))).await.unwrap();
        assert_eq!(app.stage, pb::ApplicationStage::UnderReview as i32, "{sub}");
        let reviewed = review(ch, &app.name, approve, if approve { "" } else { "UNRELIABLE_DOCUMENTS" }).await;
        let r = reviewed.refusal.clone().unwrap_or_else(|| panic!("{sub}: {reviewed:?}"));
        assert_eq!((r.code.as_str(), r.clause.as_str(), r.reason.as_str()), (code, clause, sub));
    }
    // AT-25 at the subsidy's methods.
    for (value, expected) in [
        ("850215300631", "IIN_CHECKSUM_MISMATCH"),
        ("85021530060", "IIN_BAD_FORMAT"),
        ("791328300009", "IIN_DATE_INVALID"),
    ] {
        let mut r = request(value, lease(&banned.1, 1, "2026-04-01", "2027-03-31"));
        r.validate_only = true;
        let status =
            client(ch).create_application(with(r, &[("x-caller-subsystem", "otbasy-portal")])).await.unwrap_err();
        assert_eq!((status.code(), reason(&status).as_str()), (Code::InvalidArgument, expected));
        assert_eq!(status.get_error_details().bad_request().unwrap().field_violations[0].field, "applicant.iin");
    }
}

#[tokio::test]
async fn the_registry_down_at_decision_time_the_application_waits_and_is_decided_when_it_is_back() {
    // The registry is another process at a fixed address with its own data; it stops and
    // starts again on the same data.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let data = std::env::temp_dir().join(format!("shanyraq-registry-{}", uuid::Uuid::new_v4().simple()));
    let data_dir = data.to_string_lossy().to_string();
    let prefix = format!("bb{}_", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let registry_env = [
        ("SHANYRAQ_LISTEN", listen.as_str()),
        ("SHANYRAQ_DATA_DIR", data_dir.as_str()),
        ("SHANYRAQ_DB_SCHEMA_PREFIX", prefix.as_str()),
    ];
    let registry = spawn_suite(&registry_env).await;
    let (who, landlord) = family(&registry.channel, 20, 3_000_000).await;
    kit::at(&registry.channel, "2026-04-14T10:00").await;
    enrol(&registry.channel, &who).await;
    drop(registry);

    let endpoint = format!("http://{listen}");
    let suite = spawn_suite(&[("REGISTRY_ENDPOINT", endpoint.as_str()), ("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let ch = &suite.channel;
    family(ch, 20, 3_000_000).await;
    kit::at(ch, "2026-04-15T10:00").await;
    let app = file(ch, request(&who, lease(&landlord, 12_000_000, "2026-04-01", "2027-03-31"))).await.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::Accepted as i32, "kept while the registry is down");
    let back = spawn_suite(&registry_env).await;
    let decided = wait(ch, &app.name, pb::ApplicationStage::UnderReview).await;
    assert!(decided.findings.iter().any(|f| f.code == "ON_WAITING_LIST"), "{:?}", decided.findings);
    drop(back);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn a_restart_pays_no_month_twice() {
    let data = std::env::temp_dir().join(format!("shanyraq-subsidy-{}", uuid::Uuid::new_v4().simple()));
    let data_dir = data.to_string_lossy().to_string();
    let prefix = format!("bb{}_", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let env = [
        ("SHANYRAQ_DATA_DIR", data_dir.as_str()),
        ("SHANYRAQ_DB_SCHEMA_PREFIX", prefix.as_str()),
        ("SHANYRAQ_SWEEP_INTERVAL", "200ms"),
    ];
    let first = spawn_suite(&env).await;
    let ch = &first.channel;
    let (who, landlord) = family(ch, 25, 3_000_000).await;
    kit::at(ch, "2026-04-14T10:00").await;
    enrol(ch, &who).await;
    kit::at(ch, "2026-04-15T10:00").await;
    let app = file(ch, request(&who, lease(&landlord, 12_000_000, "2026-03-10", "2026-08-09"))).await.unwrap();
    let app = review(ch, &app.name, true, "").await;
    kit::at(ch, "2026-05-10T10:00").await;
    for _ in 0..100 {
        if !payments(ch, &app.name).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(payments(ch, &app.name).await, ["2026-05"]);
    drop(first);
    // The restarted process starts with its clock where the first one stood, not at today.
    let mut restarted = env.to_vec();
    restarted.push(("SHANYRAQ_CLOCK", "fixed:2026-05-10T07:00:00Z"));
    let again = spawn_suite(&restarted).await;
    let ch = &again.channel;
    kit::at(ch, "2026-05-10T12:00").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(payments(ch, &app.name).await, ["2026-05"], "the restarted service pays May once");
    kit::at(ch, "2026-06-10T10:00").await;
    for _ in 0..100 {
        if payments(ch, &app.name).await.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(payments(ch, &app.name).await, ["2026-05", "2026-06"]);
    drop(again);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn an_application_under_review_is_withdrawn_reported_to_monitoring_and_may_be_filed_again() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let (who, landlord) = family(ch, 3, 3_000_000).await;
    kit::at(ch, "2026-04-14T10:00").await;
    enrol(ch, &who).await;
    kit::at(ch, "2026-04-15T10:00").await;
    let r = request(&who, lease(&landlord, 12_000_000, "2026-03-10", "2027-03-09"));
    let app = file(ch, r.clone()).await.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::UnderReview as i32);
    assert_eq!(app.applicant_name, "Сейітов Ерғали", "the name the population register records");

    let withdraw = pb::WithdrawApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: app.name.clone(),
        reason: "the landlord sold the flat".into(),
    };
    let withdrawn = client(ch).withdraw_application(with(withdraw, &portal(&who))).await.unwrap().into_inner();
    assert_eq!(withdrawn.application.unwrap().stage, pb::ApplicationStage::Withdrawn as i32);

    // SR cl. 26: the withdrawal is a stage like any other, reported to monitoring.
    let mut reported = Vec::new();
    for _ in 0..100 {
        let list = gw::ListStageReportsRequest { case_name: app.name.clone(), ..Default::default() };
        let path = kit::gw_path("MonitoringService/ListStageReports");
        let (page, _) = call::<_, gw::ListStageReportsResponse>(ch, &path, list, &kit::envelope(&who)).await.unwrap();
        reported = page.reports.into_iter().map(|r| r.stage).collect::<Vec<_>>();
        if reported.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    reported.sort();
    assert_eq!(reported, ["ACCEPTED", "UNDER_REVIEW", "WITHDRAWN"]);

    // The withdrawn application holds no subsidy: the person applies again.
    let again = file(ch, r).await.unwrap();
    assert_eq!(again.stage, pb::ApplicationStage::UnderReview as i32);
}

#[tokio::test]
async fn a_recovery_months_accrued_after_a_lease_ended_in_the_past_are_overpaid_and_to_recover() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let (who, landlord) = family(ch, 6, 3_000_000).await;
    kit::at(ch, "2026-04-14T10:00").await;
    enrol(ch, &who).await;
    kit::at(ch, "2026-04-15T10:00").await;
    // The landlord's account, checked by its mod-97 digits.
    let mut mistyped = lease(&landlord, 40_000_000, "2026-04-01", "2027-03-31");
    mistyped.landlord_iban = "KZ86 125K ZT50 0410 0101".into();
    let refused = file(ch, request(&who, mistyped)).await.unwrap_err();
    assert_eq!(reason(&refused), "IBAN_INVALID");
    let mut with_account = lease(&landlord, 40_000_000, "2026-04-01", "2027-03-31");
    with_account.landlord_iban = "KZ86 125K ZT50 0410 0100".into();
    let app = file(ch, request(&who, with_account)).await.unwrap();
    let app = review(ch, &app.name, true, "").await;
    // May, June and July accrue on the lease's day, the 1st.
    kit::at(ch, "2026-07-02T10:00").await;
    for _ in 0..100 {
        if payments(ch, &app.name).await.len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(payments(ch, &app.name).await, ["2026-05", "2026-06", "2026-07"]);

    // The family moved out on 20 May, and says so only now: June and July were not owed.
    let end = pb::EndLeaseRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: app.name.clone(),
        end_date: "2026-05-20".into(),
        reason: "moved out".into(),
    };
    let ended = client(ch).end_lease(with(end, &portal(&who))).await.unwrap().into_inner().application.unwrap();
    assert!(ended.stop_reason.contains("2 month(s) accrued after it to recover"), "{}", ended.stop_reason);
    let r = pb::ListPaymentsRequest { name: app.name.clone(), ..Default::default() };
    let page = client(ch).list_payments(r).await.unwrap().into_inner();
    let status: Vec<(String, pb::PaymentStatus)> =
        page.payments.iter().map(|p| (p.month.clone(), pb::PaymentStatus::try_from(p.status).unwrap())).collect();
    assert_eq!(
        status,
        [
            ("2026-05".to_owned(), pb::PaymentStatus::Payable),
            ("2026-06".to_owned(), pb::PaymentStatus::ToRecover),
            ("2026-07".to_owned(), pb::PaymentStatus::ToRecover),
        ]
    );
    let monthly = app.monthly_payment.unwrap().tiyn;
    assert_eq!(page.payable_total.unwrap().tiyn, monthly);
    assert_eq!(page.to_recover_total.unwrap().tiyn, 2 * monthly);
    assert!(page.payments[1].recovery_reason.contains("after the lease ended on 2026-05-20"));
    assert!(page.payments.iter().all(|p| p.payee_iban == "KZ86125KZT5004100100"));

    // Annex 3 row 6: May is paid out to the landlord's account, once; a month to recover is not
    // paid; a day to come is no payout.
    let pay = |month: &str, paid_on: &str, reference: &str| pb::RecordPaymentRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: app.name.clone(),
        month: month.into(),
        paid_on: paid_on.into(),
        reference: reference.into(),
    };
    let official = OFFICIAL;
    let ahead = client(ch).record_payment(with(pay("2026-05", "2026-07-03", "B-1"), official)).await.unwrap_err();
    assert_eq!(reason(&ahead), "PAID_ON_INVALID");
    let owed_not = client(ch).record_payment(with(pay("2026-06", "2026-06-02", "B-1"), official)).await.unwrap_err();
    assert_eq!(reason(&owed_not), "PAYMENT_NOT_PAYABLE");
    let none = client(ch).record_payment(with(pay("2026-08", "2026-07-01", "B-1"), official)).await.unwrap_err();
    assert_eq!(reason(&none), "PAYMENT_NOT_FOUND");
    let paid = client(ch)
        .record_payment(with(pay("2026-05", "2026-05-04", "B-1"), official))
        .await
        .unwrap()
        .into_inner()
        .payment
        .unwrap();
    assert_eq!(
        (paid.status(), paid.paid_on.as_str(), paid.paid_reference.as_str()),
        (pb::PaymentStatus::Paid, "2026-05-04", "B-1")
    );
    client(ch).record_payment(with(pay("2026-05", "2026-05-04", "B-1"), official)).await.unwrap();
    let twice = client(ch).record_payment(with(pay("2026-05", "2026-05-05", "B-2"), official)).await.unwrap_err();
    assert_eq!(reason(&twice), "PAYMENT_ALREADY_PAID");
    let r = pb::ListPaymentsRequest { name: app.name.clone(), ..Default::default() };
    let page = client(ch).list_payments(r).await.unwrap().into_inner();
    assert_eq!((page.payable_total.unwrap().tiyn, page.paid_total.unwrap().tiyn), (0, monthly));
    assert_eq!(page.to_recover_total.unwrap().tiyn, 2 * monthly);
}
