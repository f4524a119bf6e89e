//! What the services' black-box tests share: metadata on a request, the gateway's envelope,
//! reasons of errors, people to load, the clock set to a local time, EDS signatures made by the
//! gateway's development keys, and documents.

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::ops::v1::SetTimeRequest;
use proto::housing::ops::v1::clock_service_client::ClockServiceClient;
use proto::housing::registry::v1 as registry;
use tonic::transport::Channel;
use tonic::{Request, Status};
use tonic_types::StatusExt;

use crate::helpers::call;

/// A gateway method's full path.
pub fn gw_path(method: &str) -> String {
    format!("/kz.egov.gateway.v1.{method}")
}

/// The exchange envelope of a development call to the gateway for `user`.
pub fn envelope(user: &str) -> [(&'static str, String); 5] {
    [
        ("x-egov-client", "dev".to_owned()),
        ("x-egov-message-id", uuid::Uuid::new_v4().to_string()),
        ("x-egov-user-iin", user.to_owned()),
        ("x-egov-case", "tests/new".to_owned()),
        ("x-egov-purpose", "a black-box test".to_owned()),
    ]
}

/// The stable reason of an error.
pub fn reason(status: &Status) -> String {
    status.get_error_details().error_info().map(|i| i.reason.clone()).unwrap_or_default()
}

/// A request with metadata.
pub fn with<T>(message: T, metadata: &[(&'static str, &str)]) -> Request<T> {
    let mut request = Request::new(message);
    for (key, value) in metadata {
        request.metadata_mut().insert(*key, value.parse().unwrap());
    }
    request
}

/// An IIN born on `born` (`YYYY-MM-DD`).
pub fn iin(born: &str, serial: u16) -> String {
    kz_ids::Iin::generate_from(born.parse().unwrap(), kz_ids::Sex::Male, serial).unwrap().to_string()
}

/// `count` distinct IINs born on `born`: serials whose check digit fails move on to the next
/// valid serial, so consecutive serials can give one IIN twice.
pub fn iins(born: &str, count: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(count);
    let mut serial = 1;
    while out.len() < count {
        let next = iin(born, serial);
        if !out.contains(&next) {
            out.push(next);
        }
        serial += 1;
    }
    out
}

/// A citizen with a phone.
pub fn citizen(iin: &str) -> gw::Person {
    gw::Person {
        iin: iin.into(),
        last_name: "Сейітов".into(),
        first_name: "Ерғали".into(),
        citizenship: gw::Citizenship::Kazakhstan as i32,
        phone: "+77010000000".into(),
        ..Default::default()
    }
}

/// `iin` registered in the settlement `kato` since 2000, as the address register holds a
/// long-settled resident (the registry asks registration in the region, three years in the
/// three cities: RULES.md G-R1, [A-CITY-3Y]).
pub fn registered(iin: &str, kato: &str) -> gw::AddressPeriod {
    gw::AddressPeriod {
        iin: iin.into(),
        kato: kato.into(),
        street: "Абай даңғылы".into(),
        building: "1".into(),
        apartment: String::new(),
        from_date: "2000-01-01".into(),
        to_date: String::new(),
    }
}

/// A person's consent for a service.
pub fn consent(iin: &str, purpose: &str) -> gw::ConsentGrant {
    gw::ConsentGrant { iin: iin.into(), purpose: purpose.into() }
}

/// Puts records into the gateway.
pub async fn load(channel: &Channel, records: gw::LoadRecordsRequest) {
    call::<_, gw::LoadRecordsResponse>(channel, &gw_path("AdminService/LoadRecords"), records, &[]).await.unwrap();
}

/// Sets the clock to a local time in Kazakhstan, `2026-04-01T11:00`.
pub async fn at(channel: &Channel, local: &str) {
    let time = format!("{local}:00+05:00").parse::<chrono::DateTime<chrono::FixedOffset>>().unwrap();
    let time = prost_types::Timestamp { seconds: time.timestamp(), nanos: 0 };
    ClockServiceClient::new(channel.clone()).set_time(SetTimeRequest { time: Some(time) }).await.unwrap();
}

/// An EDS confirmation by `signer` over `digest`, signed by the gateway's development keys.
pub async fn eds(channel: &Channel, signer: &str, digest: &str) -> common::Confirmation {
    let request = gw::SignDigestRequest { iin: signer.into(), digest: digest.into() };
    let (signed, _) =
        call::<_, gw::SignDigestResponse>(channel, &gw_path("SignatureService/SignDigest"), request, &envelope(signer))
            .await
            .unwrap();
    common::Confirmation {
        signer: Some(common::PersonRef { iin: signer.into() }),
        method: Some(common::confirmation::Method::Eds(common::EdsSignature {
            certificate: signed.certificate,
            signature: signed.signature,
        })),
    }
}

/// A document of `kind`.
pub fn document(kind: &str) -> common::Document {
    use sha2::Digest;
    let content = format!("%PDF-1.7 {kind}").into_bytes();
    common::Document {
        kind: kind.into(),
        media_type: "application/pdf".into(),
        sha256: hex::encode(sha2::Sha256::digest(&content)),
        content,
    }
}

/// Files a signed `NO_DWELLING_5Y` application in the dev profile for a person registered in
/// `settlement` since 2000,
/// as the applicant through the portal; answers the application as filed.
pub async fn enrol(ch: &Channel, who: &str, settlement: &str) -> registry::Application {
    load(ch, gw::LoadRecordsRequest { addresses: vec![registered(who, settlement)], ..Default::default() }).await;
    let mut r = registry::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(common::PersonRef { iin: who.into() }),
        case_kind: registry::EnrolmentCase::NoDwelling5y as i32,
        settlement_kato: settlement.into(),
        list_category: "GENERAL".into(),
        ..Default::default()
    };
    let client = || registry::registry_service_client::RegistryServiceClient::new(ch.clone());
    let digest = client().create_application(r.clone()).await.unwrap().into_inner().signing_digest;
    r.validate_only = false;
    r.confirmations = vec![eds(ch, who, &digest).await];
    client().create_application(r).await.unwrap().into_inner().application.unwrap()
}
