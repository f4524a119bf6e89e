//! Privatization's use cases over their dependencies (the store, the calendar, the clock, the
//! state data, the complaints service): filing an application and the officials' acts on it. The gRPC layer converts its
//! requests into the commands these take and shows what they answer.

pub mod act;
pub mod file;
pub mod offline;

use std::sync::Arc;

use calendar::Calendar;
use platform::Clock;
use platform::store::Db;
use tokio::sync::{Notify, watch};

use crate::gather::StateData;

/// What the use cases and the handlers share.
#[derive(Debug, Clone)]
pub struct Privatization {
    pub db: Db,
    pub calendar: Arc<Calendar>,
    pub clock: Clock,
    pub state: StateData,
    /// The complaints service, which confirms an upheld complaint before a reopening.
    pub complaints: clients::ComplaintsClient,
    pub limits: casework::documents::Limits,
    /// Woken after every committed change, for this process's watchers.
    pub changed: Arc<Notify>,
    pub shutdown: watch::Receiver<bool>,
    /// The provider's seal of the results (`casework::results`).
    pub seal: casework::results::Seal,
}

pub use casework::history::calendar_error;

/// Hands a result of case `app` out in its change: the signed document (`casework::results`)
/// of `kind` on `clause`, and the notice to the applicant addressed to `applicant_name`
/// (Annex 1 rows 6 and 11(2)).
pub(crate) async fn hand_out(
    tx: &mut platform::store::WriteTx,
    app: &crate::store::ApplicationRow,
    applicant_name: Option<&str>,
    stage: crate::domain::Stage,
    (kind, clause): (law::result::ResultKind, &str),
    text: proto::housing::common::v1::LocalizedText,
) -> Result<(), platform::ApiError> {
    use casework::case::CaseKind as _;
    let name = crate::Privatizations::name(app.id);
    let decided = casework::results::Decided {
        service: crate::Privatizations::SERVICE,
        case_id: app.id,
        case_name: &name,
        kind,
        decision: law::Stage::code(stage),
        clause,
        text: &text,
    };
    let notice = crate::reporting::result_notice(&name, &app.applicant_iin, applicant_name, text.clone());
    casework::results::hand_out(tx, decided, notice).await.map(|_| ())
}
