//! Personal data shown only to whom it belongs (`casework::access`), tested in `prod` with
//! proven callers and tokens: the cases are made first by a `dev` suite on the same data (in
//! `prod` nothing can sign or move the clock), then the same data is served by a `prod` suite in
//! `mtls` and asked by citizens, a representative, officials, a portal and the complaints
//! service.

use proto::egov::gateway::v1 as gw;
use proto::housing::registry::v1 as pb;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use crate::helpers::{call, spawn_suite};
use crate::identity::{Pki, bearer, reason};
use crate::kit;

const ALMATY: &str = "751110000";
const ASTANA: &str = "711210000";

async fn get(ch: &Channel, name: &str, token: &str) -> Result<pb::Application, tonic::Status> {
    let request = pb::GetApplicationRequest { name: name.into() };
    let (r, _) = call::<_, pb::GetApplicationResponse>(
        ch,
        "/kz.housing.registry.v1.RegistryService/GetApplication",
        request,
        &[("authorization", bearer(token))],
    )
    .await?;
    Ok(r.application.unwrap_or_default())
}

#[tokio::test]
async fn each_record_is_shown_only_to_whom_it_belongs_in_prod_with_tokens() {
    let pki = Pki::with(&["otbasy-portal", "egov-portal", "contact-centre"]);
    let data = std::env::temp_dir().join(format!("shanyraq-records-{}", uuid::Uuid::new_v4().simple()));
    let data_dir = data.to_string_lossy().to_string();
    let prefix = format!("bb{}_", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let same_data = [("SHANYRAQ_DATA_DIR", data_dir.as_str()), ("SHANYRAQ_DB_SCHEMA_PREFIX", prefix.as_str())];

    // Made in the dev profile: A and C on Almaty's list, B on Astana's, D refused (no consent).
    let (a, b, c, d) =
        (kit::iin("1988-01-01", 3), kit::iin("1988-02-02", 3), kit::iin("1988-03-03", 3), kit::iin("1988-04-04", 3));
    let (app_a, app_b, app_c, app_d) = {
        let dev = spawn_suite(&same_data).await;
        let ch = &dev.channel;
        kit::load(
            ch,
            gw::LoadRecordsRequest {
                persons: [&a, &b, &c, &d].iter().map(|p| kit::citizen(p)).collect(),
                consents: [&a, &b, &c].iter().map(|p| kit::consent(p, "registry")).collect(),
                ..Default::default()
            },
        )
        .await;
        kit::at(ch, "2026-04-15T10:00").await;
        let made = (
            kit::enrol(ch, &a, ALMATY).await,
            kit::enrol(ch, &b, ASTANA).await,
            kit::enrol(ch, &c, ALMATY).await,
            kit::enrol(ch, &d, ALMATY).await,
        );
        assert_eq!(made.0.stage, pb::ApplicationStage::Enrolled as i32);
        assert_eq!(made.3.stage, pb::ApplicationStage::Refused as i32);
        made
    };

    let prod = pki.spawn(&same_data).await;
    let portal = pki.channel(&prod, "otbasy-portal");
    let citizen = |who: &str| pki.token(|t| t.sub = who.to_owned());
    let official = |jurisdiction: &str| {
        let j = jurisdiction.to_owned();
        pki.token(move |t| {
            t.sub = "official-7".into();
            t.role = Some("otbasy-official".into());
            t.jurisdiction = Some(j);
        })
    };

    // Citizen A sees A's case; B's case and a missing one answer alike. The prod suite names
    // records with opaque tokens, and the numbers handed out before keep resolving.
    let opaque = get(&portal, &app_a.name, &citizen(&a)).await.unwrap().name;
    assert!(opaque.starts_with("registry/applications/") && opaque != app_a.name, "{opaque}");
    assert_eq!(opaque.rsplit('/').next().unwrap().len(), 16);
    assert_eq!(get(&portal, &opaque, &citizen(&a)).await.unwrap().name, opaque);
    let hidden = get(&portal, &app_b.name, &citizen(&a)).await.unwrap_err();
    let missing = get(&portal, "registry/applications/987654", &citizen(&a)).await.unwrap_err();
    assert_eq!((hidden.code(), reason(&hidden)), (missing.code(), reason(&missing)));
    assert_eq!((hidden.code(), reason(&hidden).as_str()), (Code::NotFound, "APPLICATION_NOT_FOUND"));
    for status in [&hidden, &missing] {
        let token = status.message().strip_prefix("no application registry/applications/").unwrap_or_default();
        assert!(token.len() == 16 && token.bytes().all(|b| b.is_ascii_hexdigit()), "{}", status.message());
    }
    // A watches A's case and not B's.
    let mut watch = tonic::Request::new(pb::WatchApplicationRequest { name: app_b.name.clone(), after_sequence: 0 });
    watch.metadata_mut().insert("authorization", bearer(&citizen(&a)).parse().unwrap());
    let refused = RegistryServiceClient::new(portal.clone()).watch_application(watch).await.unwrap_err();
    assert_eq!(reason(&refused), "APPLICATION_NOT_FOUND");
    // "My applications": A lists A's only.
    let (mine, _) = call::<_, pb::ListApplicationsResponse>(
        &portal,
        "/kz.housing.registry.v1.RegistryService/ListApplications",
        pb::ListApplicationsRequest::default(),
        &[("authorization", bearer(&citizen(&a)))],
    )
    .await
    .unwrap();
    assert_eq!(mine.applications.iter().map(|x| x.name.clone()).collect::<Vec<_>>(), vec![opaque.clone()]);
    // A representative acting for A (token `act.sub`) sees A's case.
    let representative = pki.token(|t| {
        t.sub = b.clone();
        t.act = Some(a.clone());
        t.rep_basis = Some("power of attorney No. 5".into());
    });
    assert_eq!(get(&portal, &app_a.name, &representative).await.unwrap().name, opaque);

    // The waiting list of Almaty as a portal shows A's own entry whole and C masked; an
    // official of Almaty sees both whole.
    let queue = |token: String| {
        let portal = portal.clone();
        async move {
            let request = pb::ListQueueRequest {
                settlement_kato: ALMATY.into(),
                list_category: "GENERAL".into(),
                ..Default::default()
            };
            call::<_, pb::ListQueueResponse>(
                &portal,
                "/kz.housing.registry.v1.RegistryService/ListQueue",
                request,
                &[("authorization", bearer(&token))],
            )
            .await
            .unwrap()
            .0
            .entries
        }
    };
    let seen: Vec<(String, String)> =
        queue(citizen(&a)).await.into_iter().map(|e| (e.person.unwrap().iin, e.application)).collect();
    assert_eq!(
        seen,
        vec![(a.clone(), opaque.clone()), (kit::iin("1988-03-03", 3)[..6].to_owned() + "******", String::new())]
    );
    let whole: Vec<String> = queue(official(ALMATY)).await.into_iter().map(|e| e.person.unwrap().iin).collect();
    assert_eq!(whole, vec![a.clone(), c.clone()]);
    // Someone else's standing is answered as if they were on no list.
    let standing = call::<_, pb::GetQueueStandingResponse>(
        &portal,
        "/kz.housing.registry.v1.RegistryService/GetQueueStanding",
        pb::GetQueueStandingRequest { iin: c.clone() },
        &[("authorization", bearer(&citizen(&a)))],
    )
    .await
    .unwrap()
    .0;
    assert!(standing.entries.is_empty());

    // Officials: inside their jurisdiction only; a removal as dead needs the death on record.
    let remove = |name: &str, ground: pb::RemovalGround, token: String| {
        let (portal, name) = (portal.clone(), name.to_owned());
        async move {
            let request = pb::RemoveFromQueueRequest {
                request_id: uuid::Uuid::new_v4().to_string(),
                name,
                ground: ground as i32,
                reason: "a test of the rules".into(),
            };
            call::<_, pb::RemoveFromQueueResponse>(
                &portal,
                "/kz.housing.registry.v1.RegistryService/RemoveFromQueue",
                request,
                &[("authorization", bearer(&token))],
            )
            .await
        }
    };
    let elsewhere = remove(&app_b.name, pb::RemovalGround::OwnRequest, official(ALMATY)).await.unwrap_err();
    assert_eq!(reason(&elsewhere), "APPLICATION_NOT_FOUND", "B's case is Astana's");
    let alive = remove(&app_c.name, pb::RemovalGround::Death, official(ALMATY)).await.unwrap_err();
    assert_eq!((alive.code(), reason(&alive).as_str()), (Code::FailedPrecondition, "DEATH_NOT_RECORDED"));
    let still = get(&portal, &app_c.name, &official(ALMATY)).await.unwrap();
    assert_eq!(still.stage, pb::ApplicationStage::Enrolled as i32, "C stays on the list");
    let no_jurisdiction = pki.token(|t| {
        t.sub = "official-8".into();
        t.role = Some("otbasy-official".into());
    });
    assert_eq!(reason(&get(&portal, &app_a.name, &no_jurisdiction).await.unwrap_err()), "TOKEN_CLAIM_INVALID");

    // A reopening on a fabricated complaint, asked by the complaints service itself.
    let reconsider = pb::ReconsiderApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: app_d.name.clone(),
        stage: pb::ApplicationStage::Accepted as i32,
        complaint: "complaints/complaints/424242".into(),
        reason: "fabricated".into(),
    };
    let fabricated = call::<_, pb::ReconsiderApplicationResponse>(
        &pki.channel(&prod, "complaints"),
        "/kz.housing.registry.v1.RegistryService/ReconsiderApplication",
        reconsider,
        &[],
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&fabricated), "COMPLAINT_NOT_UPHELD");
    assert_eq!(get(&portal, &app_d.name, &citizen(&d)).await.unwrap().stage, pb::ApplicationStage::Refused as i32);

    // The gateway: a portal reads its own user's notifications only.
    let egov = pki.channel(&prod, "egov-portal");
    let envelope = |user: &str| {
        vec![
            ("x-egov-client", "egov-portal".to_owned()),
            ("x-egov-message-id", uuid::Uuid::new_v4().to_string()),
            ("x-egov-user-iin", user.to_owned()),
            ("x-egov-case", "portal/notifications".to_owned()),
            ("x-egov-purpose", "the cabinet".to_owned()),
            (
                "authorization",
                bearer(&pki.token(|t| {
                    t.sub = user.to_owned();
                    t.aud = "gateway".into();
                })),
            ),
        ]
    };
    let list = "/kz.egov.gateway.v1.NotificationService/ListNotifications";
    let own = gw::ListNotificationsRequest { recipient: a.clone(), ..Default::default() };
    let (notices, _) = call::<_, gw::ListNotificationsResponse>(&egov, list, own, &envelope(&a)).await.unwrap();
    assert!(!notices.notifications.is_empty(), "A's enrolment notice");
    let others = gw::ListNotificationsRequest { recipient: c.clone(), ..Default::default() };
    let status = call::<_, gw::ListNotificationsResponse>(&egov, list, others, &envelope(&a)).await.unwrap_err();
    assert_eq!(reason(&status), "NOT_THE_USER");

    // The contact centre sees A's case only with A on the line, and the read goes into A's
    // processing log.
    let centre = pki.channel(&prod, "contact-centre");
    let operator = |on_the_line: Option<&str>| {
        let person = on_the_line.map(str::to_owned);
        pki.token(move |t| {
            t.sub = "operator-14".into();
            t.role = Some("contact-centre-operator".into());
            t.jurisdiction = Some("1414".into());
            t.act = person;
        })
    };
    assert_eq!(reason(&get(&centre, &app_a.name, &operator(None)).await.unwrap_err()), "APPLICATION_NOT_FOUND");
    assert_eq!(reason(&get(&centre, &app_a.name, &operator(Some(&c))).await.unwrap_err()), "APPLICATION_NOT_FOUND");
    assert_eq!(get(&centre, &app_a.name, &operator(Some(&a))).await.unwrap().name, opaque);
    let log = "/kz.egov.gateway.v1.AuditService/ListProcessingLog";
    let mut logged = Vec::new();
    for _ in 0..100 {
        let request = gw::ListProcessingLogRequest { iin: a.clone(), ..Default::default() };
        let (page, _) = call::<_, gw::ListProcessingLogResponse>(&egov, log, request, &envelope(&a)).await.unwrap();
        logged = page.entries.into_iter().filter(|e| e.method.ends_with("RecordDisclosure")).collect();
        if !logged.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let entry = logged.first().expect("the contact centre's read is in A's processing log");
    assert_eq!((entry.client.as_str(), entry.case_name.as_str()), ("registry", opaque.as_str()));
    assert!(entry.purpose.contains("contact-centre") && entry.purpose.contains("operator-14"), "{entry:?}");
    drop(prod);
    let _ = std::fs::remove_dir_all(data);
}
