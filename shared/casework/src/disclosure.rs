//! Reads on a person's behalf, logged where the person can see them: when the contact centre
//! is shown a case for the person on the line, the case service records it in its audit and,
//! through the outbox, in the person's processing log at the gateway (who was shown which case,
//! when and why), as the Personal Data Law's processing record asks.

use platform::store::outbox::OutboxMessage;
use platform::store::{Command, Db};
use platform::{ApiError, Principal, Subsystem};
use proto::egov::gateway::v1 as gw;

/// The gateway method that takes a disclosure.
const RECORD_DISCLOSURE: &str = "/kz.egov.gateway.v1.AuditService/RecordDisclosure";

/// Whether a read by `principal` must be logged as a disclosure: the contact centre's.
pub fn logged(principal: &Principal) -> bool {
    principal.subsystem == Subsystem::ContactCentre
}

/// Records that `case` of `person` was shown to `principal` (the contact centre): an audit row
/// here and an entry of the person's processing log at the gateway, in one transaction.
pub async fn record(db: &Db, principal: &Principal, case: &str, person: &str, fields: &[&str]) -> Result<(), ApiError> {
    let shown_to = match &principal.official {
        Some(o) => format!("{} ({} {})", principal.subsystem, o.role, o.id),
        None => principal.subsystem.to_string(),
    };
    let purpose = format!("shown to {shown_to} for the person on the line");
    let request = gw::RecordDisclosureRequest {
        iin: person.to_owned(),
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
    };
    let message = OutboxMessage::new(Subsystem::Gateway, RECORD_DISCLOSURE, case, &purpose, &request).for_user(person);
    let (case, why) = (case.to_owned(), purpose.clone());
    db.transact::<(), _>(Command::new(principal.clone(), "disclosure:contact-centre"), move |tx| {
        Box::pin(async move {
            tx.enqueue(message).await?;
            tx.audit(&case, &why).await
        })
    })
    .await
    .map(|_| ())
}

/// Records a list shown to the contact centre for the person on the line (`scope` is theirs),
/// when it showed anything.
pub async fn listed(
    db: &Db,
    principal: &Principal,
    scope: &crate::access::Scope,
    collection: &str,
    shown: usize,
) -> Result<(), ApiError> {
    match scope {
        crate::access::Scope::Person(person) if logged(principal) && shown > 0 => {
            record(db, principal, collection, person, &["list"]).await
        }
        _ => Ok(()),
    }
}
