//! The `privatization-journey` scenario: every call is one whole privatization of a communal
//! dwelling (Annex 1 row 4(1)): the application filed at a State Corporation office with its
//! documents and the tenant's EDS, the housing commission's decision, the signed contract:
//! three calls, each one transaction with its audit row and reports. The tenants, their tenancy
//! records and their signatures are prepared before the clock starts (`prep.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::privatization::v1 as pb;
use proto::housing::privatization::v1::privatization_service_client::PrivatizationServiceClient;
use sha2::Digest;
use tonic::Request;
use tonic::transport::Channel;

use crate::prep;

/// The settlement of every dwelling, and so the officials' jurisdiction.
const SETTLEMENT: &str = "711210000";
const OPERATOR: &[(&str, &str)] = &[
    ("x-caller-subsystem", "state-corporation"),
    ("x-official-id", "operator-1"),
    ("x-official-role", "state-corporation-operator"),
];
const COMMISSION: &[(&str, &str)] = &[
    ("x-caller-subsystem", "privatization"),
    ("x-official-id", "commission-1"),
    ("x-official-role", "housing-commission"),
    ("x-official-jurisdiction", SETTLEMENT),
];
const AKIMAT: &[(&str, &str)] = &[
    ("x-caller-subsystem", "privatization"),
    ("x-official-id", "akimat-1"),
    ("x-official-role", "akimat-official"),
    ("x-official-jurisdiction", SETTLEMENT),
];

/// Journeys ready to run, handed out once each.
#[derive(Debug)]
pub struct Prepared {
    requests: Vec<pb::CreateApplicationRequest>,
    next: AtomicUsize,
}

fn document(kind: &str) -> common::Document {
    let content = format!("%PDF-1.7 {kind}").into_bytes();
    common::Document {
        kind: kind.into(),
        media_type: "application/pdf".into(),
        sha256: hex::encode(sha2::Sha256::digest(&content)),
        content,
    }
}

fn with<T>(message: T, metadata: &[(&'static str, &str)]) -> Request<T> {
    let mut request = Request::new(message);
    prep::caller(&mut request, metadata);
    request
}

impl Prepared {
    /// Runs the next journey; answers 0 when the contract is signed, a gRPC code when a call
    /// failed, -2 when a stage did not follow, -3 when the prepared ones ran out.
    pub async fn run(&self, channel: Channel) -> i32 {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let Some(request) = self.requests.get(n) else { return -3 };
        let mut client = PrivatizationServiceClient::new(channel);
        let filed = match client.create_application(with(request.clone(), OPERATOR)).await {
            Ok(r) => r.into_inner().application.unwrap_or_default(),
            Err(s) => return s.code() as i32,
        };
        let decision = pb::RecordCommissionDecisionRequest {
            request_id: uuid::Uuid::new_v4().to_string(),
            name: filed.name.clone(),
            approve: true,
            reason: "load test".into(),
            decision_number: format!("HC-{n}"),
            price: Some(common::Money { tiyn: 10_000_000 }),
            ..Default::default()
        };
        match client.record_commission_decision(with(decision, COMMISSION)).await {
            Ok(r)
                if r.get_ref()
                    .application
                    .as_ref()
                    .is_some_and(|a| a.stage == pb::ApplicationStage::Contract as i32) => {}
            Ok(_) => return -2,
            Err(s) => return s.code() as i32,
        }
        let contract = pb::SignContractRequest {
            request_id: uuid::Uuid::new_v4().to_string(),
            name: filed.name,
            contract_number: format!("PC-{n}"),
            reason: String::new(),
        };
        match client.sign_contract(with(contract, AKIMAT)).await {
            Ok(r)
                if r.get_ref()
                    .application
                    .as_ref()
                    .is_some_and(|a| a.stage == pb::ApplicationStage::Completed as i32) =>
            {
                0
            }
            Ok(_) => -2,
            Err(s) => s.code() as i32,
        }
    }
}

/// Sets the clock, loads `count` tenants of communal dwellings and signs an application for each.
pub async fn prepare(channel: Channel, count: usize, run_seed: u64, concurrency: usize) -> Result<Prepared, String> {
    prep::set_clock(&channel).await?;
    let people = prep::fresh_people(count, run_seed);
    let tenancies = |chunk: &[String], records: &mut gw::LoadRecordsRequest| {
        records.tenancies = chunk
            .iter()
            .map(|iin| gw::Tenancy {
                iin: iin.clone(),
                dwelling_id: format!("LOAD-{iin}"),
                kato: SETTLEMENT.into(),
                fund_kind: gw::FundKind::Communal as i32,
                document: gw::TenancyDocument::Agreement as i32,
                document_number: format!("T-{iin}"),
                arrears: None,
            })
            .collect();
    };
    prep::load(&channel, &people, "privatization", tenancies).await?;
    let requests = prep::each(people, concurrency, move |_, iin| signed(channel.clone(), iin)).await?;
    Ok(Prepared { requests, next: AtomicUsize::new(0) })
}

async fn signed(channel: Channel, iin: String) -> Result<pb::CreateApplicationRequest, String> {
    let mut request = pb::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(common::PersonRef { iin: iin.clone() }),
        representative: None,
        documents: vec![document("TENANCY_AGREEMENT"), document("NO_DEBT_CERTIFICATE")],
        confirmations: Vec::new(),
        channel: pb::Channel::StateCorporation as i32,
        office_id: "SC-ASTANA-DUTY".into(),
        dwelling_id: format!("LOAD-{iin}"),
        fund_kind: pb::FundKind::Communal as i32,
        family: Vec::new(),
        claims: None,
    };
    let plan = PrivatizationServiceClient::new(channel.clone())
        .create_application(with(request.clone(), OPERATOR))
        .await
        .map_err(|e| format!("the digest of {iin}: {e}"))?
        .into_inner();
    for who in plan.confirmers {
        request.confirmations.push(prep::sign(channel.clone(), &who.iin, plan.signing_digest.clone()).await?);
    }
    request.validate_only = false;
    Ok(request)
}
