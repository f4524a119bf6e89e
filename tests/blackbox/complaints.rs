//! Complaints (PR cl. 14; SR cl. 33, 34) through gRPC only, the clock set through
//! `ClockService`: AT-20 to AT-23, AT-25; every reviewer of the table and one refused; the
//! extension's limits; upheld complaints reopening a refused registry case and a refused
//! privatization case; the target service down at filing time; the notice of an extension on
//! the right medium, once.

use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::complaints::v1 as pb;
use proto::housing::complaints::v1::complaint_service_client::ComplaintServiceClient;
use proto::housing::privatization::v1 as pv;
use proto::housing::privatization::v1::privatization_service_client::PrivatizationServiceClient;
use proto::housing::registry::v1 as reg;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use proto::housing::subsidy::v1 as sub;
use proto::housing::subsidy::v1::rent_subsidy_service_client::RentSubsidyServiceClient;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::helpers::{call, spawn_suite};
use crate::kit::{self, citizen, iin, reason, with};

pub(crate) const BODY: &str = "OTBASY-COMPLAINTS";

pub(crate) fn reviewer(body: &'static str) -> [(&'static str, &'static str); 4] {
    [
        ("x-caller-subsystem", "complaints"),
        ("x-official-id", "reviewer-1"),
        ("x-official-role", "complaint-reviewer"),
        ("x-official-jurisdiction", body),
    ]
}

pub(crate) fn client(ch: &Channel) -> ComplaintServiceClient<Channel> {
    ComplaintServiceClient::new(ch.clone())
}

/// A registry application refused for want of consent.
pub(crate) async fn refused_enrolment(ch: &Channel, who: &str) -> String {
    let registered = vec![kit::registered(who, "751110000")];
    kit::load(ch, gw::LoadRecordsRequest { persons: vec![citizen(who)], addresses: registered, ..Default::default() })
        .await;
    let mut r = reg::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(common::PersonRef { iin: who.into() }),
        case_kind: reg::EnrolmentCase::NoDwelling5y as i32,
        settlement_kato: "751110000".into(),
        list_category: "GENERAL".into(),
        ..Default::default()
    };
    let digest =
        RegistryServiceClient::new(ch.clone()).create_application(r.clone()).await.unwrap().into_inner().signing_digest;
    r.validate_only = false;
    r.confirmations = vec![kit::eds(ch, who, &digest).await];
    let app =
        RegistryServiceClient::new(ch.clone()).create_application(r).await.unwrap().into_inner().application.unwrap();
    assert_eq!(app.stage, reg::ApplicationStage::Refused as i32);
    app.name
}

/// A rent-subsidy application refused for want of consent.
pub(crate) async fn refused_subsidy(ch: &Channel, who: &str) -> String {
    let landlord = iin("1950-02-02", 9);
    kit::load(ch, gw::LoadRecordsRequest { persons: vec![citizen(who), citizen(&landlord)], ..Default::default() })
        .await;
    let lease = sub::Lease {
        landlord_iin: landlord,
        address: Some(common::Address {
            kato_code: "751110000".into(), street: "Абай".into(), ..Default::default()
        }),
        area_m2_tenths: 500,
        family_size: 3,
        monthly_rent: Some(common::Money { tiyn: 10_000_000 }),
        start_date: "2026-01-01".into(),
        end_date: "2026-12-31".into(),
        landlord_iban: String::new(),
    };
    let mut r = sub::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(common::PersonRef { iin: who.into() }),
        case_kind: sub::SubsidyCase::RentPrivateFund as i32,
        lease: Some(lease),
        ..Default::default()
    };
    let digest = RentSubsidyServiceClient::new(ch.clone())
        .create_application(r.clone())
        .await
        .unwrap()
        .into_inner()
        .signing_digest;
    r.validate_only = false;
    r.confirmations = vec![kit::eds(ch, who, &digest).await];
    let app = RentSubsidyServiceClient::new(ch.clone())
        .create_application(r)
        .await
        .unwrap()
        .into_inner()
        .application
        .unwrap();
    assert_eq!(app.stage, sub::ApplicationStage::Refused as i32);
    app.name
}

/// A privatization application refused at intake: the applicant is no tenant.
pub(crate) async fn refused_privatization(ch: &Channel, who: &str) -> String {
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![citizen(who)],
            consents: vec![kit::consent(who, "privatization")],
            ..Default::default()
        },
    )
    .await;
    let mut r = pv::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(common::PersonRef { iin: who.into() }),
        documents: vec![kit::document("TENANCY_AGREEMENT"), kit::document("NO_DEBT_CERTIFICATE")],
        channel: pv::Channel::Portal as i32,
        dwelling_id: format!("D-{who}"),
        fund_kind: pv::FundKind::Communal as i32,
        ..Default::default()
    };
    let digest = PrivatizationServiceClient::new(ch.clone())
        .create_application(r.clone())
        .await
        .unwrap()
        .into_inner()
        .signing_digest;
    r.validate_only = false;
    r.confirmations = vec![kit::eds(ch, who, &digest).await];
    let app = PrivatizationServiceClient::new(ch.clone())
        .create_application(r)
        .await
        .unwrap()
        .into_inner()
        .application
        .unwrap();
    assert_eq!(app.stage, pv::ApplicationStage::Refused as i32);
    app.name
}

pub(crate) fn complaint(
    who: &str,
    application: &str,
    kind: pb::ReviewerKind,
    channel: pb::FiledChannel,
) -> pb::CreateComplaintRequest {
    pb::CreateComplaintRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        complainant: Some(common::PersonRef { iin: who.into() }),
        application: application.into(),
        reviewer_kind: kind as i32,
        reviewer_id: BODY.into(),
        filed_channel: channel as i32,
        text: "the refusal is wrong".into(),
        documents: Vec::new(),
        subject: pb::Subject::Refusal as i32,
    }
}

pub(crate) async fn file(ch: &Channel, r: pb::CreateComplaintRequest) -> Result<pb::Complaint, Status> {
    Ok(client(ch)
        .create_complaint(with(r, &[("x-caller-subsystem", "egov-portal")]))
        .await?
        .into_inner()
        .complaint
        .unwrap())
}

fn due(c: &pb::Complaint) -> &str {
    &c.deadline.as_ref().unwrap().due_date
}

fn extend(name: &str, days: i32, reasons: Vec<pb::ExtensionReason>) -> pb::ExtendReviewRequest {
    pb::ExtendReviewRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: name.into(),
        extra_days: days,
        reasons: reasons.into_iter().map(|r| r as i32).collect(),
        explanation: "an on-site inspection of the dwelling".into(),
    }
}

async fn notices(ch: &Channel, who: &str, case: &str) -> Vec<gw::Notification> {
    let r = gw::ListNotificationsRequest { recipient: who.into(), ..Default::default() };
    let (page, _) = call::<_, gw::ListNotificationsResponse>(
        ch,
        &kit::gw_path("NotificationService/ListNotifications"),
        r,
        &kit::envelope(who),
    )
    .await
    .unwrap();
    page.notifications.into_iter().filter(|n| n.case_name == case).collect()
}

#[tokio::test]
async fn at20_at21_at22_terms_extension_and_its_notice_on_the_right_medium() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let who = iin("1987-01-01", 1);
    kit::at(ch, "2026-03-30T10:00").await;
    let case = refused_subsidy(ch, &who).await;

    // AT-20: registered Wed 1 April; the provider: due Wed 8 April.
    kit::at(ch, "2026-04-01T10:00").await;
    let electronic =
        file(ch, complaint(&who, &case, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic)).await.unwrap();
    assert_eq!((due(&electronic), electronic.case_check), ("2026-04-08", pb::CaseCheck::Verified as i32));
    // The complainant's name, as the case complained about records it, byte for byte.
    assert_eq!(electronic.complainant_name, "Сейітов Ерғали");
    let paper =
        file(ch, complaint(&who, &case, pb::ReviewerKind::AuthorizedBody, pb::FiledChannel::Paper)).await.unwrap();
    // AT-22: the quality-control body: due Wed 22 April.
    let quality = file(ch, complaint(&who, &case, pb::ReviewerKind::QualityControlBody, pb::FiledChannel::Electronic))
        .await
        .unwrap();
    assert_eq!(due(&quality), "2026-04-22");

    // AT-21: on Mon 6 April, 10 working days for an on-site inspection: due Wed 22 April, the
    // notice due Thu 9 April.
    kit::at(ch, "2026-04-06T10:00").await;
    let too_long = client(ch)
        .extend_review(with(extend(&electronic.name, 11, vec![pb::ExtensionReason::SiteInspection]), &reviewer(BODY)))
        .await
        .unwrap_err();
    assert_eq!((too_long.code(), reason(&too_long).as_str()), (Code::FailedPrecondition, "EXTENSION_TOO_LONG"));
    assert!(too_long.get_error_details().precondition_failure().is_some());
    let no_reason = client(ch)
        .extend_review(with(extend(&electronic.name, 5, vec![pb::ExtensionReason::Unspecified]), &reviewer(BODY)))
        .await
        .unwrap_err();
    assert_eq!(reason(&no_reason), "EXTENSION_REASON_NOT_PERMITTED");
    let other_body = client(ch)
        .extend_review(with(
            extend(&electronic.name, 5, vec![pb::ExtensionReason::SiteInspection]),
            &reviewer("ANOTHER-BODY"),
        ))
        .await
        .unwrap_err();
    assert_eq!((other_body.code(), reason(&other_body).as_str()), (Code::PermissionDenied, "NOT_THE_REVIEWING_BODY"));
    let extended = client(ch)
        .extend_review(with(extend(&electronic.name, 10, vec![pb::ExtensionReason::SiteInspection]), &reviewer(BODY)))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    let e = extended.extension.clone().unwrap();
    assert_eq!((due(&extended), e.notice_deadline.unwrap().due_date.as_str()), ("2026-04-22", "2026-04-09"));
    let again = client(ch)
        .extend_review(with(
            extend(&electronic.name, 1, vec![pb::ExtensionReason::AdditionalInformation]),
            &reviewer(BODY),
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&again), "EXTENSION_ALREADY_GRANTED");
    let on_paper = client(ch)
        .extend_review(with(extend(&paper.name, 10, vec![pb::ExtensionReason::AdditionalInformation]), &reviewer(BODY)))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    assert_eq!(due(&on_paper), "2026-04-22");
    // The notices: electronic for the electronic complaint, a letter for the paper one, once each.
    let mut found = (Vec::new(), Vec::new());
    for _ in 0..100 {
        found = (notices(ch, &who, &electronic.name).await, notices(ch, &who, &paper.name).await);
        if !found.0.is_empty() && !found.1.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found.0.len(), 1);
    assert_eq!(found.0[0].channel, gw::NotificationChannel::Cabinet as i32);
    let text = found.0[0].text.clone().unwrap_or_default();
    assert!(text.kk.starts_with("Құрметті Сейітов Ерғали! "), "the notice addresses the complainant: {}", text.kk);
    assert_eq!(found.1.len(), 1);
    assert_eq!(found.1[0].channel, gw::NotificationChannel::Paper as i32);

    // The review past its term is marked overdue and listed.
    kit::at(ch, "2026-04-23T10:00").await;
    let mut overdue = Vec::new();
    for _ in 0..100 {
        let page = client(ch)
            .list_overdue(with(pb::ListOverdueRequest::default(), &reviewer(BODY)))
            .await
            .unwrap()
            .into_inner();
        overdue = page.complaints;
        if overdue.iter().any(|c| c.name == electronic.name && c.overdue) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(overdue.iter().any(|c| c.name == electronic.name && c.overdue), "{overdue:?}");
}

#[tokio::test]
async fn at23_at25_reviewers_and_inputs() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let who = iin("1988-02-02", 1);
    kit::at(ch, "2026-04-01T10:00").await;
    let case = refused_privatization(ch, &who).await;
    // AT-23: a privatization complaint goes to exactly these three.
    let mut filed = Vec::new();
    for kind in [pb::ReviewerKind::HigherBody, pb::ReviewerKind::Official, pb::ReviewerKind::QualityControlBody] {
        filed.push(file(ch, complaint(&who, &case, kind, pb::FiledChannel::Electronic)).await.unwrap());
    }
    // The complainant sees the complaint in the cabinet; another person does not.
    let get = |user: &str| {
        with(
            pb::GetComplaintRequest { name: filed[0].name.clone() },
            &[("x-caller-subsystem", "egov-portal"), ("x-user-iin", user)],
        )
    };
    client(ch).get_complaint(get(&who)).await.unwrap();
    let other = client(ch).get_complaint(get("791028302728")).await.unwrap_err();
    // Another person's complaint is answered exactly like a missing one (no enumeration).
    assert_eq!((other.code(), reason(&other).as_str()), (Code::NotFound, "COMPLAINT_NOT_FOUND"));
    let provider =
        file(ch, complaint(&who, &case, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic)).await.unwrap_err();
    assert_eq!((provider.code(), reason(&provider).as_str()), (Code::InvalidArgument, "REVIEWER_NOT_ALLOWED"));
    let unknown = file(
        ch,
        complaint(&who, "registry/applications/999", pb::ReviewerKind::Provider, pb::FiledChannel::Electronic),
    )
    .await
    .unwrap_err();
    assert_eq!((unknown.code(), reason(&unknown).as_str()), (Code::NotFound, "CASE_NOT_FOUND"));
    let stranger =
        file(ch, complaint(&iin("1988-02-03", 1), &case, pb::ReviewerKind::Official, pb::FiledChannel::Electronic))
            .await
            .unwrap_err();
    assert_eq!(reason(&stranger), "NOT_A_PARTY");
    for (value, expected) in [
        ("850215300631", "IIN_CHECKSUM_MISMATCH"),
        ("85021530060", "IIN_BAD_FORMAT"),
        ("791328300009", "IIN_DATE_INVALID"),
    ] {
        let status = file(ch, complaint(value, &case, pb::ReviewerKind::Official, pb::FiledChannel::Electronic))
            .await
            .unwrap_err();
        assert_eq!((status.code(), reason(&status).as_str()), (Code::InvalidArgument, expected));
    }
    let terms = client(ch).get_service_standard(pb::GetServiceStandardRequest::default()).await.unwrap().into_inner();
    assert_eq!((terms.terms.len(), terms.max_extension_working_days, terms.extension_notice_working_days), (9, 10, 3));
}

#[tokio::test]
async fn an_upheld_complaint_reopens_a_refused_registry_case_and_a_refused_privatization_case() {
    let suite = spawn_suite(&[("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let ch = &suite.channel;
    let (a, b) = (iin("1989-03-03", 1), iin("1989-03-04", 1));
    kit::at(ch, "2026-04-01T10:00").await;
    let enrolment = refused_enrolment(ch, &a).await;
    let privatization = refused_privatization(ch, &b).await;
    let first =
        file(ch, complaint(&a, &enrolment, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic)).await.unwrap();
    // The same refusal before a second body at the same time.
    let again = file(ch, complaint(&a, &enrolment, pb::ReviewerKind::AuthorizedBody, pb::FiledChannel::Electronic))
        .await
        .unwrap();
    let second = file(ch, complaint(&b, &privatization, pb::ReviewerKind::HigherBody, pb::FiledChannel::Electronic))
        .await
        .unwrap();
    // The consent was on record after all: the registry decides again.
    kit::load(ch, gw::LoadRecordsRequest { consents: vec![kit::consent(&a, "registry")], ..Default::default() }).await;
    for c in [&first, &second] {
        let decide = pb::RecordComplaintDecisionRequest {
            request_id: uuid::Uuid::new_v4().to_string(),
            name: c.name.clone(),
            uphold: true,
            reason: "the refusal rested on a fault of the state systems".into(),
            reopen_stage: String::new(),
            remedy: None,
        };
        let decided = client(ch)
            .record_complaint_decision(with(decide, &reviewer(BODY)))
            .await
            .unwrap()
            .into_inner()
            .complaint
            .unwrap();
        assert_eq!(decided.stage, pb::ComplaintStage::Upheld as i32);
        assert!(!decided.decision.unwrap().kk.is_empty());
    }
    let mut enrolled = None;
    for _ in 0..100 {
        let app = RegistryServiceClient::new(ch.clone())
            .get_application(reg::GetApplicationRequest { name: enrolment.clone() })
            .await
            .unwrap()
            .into_inner()
            .application
            .unwrap();
        if app.stage == reg::ApplicationStage::Enrolled as i32 {
            enrolled = Some(app);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(enrolled.is_some(), "the registry case was reopened and decided again");
    let mut reopened = None;
    for _ in 0..100 {
        let app = PrivatizationServiceClient::new(ch.clone())
            .get_application(pv::GetApplicationRequest { name: privatization.clone() })
            .await
            .unwrap()
            .into_inner()
            .application
            .unwrap();
        if app.stage == pv::ApplicationStage::Reconsideration as i32 {
            reopened = Some(app);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "the privatization case is back with the commission");
    let closed = pb::RecordComplaintDecisionRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: first.name.clone(),
        uphold: false,
        reason: "x".into(),
        reopen_stage: String::new(),
        remedy: None,
    };
    assert_eq!(
        reason(&client(ch).record_complaint_decision(with(closed, &reviewer(BODY))).await.unwrap_err()),
        "REVIEW_CLOSED"
    );

    // Another body upholds a complaint about the same refusal, filed while it stood: the case,
    // reopened already, is not reopened twice; the remedy, should it reach the registry (two
    // decisions before the first reopening), is answered once, ALREADY_EXISTS, which the outbox
    // takes as delivered, not a failure parked for ever.
    let uphold = pb::RecordComplaintDecisionRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: again.name.clone(),
        uphold: true,
        reason: "the refusal rested on a fault of the state systems".into(),
        reopen_stage: String::new(),
        remedy: None,
    };
    client(ch).record_complaint_decision(with(uphold, &reviewer(BODY))).await.unwrap();
    let late_remedy = reg::ReconsiderApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: enrolment.clone(),
        stage: reg::ApplicationStage::Accepted as i32,
        complaint: again.name.clone(),
        reason: "the refusal rested on a fault of the state systems".into(),
    };
    let answered = RegistryServiceClient::new(ch.clone())
        .reconsider_application(with(late_remedy, &[("x-caller-subsystem", "complaints")]))
        .await
        .unwrap_err();
    assert_eq!((answered.code(), reason(&answered).as_str()), (Code::AlreadyExists, "ALREADY_RECONSIDERED"));
    let events = RegistryServiceClient::new(ch.clone())
        .list_application_events(reg::ListApplicationEventsRequest { name: enrolment.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.iter().filter(|e| e.stage == "RECONSIDERATION").count(), 1, "{events:?}");
}

#[tokio::test]
async fn the_target_service_down_at_filing_the_complaint_is_registered_and_its_case_checked_later() {
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
    let who = iin("1990-04-04", 1);
    let registry = spawn_suite(&registry_env).await;
    kit::at(&registry.channel, "2026-04-01T10:00").await;
    let case = refused_enrolment(&registry.channel, &who).await;
    drop(registry);
    let endpoint = format!("http://{listen}");
    let suite = spawn_suite(&[("REGISTRY_ENDPOINT", endpoint.as_str()), ("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let ch = &suite.channel;
    kit::at(ch, "2026-04-02T10:00").await;
    let filed =
        file(ch, complaint(&who, &case, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic)).await.unwrap();
    assert_eq!(
        (filed.case_check, due(&filed)),
        (pb::CaseCheck::Pending as i32, "2026-04-09"),
        "registered, never lost"
    );
    let back = spawn_suite(&registry_env).await;
    let mut checked = pb::CaseCheck::Pending as i32;
    for _ in 0..300 {
        checked = client(ch)
            .get_complaint(pb::GetComplaintRequest { name: filed.name.clone() })
            .await
            .unwrap()
            .into_inner()
            .complaint
            .unwrap()
            .case_check;
        if checked != pb::CaseCheck::Pending as i32 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(checked, pb::CaseCheck::Verified as i32);
    drop(back);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn sr_cl_34_no_extension_after_the_term_a_cmp_one_open_complaint_per_case_and_body() {
    let suite = spawn_suite(&[]).await;
    let ch = &suite.channel;
    let who = iin("1986-06-06", 3);
    kit::at(ch, "2026-03-30T10:00").await;
    let case = refused_subsidy(ch, &who).await;
    kit::at(ch, "2026-04-01T10:00").await;
    let first =
        file(ch, complaint(&who, &case, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic)).await.unwrap();
    assert_eq!(due(&first), "2026-04-08");

    // A second complaint about the same case to the same body waits for the first's decision.
    let twice =
        file(ch, complaint(&who, &case, pb::ReviewerKind::Provider, pb::FiledChannel::Paper)).await.unwrap_err();
    assert_eq!((twice.code(), reason(&twice).as_str()), (Code::AlreadyExists, "OPEN_COMPLAINT_EXISTS"));
    let info = twice.get_error_details().error_info().cloned().unwrap();
    assert_eq!(info.metadata.get("complaint"), Some(&first.name), "the refusal names the first");
    // Another body may be asked meanwhile.
    file(ch, complaint(&who, &case, pb::ReviewerKind::AuthorizedBody, pb::FiledChannel::Electronic)).await.unwrap();

    // The term ran out at the end of Wed 8 April: on Thu 9 April it can no longer be extended.
    kit::at(ch, "2026-04-09T10:00").await;
    let late = client(ch)
        .extend_review(with(extend(&first.name, 5, vec![pb::ExtensionReason::SiteInspection]), &reviewer(BODY)))
        .await
        .unwrap_err();
    assert_eq!((late.code(), reason(&late).as_str()), (Code::FailedPrecondition, "REVIEW_TERM_EXPIRED"));
    let violation = late.get_error_details().precondition_failure().unwrap().violations[0].clone();
    assert_eq!((violation.r#type.as_str(), violation.subject.as_str()), ("DEADLINE", first.name.as_str()));

    // [A-ESCALATE]: the provider dismisses; the complaint to the quality-control body that
    // follows is linked to that decision.
    let dismiss = pb::RecordComplaintDecisionRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: first.name.clone(),
        uphold: false,
        reason: "the lease contradicts the sources".into(),
        reopen_stage: String::new(),
        remedy: None,
    };
    client(ch).record_complaint_decision(with(dismiss, &reviewer(BODY))).await.unwrap();
    // SR cl. 10: the decision is a sealed document in three languages.
    let decided = client(ch)
        .list_result_documents(pb::ListResultDocumentsRequest { parent: first.name.clone() })
        .await
        .unwrap()
        .into_inner()
        .documents;
    let [decision] = decided.as_slice() else { panic!("one decision: {decided:?}") };
    let text = String::from_utf8(decision.content.clone()).unwrap();
    assert_eq!(decision.kind, "COMPLAINT_DECISION");
    assert!(text.contains("\ndecision: DISMISSED\n") && text.contains("[kk] ") && text.contains("[ru] "), "{text}");
    assert_eq!(decision.signatures[0].role, "PROVIDER");
    let escalated =
        file(ch, complaint(&who, &case, pb::ReviewerKind::QualityControlBody, pb::FiledChannel::Electronic))
            .await
            .unwrap();
    assert_eq!(escalated.follows, first.name);
}

/// An emergency-dwelling enrolment of `who` in Almaty, left with an official (Annex 2 row 5(3)).
pub(crate) async fn enrolment_under_review(ch: &Channel, who: &str) -> String {
    let registered = vec![kit::registered(who, "751110000")];
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![citizen(who)],
            addresses: registered,
            consents: vec![kit::consent(who, "registry")],
            ..Default::default()
        },
    )
    .await;
    let mut r = reg::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(common::PersonRef { iin: who.into() }),
        case_kind: reg::EnrolmentCase::EmergencyOnlyDwelling as i32,
        settlement_kato: "751110000".into(),
        list_category: "GENERAL".into(),
        documents: vec![kit::document("EXPERT_TECHNICAL_CONCLUSION")],
        ..Default::default()
    };
    let registry = || RegistryServiceClient::new(ch.clone());
    let digest = registry().create_application(r.clone()).await.unwrap().into_inner().signing_digest;
    r.validate_only = false;
    r.confirmations = vec![kit::eds(ch, who, &digest).await];
    let app = registry().create_application(r).await.unwrap().into_inner().application.unwrap();
    for _ in 0..100 {
        let now = registry()
            .get_application(reg::GetApplicationRequest { name: app.name.clone() })
            .await
            .unwrap()
            .into_inner()
            .application
            .unwrap();
        if now.stage == reg::ApplicationStage::UnderReview as i32 {
            return app.name;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} never reached an official", app.name);
}

#[tokio::test]
async fn an_upheld_complaint_about_a_missed_term_instructs_the_provider_who_shows_and_closes_it() {
    let suite = spawn_suite(&[("SHANYRAQ_OUTBOX_POLL", "100ms")]).await;
    let ch = &suite.channel;
    kit::at(ch, "2026-04-01T10:00").await;
    let who = iin("1988-06-06", 21);
    let case = enrolment_under_review(ch, &who).await;
    // The official never decides; a month later the term has long run out.
    kit::at(ch, "2026-05-04T10:00").await;
    let mut missed = complaint(&who, &case, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic);
    missed.subject = pb::Subject::MissedDeadline as i32;
    let filed = file(ch, missed).await.unwrap();

    // A remedy needs what it names, and an upheld complaint.
    let decide = |remedy: common::Remedy, uphold: bool| pb::RecordComplaintDecisionRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: filed.name.clone(),
        uphold,
        reason: "the application waited past its term".into(),
        reopen_stage: String::new(),
        remedy: Some(remedy),
    };
    let answer_within =
        |days| common::Remedy { kind: common::RemedyKind::AnswerWithin as i32, days, ..Default::default() };
    let bad =
        client(ch).record_complaint_decision(with(decide(answer_within(0), true), &reviewer(BODY))).await.unwrap_err();
    assert_eq!(reason(&bad), "REMEDY_INVALID");
    let bad =
        client(ch).record_complaint_decision(with(decide(answer_within(3), false), &reviewer(BODY))).await.unwrap_err();
    assert_eq!(reason(&bad), "REMEDY_WITH_DISMISSAL");
    let reopen = common::Remedy { kind: common::RemedyKind::Reopen as i32, ..Default::default() };
    let bad = client(ch).record_complaint_decision(with(decide(reopen, true), &reviewer(BODY))).await.unwrap_err();
    assert_eq!(reason(&bad), "CASE_NOT_REFUSED");

    let upheld = client(ch)
        .record_complaint_decision(with(decide(answer_within(3), true), &reviewer(BODY)))
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    assert_eq!(upheld.remedy_state(), common::InstructionState::Open);
    let kk = &upheld.decision.as_ref().unwrap().kk;
    assert!(kk.contains("3 жұмыс күні ішінде жауап беру"), "the Kazakh text names the remedy: {kk}");

    // The registry shows it with the case, due in 3 working days from Mon 4 May: Tue 5, Wed 6,
    // and Fri 8 May (Thu 7 May is Defender of the Fatherland Day, a holiday).
    let registry = || RegistryServiceClient::new(ch.clone());
    let official = [
        ("x-caller-subsystem", "otbasy-portal"),
        ("x-official-id", "otbasy-3"),
        ("x-official-role", "otbasy-official"),
        ("x-official-jurisdiction", "751110000"),
    ];
    let mut shown = Vec::new();
    for _ in 0..100 {
        shown = registry()
            .list_instructions(with(reg::ListInstructionsRequest { parent: case.clone() }, &official))
            .await
            .unwrap()
            .into_inner()
            .instructions;
        if !shown.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let [instruction] = shown.as_slice() else { panic!("one instruction: {shown:?}") };
    assert_eq!(
        (instruction.complaint.as_str(), instruction.state()),
        (filed.name.as_str(), common::InstructionState::Open)
    );
    assert_eq!(instruction.due_date, "2026-05-08");
    assert!(instruction.text.as_ref().unwrap().en.contains("within 3 working days"));

    // Carried out: an official of the case's jurisdiction reports it; once.
    let complete = |note: &str| reg::CompleteInstructionRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: instruction.name.clone(),
        note: note.into(),
    };
    let elsewhere = [
        ("x-caller-subsystem", "otbasy-portal"),
        ("x-official-id", "otbasy-9"),
        ("x-official-role", "otbasy-official"),
        ("x-official-jurisdiction", "711210000"),
    ];
    let hidden = registry().complete_instruction(with(complete("done"), &elsewhere)).await.unwrap_err();
    assert_eq!(hidden.code(), Code::NotFound, "another settlement's official does not see the case");
    let done = registry()
        .complete_instruction(with(complete("the applicant was answered on 5 May"), &official))
        .await
        .unwrap()
        .into_inner()
        .instruction
        .unwrap();
    assert_eq!(done.state(), common::InstructionState::Done);
    let again = registry().complete_instruction(with(complete("again"), &official)).await.unwrap_err();
    assert_eq!(reason(&again), "INSTRUCTION_DONE");

    // The complaints service is told.
    for _ in 0..100 {
        let now = client(ch)
            .get_complaint(pb::GetComplaintRequest { name: filed.name.clone() })
            .await
            .unwrap()
            .into_inner()
            .complaint
            .unwrap();
        if now.remedy_state() == common::InstructionState::Done {
            assert!(now.remedy_done_time.is_some());
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the complaints service never learned the instruction was carried out");
}
