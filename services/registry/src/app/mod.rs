//! The registry's use cases, over their dependencies (the store, the calendar, the clock, the
//! state data): filing an enrolment and deciding it, what the gRPC layer and the deadline
//! sweeper call. No tonic here.

pub mod decide;
pub mod file;

use std::sync::Arc;

use calendar::{Calendar, CalendarError};
use platform::store::Db;
use platform::{ApiError, Clock};
use tokio::sync::{Notify, watch};

use crate::gather::StateData;

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct Registry {
    pub(crate) db: Db,
    pub(crate) calendar: Arc<Calendar>,
    pub(crate) clock: Clock,
    pub(crate) state: StateData,
    /// The complaints service, which confirms an upheld complaint before a reopening.
    pub(crate) complaints: clients::ComplaintsClient,
    pub(crate) limits: DocumentLimits,
    /// Woken after every committed change, so that watchers of this process see it at once;
    /// watchers poll besides, for changes made by other replicas.
    pub(crate) changed: Arc<Notify>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

pub use casework::documents::Limits as DocumentLimits;

/// The parts a registry is built from.
#[derive(Debug)]
pub struct Deps {
    /// Its database.
    pub db: Db,
    /// The calendar.
    pub calendar: Arc<Calendar>,
    /// The clock.
    pub clock: Clock,
    /// The gateway.
    pub state: StateData,
    /// The complaints service.
    pub complaints: clients::ComplaintsClient,
    /// The documents' limits.
    pub limits: DocumentLimits,
    /// The server's shutdown signal.
    pub shutdown: watch::Receiver<bool>,
}

impl Registry {
    /// The service over its dependencies.
    pub fn new(p: Deps) -> Self {
        Registry {
            db: p.db,
            calendar: p.calendar,
            clock: p.clock,
            state: p.state,
            complaints: p.complaints,
            limits: p.limits,
            changed: Arc::new(Notify::new()),
            shutdown: p.shutdown,
        }
    }
}

/// A calendar that does not cover a date is the operators' to fix, not the caller's.
pub fn calendar_error(e: CalendarError) -> ApiError {
    ApiError::failed_precondition(
        "CALENDAR_NOT_COVERED",
        format!("the working-day calendar cannot count this term: {e}"),
    )
}
