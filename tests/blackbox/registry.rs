//! The registry (Annex 2) through gRPC only, the clock set through `ClockService`: the
//! scenarios AT-01 to AT-10, AT-24c and AT-25 at the registry's own methods, every row of the
//! decision table, idempotency, one open application per list, the waiting lists, and an
//! application kept through a gateway outage.

use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::helpers::{Suite, call, call_empty, contract_methods, spawn_suite};
use crate::kit::{self, citizen, document, envelope, gw_path, iin, reason, with};

const ASTANA: &str = "711210000";
const ALMATY: &str = "751110000";

/// Consent for the registry.
fn consent(iin: &str) -> gw::ConsentGrant {
    kit::consent(iin, "registry")
}

/// An application to file.
#[derive(Clone)]
struct Form {
    applicant: String,
    case: pb::EnrolmentCase,
    settlement: &'static str,
    category: &'static str,
    documents: Vec<common::Document>,
}

fn form(applicant: &str, case: pb::EnrolmentCase) -> Form {
    Form { applicant: applicant.into(), case, settlement: ALMATY, category: "GENERAL", documents: Vec::new() }
}

/// The suite and the people at its desk: the portal, an official, the complaints service.
struct Desk {
    suite: Suite,
}

const OFFICIAL: &[(&str, &str)] =
    &[("x-caller-subsystem", "otbasy-portal"), ("x-official-id", "official-7"), ("x-official-role", "otbasy-official")];

impl Desk {
    async fn open(env: &[(&str, &str)]) -> Desk {
        Desk { suite: spawn_suite(env).await }
    }

    /// The suite's address, `http://host:port`.
    fn address(&self) -> String {
        self.suite.address.clone()
    }

    fn registry(&self) -> RegistryServiceClient<tonic::transport::Channel> {
        RegistryServiceClient::new(self.suite.channel.clone())
    }

    async fn load(&self, records: gw::LoadRecordsRequest) {
        kit::load(&self.suite.channel, records).await;
    }

    /// Loads citizens registered in Almaty since 2000, with their consent, and nothing else.
    async fn citizens(&self, iins: &[&str]) {
        self.load(gw::LoadRecordsRequest {
            persons: iins.iter().map(|i| citizen(i)).collect(),
            addresses: iins.iter().map(|i| kit::registered(i, ALMATY)).collect(),
            consents: iins.iter().map(|i| consent(i)).collect(),
            ..Default::default()
        })
        .await;
    }

    /// Injects a fault into a gateway method.
    async fn inject(&self, fault: gw::InjectFaultRequest) {
        call::<_, gw::InjectFaultResponse>(&self.suite.channel, &gw_path("AdminService/InjectFault"), fault, &[])
            .await
            .unwrap();
    }

    /// Ends every injected fault.
    async fn clear_faults(&self) {
        let clear = gw::ClearFaultsRequest {};
        call::<_, gw::ClearFaultsResponse>(&self.suite.channel, &gw_path("AdminService/ClearFaults"), clear, &[])
            .await
            .unwrap();
    }

    /// Sets the clock to a local time in Kazakhstan, `2026-04-01T11:00`.
    async fn at(&self, local: &str) {
        kit::at(&self.suite.channel, local).await;
    }

    fn request(&self, f: &Form, request_id: &str) -> pb::CreateApplicationRequest {
        pb::CreateApplicationRequest {
            request_id: request_id.into(),
            validate_only: false,
            applicant: Some(common::PersonRef { iin: f.applicant.clone() }),
            representative: None,
            documents: f.documents.clone(),
            confirmations: Vec::new(),
            case_kind: f.case as i32,
            settlement_kato: f.settlement.into(),
            list_category: f.category.into(),
        }
    }

    /// The signing digest of a form.
    async fn digest(&self, f: &Form) -> Result<String, Status> {
        let mut r = self.request(f, "");
        r.validate_only = true;
        let response = self.registry().create_application(with(r, &self.portal(&f.applicant))).await?;
        Ok(response.into_inner().signing_digest)
    }

    fn portal<'u>(&self, user: &'u str) -> Vec<(&'static str, &'u str)> {
        vec![("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", user)]
    }

    /// An EDS confirmation by `signer` over `digest`.
    async fn eds(&self, signer: &str, digest: &str) -> common::Confirmation {
        kit::eds(&self.suite.channel, signer, digest).await
    }

    /// A form signed with the applicant's EDS, to file under `request_id`.
    async fn signed(&self, f: &Form, request_id: &str) -> Result<pb::CreateApplicationRequest, Status> {
        let digest = self.digest(f).await?;
        let mut r = self.request(f, request_id);
        r.confirmations = vec![self.eds(&f.applicant, &digest).await];
        Ok(r)
    }

    async fn send(&self, r: pb::CreateApplicationRequest) -> Result<pb::Application, Status> {
        let user = r.applicant.as_ref().unwrap().iin.clone();
        let response = self.registry().create_application(with(r, &self.portal(&user))).await?;
        Ok(response.into_inner().application.unwrap())
    }

    async fn file(&self, f: &Form) -> Result<pb::Application, Status> {
        self.send(self.signed(f, &uuid::Uuid::new_v4().to_string()).await?).await
    }

    async fn get(&self, name: &str) -> pb::Application {
        let r = pb::GetApplicationRequest { name: name.into() };
        self.registry().get_application(r).await.unwrap().into_inner().application.unwrap()
    }

    /// Waits (at most 30 s) until the application reaches `stage`.
    async fn wait(&self, name: &str, stage: pb::ApplicationStage) -> pb::Application {
        for _ in 0..300 {
            let app = self.get(name).await;
            if app.stage == stage as i32 {
                return app;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{name} never reached {stage:?}: {:?}", self.get(name).await);
    }

    /// Claims the application's review task and decides it with `findings`.
    async fn review(&self, name: &str, findings: Vec<pb::OfficialFinding>) -> pb::Application {
        let tasks =
            self.registry().list_review_tasks(with(pb::ListReviewTasksRequest::default(), OFFICIAL)).await.unwrap();
        let task = tasks.into_inner().tasks.into_iter().find(|t| t.application == name).expect("a review task");
        let claim =
            pb::ClaimReviewTaskRequest { request_id: uuid::Uuid::new_v4().to_string(), name: task.name.clone() };
        let claimed =
            self.registry().claim_review_task(with(claim, OFFICIAL)).await.unwrap().into_inner().task.unwrap();
        assert_eq!((claimed.state.as_str(), claimed.assignee.as_str()), ("CLAIMED", "official-7"));
        let decide = pb::DecideReviewTaskRequest {
            request_id: uuid::Uuid::new_v4().to_string(),
            name: task.name,
            findings,
            reason: "the documents were checked against the originals".into(),
        };
        let decided = self.registry().decide_review_task(with(decide, OFFICIAL)).await.unwrap().into_inner();
        assert_eq!(decided.task.unwrap().state, "DONE");
        decided.application.unwrap()
    }

    async fn events(&self, name: &str) -> Vec<String> {
        let r = pb::ListApplicationEventsRequest { name: name.into(), ..Default::default() };
        self.registry()
            .list_application_events(r)
            .await
            .unwrap()
            .into_inner()
            .events
            .into_iter()
            .map(|e| e.stage)
            .collect()
    }

    /// The stage reports the monitoring system holds for a case, once the outbox delivered them.
    async fn reports(&self, case: &str, expect: usize) -> Vec<String> {
        for _ in 0..100 {
            let r = gw::ListStageReportsRequest { case_name: case.into(), ..Default::default() };
            let (page, _) = call::<_, gw::ListStageReportsResponse>(
                &self.suite.channel,
                &gw_path("MonitoringService/ListStageReports"),
                r,
                &envelope("791028302728"),
            )
            .await
            .unwrap();
            if page.reports.len() >= expect {
                return page.reports.into_iter().map(|r| r.stage).collect();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the monitoring system never got {expect} reports for {case}");
    }

    async fn notifications(&self, recipient: &str, expect: usize) -> Vec<gw::Notification> {
        for _ in 0..100 {
            let r = gw::ListNotificationsRequest { recipient: recipient.into(), ..Default::default() };
            let (page, _) = call::<_, gw::ListNotificationsResponse>(
                &self.suite.channel,
                &gw_path("NotificationService/ListNotifications"),
                r,
                &envelope("791028302728"),
            )
            .await
            .unwrap();
            if page.notifications.len() >= expect {
                return page.notifications;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{recipient} never got {expect} notifications");
    }
}

fn due(app: &pb::Application) -> String {
    app.deadline.as_ref().unwrap().due_date.clone()
}

fn refusal(app: &pb::Application) -> (String, String, String) {
    let r = app.refusal.as_ref().expect("a refusal ground");
    assert!(!r.text_kk.is_empty() && !r.text_ru.is_empty() && !r.text_en.is_empty());
    (r.code.clone(), r.clause.clone(), r.reason.clone())
}

fn accepted_local(app: &pb::Application) -> String {
    let at = app.accepted_time.as_ref().unwrap();
    let t = chrono::DateTime::from_timestamp(at.seconds, 0).unwrap();
    t.with_timezone(&chrono::FixedOffset::east_opt(5 * 3600).unwrap()).format("%Y-%m-%d %H:%M").to_string()
}

#[tokio::test]
async fn at01_at04_no_dwelling_is_enrolled_from_the_state_data_with_a_queue_number() {
    let desk = Desk::open(&[]).await;
    let (a, b, c) = (iin("1990-01-01", 1), iin("1990-01-02", 1), iin("1990-01-03", 1));
    desk.citizens(&[&a, &b, &c]).await;

    // AT-01: Wed 1 April 11:00; decided at once, due Thu 2 April; no human task.
    desk.at("2026-04-01T11:00").await;
    let app = desk.file(&form(&a, pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::Enrolled as i32, "{app:?}");
    assert_eq!((due(&app).as_str(), app.queue_position), ("2026-04-02", 1));
    assert_eq!(app.deadline.as_ref().unwrap().clause, "Annex 2 row 4(1)");
    assert!(app.document_kinds.is_empty() && app.findings.iter().any(|f| f.code == "CATEGORY_CONFIRMED"));
    assert_eq!(app.confirmations[0].method, "EDS");
    assert_eq!(desk.events(&app.name).await, ["ACCEPTED", "ENROLLED"]);
    let tasks = desk.registry().list_review_tasks(with(pb::ListReviewTasksRequest::default(), OFFICIAL)).await.unwrap();
    assert!(tasks.into_inner().tasks.is_empty(), "a fully automated case has no human step");
    // SR cl. 26 [A-MON]: each stage once; Annex 2 row 6: the notice carries the queue number.
    let mut reported = desk.reports(&app.name, 2).await;
    reported.sort();
    assert_eq!(reported, ["ACCEPTED", "ENROLLED"]);
    let notices = desk.notifications(&a, 1).await;
    assert!(notices[0].text.as_ref().unwrap().kk.contains("кезектегі нөміріңіз 1"));

    // AT-04: Fri 3 April 18:45 is after the 18:30 close: accepted Mon 6 April, due Tue 7 April,
    // decided on Monday.
    desk.at("2026-04-03T18:45").await;
    let late = desk.file(&form(&b, pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    assert_eq!(late.stage, pb::ApplicationStage::Accepted as i32);
    assert_eq!((accepted_local(&late).as_str(), due(&late).as_str()), ("2026-04-06 09:00", "2026-04-07"));
    // [A-LUNCH]: 13:45 on Friday is within working time: accepted that day, due Mon 6 April.
    desk.at("2026-04-03T13:45").await;
    let lunch = desk.file(&form(&c, pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    assert_eq!((accepted_local(&lunch).as_str(), due(&lunch).as_str()), ("2026-04-03 13:45", "2026-04-06"));
    assert_eq!(lunch.queue_position, 2);
    desk.at("2026-04-06T09:30").await;
    let late = desk.wait(&late.name, pb::ApplicationStage::Enrolled).await;
    // [A-QUEUE]: the list is ordered by acceptance, so Monday's acceptance comes third.
    assert_eq!(late.queue_position, 3);
}

#[tokio::test]
async fn at02_at03_at05_emergency_dwelling_needs_the_expert_conclusion_and_an_official() {
    let desk = Desk::open(&[]).await;
    let (a, b) = (iin("1985-05-05", 1), iin("1985-05-06", 1));
    desk.citizens(&[&a, &b]).await;
    let mut f = form(&a, pb::EnrolmentCase::EmergencyOnlyDwelling);

    // AT-03: without the technical conclusion the submission is incomplete; nothing is created.
    desk.at("2026-04-04T10:00").await;
    let incomplete = desk.file(&f).await.unwrap_err();
    assert_eq!((incomplete.code(), reason(&incomplete).as_str()), (Code::FailedPrecondition, "DOCUMENTS_INCOMPLETE"));
    let details = incomplete.get_error_details();
    assert_eq!(details.precondition_failure().unwrap().violations[0].subject, "EXPERT_TECHNICAL_CONCLUSION");
    let all = desk.registry().list_applications(pb::ListApplicationsRequest::default()).await.unwrap().into_inner();
    assert!(all.applications.is_empty());

    // AT-02: Saturday 4 April: accepted Mon 6 April, due Thu 9 April; an official reviews it.
    f.documents = vec![document("EXPERT_TECHNICAL_CONCLUSION")];
    let app = desk.file(&f).await.unwrap();
    assert_eq!((accepted_local(&app).as_str(), due(&app).as_str()), ("2026-04-06 09:00", "2026-04-09"));
    desk.at("2026-04-06T10:00").await;
    desk.wait(&app.name, pb::ApplicationStage::UnderReview).await;
    let decided = desk.review(&app.name, vec![]).await;
    assert_eq!(decided.stage, pb::ApplicationStage::Enrolled as i32);
    assert_eq!(desk.events(&app.name).await, ["ACCEPTED", "UNDER_REVIEW", "ENROLLED"]);

    // AT-05: Fri 20 March 19:00; 21-25 March are non-working: accepted Thu 26 March, due Tue 31 March.
    desk.at("2026-03-20T19:00").await;
    let mut g = form(&b, pb::EnrolmentCase::EmergencyOnlyDwelling);
    g.documents = vec![document("EXPERT_TECHNICAL_CONCLUSION")];
    let march = desk.file(&g).await.unwrap();
    assert_eq!((accepted_local(&march).as_str(), due(&march).as_str()), ("2026-03-26 09:00", "2026-03-31"));
}

#[tokio::test]
async fn at06_orphan_documents_are_asked_only_when_the_state_systems_lack_the_data() {
    let desk = Desk::open(&[]).await;
    let (missing, held) = (iin("2004-02-02", 1), iin("2004-02-03", 1));
    desk.citizens(&[&missing, &held]).await;
    let group =
        gw::SocialGroup { iin: held.clone(), code: "ORPHAN".into(), since: "2010-01-01".into(), until: String::new() };
    desk.load(gw::LoadRecordsRequest { social_groups: vec![group], ..Default::default() }).await;
    desk.at("2026-04-15T10:00").await;

    let mut f = form(&missing, pb::EnrolmentCase::OrphanDataMissing);
    f.category = "ORPHANS";
    assert_eq!(reason(&desk.file(&f).await.unwrap_err()), "DOCUMENTS_INCOMPLETE");
    f.documents = vec![document("LEGAL_REPRESENTATIVE_STATUS")];
    let app = desk.file(&f).await.unwrap();
    assert_eq!((due(&app).as_str(), app.stage), ("2026-04-20", pb::ApplicationStage::UnderReview as i32));
    assert!(app.findings.iter().any(|x| x.code == "CATEGORY_BY_DOCUMENTS"));

    // [A-ORPHAN]: the gateway holds the data: nothing is asked, one working day, automated.
    let mut g = form(&held, pb::EnrolmentCase::OrphanDataMissing);
    g.category = "ORPHANS";
    let ordinary = desk.file(&g).await.unwrap();
    assert_eq!(ordinary.effective_case_kind, pb::EnrolmentCase::NoDwelling5y as i32);
    assert_eq!((due(&ordinary).as_str(), ordinary.stage), ("2026-04-16", pb::ApplicationStage::Enrolled as i32));
}

fn dwelling(cadastral: &str, kato: &str, emergency_since: &str) -> gw::Dwelling {
    gw::Dwelling {
        cadastral_number: cadastral.into(),
        kato: kato.into(),
        address_line: "Сәтпаев көшесі, 5".into(),
        area_m2_tenths: 420,
        emergency_since: emergency_since.into(),
    }
}

fn ownership(cadastral: &str, owner: &str, acquired: &str, sold: &str, akimat: bool) -> gw::Ownership {
    gw::Ownership {
        cadastral_number: cadastral.into(),
        iin: owner.into(),
        acquired_on: acquired.into(),
        alienated_on: sold.into(),
        buyer_id: if sold.is_empty() { String::new() } else { "990140000001".into() },
        buyer_is_local_executive_body: akimat,
    }
}

#[tokio::test]
async fn annex_2_row_10_every_row_of_the_decision_table() {
    let desk = Desk::open(&[]).await;
    let people: Vec<String> = (1..=9).map(|n| iin("1975-03-03", n)).collect();
    let [consentless, sold, owner, foreign, elsewhere, settled, unreliable, uncategorized, court] =
        <[String; 9]>::try_from(people.clone()).unwrap();
    let mut persons: Vec<gw::Person> = people.iter().map(|p| citizen(p)).collect();
    persons[3].citizenship = gw::Citizenship::Foreign as i32;
    desk.load(gw::LoadRecordsRequest {
        persons,
        addresses: people.iter().map(|p| kit::registered(p, ALMATY)).collect(),
        consents: people.iter().filter(|p| **p != consentless).map(|p| consent(p)).collect(),
        dwellings: vec![
            dwelling("02:1", ALMATY, ""),
            dwelling("02:2", ALMATY, ""),
            dwelling("02:3", ASTANA, "2025-06-01"),
        ],
        ownerships: vec![
            ownership("02:1", &sold, "2015-01-01", "2024-03-01", false),
            ownership("02:2", &owner, "2020-01-01", "", false),
            ownership("02:3", &elsewhere, "2010-01-01", "", false),
        ],
        court_decisions: vec![gw::CourtDecision {
            case_number: "2-1234/2025".into(),
            iin: court.clone(),
            kind: gw::CourtDecisionKind::SpecialRightDeprivation as i32,
            in_force_from: "2025-01-01".into(),
            ..Default::default()
        }],
        ..Default::default()
    })
    .await;
    desk.at("2026-04-15T10:00").await;
    let automated = |who: &str| form(who, pb::EnrolmentCase::NoDwelling5y);

    // AT-09: row 10(4), from the gateway.
    let app = desk.file(&automated(&consentless)).await.unwrap();
    assert_eq!(refusal(&app), ("NO_PERSONAL_DATA_CONSENT".into(), "Annex 2 row 10(4)".into(), String::new()));
    // Row 10(3), alienation to a buyer other than the akimat within 5 years, from the register.
    let app = desk.file(&automated(&sold)).await.unwrap();
    assert_eq!(refusal(&app).0, "WORSENING_ALIENATION");
    assert!(app.findings.iter().any(|f| f.code == "OWNED_DWELLING_WITHIN_5Y"), "every finding is recorded");
    // Row 10(2) and its sub-reasons.
    let app = desk.file(&automated(&owner)).await.unwrap();
    assert_eq!(refusal(&app), ("NONCONFORMING".into(), "Annex 2 row 10(2)".into(), "OWNS_DWELLING".into()));
    let app = desk.file(&automated(&foreign)).await.unwrap();
    assert_eq!(refusal(&app).2, "NOT_CITIZEN_OR_KANDAS");
    let mut f = automated(&uncategorized);
    f.category = "DISABLED_GROUP_1_2";
    assert_eq!(refusal(&desk.file(&f).await.unwrap()).2, "CATEGORY_NOT_CONFIRMED");
    // Row 10(3), persons settled in, from the register of addresses: an adult stranger registered
    // at the applicant's address in 2025 refuses; a minor daughter (her birth record) does not.
    let (host, lodger, daughter, host2) =
        (iin("1970-01-15", 5), iin("1972-05-05", 5), iin("2015-02-02", 5), iin("1970-01-16", 5));
    let address = |who: &str, street: &str, from: &str| gw::AddressPeriod {
        iin: who.into(),
        kato: ALMATY.into(),
        street: street.into(),
        building: "7".into(),
        apartment: "12".into(),
        from_date: from.into(),
        ..Default::default()
    };
    let birth = gw::CivilRecord {
        record_number: "AZ-2015-7".into(),
        kind: gw::CivilRecordKind::Birth as i32,
        event_date: "2015-02-02".into(),
        registered_on: "2015-02-03".into(),
        parties: vec![
            gw::Party { iin: daughter.clone(), role: gw::PartyRole::Child as i32 },
            gw::Party { iin: host2.clone(), role: gw::PartyRole::Parent as i32 },
        ],
    };
    desk.load(gw::LoadRecordsRequest {
        persons: [&host, &lodger, &daughter, &host2].iter().map(|p| citizen(p)).collect(),
        consents: [&host, &host2, &daughter].iter().map(|p| consent(p)).collect(),
        addresses: vec![
            address(&host, "Төле би көшесі", "2018-01-01"),
            address(&lodger, "Төле би көшесі", "2025-03-01"),
            address(&host2, "Бұқар жырау", "2018-01-01"),
            address(&daughter, "Бұқар жырау", "2025-03-01"),
        ],
        civil_records: vec![birth],
        ..Default::default()
    })
    .await;
    let app = desk.file(&automated(&host)).await.unwrap();
    assert_eq!(refusal(&app).0, "WORSENING_SETTLED_OTHERS");
    assert!(app.findings.iter().any(|f| f.code == "WORSENING_SETTLED_OTHERS" && f.source == "gateway"));
    let app = desk.file(&automated(&host2)).await.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::Enrolled as i32, "{:?}", app.findings);
    assert!(app.findings.iter().any(|f| f.code == "WORSENING_SETTLED_OTHERS_EXCEPTED"));

    // AT-10: a court decision is no ground in the registry.
    let app = desk.file(&automated(&court)).await.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::Enrolled as i32);

    // AT-07: the emergency dwelling is in Astana, the application names Almaty.
    let mut f = form(&elsewhere, pb::EnrolmentCase::EmergencyOnlyDwelling);
    f.documents = vec![document("EXPERT_TECHNICAL_CONCLUSION")];
    let app = desk.file(&f).await.unwrap();
    let app = desk.review(&app.name, vec![]).await;
    assert_eq!(
        refusal(&app),
        ("EMERGENCY_DWELLING_OTHER_SETTLEMENT".into(), "Annex 2 row 10(3)".into(), String::new())
    );

    // AT-08 (d), (e) through the review: an adult brother settled in refuses; a minor daughter not.
    let mut f = form(&settled, pb::EnrolmentCase::EmergencyOnlyDwelling);
    f.documents = vec![document("EXPERT_TECHNICAL_CONCLUSION")];
    let app = desk.file(&f).await.unwrap();
    let finding = |relation: &str| pb::OfficialFinding {
        code: "WORSENING_SETTLED_OTHERS".into(),
        occurred_on: "2025-03-01".into(),
        settled_relation: relation.into(),
        detail: "registered at the applicant's address".into(),
        ..Default::default()
    };
    let app = desk.review(&app.name, vec![finding("MINOR_CHILD"), finding("OTHER")]).await;
    assert_eq!(refusal(&app).0, "WORSENING_SETTLED_OTHERS");
    assert!(app.findings.iter().any(|f| f.code == "WORSENING_SETTLED_OTHERS_EXCEPTED" && f.source == "official"));

    // Row 10(1): unreliable documents, the official's finding, cited last [A-DECISION-ORDER].
    let mut f = form(&unreliable, pb::EnrolmentCase::EmergencyOnlyDwelling);
    f.documents = vec![document("EXPERT_TECHNICAL_CONCLUSION")];
    let app = desk.file(&f).await.unwrap();
    let forged = pb::OfficialFinding {
        code: "UNRELIABLE_DOCUMENTS".into(),
        detail: "the expert's attestation number does not exist".into(),
        ..Default::default()
    };
    let app = desk.review(&app.name, vec![forged]).await;
    assert_eq!(refusal(&app), ("UNRELIABLE_DOCUMENTS".into(), "Annex 2 row 10(1)".into(), String::new()));
    let notices = desk.notifications(&unreliable, 1).await;
    assert!(notices[0].text.as_ref().unwrap().ru.contains("мотивированный отказ"));
}

#[tokio::test]
async fn at25_every_iin_is_checked_with_its_reason() {
    let desk = Desk::open(&[]).await;
    for (value, expected) in [
        ("850215300631", "IIN_CHECKSUM_MISMATCH"),
        ("85021530060", "IIN_BAD_FORMAT"),
        ("791328300009", "IIN_DATE_INVALID"),
    ] {
        let mut r = desk.request(&form(value, pb::EnrolmentCase::NoDwelling5y), "");
        r.validate_only = true;
        let portal = [("x-caller-subsystem", "otbasy-portal")];
        let status = desk.registry().create_application(with(r, &portal)).await.unwrap_err();
        assert_eq!((status.code(), reason(&status).as_str()), (Code::InvalidArgument, expected), "{value}");
        assert_eq!(status.get_error_details().bad_request().unwrap().field_violations[0].field, "applicant.iin");
        let standing =
            desk.registry().get_queue_standing(pb::GetQueueStandingRequest { iin: value.into() }).await.unwrap_err();
        assert_eq!(reason(&standing), expected);
    }
    for valid in ["791028302728", "850215300005", "850215300604"] {
        let standing =
            desk.registry().get_queue_standing(pb::GetQueueStandingRequest { iin: valid.into() }).await.unwrap();
        assert!(standing.into_inner().entries.is_empty());
        // A valid IIN of nobody in the register is NOT_FOUND, not a bad argument.
        assert_eq!(
            reason(&desk.file(&form(valid, pb::EnrolmentCase::NoDwelling5y)).await.unwrap_err()),
            "PERSON_NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn a_retry_gets_the_first_answer_and_a_person_has_one_open_case_per_list() {
    let desk = Desk::open(&[]).await;
    let (a, b) = (iin("1991-07-07", 1), iin("1991-07-08", 1));
    desk.citizens(&[&a, &b]).await;
    desk.at("2026-04-15T10:00").await;
    let f = form(&a, pb::EnrolmentCase::NoDwelling5y);
    let id = uuid::Uuid::new_v4().to_string();
    let request = desk.signed(&f, &id).await.unwrap();
    let first = desk.send(request.clone()).await.unwrap();
    let again = desk.send(request).await.unwrap();
    assert_eq!((again.name.as_str(), again.queue_position), (first.name.as_str(), 1));
    let mut other = f.clone();
    other.settlement = ASTANA;
    let reused = desk.send(desk.signed(&other, &id).await.unwrap()).await.unwrap_err();
    assert_eq!((reused.code(), reason(&reused).as_str()), (Code::AlreadyExists, "REQUEST_ID_REUSED"));
    let enrolled = desk.file(&f).await.unwrap_err();
    assert_eq!((enrolled.code(), reason(&enrolled).as_str()), (Code::AlreadyExists, "ALREADY_ENROLLED"));
    assert_eq!(enrolled.get_error_details().error_info().unwrap().metadata["application"], first.name);

    // Two at once for an open (reviewed) case: exactly one is filed, the other names it.
    let mut g = form(&b, pb::EnrolmentCase::EmergencyOnlyDwelling);
    g.documents = vec![document("EXPERT_TECHNICAL_CONCLUSION")];
    let (x, y) = tokio::join!(desk.file(&g), desk.file(&g));
    let (filed, refused) = match (x, y) {
        (Ok(app), Err(e)) | (Err(e), Ok(app)) => (app, e),
        other => panic!("exactly one must be filed: {other:?}"),
    };
    assert_eq!(reason(&refused), "OPEN_APPLICATION_EXISTS");
    assert_eq!(refused.get_error_details().error_info().unwrap().metadata["application"], filed.name);
    let listed = pb::ListApplicationsRequest { filter: format!("applicant_iin = \"{b}\""), ..Default::default() };
    assert_eq!(desk.registry().list_applications(listed).await.unwrap().into_inner().applications.len(), 1);
}

#[tokio::test]
async fn a_queue_in_acceptance_order_renumbered_after_a_removal() {
    let desk = Desk::open(&[]).await;
    let people: Vec<String> = (1..=3).map(|n| iin("1988-08-08", n)).collect();
    desk.citizens(&people.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let mut names = Vec::new();
    for (n, who) in people.iter().enumerate() {
        desk.at(&format!("2026-04-1{}T10:00", n + 3)).await;
        names.push(desk.file(&form(who, pb::EnrolmentCase::NoDwelling5y)).await.unwrap().name);
    }
    let remove = pb::RemoveFromQueueRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: names[0].clone(),
        ground: pb::RemovalGround::HousingReceived as i32,
        reason: "a dwelling of the state fund was provided".into(),
    };
    let removed =
        desk.registry().remove_from_queue(with(remove, OFFICIAL)).await.unwrap().into_inner().application.unwrap();
    assert_eq!(removed.stage, pb::ApplicationStage::Removed as i32);
    assert_eq!(removed.removal.unwrap().last_position, 1);
    let list = pb::ListQueueRequest {
        settlement_kato: ALMATY.into(),
        list_category: "GENERAL".into(),
        page_size: 1,
        ..Default::default()
    };
    let first = desk.registry().list_queue(with(list.clone(), OFFICIAL)).await.unwrap().into_inner();
    assert_eq!(
        (first.entries[0].position, first.entries[0].application.as_str(), first.list_size),
        (1, names[1].as_str(), 2)
    );
    let next = pb::ListQueueRequest { page_token: first.next_page_token, ..list };
    let second = desk.registry().list_queue(with(next, OFFICIAL)).await.unwrap().into_inner();
    assert_eq!((second.entries[0].position, second.next_page_token.as_str()), (2, ""));
    // The rent subsidy asks through the typed client of shared/clients, as its own subsystem.
    let pool = clients::ChannelPool::lazy(&desk.address(), 1).unwrap();
    let subsidy = clients::RegistryClient::new(pool, "rent-subsidy", clients::CallPolicy::default()).unwrap();
    let standing = subsidy.get_queue_standing(&people[2]).await.unwrap();
    assert_eq!((standing.entries[0].position, standing.entries[0].list_category.as_str()), (2, "GENERAL"));
    let create = with(
        desk.request(&form(&people[2], pb::EnrolmentCase::NoDwelling5y), ""),
        &[("x-caller-subsystem", "rent-subsidy")],
    );
    assert_eq!(desk.registry().create_application(create).await.unwrap_err().code(), Code::PermissionDenied);
    let gone = pb::GetQueuePositionRequest {
        iin: people[0].clone(),
        settlement_kato: ALMATY.into(),
        list_category: "GENERAL".into(),
    };
    assert_eq!(reason(&desk.registry().get_queue_position(gone).await.unwrap_err()), "NOT_ON_WAITING_LIST");
    assert_eq!(desk.events(&names[0]).await, ["ACCEPTED", "ENROLLED", "REMOVED"]);
}

#[tokio::test]
async fn a_gateway_outage_keeps_the_application_and_it_is_decided_when_the_gateway_is_back() {
    let desk = Desk::open(&[("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let a = iin("1993-09-09", 1);
    desk.citizens(&[&a]).await;
    desk.at("2026-04-15T10:00").await;
    let fault = gw::InjectFaultRequest {
        method: gw_path("PropertyService/ListDwellings"),
        kind: gw::FaultKind::Unavailable as i32,
        ..Default::default()
    };
    desk.inject(fault).await;
    let app = desk.file(&form(&a, pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::Accepted as i32, "kept, not lost, not refused");
    desk.clear_faults().await;
    let app = desk.wait(&app.name, pb::ApplicationStage::Enrolled).await;
    assert_eq!(app.queue_position, 1);
}

#[tokio::test]
async fn reconsideration_is_the_complaints_service_s_and_needs_an_upheld_complaint_about_the_case() {
    let desk = Desk::open(&[]).await;
    let a = iin("1979-10-28", 5);
    desk.load(gw::LoadRecordsRequest { persons: vec![citizen(&a)], ..Default::default() }).await;
    desk.at("2026-04-15T10:00").await;
    let refused = desk.file(&form(&a, pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    assert_eq!(refusal(&refused).0, "NO_PERSONAL_DATA_CONSENT");
    desk.load(gw::LoadRecordsRequest { consents: vec![consent(&a)], ..Default::default() }).await;
    let reconsider = || pb::ReconsiderApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: refused.name.clone(),
        stage: pb::ApplicationStage::Accepted as i32,
        complaint: "complaints/complaints/9".into(),
        reason: "the consent was on record at filing".into(),
    };
    let denied = desk.registry().reconsider_application(with(reconsider(), &desk.portal(&a))).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    // The complaints service's own word is not enough: the complaint named must be upheld and
    // about this case, as the complaints service shows it (a fabricated one reopens nothing; an
    // upheld one does: complaints.rs).
    let complaints = [("x-caller-subsystem", "complaints")];
    let fabricated = desk.registry().reconsider_application(with(reconsider(), &complaints)).await.unwrap_err();
    assert_eq!((fabricated.code(), reason(&fabricated).as_str()), (Code::FailedPrecondition, "COMPLAINT_NOT_UPHELD"));
    let unchanged = desk.get(&refused.name).await;
    assert_eq!(unchanged.stage, pb::ApplicationStage::Refused as i32, "the case stays as it was");
    assert_eq!(desk.events(&refused.name).await, ["ACCEPTED", "REFUSED"]);
}

#[tokio::test]
async fn at24c_a_changed_standard_is_noticed_within_three_working_days() {
    let desk = Desk::open(&[]).await;
    // Recorded before it takes effect, as a change is.
    desk.at("2026-03-30T10:00").await;
    let publish = pb::PublishServiceStandardRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        in_force_from: "2026-04-02".into(),
        source: "Order No. 99 of 20.03.2026".into(),
        summary: Some(common::LocalizedText {
            kk: "9-жол өзгерді".into(),
            ru: "Изменена строка 9".into(),
            en: "Row 9 changed".into(),
        }),
    };
    let published = desk.registry().publish_service_standard(with(publish, OFFICIAL)).await.unwrap().into_inner();
    let publication = published.publication.unwrap();
    assert_eq!(publication.notices_due.as_ref().unwrap().due_date, "2026-04-07");
    // Each recipient is told of this change, and of this order's own (recorded at the start).
    for recipient in ["STATE_CORPORATION", "CONTACT_CENTRE"] {
        let notices = desk.notifications(recipient, 2).await;
        assert!(notices.iter().any(|n| n.text.as_ref().unwrap().en.contains("Row 9 changed")), "{notices:?}");
        assert!(notices.iter().any(|n| n.text.as_ref().unwrap().en.contains("Order No. 76")), "{notices:?}");
    }
    let standard = |as_of: &str| pb::GetServiceStandardRequest { as_of: as_of.into() };
    let before = desk.registry().get_service_standard(standard("2026-03-11")).await.unwrap_err();
    assert_eq!((before.code(), reason(&before).as_str()), (Code::NotFound, "STANDARD_NOT_IN_FORCE"));
    let first =
        desk.registry().get_service_standard(standard("2026-03-12")).await.unwrap().into_inner().standard.unwrap();
    assert_eq!((first.rows.len(), first.in_force_from.as_str()), (11, "2026-03-12"));
    assert!(
        first.rows.iter().all(|r| r.items.iter().all(|i| !i.kk.is_empty() && !i.ru.is_empty() && !i.en.is_empty()))
    );
    assert_eq!(first.refusal_grounds.len(), 9);
    let changed =
        desk.registry().get_service_standard(standard("2026-04-02")).await.unwrap().into_inner().standard.unwrap();
    assert_eq!(changed.in_force_from, "2026-04-02");

    // The history: this order's version, its notices due Tue 17 March 2026 and sent only when
    // the registry first started, flagged late; the change above, due Tue 7 April, judged once
    // that day has ended, in time.
    desk.at("2026-04-08T09:00").await;
    let mut history = Vec::new();
    for _ in 0..100 {
        history = desk
            .registry()
            .list_standard_publications(with(pb::ListStandardPublicationsRequest {}, OFFICIAL))
            .await
            .unwrap()
            .into_inner()
            .publications;
        if history.iter().all(|p| p.notices.iter().all(|n| n.judged)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let [order, change] = history.as_slice() else { panic!("two versions: {history:?}") };
    let due = |p: &pb::StandardPublication| p.notices_due.clone().unwrap();
    assert_eq!((order.in_force_from.as_str(), due(order).due_date.as_str()), ("2026-03-12", "2026-03-17"));
    assert!(order.notices.len() == 2 && order.notices.iter().all(|n| n.sent && n.judged && n.late), "{order:?}");
    assert!(due(order).breached, "RR cl. 2: the order's own notices were late");
    assert_eq!(due(change).due_date, "2026-04-07");
    assert!(change.notices.iter().all(|n| n.judged && !n.late), "{change:?}");
    assert!(!due(change).breached);
}

#[tokio::test]
async fn every_registry_method_answers_an_empty_request_with_details_or_ok() {
    let desk = Desk::open(&[]).await;
    for (_, path) in contract_methods().into_iter().filter(|(s, _)| s == "kz.housing.registry.v1.RegistryService") {
        if path.ends_with("/WatchApplication") {
            continue;
        }
        match call_empty(&desk.suite.channel, &path, &[]).await {
            Ok(_) => {}
            Err(status) => {
                assert_eq!(status.code(), Code::InvalidArgument, "{path}: {status:?}");
                assert!(!reason(&status).is_empty() && status.get_error_details().bad_request().is_some(), "{path}");
            }
        }
    }
}

#[tokio::test]
async fn watch_streams_the_history_then_each_new_event() {
    use tokio_stream::StreamExt;
    let desk = Desk::open(&[]).await;
    let a = iin("1995-12-12", 1);
    desk.citizens(&[&a]).await;
    desk.at("2026-04-17T19:00").await;
    let app = desk.file(&form(&a, pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    let watch = pb::WatchApplicationRequest { name: app.name.clone(), after_sequence: 0 };
    let mut stream = desk.registry().watch_application(watch).await.unwrap().into_inner();
    let first = stream.next().await.unwrap().unwrap().event.unwrap();
    assert_eq!((first.sequence, first.stage.as_str()), (1, "ACCEPTED"));
    assert_eq!(first.deadline.unwrap().due_date, "2026-04-21");
    desk.at("2026-04-20T09:05").await;
    let next = tokio::time::timeout(Duration::from_secs(20), stream.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(next.event.unwrap().stage, "ENROLLED");
}

#[tokio::test]
async fn a_legal_representative_files_and_confirms_and_both_are_recorded() {
    let desk = Desk::open(&[]).await;
    let (child, guardian) = (iin("2009-05-05", 1), iin("1980-05-05", 1));
    desk.citizens(&[&child, &guardian]).await;
    desk.at("2026-04-15T10:00").await;
    let mut f = form(&child, pb::EnrolmentCase::OrphanDataMissing);
    f.category = "ORPHANS";
    f.documents = vec![document("LEGAL_REPRESENTATIVE_STATUS")];
    let mut r = desk.request(&f, &uuid::Uuid::new_v4().to_string());
    r.representative = Some(common::Representative {
        person: Some(common::PersonRef { iin: guardian.clone() }),
        basis: common::RepresentationBasis::LegalRepresentative as i32,
        basis_reference: "guardianship act 17/2024".into(),
    });
    let mut check = r.clone();
    check.validate_only = true;
    let digest = desk.registry().create_application(check).await.unwrap().into_inner().signing_digest;
    // The applicant's own confirmation does not stand in for the representative's.
    r.confirmations = vec![desk.eds(&child, &digest).await];
    let missing = desk.registry().create_application(r.clone()).await.unwrap_err();
    assert_eq!((missing.code(), reason(&missing).as_str()), (Code::FailedPrecondition, "CONFIRMATION_MISSING"));
    // A signature over another digest does not verify.
    r.confirmations = vec![desk.eds(&guardian, &"0".repeat(64)).await];
    assert_eq!(reason(&desk.registry().create_application(r.clone()).await.unwrap_err()), "SIGNATURE_INVALID");
    r.confirmations = vec![desk.eds(&guardian, &digest).await];
    let metadata = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", guardian.as_str())];
    let app = desk.registry().create_application(with(r, &metadata)).await.unwrap().into_inner().application.unwrap();
    let representative = app.representative.as_ref().unwrap();
    assert_eq!(
        (representative.person.as_ref().unwrap().iin.as_str(), app.applicant.as_ref().unwrap().iin.as_str()),
        (guardian.as_str(), child.as_str())
    );
    assert_eq!(app.confirmations[0].signer_iin, guardian);
    // The representative sees the case in the cabinet; a stranger does not.
    let get = |who: &str| {
        with(
            pb::GetApplicationRequest { name: app.name.clone() },
            &[("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", who)],
        )
    };
    desk.registry().get_application(get(&guardian)).await.unwrap();
    let stranger = desk.registry().get_application(get("791028302728")).await.unwrap_err();
    // Another person's application is answered exactly like a missing one (no enumeration).
    assert_eq!(reason(&stranger), "APPLICATION_NOT_FOUND");
}

impl Desk {
    async fn withdraw(
        &self,
        name: &str,
        who: &[(&'static str, &str)],
        request_id: &str,
    ) -> Result<pb::Application, Status> {
        let r = pb::WithdrawApplicationRequest {
            request_id: request_id.into(),
            name: name.into(),
            reason: "we found a flat to rent".into(),
        };
        Ok(self.registry().withdraw_application(with(r, who)).await?.into_inner().application.unwrap())
    }
}

#[tokio::test]
async fn an_application_not_yet_decided_is_withdrawn_by_its_applicant_and_the_person_may_file_again() {
    let desk = Desk::open(&[]).await;
    let (a, stranger) = (iin("1986-06-06", 1), iin("1986-06-07", 1));
    desk.citizens(&[&a, &stranger]).await;
    desk.at("2026-04-15T10:00").await;
    let mut f = form(&a, pb::EnrolmentCase::EmergencyOnlyDwelling);
    f.documents = vec![document("EXPERT_TECHNICAL_CONCLUSION")];
    let app = desk.file(&f).await.unwrap();
    desk.wait(&app.name, pb::ApplicationStage::UnderReview).await;

    // Another person is answered as if it were missing; an official may see it but not withdraw it.
    let id = uuid::Uuid::new_v4().to_string();
    let stranger_asks = desk.withdraw(&app.name, &desk.portal(&stranger), &id).await.unwrap_err();
    assert_eq!((stranger_asks.code(), reason(&stranger_asks).as_str()), (Code::NotFound, "APPLICATION_NOT_FOUND"));
    let official_asks = desk.withdraw(&app.name, OFFICIAL, &id).await.unwrap_err();
    assert_eq!(reason(&official_asks), "WITHDRAWAL_BY_APPLICANT_ONLY");

    // The applicant withdraws it: the case ends with its event, and the official's task closes.
    let withdrawn = desk.withdraw(&app.name, &desk.portal(&a), &id).await.unwrap();
    assert_eq!(withdrawn.stage, pb::ApplicationStage::Withdrawn as i32);
    assert_eq!(desk.events(&app.name).await, ["ACCEPTED", "UNDER_REVIEW", "WITHDRAWN"]);
    let retried = desk.withdraw(&app.name, &desk.portal(&a), &id).await.unwrap();
    assert_eq!(retried.stage, pb::ApplicationStage::Withdrawn as i32, "a retry gets the first answer");
    let tasks = desk.registry().list_review_tasks(with(pb::ListReviewTasksRequest::default(), OFFICIAL)).await;
    assert!(tasks.unwrap().into_inner().tasks.is_empty(), "no task waits on a withdrawn application");
    let again = desk.withdraw(&app.name, &desk.portal(&a), &uuid::Uuid::new_v4().to_string()).await.unwrap_err();
    assert_eq!((again.code(), reason(&again).as_str()), (Code::FailedPrecondition, "NOT_WITHDRAWABLE"));

    // RR cl. 1: a withdrawn application holds no place: the person files again on the same list.
    let refiled = desk.file(&f).await.unwrap();
    assert_ne!(refiled.name, app.name);
    let decided = desk.review(&desk.wait(&refiled.name, pb::ApplicationStage::UnderReview).await.name, vec![]).await;
    assert_eq!(decided.stage, pb::ApplicationStage::Enrolled as i32);
    // A decided application is not withdrawn (removal from the list is the official's act).
    let late = desk.withdraw(&decided.name, &desk.portal(&a), &uuid::Uuid::new_v4().to_string()).await.unwrap_err();
    assert_eq!(reason(&late), "NOT_WITHDRAWABLE");
}

#[tokio::test]
async fn annex_2_row_5_2_the_official_of_the_jurisdiction_opens_the_expert_conclusion_and_another_cannot() {
    let desk = Desk::open(&[]).await;
    let (a, stranger) = (iin("1987-07-07", 1), iin("1987-07-08", 1));
    desk.citizens(&[&a, &stranger]).await;
    desk.at("2026-04-15T10:00").await;
    let mut f = form(&a, pb::EnrolmentCase::EmergencyOnlyDwelling);
    let conclusion = document("EXPERT_TECHNICAL_CONCLUSION");
    f.documents = vec![conclusion.clone()];
    let app = desk.file(&f).await.unwrap();
    assert_eq!(app.document_kinds, ["EXPERT_TECHNICAL_CONCLUSION"]);
    let name = format!("{}/documents/0", app.name);
    let read = |who: Vec<(&'static str, String)>, name: String| {
        let mut request = tonic::Request::new(pb::GetDocumentRequest { name });
        for (key, value) in who {
            request.metadata_mut().insert(key, value.parse().unwrap());
        }
        let registry = desk.registry();
        async move {
            let mut registry = registry;
            registry.get_document(request).await.map(|r| r.into_inner().document.unwrap())
        }
    };
    let official = |jurisdiction: &str| {
        let mut m: Vec<_> = OFFICIAL.iter().map(|(k, v)| (*k, v.to_string())).collect();
        m.push(("x-official-jurisdiction", jurisdiction.to_owned()));
        m
    };
    let person = |iin: &str| vec![("x-caller-subsystem", "otbasy-portal".to_owned()), ("x-user-iin", iin.to_owned())];

    // The official of Almaty, where the case is decided, opens the document as filed.
    let opened = read(official(ALMATY), name.clone()).await.unwrap();
    assert_eq!(
        (opened.kind.as_str(), &opened.content, &opened.sha256),
        ("EXPERT_TECHNICAL_CONCLUSION", &conclusion.content, &conclusion.sha256)
    );
    // The applicant opens their own.
    assert_eq!(read(person(&a), name.clone()).await.unwrap().content, conclusion.content);
    // An official of Astana and another person are answered as if it were missing.
    let astana = read(official(ASTANA), name.clone()).await.unwrap_err();
    assert_eq!((astana.code(), reason(&astana).as_str()), (Code::NotFound, "APPLICATION_NOT_FOUND"));
    assert_eq!(reason(&read(person(&stranger), name.clone()).await.unwrap_err()), "APPLICATION_NOT_FOUND");
    // A document the case does not have, and a name that is not a document's.
    let none = read(official(ALMATY), format!("{}/documents/3", app.name)).await.unwrap_err();
    assert_eq!(reason(&none), "DOCUMENT_NOT_FOUND");
    let bad = read(official(ALMATY), app.name.clone()).await.unwrap_err();
    assert_eq!((bad.code(), reason(&bad).as_str()), (Code::InvalidArgument, "NAME_INVALID"));
}

#[tokio::test]
async fn a_name_in_kazakh_letters_is_carried_byte_exact_on_the_case_and_its_notice() {
    let desk = Desk::open(&[]).await;
    let a = iin("1988-08-08", 2);
    let person = gw::Person {
        last_name: "Әбдіғұлова-Өңірбаева".into(),
        first_name: "Үміт".into(),
        patronymic: "Қаһарманқызы".into(),
        ..citizen(&a)
    };
    desk.load(gw::LoadRecordsRequest { persons: vec![person], consents: vec![consent(&a)], ..Default::default() })
        .await;
    desk.at("2026-04-15T10:00").await;
    let app = desk.file(&form(&a, pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    let name = "Әбдіғұлова-Өңірбаева Үміт Қаһарманқызы";
    assert_eq!(app.applicant_name.as_bytes(), name.as_bytes(), "the answer carries the register's name");
    assert_eq!(desk.get(&app.name).await.applicant_name, name);

    // The enrolment's notice in the cabinet is addressed to the same name in all three languages.
    let mut texts = None;
    for _ in 0..100 {
        let r = gw::ListNotificationsRequest { recipient: a.clone(), ..Default::default() };
        let path = gw_path("NotificationService/ListNotifications");
        let (page, _) =
            call::<_, gw::ListNotificationsResponse>(&desk.suite.channel, &path, r, &envelope(&a)).await.unwrap();
        texts = page.notifications.into_iter().find(|n| n.case_name == app.name).and_then(|n| n.text);
        if texts.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = texts.expect("the enrolment's notice");
    assert!(text.kk.starts_with(&format!("Құрметті {name}! ")), "{}", text.kk);
    assert!(text.ru.starts_with(&format!("Уважаемый(-ая) {name}! ")), "{}", text.ru);
    assert!(text.en.starts_with(&format!("Dear {name}, ")), "{}", text.en);
}

#[tokio::test]
async fn a_city_3y_lists_of_the_three_cities_ask_three_years_there_elsewhere_registration_in_the_region() {
    let desk = Desk::open(&[]).await;
    let people: Vec<String> = (1..=5).map(|n| iin("1988-08-08", 40 + n)).collect();
    let [newcomer, mover, settled, regional, outsider] = <[String; 5]>::try_from(people.clone()).unwrap();
    let period = |who: &str, kato: &str, from: &str, to: &str| gw::AddressPeriod {
        iin: who.into(),
        kato: kato.into(),
        // Each in a house of their own: nobody settles in with anyone (row 10(3)).
        street: format!("Сарыарқа, үй иесі {who}"),
        building: "3".into(),
        apartment: String::new(),
        from_date: from.into(),
        to_date: to.into(),
    };
    const KARAGANDA: &str = "351010000";
    const KARAGANDA_DISTRICT: &str = "354430000";
    desk.citizens(&people.iter().map(String::as_str).collect::<Vec<_>>()).await;
    desk.load(gw::LoadRecordsRequest {
        addresses: vec![
            // In Astana since 15 April 2023: a day short of three years on 14 April 2026.
            period(&newcomer, ASTANA, "2023-04-15", ""),
            period(&newcomer, KARAGANDA, "2000-01-01", "2023-04-14"),
            // Moved within Astana: the years run on.
            period(&mover, ASTANA, "2025-01-01", ""),
            period(&mover, ASTANA, "2019-05-05", "2024-12-31"),
            period(&settled, ASTANA, "2023-04-14", ""),
            // Elsewhere, registration in the region is enough, however recent.
            period(&regional, KARAGANDA_DISTRICT, "2026-04-01", ""),
            period(&outsider, ASTANA, "2000-01-01", ""),
        ],
        ..Default::default()
    })
    .await;
    desk.at("2026-04-14T10:00").await;
    let in_ = |who: &str, settlement: &'static str| Form { settlement, ..form(who, pb::EnrolmentCase::NoDwelling5y) };

    let app = desk.file(&in_(&newcomer, ASTANA)).await.unwrap();
    assert_eq!(refusal(&app).0, "NONCONFORMING");
    assert_eq!(refusal(&app).2, "CITY_RESIDENCE_UNDER_3Y", "{:?}", app.findings);
    let found = app.findings.iter().find(|f| f.code == "CITY_RESIDENCE_UNDER_3Y").unwrap();
    assert!(found.detail.contains("2023-04-15") && found.refuses, "{found:?}");
    for who in [&mover, &settled] {
        let app = desk.file(&in_(who, ASTANA)).await.unwrap();
        assert_eq!(app.stage, pb::ApplicationStage::Enrolled as i32, "{who}: {:?}", app.findings);
        assert!(app.findings.iter().any(|f| f.code == "REGISTRATION_CONFIRMED"));
    }
    let app = desk.file(&in_(&regional, KARAGANDA)).await.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::Enrolled as i32, "{:?}", app.findings);
    let app = desk.file(&in_(&outsider, KARAGANDA)).await.unwrap();
    assert_eq!(refusal(&app).2, "NOT_REGISTERED_IN_REGION", "{:?}", app.findings);
}

#[tokio::test]
async fn five_hundred_open_watches_do_not_shed_a_single_enrolment_and_the_next_stream_is_shed() {
    // Streams are counted apart from unary calls: with room for eight calls in flight, the
    // watchers would shed every filing if they counted.
    let desk = Desk::open(&[("SHANYRAQ_CALLS_IN_FLIGHT", "8"), ("SHANYRAQ_MAX_STREAMS", "500")]).await;
    let people = kit::iins("1991-02-02", 4);
    desk.citizens(&people.iter().map(String::as_str).collect::<Vec<_>>()).await;
    desk.at("2026-04-17T10:00").await;
    let watched = desk.file(&form(&people[0], pb::EnrolmentCase::NoDwelling5y)).await.unwrap();
    // An HTTP/2 connection carries a bounded number of streams: five connections of 100.
    let mut streams = Vec::new();
    for _ in 0..5 {
        let channel = tonic::transport::Endpoint::from_shared(desk.address()).unwrap().connect().await.unwrap();
        for _ in 0..100 {
            let watch = pb::WatchApplicationRequest { name: watched.name.clone(), after_sequence: 0 };
            let stream = RegistryServiceClient::new(channel.clone()).watch_application(watch).await.unwrap();
            streams.push(stream.into_inner());
        }
    }
    let watch = pb::WatchApplicationRequest { name: watched.name.clone(), after_sequence: 0 };
    let shed = desk.registry().watch_application(watch).await.unwrap_err();
    assert_eq!((shed.code(), reason(&shed).as_str()), (Code::ResourceExhausted, "STREAMS_EXHAUSTED"));
    assert!(shed.get_details_retry_info().is_some(), "a shed stream says when to try again");
    for person in &people[1..] {
        let filed = desk.file(&form(person, pb::EnrolmentCase::NoDwelling5y)).await;
        assert!(filed.is_ok(), "{filed:?}");
    }
    assert_eq!(streams.len(), 500);
}

#[tokio::test]
async fn gateway_reads_that_outlast_the_callers_deadline_leave_the_application_accepted_within_it() {
    let desk = Desk::open(&[("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let a = iin("1994-04-04", 1);
    desk.citizens(&[&a]).await;
    desk.at("2026-04-15T10:00").await;
    // The registers the decision weighs answer in 1.5 s each, the identity and the signature at once.
    slow_registers(&desk, 1500).await;
    let r = desk.signed(&form(&a, pb::EnrolmentCase::NoDwelling5y), &uuid::Uuid::new_v4().to_string()).await.unwrap();
    let mut request = with(r, &desk.portal(&a));
    request.set_timeout(Duration::from_millis(2500));
    let started = std::time::Instant::now();
    let app = desk.registry().create_application(request).await.unwrap().into_inner().application.unwrap();
    // Read two at a time they would take 3 s: the reads are cut and the application kept.
    assert!(started.elapsed() < Duration::from_millis(2500), "answered within the deadline");
    assert_eq!(app.stage, pb::ApplicationStage::Accepted as i32, "kept undecided, not lost");
    desk.clear_faults().await;
    let app = desk.wait(&app.name, pb::ApplicationStage::Enrolled).await;
    assert_eq!(app.queue_position, 1);
}

#[tokio::test]
async fn the_registers_a_decision_weighs_are_read_at_once_not_one_after_another() {
    let desk = Desk::open(&[]).await;
    let a = iin("1994-05-05", 1);
    desk.citizens(&[&a]).await;
    desk.at("2026-04-15T10:00").await;
    slow_registers(&desk, 600).await;
    let r = desk.signed(&form(&a, pb::EnrolmentCase::NoDwelling5y), &uuid::Uuid::new_v4().to_string()).await.unwrap();
    let mut request = with(r, &desk.portal(&a));
    // One after another the five reads take 3 s; at once, two rounds of 0.6 s.
    request.set_timeout(Duration::from_millis(2500));
    let app = desk.registry().create_application(request).await.unwrap().into_inner().application.unwrap();
    assert_eq!(app.stage, pb::ApplicationStage::Enrolled as i32, "decided within the call");
}

/// The registers a decision weighs (family, address, residents, dwellings, social status)
/// answer `millis` late; the identity and the signature's verification at once.
async fn slow_registers(desk: &Desk, millis: i32) {
    for method in [
        "CivilStatusService/GetFamily",
        "IdentityService/GetRegisteredAddress",
        "IdentityService/ListResidents",
        "PropertyService/ListDwellings",
        "SocialStatusService/GetSocialStatus",
    ] {
        let fault = gw::InjectFaultRequest {
            method: gw_path(method),
            kind: gw::FaultKind::Latency as i32,
            latency: Some(prost_types::Duration {
                seconds: i64::from(millis / 1000),
                nanos: (millis % 1000) * 1_000_000,
            }),
            rate_per_mille: 0,
        };
        desk.inject(fault).await;
    }
}

#[tokio::test]
async fn sigkills_under_write_load_lose_no_acknowledged_filing_and_retries_create_nothing() {
    // Three kills in CI; `bench/reliability` asks for ten (docs/RELIABILITY.md).
    let rounds: usize = std::env::var("SHANYRAQ_SIGKILL_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    const PER_ROUND: usize = 24;
    let data_dir = std::env::temp_dir().join(format!("shanyraq-sigkill-{}", uuid::Uuid::new_v4().simple()));
    let mut desk = Desk { suite: crate::helpers::spawn_suite_on_sqlite(data_dir.clone(), &[]).await };
    let people = kit::iins("1992-03-03", rounds * PER_ROUND);
    desk.citizens(&people.iter().map(String::as_str).collect::<Vec<_>>()).await;
    desk.at("2026-04-15T10:00").await;
    let mut requests = Vec::new();
    for person in &people {
        requests.push(
            desk.signed(&form(person, pb::EnrolmentCase::NoDwelling5y), &uuid::Uuid::new_v4().to_string())
                .await
                .unwrap(),
        );
    }
    let mut acknowledged: Vec<(pb::CreateApplicationRequest, String)> = Vec::new();
    for round in requests.chunks(PER_ROUND) {
        // Every filing of the round at once; the process is killed as the first answers arrive.
        let (answered_tx, mut answered) = tokio::sync::mpsc::unbounded_channel();
        let filings: Vec<_> = round
            .iter()
            .cloned()
            .map(|r| {
                let (client, answered_tx) = (desk.registry(), answered_tx.clone());
                let user = r.applicant.as_ref().unwrap().iin.clone();
                tokio::spawn(async move {
                    let metadata = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", user.as_str())];
                    let answer = client.clone().create_application(with(r.clone(), &metadata)).await;
                    let _ = answered_tx.send(());
                    (r, answer.map(|a| a.into_inner().application.unwrap().name))
                })
            })
            .collect();
        for _ in 0..3 {
            answered.recv().await;
        }
        desk.suite.child.kill().unwrap();
        for filing in filings {
            if let (r, Ok(name)) = filing.await.unwrap() {
                acknowledged.push((r, name));
            }
        }
        // The same files, a new process; the old handle must not remove them.
        let mut killed =
            std::mem::replace(&mut desk.suite, crate::helpers::spawn_suite_on_sqlite(data_dir.clone(), &[]).await);
        killed.data_dir = std::path::PathBuf::new();
    }
    eprintln!("{rounds} kills; {} of {} filings answered before a kill", acknowledged.len(), requests.len());
    assert!(acknowledged.len() >= rounds * 3, "some filings were answered before each kill");
    // Every acknowledged filing is there, and its retry gets the first answer back.
    for (r, name) in &acknowledged {
        assert_eq!(&desk.get(name).await.name, name);
        assert_eq!(&desk.send(r.clone()).await.unwrap().name, name, "a retry creates nothing new");
    }
    // Every filing retried (answered or not before the kill) leaves one application a person.
    for r in &requests {
        let first = desk.send(r.clone()).await.unwrap();
        let again = desk.send(r.clone()).await.unwrap();
        assert_eq!(first.name, again.name);
    }
}

#[tokio::test]
async fn with_the_gateway_slow_and_failing_every_filing_is_answered_within_its_deadline_and_none_is_lost() {
    let desk = Desk::open(&[("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let people = kit::iins("1993-06-06", 8);
    desk.citizens(&people.iter().map(String::as_str).collect::<Vec<_>>()).await;
    desk.at("2026-04-15T10:00").await;
    let mut requests = Vec::new();
    for person in &people {
        requests.push(
            desk.signed(&form(person, pb::EnrolmentCase::NoDwelling5y), &uuid::Uuid::new_v4().to_string())
                .await
                .unwrap(),
        );
    }
    // Every register the filing reads answers in 2 s, and three calls in ten fail UNAVAILABLE.
    for method in [
        "IdentityService/GetPerson",
        "IdentityService/GetRegisteredAddress",
        "IdentityService/ListResidents",
        "CivilStatusService/GetFamily",
        "PropertyService/ListDwellings",
        "SocialStatusService/GetSocialStatus",
        "SignatureService/VerifySignature",
    ] {
        for (kind, latency, rate_per_mille) in [
            (gw::FaultKind::Latency, Some(prost_types::Duration { seconds: 2, nanos: 0 }), 0),
            (gw::FaultKind::Unavailable, None, 300),
        ] {
            let fault = gw::InjectFaultRequest { method: gw_path(method), kind: kind as i32, latency, rate_per_mille };
            desk.inject(fault).await;
        }
    }
    let filings: Vec<_> = requests
        .iter()
        .cloned()
        .map(|r| {
            let client = desk.registry();
            let user = r.applicant.as_ref().unwrap().iin.clone();
            tokio::spawn(async move {
                let metadata = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", user.as_str())];
                let mut request = with(r, &metadata);
                request.set_timeout(Duration::from_secs(5));
                let started = std::time::Instant::now();
                let answer = client.clone().create_application(request).await;
                (started.elapsed(), answer)
            })
        })
        .collect();
    let mut accepted = Vec::new();
    for filing in filings {
        let (took, answer) = filing.await.unwrap();
        assert!(took < Duration::from_millis(5300), "answered within its deadline: {took:?}");
        match answer {
            Ok(a) => accepted.push(a.into_inner().application.unwrap().name),
            Err(status) => assert!(!status.details().is_empty(), "a typed error: {status:?}"),
        }
    }
    eprintln!("{} of {} filings accepted under the faults", accepted.len(), requests.len());
    assert!(!accepted.is_empty(), "with the reads at once, filings get through a slow gateway");
    desk.clear_faults().await;
    // Every filing answered OK is decided once the gateway answers again ...
    for name in &accepted {
        desk.wait(name, pb::ApplicationStage::Enrolled).await;
    }
    // ... and every filing, retried under its request id, is there once.
    for r in &requests {
        let first = desk.send(r.clone()).await.unwrap();
        assert_eq!(desk.send(r.clone()).await.unwrap().name, first.name);
    }
}
