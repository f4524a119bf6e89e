//! The service standard (Annex 1) as data, in the version in force on a date.

use platform::ApiError;
use proto::housing::privatization::v1 as pb;

use super::Privatization;
use crate::domain::Ground;
use crate::domain::standard::{IN_FORCE_FROM, ROWS, SOURCE};

impl Privatization {
    pub(super) async fn service_standard(
        &self,
        r: pb::GetServiceStandardRequest,
    ) -> Result<pb::GetServiceStandardResponse, ApiError> {
        let pb::GetServiceStandardRequest { as_of } = r;
        casework::standard::as_of(&as_of, self.clock.now_local().date_naive())?;
        let standard =
            casework::standard::shown::<Ground>("privatization", SOURCE.into(), IN_FORCE_FROM.to_string(), ROWS);
        Ok(pb::GetServiceStandardResponse { standard: Some(standard) })
    }
}
