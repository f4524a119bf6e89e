//! The rent subsidy's typed client, as the complaints service uses it: the application a
//! complaint is about, and its reconsideration (idempotent on `request_id`, so retried).

use pb::rent_subsidy_service_client::RentSubsidyServiceClient;
use proto::housing::subsidy::v1 as pb;
use tonic::Status;

use crate::{CallPolicy, Caller, ChannelPool};

/// The rent subsidy, called as one subsystem.
#[derive(Debug, Clone)]
pub struct SubsidyClient(Caller);

impl SubsidyClient {
    /// A client calling through `pool` as the subsystem `caller` (for example `complaints`).
    pub fn new(pool: ChannelPool, caller: &str, policy: CallPolicy) -> Result<Self, Status> {
        Caller::new(pool, caller, policy).map(SubsidyClient)
    }

    /// One application.
    pub async fn get_application(&self, name: &str) -> Result<pb::GetApplicationResponse, Status> {
        let request = pb::GetApplicationRequest { name: name.to_owned() };
        self.0.call(request, RentSubsidyServiceClient::new, |mut c, r| async move { c.get_application(r).await }).await
    }

    /// Reopens a refused application after an upheld complaint.
    pub async fn reconsider_application(
        &self,
        request: pb::ReconsiderApplicationRequest,
    ) -> Result<pb::ReconsiderApplicationResponse, Status> {
        self.0
            .call(request, RentSubsidyServiceClient::new, |mut c, r| async move { c.reconsider_application(r).await })
            .await
    }
}
