//! Proven identity outside `dev` (README "Security"): the suite in `prod` in each identity
//! mode, with a test CA and a test token issuer made here. Every refusal is checked for its
//! code and reason; attacks that once passed on headers alone are replayed and refused.

use std::path::{Path, PathBuf};
use std::time::Duration;

use platform::identity::tls;
use proto::egov::gateway::v1 as gw;
use proto::housing::registry::v1 as registry;
use suite::certs::{Ca, Leaf};
use suite::tokens;
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;

use crate::helpers::{Suite, call, call_empty, spawn_suite};

const STANDARD: &str = "/kz.housing.registry.v1.RegistryService/GetServiceStandard";
const GET_APPLICATION: &str = "/kz.housing.registry.v1.RegistryService/GetApplication";
const CREATE: &str = "/kz.housing.registry.v1.RegistryService/CreateApplication";
const REMOVE: &str = "/kz.housing.registry.v1.RegistryService/RemoveFromQueue";
const CITIZEN: &str = "791028302728";
const TRUST: (&str, &str) = ("cluster.local", "shanyraq");

/// A folder of test certificates and token keys, removed when dropped.
pub(crate) struct Pki {
    pub(crate) dir: PathBuf,
    ca: Ca,
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Pki {
    /// A CA, the suite's certificates, the gateway's grants and a token issuer trusted for
    /// the portals.
    pub(crate) fn new() -> Pki {
        let dir = std::env::temp_dir().join(format!("shanyraq-pki-{}", uuid::Uuid::new_v4().simple()));
        let ca = suite::certs::write_folder(&dir, TRUST.0, TRUST.1, 2, &[]).unwrap();
        let trusted: Vec<String> = tokens::DEV_TRUSTED.iter().map(|s| (*s).to_owned()).collect();
        tokens::init(&dir.join("tokens"), tokens::DEV_ISSUER, tokens::DEV_KID, &trusted).unwrap();
        // The grants the suite's services and portals need at the gateway (in prod only a
        // file grants): those of the dev profile, as `suite grants` prints them.
        std::fs::write(dir.join("gateway-access.toml"), egov_gateway::access::DEFAULT_GRANTS).unwrap();
        Pki { dir, ca }
    }

    /// A new folder with the certificates of `accounts` too.
    pub(crate) fn with(accounts: &[&str]) -> Pki {
        let pki = Pki::new();
        for account in accounts {
            pki.workload(account);
        }
        pki
    }

    pub(crate) fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    /// A workload certificate for `account` from this CA, written as `<file>.pem`/`.key`.
    pub(crate) fn issue(&self, file: &str, leaf: &Leaf) {
        suite::certs::write_pair(&self.dir, file, &self.ca.issue(leaf).unwrap()).unwrap();
    }

    pub(crate) fn workload(&self, account: &str) {
        self.issue(account, &Leaf::workload(TRUST.0, TRUST.1, account, 2, &[]));
    }

    /// A channel presenting `<file>.pem`, trusting this CA.
    pub(crate) fn channel(&self, suite: &Suite, file: &str) -> Channel {
        let client = tls::client_from_files(
            &self.dir.join("ca.pem"),
            &self.dir.join(format!("{file}.pem")),
            &self.dir.join(format!("{file}.key")),
        )
        .unwrap();
        tls::channel(&suite.address, client).unwrap()
    }

    /// A TLS channel presenting no certificate.
    pub(crate) fn anonymous(&self, suite: &Suite) -> Channel {
        tls::channel(&suite.address, tls::anonymous_client(&self.dir.join("ca.pem")).unwrap()).unwrap()
    }

    /// A token of the development issuer.
    pub(crate) fn token(&self, claims: impl FnOnce(&mut tokens::Claims)) -> String {
        let now = platform::Clock::system().now().timestamp();
        let mut c = tokens::Claims {
            iss: tokens::DEV_ISSUER.into(),
            aud: "registry".into(),
            sub: CITIZEN.into(),
            nbf: now - 5,
            exp: now + 600,
            ..Default::default()
        };
        claims(&mut c);
        tokens::mint(&self.dir.join("tokens/token-signing.key"), tokens::DEV_KID, &c).unwrap()
    }

    pub(crate) async fn spawn(&self, extra: &[(&str, &str)]) -> Suite {
        let (tls_dir, issuers, access) =
            (self.path(""), self.path("tokens/issuers.toml"), self.path("gateway-access.toml"));
        let health = free_port();
        let mut env = vec![
            ("SHANYRAQ_PROFILE", "prod"),
            ("SHANYRAQ_IDENTITY", "mtls"),
            ("SHANYRAQ_NAME_KEY", crate::helpers::NAME_KEY),
            ("SHANYRAQ_TLS_DIR", tls_dir.as_str()),
            ("SHANYRAQ_TOKEN_ISSUERS_FILE", issuers.as_str()),
            ("GATEWAY_ACCESS_FILE", access.as_str()),
            ("SHANYRAQ_HEALTH_LISTEN", health.as_str()),
            ("GATEWAY_SEED_PERSONS", "0"),
        ];
        env.extend_from_slice(extra);
        spawn_suite(&env).await
    }
}

pub(crate) fn free_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

pub(crate) fn reason(status: &tonic::Status) -> String {
    status.get_error_details().error_info().map(|i| i.reason.clone()).unwrap_or_default()
}

pub(crate) fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn health(channel: &Channel) -> Result<i32, tonic::Status> {
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    client.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.map(|r| r.into_inner().status)
}

/// A registry filing checked only (validate_only), for `applicant`.
fn validate_only(applicant: &str) -> registry::CreateApplicationRequest {
    registry::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(proto::housing::common::v1::PersonRef { iin: applicant.into() }),
        case_kind: registry::EnrolmentCase::NoDwelling5y as i32,
        settlement_kato: "751110000".into(),
        list_category: "GENERAL".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn mtls_proves_the_workload_by_its_certificate_and_refuses_every_other_way_in() {
    let pki = Pki::with(&["otbasy-portal"]);
    let suite = pki.spawn(&[]).await;
    let portal = pki.channel(&suite, "otbasy-portal");
    call_empty(&portal, STANDARD, &[]).await.expect("a portal with its certificate is served");

    // No client certificate: the call reaches the server and is refused with a reason.
    let anonymous = call_empty(&pki.anonymous(&suite), STANDARD, &[]).await.unwrap_err();
    assert_eq!((anonymous.code(), reason(&anonymous).as_str()), (Code::Unauthenticated, "CLIENT_CERTIFICATE_REQUIRED"));
    // ... except the one public method: a result document is verified by anyone.
    let verify = gw::VerifyResultDocumentRequest {
        document: Some(gw::verify_result_document_request::Document::Content(b"not a document".to_vec())),
    };
    let mut documents = gw::document_service_client::DocumentServiceClient::new(pki.anonymous(&suite));
    let verdict = documents.verify_result_document(verify).await.expect("served to anyone").into_inner();
    assert_eq!(verdict.verdict(), gw::DocumentVerdict::Unknown);
    // Plaintext to the TLS port is no call at all.
    let plain = Channel::from_shared(suite.address.clone()).unwrap().connect_lazy();
    assert!(call_empty(&plain, STANDARD, &[]).await.is_err());

    // A certificate of another CA, and an expired one of ours: the handshake is refused.
    let other = Pki::new();
    other.workload("otbasy-portal");
    std::fs::copy(other.dir.join("otbasy-portal.pem"), pki.dir.join("foreign.pem")).unwrap();
    std::fs::copy(other.dir.join("otbasy-portal.key"), pki.dir.join("foreign.key")).unwrap();
    // (TLS 1.3 finishes the client's side first: the refusal is a closed connection.)
    let refused_handshake = |code: Code| matches!(code, Code::Unavailable | Code::Unknown | Code::Cancelled);
    let foreign = call_empty(&pki.channel(&suite, "foreign"), STANDARD, &[]).await.unwrap_err();
    assert!(refused_handshake(foreign.code()), "{foreign:?}");
    let mut expired = Leaf::workload(TRUST.0, TRUST.1, "otbasy-portal", 1, &[]);
    expired.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(10);
    expired.not_after = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    pki.issue("expired", &expired);
    let stale = call_empty(&pki.channel(&suite, "expired"), STANDARD, &[]).await.unwrap_err();
    assert!(refused_handshake(stale.code()), "{stale:?}");

    // A header that contradicts the certificate names both.
    let contradicted = call_empty(&portal, STANDARD, &[("x-caller-subsystem", "complaints")]).await.unwrap_err();
    assert_eq!(reason(&contradicted), "IDENTITY_CONTRADICTED");
    assert!(contradicted.message().contains("complaints") && contradicted.message().contains("otbasy-portal"));
    // A mesh header sent by a client to an mtls server is forged.
    let forged = call_empty(
        &portal,
        STANDARD,
        &[(
            "x-forwarded-client-cert",
            "By=spiffe://cluster.local/ns/shanyraq/sa/suite;URI=spiffe://cluster.local/ns/shanyraq/sa/registry",
        )],
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&forged), "FORWARDED_IDENTITY_REFUSED");

    // Health: on the TLS port without a certificate, and on the plaintext probe port.
    let serving = tonic_health::pb::health_check_response::ServingStatus::Serving as i32;
    assert_eq!(health(&pki.anonymous(&suite)).await.unwrap(), serving);
}

#[tokio::test]
async fn the_probe_port_serves_health_only_and_reflection_needs_a_proven_caller() {
    let pki = Pki::with(&["otbasy-portal"]);
    let health_addr = free_port();
    let suite = pki.spawn(&[("SHANYRAQ_HEALTH_LISTEN", health_addr.as_str())]).await;
    let probe = Channel::from_shared(format!("http://{health_addr}")).unwrap();
    let probe = loop {
        match probe.clone().connect().await {
            Ok(channel) => break channel,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let serving = tonic_health::pb::health_check_response::ServingStatus::Serving as i32;
    assert_eq!(health(&probe).await.unwrap(), serving);
    assert_eq!(call_empty(&probe, STANDARD, &[]).await.unwrap_err().code(), Code::Unimplemented);

    use tonic_reflection::pb::v1 as reflection;
    let list = |channel: Channel| async move {
        let request = reflection::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(reflection::server_reflection_request::MessageRequest::ListServices(String::new())),
        };
        let mut client = reflection::server_reflection_client::ServerReflectionClient::new(channel);
        let mut answers = client.server_reflection_info(tokio_stream::iter(vec![request])).await?.into_inner();
        answers.message().await.map(|m| m.is_some())
    };
    let refused = list(pki.anonymous(&suite)).await.unwrap_err();
    assert_eq!(reason(&refused), "CLIENT_CERTIFICATE_REQUIRED");
    assert!(list(pki.channel(&suite, "otbasy-portal")).await.unwrap());
}

#[tokio::test]
async fn the_suite_s_services_call_each_other_with_their_own_certificates() {
    let pki = Pki::with(&["otbasy-portal"]);
    let suite = pki.spawn(&[]).await;
    let token = bearer(&pki.token(|_| {}));
    // The registry asks the gateway for the applicant over mTLS as `registry`: the gateway's
    // answer (nobody by that IIN) comes back, not a refusal of the registry's identity.
    let status = call::<_, registry::CreateApplicationResponse>(
        &pki.channel(&suite, "otbasy-portal"),
        CREATE,
        validate_only(CITIZEN),
        &[("authorization", token)],
    )
    .await
    .unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (Code::NotFound, "PERSON_NOT_FOUND"), "{status:?}");
}

#[tokio::test]
async fn a_certificate_rotated_on_disk_is_used_by_the_next_connection_while_calls_run() {
    let pki = Pki::with(&["otbasy-portal"]);
    let suite = pki.spawn(&[]).await;
    let before = pki.channel(&suite, "otbasy-portal");
    call_empty(&before, STANDARD, &[]).await.unwrap();
    let served_before = std::fs::read(pki.dir.join("server.pem")).unwrap();

    // A new CA: the server's certificate and its trusted bundle are replaced on disk.
    let rotated = Ca::new("rotated test CA", 2).unwrap();
    suite::certs::write_pair(
        &pki.dir,
        "server",
        &rotated.issue(&Leaf::workload(TRUST.0, TRUST.1, "suite", 2, &[])).unwrap(),
    )
    .unwrap();
    let bundle = format!("{}{}", pki.ca.pem, rotated.pem);
    std::fs::write(pki.dir.join("ca.pem.partial"), &bundle).unwrap();
    std::fs::rename(pki.dir.join("ca.pem.partial"), pki.dir.join("ca.pem")).unwrap();
    suite::certs::write_pair(
        &pki.dir,
        "rotated-portal",
        &rotated.issue(&Leaf::workload(TRUST.0, TRUST.1, "otbasy-portal", 2, &[])).unwrap(),
    )
    .unwrap();
    assert_ne!(served_before, std::fs::read(pki.dir.join("server.pem")).unwrap());

    // The open connection keeps working; a new one meets the new certificate and accepts the
    // client certificate of the new CA.
    let mut answered = false;
    for _ in 0..40 {
        call_empty(&before, STANDARD, &[]).await.expect("calls on the open connection go on");
        if call_empty(&pki.channel(&suite, "rotated-portal"), STANDARD, &[]).await.is_ok() {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(answered, "the rotated material is used within the reload interval");
}

#[tokio::test]
async fn an_agency_is_admitted_by_the_callers_file_alone() {
    let pki = Pki::new();
    let agency_id = "spiffe://akimat.gov.kz/ns/housing/sa/portal";
    let mut leaf = Leaf::workload("akimat.gov.kz", "housing", "portal", 2, &[]);
    leaf.spiffe_id = Some(agency_id.into());
    pki.issue("akimat", &leaf);
    std::fs::write(
        pki.dir.join("callers.toml"),
        format!(
            "[[agency]]\nname = \"akimat-shymkent\"\nspiffe_id = \"{agency_id}\"\n\n[methods]\n\"{STANDARD}\" = [\"akimat-shymkent\", \"otbasy-portal\"]\n"
        ),
    )
    .unwrap();
    let before = pki.spawn(&[]).await;
    let unknown = call_empty(&pki.channel(&before, "akimat"), STANDARD, &[]).await.unwrap_err();
    assert_eq!((unknown.code(), reason(&unknown).as_str()), (Code::PermissionDenied, "SUBSYSTEM_UNKNOWN"));
    assert!(unknown.message().contains(agency_id), "the refusal names the identity seen");
    drop(before);

    let callers = pki.path("callers.toml");
    let suite = pki.spawn(&[("SHANYRAQ_CALLERS_FILE", callers.as_str())]).await;
    let akimat = pki.channel(&suite, "akimat");
    call_empty(&akimat, STANDARD, &[]).await.expect("the agency is served");
    let elsewhere = call_empty(&akimat, GET_APPLICATION, &[]).await.unwrap_err();
    assert_eq!(reason(&elsewhere), "METHOD_NOT_ALLOWED", "deny by default");
}

#[tokio::test]
async fn tokens_are_checked_for_signature_issuer_audience_time_and_the_subsystem_that_brings_them() {
    let pki = Pki::with(&["otbasy-portal"]);
    pki.workload("ministry");
    let suite = pki.spawn(&[]).await;
    let portal = pki.channel(&suite, "otbasy-portal");
    let attempt = |token: String| {
        let portal = portal.clone();
        async move {
            call::<_, registry::CreateApplicationResponse>(
                &portal,
                CREATE,
                validate_only(CITIZEN),
                &[("authorization", bearer(&token))],
            )
            .await
            .unwrap_err()
        }
    };
    let now = platform::Clock::system().now().timestamp();
    let cases: Vec<(String, Code, &str)> = vec![
        (pki.token(|c| c.exp = now - 120), Code::Unauthenticated, "TOKEN_EXPIRED"),
        (pki.token(|c| c.nbf = now + 600), Code::Unauthenticated, "TOKEN_NOT_YET_VALID"),
        (pki.token(|c| c.aud = "privatization".into()), Code::Unauthenticated, "TOKEN_AUDIENCE_MISMATCH"),
        (pki.token(|c| c.iss = "https://idp.elsewhere".into()), Code::Unauthenticated, "TOKEN_ISSUER_UNTRUSTED"),
        (pki.token(|c| c.role = Some("otbasy-official".into())), Code::Unauthenticated, "TOKEN_CLAIM_INVALID"),
        ("not.a.token".into(), Code::Unauthenticated, "TOKEN_MALFORMED"),
    ];
    for (token, code, expected) in cases {
        let status = attempt(token).await;
        assert_eq!((status.code(), reason(&status).as_str()), (code, expected), "{status:?}");
    }
    // Another key under our kid, and an unknown kid.
    let claims = tokens::Claims {
        iss: tokens::DEV_ISSUER.into(),
        aud: "registry".into(),
        sub: CITIZEN.into(),
        nbf: now,
        exp: now + 600,
        ..Default::default()
    };
    let impostor = Pki::new();
    let forged = tokens::mint(&impostor.dir.join("tokens/token-signing.key"), tokens::DEV_KID, &claims).unwrap();
    assert_eq!(reason(&attempt(forged).await), "TOKEN_SIGNATURE_INVALID");
    let unknown_kid = tokens::mint(&pki.dir.join("tokens/token-signing.key"), "rotated-away", &claims).unwrap();
    assert_eq!(reason(&attempt(unknown_kid).await), "TOKEN_KEY_UNKNOWN");

    // The issuer is trusted for the portals, not for the ministry's workload.
    let ministry = pki.channel(&suite, "ministry");
    let status = call_empty(&ministry, STANDARD, &[("authorization", &bearer(&pki.token(|_| {})))]).await.unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (Code::PermissionDenied, "TOKEN_ISSUER_NOT_FOR_SUBSYSTEM"));

    // A valid token gets through to the method.
    let ok = attempt(pki.token(|_| {})).await;
    assert_eq!(reason(&ok), "PERSON_NOT_FOUND", "past identity, the gateway answers: {ok:?}");
}

#[tokio::test]
async fn the_attacks_on_headers_are_refused_and_change_nothing() {
    let pki = Pki::with(&["otbasy-portal", "egov-portal", "contact-centre"]);
    let suite = pki.spawn(&[]).await;
    let portal = pki.channel(&suite, "otbasy-portal");

    // An official's rights written into metadata by a portal: a person is proven by a token.
    let official = [
        ("x-official-id", "attacker"),
        ("x-official-role", "otbasy-official"),
        ("x-official-jurisdiction", "751110000"),
    ];
    let status = call_empty(&portal, REMOVE, &official).await.unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (Code::Unauthenticated, "PERSON_NOT_PROVEN"));
    // The housing commission's decision (the price) claimed by a portal as `privatization`.
    let decide = "/kz.housing.privatization.v1.PrivatizationService/RecordCommissionDecision";
    let mut as_privatization = official.to_vec();
    as_privatization.push(("x-caller-subsystem", "privatization"));
    as_privatization[1] = ("x-official-role", "housing-commission");
    let status = call_empty(&portal, decide, &as_privatization).await.unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (Code::Unauthenticated, "IDENTITY_CONTRADICTED"));
    let status = call_empty(&portal, decide, &as_privatization[..3]).await.unwrap_err();
    assert_eq!(reason(&status), "PERSON_NOT_PROVEN");
    // The complaints service's right to reopen a case claimed by a header.
    let reconsider = "/kz.housing.registry.v1.RegistryService/ReconsiderApplication";
    let status = call_empty(&portal, reconsider, &[("x-caller-subsystem", "complaints")]).await.unwrap_err();
    assert_eq!(reason(&status), "IDENTITY_CONTRADICTED");
    // A portal's token names a citizen, but the portal may not strike anyone off a list.
    let token = bearer(&pki.token(|_| {}));
    let status = call_empty(&portal, REMOVE, &[("authorization", &token)]).await.unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (Code::PermissionDenied, "METHOD_NOT_ALLOWED"));
    // The contact centre's listing claimed by a header (what the contact centre itself may see
    // of each case is decided per record, beyond identity).
    let list = "/kz.housing.registry.v1.RegistryService/ListApplications";
    let status = call_empty(&portal, list, &[("x-caller-subsystem", "contact-centre")]).await.unwrap_err();
    assert_eq!(reason(&status), "IDENTITY_CONTRADICTED");
    // At the gateway: someone else's data as `registry` (a header), or their consent
    // withdrawn by a portal for a user its token does not prove.
    let family = "/kz.egov.gateway.v1.CivilStatusService/GetFamily";
    let status = call_empty(&portal, family, &[("x-egov-client", "registry")]).await.unwrap_err();
    assert_eq!(reason(&status), "IDENTITY_CONTRADICTED");
    let egov = pki.channel(&suite, "egov-portal");
    let someone_else = "850215300604";
    let withdraw = gw::WithdrawConsentRequest { iin: someone_else.into(), purpose: "registry".into() };
    let envelope = [
        ("x-egov-client", "egov-portal".to_owned()),
        ("x-egov-message-id", uuid::Uuid::new_v4().to_string()),
        ("x-egov-user-iin", someone_else.to_owned()),
        ("x-egov-case", "portal/consents".to_owned()),
        ("x-egov-purpose", "withdrawal".to_owned()),
    ];
    let status = call::<_, gw::WithdrawConsentResponse>(
        &egov,
        "/kz.egov.gateway.v1.ConsentService/WithdrawConsent",
        withdraw.clone(),
        &envelope,
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&status), "PERSON_NOT_PROVEN");
    let mut with_token = envelope.to_vec();
    with_token.push(("authorization", bearer(&pki.token(|c| c.aud = "gateway".into()))));
    let status = call::<_, gw::WithdrawConsentResponse>(
        &egov,
        "/kz.egov.gateway.v1.ConsentService/WithdrawConsent",
        withdraw,
        &with_token,
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&status), "PERSON_NOT_PROVEN", "the token proves {CITIZEN}, not {someone_else}");

    // Nothing changed: the registry holds no application, and the refused verified call left
    // its audit row (written in a batch).
    // Read by a service of the suite, which sees every application.
    let (list, _) = call::<_, registry::ListApplicationsResponse>(
        &pki.channel(&suite, "complaints"),
        list,
        registry::ListApplicationsRequest::default(),
        &[],
    )
    .await
    .unwrap();
    assert!(list.applications.is_empty());
    let mut audited = 0;
    for _ in 0..40 {
        audited = refusals_audited(&suite, "registry").await;
        if audited >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // One refusal named a proven caller (the portal's RemoveFromQueue); the rest proved nobody.
    assert_eq!(audited, 1, "the refused verified call is audited");
}

/// Rows of refused calls in a service's audit.
async fn refusals_audited(suite: &Suite, service: &str) -> i64 {
    use sqlx::Connection;
    let sql = "SELECT COUNT(*) FROM audit WHERE subject = 'callers/refused'";
    match &suite.postgres {
        Some((url, prefix)) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let sql = sql.replace("FROM audit", &format!("FROM {prefix}{}.audit", service.replace('-', "_")));
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut c).await.unwrap_or(0)
        }
        None => {
            let file = suite.data_dir.join(format!("{service}.db"));
            let Ok(mut c) = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await else {
                return 0;
            };
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap_or(0)
        }
    }
}

#[tokio::test]
async fn mesh_istio_believes_only_the_element_our_own_proxy_wrote() {
    let own = "spiffe://cluster.local/ns/shanyraq/sa/suite";
    let suite = spawn_suite(&[
        ("SHANYRAQ_PROFILE", "prod"),
        ("SHANYRAQ_IDENTITY", "mesh-istio"),
        ("SHANYRAQ_NAME_KEY", crate::helpers::NAME_KEY),
        ("SHANYRAQ_LISTEN", "127.0.0.1:0"),
        ("SHANYRAQ_SPIFFE_ID", own),
    ])
    .await;
    let portal = "spiffe://cluster.local/ns/shanyraq/sa/otbasy-portal";
    // A client's own element first, then ours: ours is the last and is believed.
    let xfcc = format!("By={own};URI=spiffe://cluster.local/ns/shanyraq/sa/registry,By={own};Hash=ab;URI={portal}");
    call_empty(&suite.channel, STANDARD, &[("x-forwarded-client-cert", &xfcc)]).await.expect("our proxy's element");
    let theirs = format!("By=spiffe://cluster.local/ns/other/sa/proxy;URI={portal}");
    let status = call_empty(&suite.channel, STANDARD, &[("x-forwarded-client-cert", &theirs)]).await.unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (Code::Unauthenticated, "FORWARDED_IDENTITY_NOT_OURS"));
    let status = call_empty(&suite.channel, STANDARD, &[]).await.unwrap_err();
    assert_eq!(reason(&status), "WORKLOAD_IDENTITY_MISSING");
}

#[tokio::test]
async fn mesh_linkerd_maps_the_client_id_and_the_prod_profile_insists_on_a_mode() {
    let suite = spawn_suite(&crate::helpers::PROD_MESH).await;
    let (key, portal) = crate::helpers::from_workload("otbasy-portal");
    call_empty(&suite.channel, STANDARD, &[(key, &portal)]).await.expect("the portal's workload");
    let foreign = "otbasy-portal.default.serviceaccount.identity.linkerd.cluster.local";
    let status = call_empty(&suite.channel, STANDARD, &[(key, foreign)]).await.unwrap_err();
    assert_eq!(reason(&status), "SUBSYSTEM_UNKNOWN", "another namespace is not ours");

    let exit = std::process::Command::new(env!("CARGO_BIN_EXE_suite"))
        .env_clear()
        .env("SHANYRAQ_PROFILE", "prod")
        .env("SHANYRAQ_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert_eq!(exit.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&exit.stderr).contains("SHANYRAQ_IDENTITY"));
}

/// `suite certs` and `suite token` as a person runs them.
#[tokio::test]
async fn suite_certs_and_suite_token_write_what_the_settings_read() {
    let dir = std::env::temp_dir().join(format!("shanyraq-cli-{}", uuid::Uuid::new_v4().simple()));
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_suite")).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let tls_dir = dir.join("tls");
    let tok = dir.join("tok");
    run(&["certs", "--out", tls_dir.to_str().unwrap()]);
    run(&["certs", "issue", "--dir", tls_dir.to_str().unwrap(), "--subsystem", "otbasy-portal"]);
    run(&["token", "init", "--dir", tok.to_str().unwrap()]);
    let token = run(&["token", "mint", "--dir", tok.to_str().unwrap(), "--aud", "registry", "--sub", CITIZEN]);
    assert_eq!(token.trim().split('.').count(), 3);
    for file in ["ca.pem", "server.pem", "server.key", "registry.pem", "gateway.key", "otbasy-portal.pem"] {
        assert!(tls_dir.join(file).exists(), "{file}");
    }
    let uris = platform::identity::spiffe::certificate_uris(&pem_der(&tls_dir.join("registry.pem"))).unwrap();
    assert_eq!(uris, vec!["spiffe://cluster.local/ns/shanyraq/sa/registry".to_owned()]);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_suite")).args(["token", "mint"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

fn pem_der(path: &Path) -> Vec<u8> {
    use rustls_pki_types::pem::PemObject;
    rustls_pki_types::CertificateDer::from_pem_file(path).unwrap().to_vec()
}

#[tokio::test]
async fn in_mtls_an_enrolment_runs_end_to_end_and_its_outbox_deliveries_carry_the_registry_s_identity() {
    use crate::kit;
    let pki = Pki::with(&["otbasy-portal"]);
    // The dev profile may prove callers too; the development tools present `dev.pem`.
    let (tls_dir, issuers) = (pki.path(""), pki.path("tokens/issuers.toml"));
    let suite = spawn_suite(&[
        ("SHANYRAQ_IDENTITY", "mtls"),
        ("SHANYRAQ_TLS_DIR", tls_dir.as_str()),
        ("SHANYRAQ_TOKEN_ISSUERS_FILE", issuers.as_str()),
        ("SHANYRAQ_HEALTH_LISTEN", free_port().as_str()),
    ])
    .await;
    let dev = pki.channel(&suite, "dev");
    let applicant = kit::iin("1990-01-01", 7);
    kit::load(
        &dev,
        gw::LoadRecordsRequest {
            persons: vec![kit::citizen(&applicant)],
            addresses: vec![kit::registered(&applicant, "751110000")],
            consents: vec![kit::consent(&applicant, "registry")],
            ..Default::default()
        },
    )
    .await;
    kit::at(&dev, "2026-04-15T10:00").await;
    let now = chrono::DateTime::parse_from_rfc3339("2026-04-15T10:00:00+05:00").unwrap().timestamp();
    let token = bearer(&pki.token(|c| {
        c.sub = applicant.clone();
        c.nbf = now - 60;
        c.exp = now + 3600;
    }));
    let portal = pki.channel(&suite, "otbasy-portal");
    let as_applicant = [("authorization", token)];
    let mut request = validate_only(&applicant);
    let (checked, _) =
        call::<_, registry::CreateApplicationResponse>(&portal, CREATE, request.clone(), &as_applicant).await.unwrap();
    request.validate_only = false;
    request.request_id = uuid::Uuid::new_v4().to_string();
    request.confirmations = vec![kit::eds(&dev, &applicant, &checked.signing_digest).await];
    let (filed, _) =
        call::<_, registry::CreateApplicationResponse>(&portal, CREATE, request, &as_applicant).await.unwrap();
    let application = filed.application.unwrap();
    assert_eq!(application.stage, registry::ApplicationStage::Enrolled as i32);

    // The registry's notice reaches the gateway through the outbox, over mTLS as `registry`.
    let mut delivered = Vec::new();
    for _ in 0..100 {
        let r = gw::ListNotificationsRequest { recipient: applicant.clone(), ..Default::default() };
        let (page, _) = call::<_, gw::ListNotificationsResponse>(
            &dev,
            "/kz.egov.gateway.v1.NotificationService/ListNotifications",
            r,
            &kit::envelope(&applicant),
        )
        .await
        .unwrap();
        delivered = page.notifications;
        if !delivered.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!delivered.is_empty(), "the outbox delivered the notice");
    assert!(delivered.iter().all(|n| n.sender == "registry"), "{delivered:?}");
}
