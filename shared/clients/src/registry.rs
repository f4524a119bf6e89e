//! The registry's typed client, as the rent subsidy and the complaints services use it: the
//! caller names itself in `x-caller-subsystem`; reads are retried, and so is
//! `ReconsiderApplication`, which is idempotent on its `request_id`.

use pb::registry_service_client::RegistryServiceClient;
use proto::housing::registry::v1 as pb;
use tonic::Status;

use crate::{CallPolicy, Caller, ChannelPool};

/// The registry, called as one subsystem.
#[derive(Debug, Clone)]
pub struct RegistryClient(Caller);

impl RegistryClient {
    /// A client calling through `pool` as the subsystem `caller` (for example `rent-subsidy`).
    pub fn new(pool: ChannelPool, caller: &str, policy: CallPolicy) -> Result<Self, Status> {
        Caller::new(pool, caller, policy).map(RegistryClient)
    }

    /// Every waiting list a person is on, with the places.
    pub async fn get_queue_standing(&self, iin: &str) -> Result<pb::GetQueueStandingResponse, Status> {
        let request = pb::GetQueueStandingRequest { iin: iin.to_owned() };
        self.0.call(request, RegistryServiceClient::new, |mut c, r| async move { c.get_queue_standing(r).await }).await
    }

    /// One application.
    pub async fn get_application(&self, name: &str) -> Result<pb::GetApplicationResponse, Status> {
        let request = pb::GetApplicationRequest { name: name.to_owned() };
        self.0.call(request, RegistryServiceClient::new, |mut c, r| async move { c.get_application(r).await }).await
    }

    /// Reopens a refused application after an upheld complaint.
    pub async fn reconsider_application(
        &self,
        request: pb::ReconsiderApplicationRequest,
    ) -> Result<pb::ReconsiderApplicationResponse, Status> {
        self.0
            .call(request, RegistryServiceClient::new, |mut c, r| async move { c.reconsider_application(r).await })
            .await
    }
}
