//! The rent subsidy's use cases over their dependencies (the store, the calendar, the clock, the
//! sources and the amount's parameters): filing an application and deciding it, what the gRPC
//! layer and the deadline sweeper call. No tonic here.

pub mod decide;
pub mod file;

use std::sync::Arc;

use calendar::{Calendar, CalendarError};
use platform::store::Db;
use platform::{ApiError, Clock};
use tokio::sync::{Notify, watch};

use decide::Inputs;

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct Subsidy {
    pub(crate) db: Db,
    pub(crate) calendar: Arc<Calendar>,
    pub(crate) clock: Clock,
    pub(crate) inputs: Inputs,
    /// The complaints service, which confirms an upheld complaint before a reopening.
    pub(crate) complaints: clients::ComplaintsClient,
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
    /// The sources and the amount's parameters.
    pub inputs: Inputs,
    /// The complaints service.
    pub complaints: clients::ComplaintsClient,
    /// The server's shutdown signal.
    pub shutdown: watch::Receiver<bool>,
}

impl Subsidy {
    /// The service over its dependencies.
    pub fn new(d: Deps) -> Self {
        Subsidy {
            db: d.db,
            calendar: d.calendar,
            clock: d.clock,
            inputs: d.inputs,
            complaints: d.complaints,
            changed: Arc::new(Notify::new()),
            shutdown: d.shutdown,
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
