//! What the scenarios that file applications prepare before the clock starts: the suite's
//! development clock set to a working day's morning (so nothing is deferred to the next working
//! day), fresh people loaded into the gateway with their consent and whatever records the
//! scenario needs, and confirmations signed with the gateway's development keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::ops::v1::SetTimeRequest;
use proto::housing::ops::v1::clock_service_client::ClockServiceClient;
use tonic::Request;
use tonic::transport::Channel;

/// The working-day morning the clock is set to: Wed 15 April 2026, 10:00 in Astana.
pub const MORNING_UTC_SECONDS: i64 = 1_776_229_200;
/// People per `LoadRecords` call.
const BATCH: usize = 1000;

/// Puts the development envelope on a call to the gateway.
pub fn envelope<T>(request: &mut Request<T>, user: &str) {
    for (key, value) in [
        ("x-egov-client", "dev".to_owned()),
        ("x-egov-message-id", uuid::Uuid::new_v4().to_string()),
        ("x-egov-user-iin", user.to_owned()),
        ("x-egov-case", "load/prepare".to_owned()),
        ("x-egov-purpose", "load test".to_owned()),
    ] {
        if let Ok(v) = value.parse() {
            request.metadata_mut().insert(key, v);
        }
    }
}

/// Puts metadata on a call to a housing service.
pub fn caller<T>(request: &mut Request<T>, metadata: &[(&'static str, &str)]) {
    for (key, value) in metadata {
        if let Ok(v) = value.parse() {
            request.metadata_mut().insert(*key, v);
        }
    }
}

/// Sets the suite's development clock to the working morning.
pub async fn set_clock(channel: &Channel) -> Result<(), String> {
    let time = prost_types::Timestamp { seconds: MORNING_UTC_SECONDS, nanos: 0 };
    ClockServiceClient::new(channel.clone())
        .set_time(SetTimeRequest { time: Some(time) })
        .await
        .map(|_| ())
        .map_err(|e| format!("setting the development clock (the suite must run in the dev profile): {e}"))
}

/// Loads `people` with consent for `purpose`, and what `extra` adds for each batch.
pub async fn load(
    channel: &Channel,
    people: &[String],
    purpose: &str,
    extra: impl Fn(&[String], &mut gw::LoadRecordsRequest),
) -> Result<(), String> {
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Progress::start("people loaded", people.len(), done.clone());
    for chunk in people.chunks(BATCH) {
        let mut records = gw::LoadRecordsRequest {
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
            consents: chunk.iter().map(|iin| gw::ConsentGrant { iin: iin.clone(), purpose: purpose.into() }).collect(),
            ..Default::default()
        };
        extra(chunk, &mut records);
        let mut request = Request::new(records);
        envelope(&mut request, &chunk[0]);
        gw::admin_service_client::AdminServiceClient::new(channel.clone())
            .load_records(request)
            .await
            .map_err(|e| format!("loading people into the gateway: {e}"))?;
        done.fetch_add(chunk.len(), Ordering::Relaxed);
    }
    progress.finish();
    Ok(())
}

/// An EDS confirmation by `iin` over `digest`.
pub async fn sign(channel: Channel, iin: &str, digest: String) -> Result<common::Confirmation, String> {
    let mut request = Request::new(gw::SignDigestRequest { iin: iin.to_owned(), digest });
    envelope(&mut request, iin);
    let signature = gw::signature_service_client::SignatureServiceClient::new(channel)
        .sign_digest(request)
        .await
        .map_err(|e| format!("signing: {e}"))?
        .into_inner();
    Ok(common::Confirmation {
        signer: Some(common::PersonRef { iin: iin.to_owned() }),
        method: Some(common::confirmation::Method::Eds(common::EdsSignature {
            certificate: signature.certificate,
            signature: signature.signature,
        })),
    })
}

/// Runs `make` for every person, `concurrency` at a time, keeping the people's order.
pub async fn each<T, F, Fut>(people: Vec<String>, concurrency: usize, make: F) -> Result<Vec<T>, String>
where
    T: Send + 'static,
    F: Fn(usize, String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, String>> + Send,
{
    let (people, make) = (Arc::new(people), Arc::new(make));
    let slots = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Progress::start("signed", people.len(), done.clone());
    let mut workers = Vec::new();
    for _ in 0..concurrency.clamp(1, 64) {
        let (people, slots, make, done) = (people.clone(), slots.clone(), make.clone(), done.clone());
        workers.push(tokio::spawn(async move {
            let mut ready = Vec::new();
            loop {
                let n = slots.fetch_add(1, Ordering::Relaxed);
                let Some(iin) = people.get(n) else { return Ok::<_, String>(ready) };
                ready.push((n, make(n, iin.clone()).await?));
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let mut out = Vec::new();
    for w in workers {
        out.extend(w.await.map_err(|e| e.to_string())??);
    }
    progress.finish();
    out.sort_by_key(|(n, _)| *n);
    Ok(out.into_iter().map(|(_, t)| t).collect())
}

/// Prints how far a preparation is, every two seconds, on standard error.
pub struct Progress(tokio::task::JoinHandle<()>);

impl Progress {
    /// Reports `done` of `total` things `what` until finished.
    pub fn start(what: &'static str, total: usize, done: Arc<AtomicUsize>) -> Progress {
        let started = std::time::Instant::now();
        Progress(tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                let n = done.load(Ordering::Relaxed);
                let rate = n as f64 / started.elapsed().as_secs_f64().max(0.001);
                let left = total.saturating_sub(n) as f64 / rate.max(0.001);
                eprintln!(
                    "  {what} {n} of {total} ({:.0}%), {rate:.0}/s, about {left:.0} s left",
                    100.0 * n as f64 / total.max(1) as f64
                );
            }
        }))
    }

    /// Stops reporting.
    pub fn finish(self) {
        self.0.abort();
    }
}

/// `count` valid IINs no earlier run used: birth dates and serials from the run's seed.
pub fn fresh_people(count: usize, seed: u64) -> Vec<String> {
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
