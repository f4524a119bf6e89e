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
}

pub use casework::history::calendar_error;
