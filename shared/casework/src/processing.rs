//! A filing's reads, filed under its case. A service reads the gateway for a filing before the
//! case exists, so the exchange envelope names the filing by its request (`<service>/requests/
//! <request id>`); once the case is committed, the same transaction sends the gateway, through
//! the outbox, the link from that name to the case's, and the person's processing log then
//! shows every read under the case it served (the Personal Data Law's processing record).

use platform::store::WriteTx;
use platform::store::outbox::OutboxMessage;
use platform::{ApiError, Subsystem};
use proto::egov::gateway::v1 as gw;

/// The gateway method that takes a link.
const LINK_CASE: &str = "/kz.egov.gateway.v1.AuditService/LinkCase";

/// Links the reads made under `filed_as` to `case`, in the case's transaction.
pub async fn link_filing(tx: &mut WriteTx, filed_as: &str, case: &str) -> Result<(), ApiError> {
    let request = gw::LinkCaseRequest { filed_as: filed_as.to_owned(), case_name: case.to_owned() };
    let purpose = "the reads made for a filing, filed under the case it opened";
    tx.enqueue(OutboxMessage::new(Subsystem::Gateway, LINK_CASE, case, purpose, &request)).await?;
    Ok(())
}
