//! The `registry-enrol` scenario: every call files one `NO_DWELLING_5Y` application that the
//! registry accepts and decides at once (its gateway reads, then one transaction with the
//! application, its events, findings, queue place, audit and outbox rows); outbox delivery is
//! not waited for. The applications are prepared and signed before the clock starts
//! (`prep.rs`), so the timed calls are the filings alone.

use std::sync::atomic::{AtomicUsize, Ordering};

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use registry::domain::digest::{SignedFields, signing_digest};
use tonic::Request;
use tonic::transport::Channel;

use crate::prep;

/// Settlements the applications spread over, so lists stay the size of a town's.
const SETTLEMENTS: u64 = 200;

/// Applications ready to file, handed out once each.
#[derive(Debug)]
pub struct Prepared {
    requests: Vec<pb::CreateApplicationRequest>,
    /// Each applicant's token, when the suite proves people (`--tokens`).
    tokens: Vec<String>,
    next: AtomicUsize,
    /// Applications whose filing was shed, to file again: an overload run must not use its
    /// people up on refusals.
    shed: std::sync::Mutex<Vec<usize>>,
}

impl Prepared {
    /// Files the next application; answers 0 when it was enrolled, a gRPC code when it
    /// failed, -2 when it was not enrolled, -3 when the prepared ones ran out.
    pub async fn file(&self, channel: Channel) -> i32 {
        let again = self.shed.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let n = again.unwrap_or_else(|| self.next.fetch_add(1, Ordering::Relaxed));
        let Some(request) = self.requests.get(n) else { return -3 };
        let user = request.applicant.as_ref().map(|p| p.iin.clone()).unwrap_or_default();
        let mut outgoing = Request::new(request.clone());
        match self.tokens.get(n) {
            Some(token) => prep::caller(&mut outgoing, &[("authorization", token)]),
            None => prep::caller(&mut outgoing, &[("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", &user)]),
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
            Err(status) => {
                if status.code() == tonic::Code::ResourceExhausted {
                    self.shed.lock().unwrap_or_else(|p| p.into_inner()).push(n);
                }
                status.code() as i32
            }
        }
    }
}

impl Prepared {
    /// Files the next application for a read scenario's preparation; answers its name.
    pub async fn file_for_reading(&self, channel: Channel) -> Result<Option<String>, String> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let Some(request) = self.requests.get(n) else { return Ok(None) };
        let user = request.applicant.as_ref().map(|p| p.iin.clone()).unwrap_or_default();
        let mut outgoing = Request::new(request.clone());
        prep::caller(&mut outgoing, &[("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", &user)]);
        let filed = RegistryServiceClient::new(channel).create_application(outgoing).await;
        let application = filed.map_err(|s| format!("filing: {s}"))?.into_inner().application;
        Ok(application.map(|a| a.name))
    }
}

/// Sets the clock, loads `count` fresh people and signs an application for each; with
/// `tokens`, mints each applicant's token for the set clock's "now".
pub async fn prepare(
    channel: Channel,
    count: usize,
    run_seed: u64,
    concurrency: usize,
    tokens: Option<&crate::secure::Minter>,
) -> Result<Prepared, String> {
    prep::set_clock(&channel).await?;
    let people = prep::fresh_people(count, run_seed);
    // Each person registered in Astana since 2000, as the lists there ask (RULES.md G-R1), in a
    // dwelling of their own: a building of thousands of residents would make every enrolment
    // read them all (the household's residents are part of the decision).
    let registered = |chunk: &[String], records: &mut gw::LoadRecordsRequest| {
        records.addresses = chunk
            .iter()
            .map(|iin| gw::AddressPeriod {
                iin: iin.clone(),
                kato: "711210000".into(),
                street: "Жүктеме".into(),
                building: "1".into(),
                apartment: iin.clone(),
                from_date: "2000-01-01".into(),
                ..Default::default()
            })
            .collect();
    };
    prep::load(&channel, &people, "registry", registered).await?;
    let tokens = match tokens {
        Some(minter) => people
            .iter()
            .map(|iin| minter.bearer(iin, "registry", prep::MORNING_UTC_SECONDS))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let requests = prep::each(people, concurrency, move |n, iin| signed(channel.clone(), iin, n)).await?;
    Ok(Prepared { requests, tokens, next: AtomicUsize::new(0), shed: std::sync::Mutex::default() })
}

async fn signed(channel: Channel, iin: String, n: usize) -> Result<pb::CreateApplicationRequest, String> {
    let settlement = format!("{:09}", 710_000_000 + (n as u64 % SETTLEMENTS) * 1000);
    let digest = signing_digest(&SignedFields {
        applicant_iin: &iin,
        representative: None,
        case: "NO_DWELLING_5Y",
        settlement_kato: &settlement,
        list_category: "GENERAL",
        documents: Vec::new(),
    });
    let confirmation = prep::sign(channel, &iin, digest).await?;
    Ok(pb::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: false,
        applicant: Some(common::PersonRef { iin }),
        representative: None,
        documents: Vec::new(),
        confirmations: vec![confirmation],
        case_kind: pb::EnrolmentCase::NoDwelling5y as i32,
        settlement_kato: settlement,
        list_category: "GENERAL".into(),
    })
}
