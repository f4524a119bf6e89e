//! The gateway client against a stand-in IdentityService that fails on purpose: the envelope
//! goes with every call, idempotent reads are retried with the same message id, other errors
//! are not, and each attempt carries the deadline.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clients::{CallPolicy, CaseRef, ChannelPool, GatewayClient};
use proto::egov::gateway::v1 as pb;
use tokio::net::TcpListener;
use tonic::{Request, Response, Status};

/// What a call carried: message id, client, case, and whether a grpc-timeout came along.
type Seen = (String, String, String, bool);

#[derive(Clone, Default)]
struct Flaky {
    /// What each call saw.
    seen: Arc<Mutex<Vec<Seen>>>,
    /// The answers to give, in order; then the person.
    script: Arc<Mutex<Vec<Status>>>,
}

#[tonic::async_trait]
impl pb::identity_service_server::IdentityService for Flaky {
    async fn get_person(
        &self,
        request: Request<pb::GetPersonRequest>,
    ) -> Result<Response<pb::GetPersonResponse>, Status> {
        let get = |k: &str| request.metadata().get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let timeout = request.metadata().get("grpc-timeout").is_some();
        self.seen.lock().unwrap().push((get("x-egov-message-id"), get("x-egov-client"), get("x-egov-case"), timeout));
        let next = { self.script.lock().unwrap().pop() };
        match next {
            Some(status) => Err(status),
            None => Ok(Response::new(pb::GetPersonResponse {
                person: Some(pb::Person { iin: request.into_inner().iin, ..Default::default() }),
            })),
        }
    }
    async fn list_identity_documents(
        &self,
        _: Request<pb::ListIdentityDocumentsRequest>,
    ) -> Result<Response<pb::ListIdentityDocumentsResponse>, Status> {
        Err(Status::unimplemented("not in this test"))
    }
    async fn get_registered_address(
        &self,
        _: Request<pb::GetRegisteredAddressRequest>,
    ) -> Result<Response<pb::GetRegisteredAddressResponse>, Status> {
        Err(Status::unimplemented("not in this test"))
    }
    async fn list_residents(
        &self,
        _: Request<pb::ListResidentsRequest>,
    ) -> Result<Response<pb::ListResidentsResponse>, Status> {
        Err(Status::unimplemented("not in this test"))
    }
}

async fn serve(flaky: Flaky) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(pb::identity_service_server::IdentityServiceServer::new(flaky))
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    url
}

fn case() -> CaseRef {
    CaseRef { name: "registry/applications/7".into(), purpose: "Annex 2 row 9".into(), user_iin: "791028302728".into() }
}

fn policy() -> CallPolicy {
    CallPolicy { deadline: Duration::from_secs(5), retries: 2, backoff: Duration::from_millis(1) }
}

#[tokio::test]
async fn a_read_is_retried_with_the_same_message_id_and_the_envelope() {
    let flaky = Flaky::default();
    flaky.script.lock().unwrap().extend([Status::unavailable("down"), Status::unavailable("still down")]);
    let client = GatewayClient::new(ChannelPool::lazy(&serve(flaky.clone()).await, 2).unwrap(), "registry", policy());
    let person = client.get_person(&case(), pb::GetPersonRequest { iin: "791028302728".into() }).await.unwrap();
    assert_eq!(person.person.unwrap().iin, "791028302728");
    let seen = flaky.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "two failures, then the answer");
    assert!(seen.iter().all(|(id, _, _, _)| *id == seen[0].0), "one message id for one exchange");
    assert!(
        seen.iter()
            .all(|(_, client, case, timeout)| client == "registry" && case == "registry/applications/7" && *timeout)
    );
}

#[tokio::test]
async fn retries_give_up_after_the_policy_and_other_errors_are_not_retried() {
    let flaky = Flaky::default();
    flaky.script.lock().unwrap().extend([Status::unavailable("1"), Status::unavailable("2"), Status::unavailable("3")]);
    let url = serve(flaky.clone()).await;
    let client = GatewayClient::new(ChannelPool::lazy(&url, 1).unwrap(), "registry", policy());
    let status = client.get_person(&case(), pb::GetPersonRequest { iin: "791028302728".into() }).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert_eq!(flaky.seen.lock().unwrap().len(), 3);

    let refused = Flaky::default();
    refused.script.lock().unwrap().push(Status::invalid_argument("bad IIN"));
    let client = GatewayClient::new(ChannelPool::lazy(&serve(refused.clone()).await, 1).unwrap(), "registry", policy());
    let status = client.get_person(&case(), pb::GetPersonRequest { iin: "1".into() }).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert_eq!(refused.seen.lock().unwrap().len(), 1, "bad input is not retried");
}
