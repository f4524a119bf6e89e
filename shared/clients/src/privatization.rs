//! Privatization's typed client, as the complaints service uses it: the application a complaint
//! is about, and its reconsideration after an upheld complaint (idempotent on `request_id`, so
//! retried like a read).

use pb::privatization_service_client::PrivatizationServiceClient;
use proto::housing::privatization::v1 as pb;
use tonic::Status;

use crate::{CallPolicy, Caller, ChannelPool};

/// Privatization, called as one subsystem.
#[derive(Debug, Clone)]
pub struct PrivatizationClient(Caller);

impl PrivatizationClient {
    /// A client calling through `pool` as the subsystem `caller` (for example `complaints`).
    pub fn new(pool: ChannelPool, caller: &str, policy: CallPolicy) -> Result<Self, Status> {
        Caller::new(pool, caller, policy).map(PrivatizationClient)
    }

    /// One application.
    pub async fn get_application(&self, name: &str) -> Result<pb::GetApplicationResponse, Status> {
        let request = pb::GetApplicationRequest { name: name.to_owned() };
        self.0
            .call(request, PrivatizationServiceClient::new, |mut c, r| async move { c.get_application(r).await })
            .await
    }

    /// Reopens a refused application for the commission after an upheld complaint.
    pub async fn reconsider_application(
        &self,
        request: pb::ReconsiderApplicationRequest,
    ) -> Result<pb::ReconsiderApplicationResponse, Status> {
        self.0
            .call(request, PrivatizationServiceClient::new, |mut c, r| async move { c.reconsider_application(r).await })
            .await
    }
}
