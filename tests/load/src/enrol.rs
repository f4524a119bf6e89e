//! The `registry-enrol` scenario: every call files one `NO_DWELLING_5Y` application that the
//! registry accepts and decides at once (its gateway reads, then one transaction with the
//! application, its events, findings, queue place, audit and outbox rows); outbox delivery is
//! not waited for. Before the clock starts, the tool sets the suite's development clock to a
//! working day's morning (so nothing is deferred to the next working day), loads fresh people
//! with their consent into the gateway, and has each application signed, so the timed calls
//! are the filings alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::ops::v1::SetTimeRequest;
use proto::housing::ops::v1::clock_service_client::ClockServiceClient;
use proto::housing::registry::v1 as pb;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use registry::domain::digest::{SignedFields, signing_digest};
use tonic::Request;
use tonic::transport::Channel;

/// The working-day morning the clock is set to: Wed 15 April 2026, 10:00 in Astana.
const MORNING_UTC_SECONDS: i64 = 1_776_229_200;
/// Settlements the applications spread over, so lists stay the size of a town's.
const SETTLEMENTS: u64 = 200;
/// People per `LoadRecords` call.
const BATCH: usize = 1000;

/// Applications ready to file, handed out once each.
#[derive(Debug)]
pub struct Prepared {
    requests: Vec<pb::CreateApplicationRequest>,
    next: AtomicUsize,
}

impl Prepared {
    /// Files the next application; answers 0 when it was enrolled, a gRPC code when it
    /// failed, -2 when it was not enrolled, -3 when the prepared ones ran out.
    pub async fn file(&self, channel: Channel) -> i32 {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let Some(request) = self.requests.get(n) else { return -3 };
        let user = request.applicant.as_ref().map(|p| p.iin.clone()).unwrap_or_default();
        let mut outgoing = Request::new(request.clone());
        outgoing
            .metadata_mut()
            .insert("x-caller-subsystem", tonic::metadata::MetadataValue::from_static("otbasy-portal"));
        if let Ok(value) = user.parse() {
            outgoing.metadata_mut().insert("x-user-iin", value);
        }
        match RegistryServiceClient::new(channel).create_application(outgoing).await {
            Ok(r)
                if r.get_ref()
                    .application
                    .as_ref()
                    .is_some_and(|a| a.stage == pb::ApplicationStage::Enrolled as i32) =>
            {
                0
            }
            Ok(_) => -2,
            Err(status) => status.code() as i32,
        }
    }
}

fn envelope<T>(request: &mut Request<T>, user: &str) {
    let id = uuid::Uuid::new_v4().to_string();
    for (key, value) in [
        ("x-egov-client", "dev".to_owned()),
        ("x-egov-message-id", id),
        ("x-egov-user-iin", user.to_owned()),
        ("x-egov-case", "load/registry-enrol".to_owned()),
        ("x-egov-purpose", "load test".to_owned()),
    ] {
        if let Ok(v) = value.parse() {
            request.metadata_mut().insert(key, v);
        }
    }
}

/// Sets the clock, loads `count` fresh people and signs an application for each.
pub async fn prepare(channel: Channel, count: usize, run_seed: u64, concurrency: usize) -> Result<Prepared, String> {
    let time = prost_types::Timestamp { seconds: MORNING_UTC_SECONDS, nanos: 0 };
    ClockServiceClient::new(channel.clone())
        .set_time(SetTimeRequest { time: Some(time) })
        .await
        .map_err(|e| format!("setting the development clock (the suite must run in the dev profile): {e}"))?;
    let people = fresh_people(count, run_seed);
    for chunk in people.chunks(BATCH) {
        let mut request = Request::new(gw::LoadRecordsRequest {
            persons: chunk
                .iter()
                .map(|iin| gw::Person {
                    iin: iin.clone(),
                    last_name: "Жүктеме".into(),
                    first_name: "Сынақ".into(),
                    citizenship: gw::Citizenship::Kazakhstan as i32,
                    ..Default::default()
                })
                .collect(),
            consents: chunk
                .iter()
                .map(|iin| gw::ConsentGrant { iin: iin.clone(), purpose: "registry".into() })
                .collect(),
            ..Default::default()
        });
        envelope(&mut request, &chunk[0]);
        gw::admin_service_client::AdminServiceClient::new(channel.clone())
            .load_records(request)
            .await
            .map_err(|e| format!("loading people into the gateway: {e}"))?;
    }
    let people = Arc::new(people);
    let slots = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency.clamp(1, 64) {
        let (people, slots, channel) = (people.clone(), slots.clone(), channel.clone());
        workers.push(tokio::spawn(async move {
            let mut ready = Vec::new();
            loop {
                let n = slots.fetch_add(1, Ordering::Relaxed);
                let Some(iin) = people.get(n) else { return Ok::<_, String>(ready) };
                ready.push((n, signed(channel.clone(), iin, n).await?));
            }
        }));
    }
    let mut requests = Vec::with_capacity(count);
    for w in workers {
        requests.extend(w.await.map_err(|e| e.to_string())??);
    }
    requests.sort_by_key(|(n, _)| *n);
    Ok(Prepared { requests: requests.into_iter().map(|(_, r)| r).collect(), next: AtomicUsize::new(0) })
}

async fn signed(channel: Channel, iin: &str, n: usize) -> Result<pb::CreateApplicationRequest, String> {
    let settlement = format!("{:09}", 710_000_000 + (n as u64 % SETTLEMENTS) * 1000);
    let digest = signing_digest(&SignedFields {
        applicant_iin: iin,
        representative: None,
        case: "NO_DWELLING_5Y",
        settlement_kato: &settlement,
        list_category: "GENERAL",
        documents: Vec::new(),
    });
    let mut request = Request::new(gw::SignDigestRequest { iin: iin.to_owned(), digest });
    envelope(&mut request, iin);
    let signature = gw::signature_service_client::SignatureServiceClient::new(channel)
        .sign_digest(request)
        .await
        .map_err(|e| format!("signing: {e}"))?
        .into_inner();
    let request_id = uuid::Uuid::new_v4().to_string();
    Ok(pb::CreateApplicationRequest {
        request_id,
        validate_only: false,
        applicant: Some(common::PersonRef { iin: iin.to_owned() }),
        representative: None,
        documents: Vec::new(),
        confirmations: vec![common::Confirmation {
            signer: Some(common::PersonRef { iin: iin.to_owned() }),
            method: Some(common::confirmation::Method::Eds(common::EdsSignature {
                certificate: signature.certificate,
                signature: signature.signature,
            })),
        }],
        case_kind: pb::EnrolmentCase::NoDwelling5y as i32,
        settlement_kato: settlement,
        list_category: "GENERAL".into(),
    })
}

/// `count` valid IINs no earlier run used: birth dates and serials from the run's seed.
fn fresh_people(count: usize, seed: u64) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    let mut state = seed | 1;
    let mut seen = std::collections::HashSet::new();
    let base = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default();
    while out.len() < count {
        // xorshift64*: fast, and enough to spread people over dates and serials.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let born = base + chrono::Days::new(r % 14_600);
        let serial = u16::try_from((r >> 20) % 9000 + 1000).unwrap_or(1000);
        if let Some(iin) = kz_ids::Iin::generate_from(born, kz_ids::Sex::Female, serial)
            && seen.insert(iin.to_string())
        {
            out.push(iin.to_string());
        }
    }
    out
}
