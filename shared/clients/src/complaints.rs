//! The complaints service's typed client, as the housing services use it: before a case is
//! reopened, the service asks the complaints service whether the complaint named is upheld
//! and concerns that case.

use pb::complaint_service_client::ComplaintServiceClient;
use proto::housing::complaints::v1 as pb;
use tonic::Status;

use crate::{CallPolicy, Caller, ChannelPool};

/// The complaints service, called as one subsystem.
#[derive(Debug, Clone)]
pub struct ComplaintsClient(Caller);

impl ComplaintsClient {
    /// A client calling through `pool` as the subsystem `caller` (for example `registry`).
    pub fn new(pool: ChannelPool, caller: &str, policy: CallPolicy) -> Result<Self, Status> {
        Caller::new(pool, caller, policy).map(ComplaintsClient)
    }

    /// One complaint.
    pub async fn get_complaint(&self, name: &str) -> Result<pb::GetComplaintResponse, Status> {
        let request = pb::GetComplaintRequest { name: name.to_owned() };
        self.0.call(request, ComplaintServiceClient::new, |mut c, r| async move { c.get_complaint(r).await }).await
    }
}
