//! Privatization's use cases over their dependencies (the store, the calendar, the clock, the
//! state data, the complaints service): filing an application and the officials' acts on it. The gRPC layer converts its
//! requests into the commands these take and shows what they answer.

pub mod act;
pub mod file;

use std::sync::Arc;

use calendar::{Calendar, CalendarError};
use platform::store::Db;
use platform::{ApiError, Clock};
use tokio::sync::{Notify, watch};

use crate::gather::StateData;

/// What the use cases and the handlers share.
#[derive(Debug, Clone)]
pub struct Privatization {
    pub(crate) db: Db,
    pub(crate) calendar: Arc<Calendar>,
    pub(crate) clock: Clock,
    pub(crate) state: StateData,
    /// The complaints service, which confirms an upheld complaint before a reopening.
    pub(crate) complaints: clients::ComplaintsClient,
    pub(crate) limits: casework::documents::Limits,
    /// Woken after every committed change, for this process's watchers.
    pub(crate) changed: Arc<Notify>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// What the service is built from.
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
    /// The largest document, and all documents of a request together, in bytes.
    pub limits: casework::documents::Limits,
    /// The server's shutdown signal.
    pub shutdown: watch::Receiver<bool>,
}

impl Privatization {
    /// The service over its dependencies.
    pub fn new(d: Deps) -> Self {
        Privatization {
            db: d.db,
            calendar: d.calendar,
            clock: d.clock,
            state: d.state,
            complaints: d.complaints,
            limits: d.limits,
            changed: Arc::new(Notify::new()),
            shutdown: d.shutdown,
        }
    }
}

/// A term the calendar cannot count.
pub fn calendar_error(e: CalendarError) -> ApiError {
    ApiError::failed_precondition(
        "CALENDAR_NOT_COVERED",
        format!("the working-day calendar cannot count this term: {e}"),
    )
}
