//! The rent subsidy's use cases over their dependencies (the store, the calendar, the clock, the
//! sources and the amount's parameters): filing an application and deciding it, what the gRPC
//! layer and the deadline sweeper call. No tonic here.

pub mod decide;
pub mod file;
pub mod review;

use std::sync::Arc;

use calendar::Calendar;
use platform::Clock;
use platform::store::Db;
use tokio::sync::{Notify, watch};

use decide::Inputs;

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct Subsidy {
    pub db: Db,
    pub calendar: Arc<Calendar>,
    pub clock: Clock,
    pub inputs: Inputs,
    /// The complaints service, which confirms an upheld complaint before a reopening.
    pub complaints: clients::ComplaintsClient,
    pub changed: Arc<Notify>,
    pub shutdown: watch::Receiver<bool>,
    /// The provider's seal of the results (`casework::results`).
    pub seal: casework::results::Seal,
}

pub use casework::history::calendar_error;
