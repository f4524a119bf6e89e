//! The gateway's exchange services through gRPC: consent, signatures, one-time passwords,
//! notifications and monitoring (delivered twice, stored once), the evidence chain (and a record
//! changed behind its back), the processing log, and every injected fault.

use std::time::{Duration, Instant};

use proto::egov::gateway::v1 as pb;
use proto::housing::common::v1::LocalizedText;
use proto::housing::ops::v1 as ops;
use tonic_types::StatusExt;

use crate::helpers::{Suite, call, spawn_suite};

const GW: &str = "/kz.egov.gateway.v1.";
const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn path(method: &str) -> String {
    format!("{GW}{method}")
}

fn envelope(client: &str, user: &str, message_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("x-egov-client", client.to_owned()),
        ("x-egov-message-id", message_id.to_owned()),
        ("x-egov-user-iin", user.to_owned()),
        ("x-egov-case", "registry/applications/9".to_owned()),
        ("x-egov-purpose", "Annex 2 row 9".to_owned()),
    ]
}

fn fresh() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn reason(status: &tonic::Status) -> String {
    status.get_error_details().error_info().map(|i| i.reason.clone()).unwrap_or_default()
}

const PERSON: &str = "791028302728";

/// A person with a phone and a dwelling, and no consent on record.
async fn person(suite: &Suite) {
    let request = pb::LoadRecordsRequest {
        persons: vec![pb::Person {
            iin: PERSON.into(),
            last_name: "Қасымов".into(),
            first_name: "Қайрат".into(),
            citizenship: pb::Citizenship::Kazakhstan as i32,
            phone: "+77071234567".into(),
            ..Default::default()
        }],
        dwellings: vec![pb::Dwelling {
            cadastral_number: "01:000000009".into(),
            kato: "711210000".into(),
            address_line: "Абай даңғылы, 9".into(),
            area_m2_tenths: 600,
            ..Default::default()
        }],
        ownerships: vec![pb::Ownership {
            cadastral_number: "01:000000009".into(),
            iin: PERSON.into(),
            acquired_on: "2020-01-01".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    call::<_, pb::LoadRecordsResponse>(&suite.channel, &path("AdminService/LoadRecords"), request, &[]).await.unwrap();
}

async fn dwellings(suite: &Suite) -> Result<pb::ListDwellingsResponse, tonic::Status> {
    call::<_, pb::ListDwellingsResponse>(
        &suite.channel,
        &path("PropertyService/ListDwellings"),
        pb::ListDwellingsRequest { iin: PERSON.into(), as_of: "2026-04-15".into() },
        &envelope("registry", PERSON, &fresh()),
    )
    .await
    .map(|(r, _)| r)
}

async fn consent(suite: &Suite, give: bool) {
    let metadata = envelope("egov-portal", PERSON, &fresh());
    if give {
        let (r, _) = call::<_, pb::RecordConsentResponse>(
            &suite.channel,
            &path("ConsentService/RecordConsent"),
            pb::RecordConsentRequest { iin: PERSON.into(), purpose: "registry".into() },
            &metadata,
        )
        .await
        .unwrap();
        assert!(r.consent.unwrap().withdrawn_time.is_none());
    } else {
        let (r, _) = call::<_, pb::WithdrawConsentResponse>(
            &suite.channel,
            &path("ConsentService/WithdrawConsent"),
            pb::WithdrawConsentRequest { iin: PERSON.into(), purpose: "registry".into() },
            &metadata,
        )
        .await
        .unwrap();
        assert!(r.consent.unwrap().withdrawn_time.is_some());
    }
}

#[tokio::test]
async fn restricted_data_need_consent_missing_given_withdrawn_personal_data_law_art8() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    let missing = dwellings(&suite).await.unwrap_err();
    assert_eq!((missing.code(), reason(&missing).as_str()), (tonic::Code::FailedPrecondition, "CONSENT_MISSING"));
    assert_eq!(missing.get_error_details().error_info().unwrap().metadata["iin"], PERSON, "names whose consent");
    assert_eq!(missing.get_error_details().precondition_failure().unwrap().violations[0].subject, PERSON);
    // Identity is not restricted ([A-RESTRICTED]): no consent needed.
    let (who, _) = call::<_, pb::GetPersonResponse>(
        &suite.channel,
        &path("IdentityService/GetPerson"),
        pb::GetPersonRequest { iin: PERSON.into() },
        &envelope("registry", PERSON, &fresh()),
    )
    .await
    .unwrap();
    assert_eq!(who.person.unwrap().first_name, "Қайрат");

    consent(&suite, true).await;
    assert_eq!(dwellings(&suite).await.unwrap().dwellings.len(), 1);
    let (check, _) = call::<_, pb::CheckConsentResponse>(
        &suite.channel,
        &path("ConsentService/CheckConsent"),
        pb::CheckConsentRequest { iin: PERSON.into(), purpose: "registry".into() },
        &envelope("registry", PERSON, &fresh()),
    )
    .await
    .unwrap();
    assert!(check.granted);

    consent(&suite, false).await;
    assert_eq!(reason(&dwellings(&suite).await.unwrap_err()), "CONSENT_MISSING");
}

async fn sign(suite: &Suite, digest: &str) -> pb::SignDigestResponse {
    call::<_, pb::SignDigestResponse>(
        &suite.channel,
        &path("SignatureService/SignDigest"),
        pb::SignDigestRequest { iin: PERSON.into(), digest: digest.into() },
        &envelope("dev", PERSON, &fresh()),
    )
    .await
    .unwrap()
    .0
}

async fn verify(suite: &Suite, signed: &pb::SignDigestResponse, digest: &str) -> pb::VerifySignatureResponse {
    call::<_, pb::VerifySignatureResponse>(
        &suite.channel,
        &path("SignatureService/VerifySignature"),
        pb::VerifySignatureRequest {
            certificate: signed.certificate.clone(),
            signature: signed.signature.clone(),
            digest: digest.into(),
        },
        &envelope("registry", PERSON, &fresh()),
    )
    .await
    .unwrap()
    .0
}

#[tokio::test]
async fn a_signature_round_trip_a_tampered_document_a_revoked_and_an_expired_certificate() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    let signed = sign(&suite, DIGEST).await;
    let valid = verify(&suite, &signed, DIGEST).await;
    assert_eq!(valid.result(), pb::VerificationResult::Valid);
    assert_eq!(valid.signer_iin, PERSON);
    assert!(valid.verified_time.is_some(), "every verification is time-stamped");

    let tampered = DIGEST.replace('9', "8");
    assert_eq!(verify(&suite, &signed, &tampered).await.result(), pb::VerificationResult::InvalidSignature);
    let stranger = pb::SignDigestResponse { certificate: b"not ours".to_vec(), signature: signed.signature.clone() };
    assert_eq!(verify(&suite, &stranger, DIGEST).await.result(), pb::VerificationResult::Unknown);

    call::<_, pb::RevokeCertificateResponse>(
        &suite.channel,
        &path("SignatureService/RevokeCertificate"),
        pb::RevokeCertificateRequest { serial: valid.serial.clone(), reason: "key compromised".into() },
        &envelope("egov-portal", PERSON, &fresh()),
    )
    .await
    .unwrap();
    assert_eq!(verify(&suite, &signed, DIGEST).await.result(), pb::VerificationResult::Revoked);
    let (list, _) = call::<_, pb::ListRevokedCertificatesResponse>(
        &suite.channel,
        &path("SignatureService/ListRevokedCertificates"),
        pb::ListRevokedCertificatesRequest {},
        &[],
    )
    .await
    .unwrap();
    assert!(list.revoked.iter().any(|r| r.serial == valid.serial));

    // A new certificate, then a year and a day later: expired.
    let renewed = sign(&suite, DIGEST).await;
    assert_eq!(verify(&suite, &renewed, DIGEST).await.result(), pb::VerificationResult::Valid);
    let mut clock = ops::clock_service_client::ClockServiceClient::new(suite.channel.clone());
    clock
        .advance_time(ops::AdvanceTimeRequest { by: Some(prost_types::Duration { seconds: 366 * 86_400, nanos: 0 }) })
        .await
        .unwrap();
    assert_eq!(verify(&suite, &renewed, DIGEST).await.result(), pb::VerificationResult::Expired);
}

/// `openssl cms -verify` runs over `content` with `signature` and the root in `dir`.
pub(crate) fn openssl_verifies(dir: &std::path::Path, content: &[u8], signature: &[u8], root_pem: &str) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("content.bin"), content).unwrap();
    std::fs::write(dir.join("signature.p7s"), signature).unwrap();
    std::fs::write(dir.join("root.pem"), root_pem).unwrap();
    std::process::Command::new("openssl")
        .args(["cms", "-verify", "-binary", "-inform", "DER", "-out", "/dev/null", "-in"])
        .arg(dir.join("signature.p7s"))
        .arg("-content")
        .arg(dir.join("content.bin"))
        .arg("-CAfile")
        .arg(dir.join("root.pem"))
        // the suite's clock, not the machine's, dates the certificates
        .arg("-no_check_time")
        // a refusal is expected of altered content: its message is not the test's output
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the openssl command")
        .success()
}

#[tokio::test]
async fn an_applicants_signature_is_x509_and_cms_that_openssl_verifies_with_the_published_root() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    // DIGEST is the SHA-256 of "test": the content an applicant's client signed.
    let signed = sign(&suite, DIGEST).await;
    let (root, _) = call::<_, pb::GetAuthorityCertificateResponse>(
        &suite.channel,
        &path("SignatureService/GetAuthorityCertificate"),
        pb::GetAuthorityCertificateRequest {},
        &envelope("egov-portal", PERSON, &fresh()),
    )
    .await
    .unwrap();
    assert!(root.certificate_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let dir = std::env::temp_dir().join(format!("gateway-cms-{}", uuid::Uuid::new_v4()));
    assert!(openssl_verifies(&dir, b"test", &signed.signature, &root.certificate_pem), "openssl refused");
    assert!(!openssl_verifies(&dir, b"tesT", &signed.signature, &root.certificate_pem), "openssl took altered content");
    std::fs::remove_dir_all(&dir).ok();
    // The certificate field may be left out: the signature carries it.
    let bare = pb::SignDigestResponse { certificate: Vec::new(), signature: signed.signature.clone() };
    assert_eq!(verify(&suite, &bare, DIGEST).await.result(), pb::VerificationResult::Valid);

    let refused = call::<_, pb::IssueOrganizationCertificateResponse>(
        &suite.channel,
        &path("SignatureService/IssueOrganizationCertificate"),
        pb::IssueOrganizationCertificateRequest {
            bin: "000740001307".into(),
            organization_name: "Otbasy bank".into(),
            public_key: vec![4; 65],
        },
        &envelope("registry", PERSON, &fresh()),
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&refused), "PUBLIC_KEY_INVALID");
}

async fn issue_otp(suite: &Suite) -> String {
    call::<_, pb::IssueOtpResponse>(
        &suite.channel,
        &path("OtpService/IssueOtp"),
        pb::IssueOtpRequest { iin: PERSON.into(), digest: DIGEST.into() },
        &envelope("egov-portal", PERSON, &fresh()),
    )
    .await
    .unwrap();
    call::<_, pb::GetIssuedOtpResponse>(
        &suite.channel,
        &path("AdminService/GetIssuedOtp"),
        pb::GetIssuedOtpRequest { iin: PERSON.into(), digest: DIGEST.into() },
        &[],
    )
    .await
    .unwrap()
    .0
    .code
}

async fn verify_otp(suite: &Suite, code: &str) -> pb::VerifyOtpResponse {
    call::<_, pb::VerifyOtpResponse>(
        &suite.channel,
        &path("OtpService/VerifyOtp"),
        pb::VerifyOtpRequest { iin: PERSON.into(), digest: DIGEST.into(), code: code.into() },
        &envelope("registry", PERSON, &fresh()),
    )
    .await
    .unwrap()
    .0
}

fn wrong(code: &str) -> String {
    let last = code.chars().last().and_then(|c| c.to_digit(10)).unwrap();
    format!("{}{}", &code[..5], (last + 1) % 10)
}

#[tokio::test]
async fn one_time_passwords_expire_count_attempts_and_are_used_once() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    let code = issue_otp(&suite).await;
    assert_eq!(code.len(), 6);
    let miss = verify_otp(&suite, &wrong(&code)).await;
    assert_eq!((miss.result(), miss.attempts_left), (pb::OtpResult::WrongCode, 2));
    assert_eq!(verify_otp(&suite, &code).await.result(), pb::OtpResult::Valid);
    assert_eq!(verify_otp(&suite, &code).await.result(), pb::OtpResult::Used, "single use");

    let code = issue_otp(&suite).await;
    for _ in 0..3 {
        assert_eq!(verify_otp(&suite, &wrong(&code)).await.result(), pb::OtpResult::WrongCode);
    }
    assert_eq!(verify_otp(&suite, &code).await.result(), pb::OtpResult::AttemptsExhausted);

    let code = issue_otp(&suite).await;
    let mut clock = ops::clock_service_client::ClockServiceClient::new(suite.channel.clone());
    clock
        .advance_time(ops::AdvanceTimeRequest { by: Some(prost_types::Duration { seconds: 6 * 60, nanos: 0 }) })
        .await
        .unwrap();
    assert_eq!(verify_otp(&suite, &code).await.result(), pb::OtpResult::Expired);
}

#[tokio::test]
async fn a_notification_and_a_stage_report_delivered_twice_are_stored_once_and_a_reused_message_id_is_refused() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    let message_id = fresh();
    let mut delivery = envelope("registry", PERSON, &message_id);
    delivery.retain(|(k, _)| *k != "x-egov-user-iin");
    let send_path = path("NotificationService/SendNotification");
    let send = || {
        call::<_, pb::SendNotificationResponse>(
            &suite.channel,
            &send_path,
            pb::SendNotificationRequest {
                recipient: "CONTACT_CENTRE".into(),
                channel: pb::NotificationChannel::Paper as i32,
                text: Some(LocalizedText {
                    kk: "Тәртіп өзгерді".into(),
                    ru: "Порядок изменён".into(),
                    en: "The procedure changed".into(),
                }),
                case_name: "registry/procedure".into(),
            },
            &delivery,
        )
    };
    let (first, _) = send().await.unwrap();
    let (again, _) = send().await.unwrap();
    assert!(!first.duplicate && again.duplicate);
    // Another payload under the same message id is refused, not dropped as a duplicate.
    let reused = call::<_, pb::SendNotificationResponse>(
        &suite.channel,
        &send_path,
        pb::SendNotificationRequest {
            recipient: "CONTACT_CENTRE".into(),
            channel: pb::NotificationChannel::Paper as i32,
            text: Some(LocalizedText { kk: "Басқа".into(), ru: "Другое".into(), en: "Another".into() }),
            case_name: "registry/procedure".into(),
        },
        &delivery,
    )
    .await
    .unwrap_err();
    assert_eq!((reused.code(), reason(&reused).as_str()), (tonic::Code::AlreadyExists, "MESSAGE_ID_REUSED"));
    assert_eq!(first.notification.as_ref().unwrap().id, again.notification.as_ref().unwrap().id);
    let (listed, _) = call::<_, pb::ListNotificationsResponse>(
        &suite.channel,
        &path("NotificationService/ListNotifications"),
        pb::ListNotificationsRequest { recipient: "CONTACT_CENTRE".into(), ..Default::default() },
        &envelope("contact-centre", PERSON, &fresh()),
    )
    .await
    .unwrap();
    // Only this one under its case (the registry's notices of this order's standard go to the
    // contact centre too).
    let ours: Vec<_> = listed.notifications.iter().filter(|n| n.case_name == "registry/procedure").collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].text.as_ref().unwrap().kk, "Тәртіп өзгерді");

    // A message id names one message of its sender, whatever the method: the report has its own.
    let mut delivery = envelope("registry", PERSON, &fresh());
    delivery.retain(|(k, _)| *k != "x-egov-user-iin");
    let report_path = path("MonitoringService/ReportStage");
    let report = || {
        call::<_, pb::ReportStageResponse>(
            &suite.channel,
            &report_path,
            pb::ReportStageRequest {
                service: "registry".into(),
                case_name: "registry/applications/9".into(),
                stage: "ACCEPTED".into(),
                occurred_time: Some(prost_types::Timestamp { seconds: 1_775_000_000, nanos: 0 }),
                channel: "otbasybank.kz".into(),
                due_date: "2026-04-08".into(),
                ..Default::default()
            },
            &delivery,
        )
    };
    let (first, _) = report().await.unwrap();
    let (again, _) = report().await.unwrap();
    assert!(!first.duplicate && again.duplicate);
    let reused = call::<_, pb::ReportStageResponse>(
        &suite.channel,
        &report_path,
        pb::ReportStageRequest {
            service: "registry".into(),
            case_name: "registry/applications/9".into(),
            stage: "ENROLLED".into(),
            occurred_time: Some(prost_types::Timestamp { seconds: 1_775_000_000, nanos: 0 }),
            channel: "otbasybank.kz".into(),
            ..Default::default()
        },
        &delivery,
    )
    .await
    .unwrap_err();
    assert_eq!((reused.code(), reason(&reused).as_str()), (tonic::Code::AlreadyExists, "MESSAGE_ID_REUSED"));
    let (reports, _) = call::<_, pb::ListStageReportsResponse>(
        &suite.channel,
        &path("MonitoringService/ListStageReports"),
        pb::ListStageReportsRequest { case_name: "registry/applications/9".into(), ..Default::default() },
        &envelope("registry", PERSON, &fresh()),
    )
    .await
    .unwrap();
    assert_eq!(reports.reports.len(), 1);
    assert_eq!(reports.reports[0].channel, "otbasybank.kz");
}

async fn verify_chain(suite: &Suite) -> pb::VerifyEvidenceChainResponse {
    call::<_, pb::VerifyEvidenceChainResponse>(
        &suite.channel,
        &path("AuditService/VerifyEvidenceChain"),
        pb::VerifyEvidenceChainRequest {},
        &[],
    )
    .await
    .unwrap()
    .0
}

/// Changes one evidence record directly in the gateway's database.
async fn tamper(suite: &Suite, sequence: i64) {
    let sql = "UPDATE evidence SET client = 'forged' WHERE sequence = $1";
    match &suite.postgres {
        Some((url, prefix)) => {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let sql = format!("UPDATE {prefix}egov_gateway.evidence SET client = 'forged' WHERE sequence = $1");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(sequence).execute(&mut c).await.unwrap();
        }
        None => {
            use sqlx::Connection;
            let file = suite.data_dir.join("egov-gateway.db");
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await.unwrap();
            sqlx::query(sql).bind(sequence).execute(&mut c).await.unwrap();
        }
    }
}

#[tokio::test]
async fn the_evidence_chain_verifies_and_a_changed_record_is_found_and_reads_are_logged() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    // The four services' seals are certified at start, and the registry's two notices of this
    // order's standard delivered (RR cl. 2), each an exchange of its own: counted from there.
    let mut base = verify_chain(&suite).await.entries;
    for _ in 0..100 {
        if base >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        base = verify_chain(&suite).await.entries;
    }
    assert_eq!(base, 6, "one certification per service and the two notices");
    // A refused exchange is evidence too.
    assert_eq!(reason(&dwellings(&suite).await.unwrap_err()), "CONSENT_MISSING");
    let after_refusal = verify_chain(&suite).await.entries;
    assert_eq!(after_refusal, base + 1);
    consent(&suite, true).await;
    for _ in 0..3 {
        dwellings(&suite).await.unwrap();
    }
    let sound = verify_chain(&suite).await;
    assert!(sound.valid, "{}", sound.problem);
    assert_eq!(sound.entries, base + 5, "the refusal, the consent and three reads");
    assert!(sound.signatures >= 1);

    // Free text in Kazakh travels percent-encoded and is logged as the text it stands for.
    let mut kazakh = envelope("registry", PERSON, &fresh());
    kazakh[4].1 = "%D0%B5%D1%81%D0%B5%D0%BF%D0%BA%D0%B5%20%D2%9B%D0%BE%D1%8E".into(); // "есепке қою"
    call::<_, pb::ListDwellingsResponse>(
        &suite.channel,
        &path("PropertyService/ListDwellings"),
        pb::ListDwellingsRequest { iin: PERSON.into(), as_of: "2026-04-15".into() },
        &kazakh,
    )
    .await
    .unwrap();
    let (log, _) = call::<_, pb::ListProcessingLogResponse>(
        &suite.channel,
        &path("AuditService/ListProcessingLog"),
        pb::ListProcessingLogRequest { iin: PERSON.into(), ..Default::default() },
        &envelope("egov-portal", PERSON, &fresh()),
    )
    .await
    .unwrap();
    assert_eq!(log.entries[0].purpose, "есепке қою");
    let read = log
        .entries
        .iter()
        .find(|e| e.client == "registry" && e.purpose == "Annex 2 row 9")
        .expect("the registry's read is logged");
    assert_eq!(read.case_name, "registry/applications/9");
    assert_eq!(read.purpose, "Annex 2 row 9");
    assert_eq!(read.fields, ["property.dwellings"]);

    let (key, _) = call::<_, pb::GetPublicKeyResponse>(
        &suite.channel,
        &path("AuditService/GetPublicKey"),
        pb::GetPublicKeyRequest {},
        &[],
    )
    .await
    .unwrap();
    assert_eq!((key.public_key.len(), key.algorithm.as_str()), (32, "Ed25519"));

    tamper(&suite, base + 2).await;
    let broken = verify_chain(&suite).await;
    assert!(!broken.valid);
    assert_eq!(broken.first_bad_sequence, base + 2, "{}", broken.problem);
}

async fn inject(suite: &Suite, method: &str, kind: pb::FaultKind, latency_ms: u64) {
    call::<_, pb::InjectFaultResponse>(
        &suite.channel,
        &path("AdminService/InjectFault"),
        pb::InjectFaultRequest {
            method: path(method),
            kind: kind as i32,
            latency: (latency_ms > 0)
                .then(|| prost_types::Duration { seconds: 0, nanos: i32::try_from(latency_ms * 1_000_000).unwrap() }),
            rate_per_mille: 0,
        },
        &[],
    )
    .await
    .unwrap();
}

async fn clear(suite: &Suite) {
    call::<_, pb::ClearFaultsResponse>(
        &suite.channel,
        &path("AdminService/ClearFaults"),
        pb::ClearFaultsRequest {},
        &[],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn each_injected_fault_comes_back_as_itself() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    consent(&suite, true).await;
    let signed = sign(&suite, DIGEST).await;

    inject(&suite, "PropertyService/ListDwellings", pb::FaultKind::Unavailable, 0).await;
    let down = dwellings(&suite).await.unwrap_err();
    assert_eq!((down.code(), reason(&down).as_str()), (tonic::Code::Unavailable, "FAULT_INJECTED"));
    clear(&suite).await;

    inject(&suite, "PropertyService/ListDwellings", pb::FaultKind::NoRecord, 0).await;
    assert!(dwellings(&suite).await.unwrap().dwellings.is_empty(), "records reported missing");
    clear(&suite).await;

    inject(&suite, "PropertyService/ListDwellings", pb::FaultKind::ConsentWithdrawn, 0).await;
    assert_eq!(reason(&dwellings(&suite).await.unwrap_err()), "CONSENT_MISSING");
    clear(&suite).await;

    inject(&suite, "SignatureService/VerifySignature", pb::FaultKind::RevokedCertificate, 0).await;
    assert_eq!(verify(&suite, &signed, DIGEST).await.result(), pb::VerificationResult::Revoked);
    clear(&suite).await;

    inject(&suite, "PropertyService/ListDwellings", pb::FaultKind::Latency, 300).await;
    let started = Instant::now();
    assert_eq!(dwellings(&suite).await.unwrap().dwellings.len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(300), "the added latency is served");
    clear(&suite).await;

    // Off again: everything answers as before.
    assert_eq!(dwellings(&suite).await.unwrap().dwellings.len(), 1);
    assert_eq!(verify(&suite, &signed, DIGEST).await.result(), pb::VerificationResult::Valid);
    let bad = call::<_, pb::InjectFaultResponse>(
        &suite.channel,
        &path("AdminService/InjectFault"),
        pb::InjectFaultRequest {
            method: "/nowhere/Nothing".into(),
            kind: pb::FaultKind::NoRecord as i32,
            ..Default::default()
        },
        &[],
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&bad), "METHOD_UNKNOWN");
}

#[tokio::test]
async fn sixty_concurrent_wrong_codes_are_evaluated_at_most_three_times_and_a_fourth_issue_waits() {
    let suite = spawn_suite(&[]).await;
    person(&suite).await;
    let code = issue_otp(&suite).await;
    // The attempt is spent in the statement that checks it: a burst evaluates at most three.
    let guesses = (0..60).map(|_| {
        let (suite_channel, guess) = (suite.channel.clone(), wrong(&code));
        async move {
            call::<_, pb::VerifyOtpResponse>(
                &suite_channel,
                &path("OtpService/VerifyOtp"),
                pb::VerifyOtpRequest { iin: PERSON.into(), digest: DIGEST.into(), code: guess },
                &envelope("registry", PERSON, &fresh()),
            )
            .await
            .unwrap()
            .0
            .result()
        }
    });
    let results = futures_join_all(guesses).await;
    let evaluated = results.iter().filter(|r| **r == pb::OtpResult::WrongCode).count();
    assert_eq!(evaluated, 3, "{results:?}");
    assert!(results.iter().all(|r| matches!(r, pb::OtpResult::WrongCode | pb::OtpResult::AttemptsExhausted)));
    // The right code sent after the burst finds no attempt left.
    assert_eq!(verify_otp(&suite, &code).await.result(), pb::OtpResult::AttemptsExhausted);

    // [A-OTP-ISSUE-LIMIT]: three issues per person and document in 15 minutes, then RetryInfo.
    issue_otp(&suite).await;
    issue_otp(&suite).await;
    let refused = call::<_, pb::IssueOtpResponse>(
        &suite.channel,
        &path("OtpService/IssueOtp"),
        pb::IssueOtpRequest { iin: PERSON.into(), digest: DIGEST.into() },
        &envelope("egov-portal", PERSON, &fresh()),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
    let details = refused.get_error_details();
    assert_eq!(details.error_info().unwrap().reason, "OTP_ISSUE_LIMIT");
    let delay = details.retry_info().and_then(|r| r.retry_delay).expect("RetryInfo");
    assert!(delay > Duration::ZERO && delay <= Duration::from_secs(15 * 60), "{delay:?}");
    let mut clock = ops::clock_service_client::ClockServiceClient::new(suite.channel.clone());
    clock
        .advance_time(ops::AdvanceTimeRequest { by: Some(prost_types::Duration { seconds: 15 * 60 + 1, nanos: 0 }) })
        .await
        .unwrap();
    let code = issue_otp(&suite).await;
    assert_eq!(verify_otp(&suite, &code).await.result(), pb::OtpResult::Valid, "a new window, a new code");
}

/// Runs the futures concurrently and gathers their outputs in order.
async fn futures_join_all<F: std::future::Future + Send + 'static>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
