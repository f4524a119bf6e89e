//! The registry's typed client, as the rent subsidy and the complaints services use it: the
//! caller names itself in `x-caller-subsystem`; reads are retried, and so is
//! `ReconsiderApplication`, which is idempotent on its `request_id`.

use pb::registry_service_client::RegistryServiceClient;
use proto::housing::registry::v1 as pb;
use tonic::metadata::MetadataValue;
use tonic::transport::Channel;
use tonic::{Request, Status};

use crate::{CallPolicy, ChannelPool, retryable};

/// The registry, called as one subsystem.
#[derive(Debug, Clone)]
pub struct RegistryClient {
    pool: ChannelPool,
    caller: MetadataValue<tonic::metadata::Ascii>,
    policy: CallPolicy,
}

impl RegistryClient {
    /// A client calling through `pool` as the subsystem `caller` (for example `rent-subsidy`).
    pub fn new(pool: ChannelPool, caller: &str, policy: CallPolicy) -> Result<Self, Status> {
        let caller =
            MetadataValue::try_from(caller).map_err(|_| Status::invalid_argument("a subsystem name is ASCII"))?;
        Ok(RegistryClient { pool, caller, policy })
    }

    /// Every waiting list a person is on, with the places.
    pub async fn get_queue_standing(&self, iin: &str) -> Result<pb::GetQueueStandingResponse, Status> {
        let request = pb::GetQueueStandingRequest { iin: iin.to_owned() };
        self.call(request, |mut c, r| async move { c.get_queue_standing(r).await }).await
    }

    /// One application.
    pub async fn get_application(&self, name: &str) -> Result<pb::GetApplicationResponse, Status> {
        let request = pb::GetApplicationRequest { name: name.to_owned() };
        self.call(request, |mut c, r| async move { c.get_application(r).await }).await
    }

    /// Reopens a refused application after an upheld complaint.
    pub async fn reconsider_application(
        &self,
        request: pb::ReconsiderApplicationRequest,
    ) -> Result<pb::ReconsiderApplicationResponse, Status> {
        self.call(request, |mut c, r| async move { c.reconsider_application(r).await }).await
    }

    /// One call with a deadline on each attempt, retried on transient failures.
    async fn call<Req, Resp, F, Fut>(&self, request: Req, send: F) -> Result<Resp, Status>
    where
        Req: Clone,
        F: Fn(RegistryServiceClient<Channel>, Request<Req>) -> Fut,
        Fut: std::future::Future<Output = Result<tonic::Response<Resp>, Status>>,
    {
        let (mut wait, mut attempt) = (self.policy.backoff, 0);
        loop {
            let mut outgoing = Request::new(request.clone());
            outgoing.set_timeout(self.policy.deadline);
            outgoing.metadata_mut().insert("x-caller-subsystem", self.caller.clone());
            match send(RegistryServiceClient::new(self.pool.get()), outgoing).await {
                Ok(response) => return Ok(response.into_inner()),
                Err(status) if retryable(status.code()) && attempt < self.policy.retries => {
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(status) => return Err(status),
            }
        }
    }
}
