//! The registry's use cases, over their dependencies (the store, the calendar, the clock, the
//! state data): filing an enrolment and deciding it, what the gRPC layer and the deadline
//! sweeper call. No tonic here.

pub mod decide;
pub mod file;
pub mod remove;
pub mod review;
pub mod standard;

use std::sync::Arc;

use calendar::Calendar;
use platform::Clock;
use platform::store::Db;
use tokio::sync::{Notify, watch};

use crate::gather::StateData;

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct Registry {
    pub db: Db,
    pub calendar: Arc<Calendar>,
    pub clock: Clock,
    pub state: StateData,
    /// The complaints service, which confirms an upheld complaint before a reopening.
    pub complaints: clients::ComplaintsClient,
    pub limits: DocumentLimits,
    /// Woken after every committed change, so that watchers of this process see it at once;
    /// watchers poll besides, for changes made by other replicas.
    pub changed: Arc<Notify>,
    pub shutdown: watch::Receiver<bool>,
    /// The provider's seal of the results (`casework::results`).
    pub seal: casework::results::Seal,
}

pub use casework::documents::Limits as DocumentLimits;

pub use casework::history::calendar_error;
