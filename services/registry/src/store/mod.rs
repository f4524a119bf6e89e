//! The registry's tables: the only place that writes SQL. Every write takes the change's
//! [`WriteTx`], so it commits with its audit row, idempotency record and outbox rows; reads
//! take the database's reader. The SQL text is the same on SQLite and PostgreSQL.

mod applications;
mod queue;
mod tasks;

pub use applications::*;
pub use queue::*;
pub use tasks::*;

use chrono::{DateTime, Utc};

/// A stage's legal deadline as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deadline {
    /// The term.
    pub term: i64,
    /// `WORKING_DAYS` or `CALENDAR_DAYS`.
    pub unit: String,
    /// The event it counts from, for example `APPLICATION_ACCEPTED`.
    pub counted_from: String,
    /// When that event happened.
    pub counted_from_at: DateTime<Utc>,
    /// The last day, `YYYY-MM-DD`.
    pub due_date: String,
    /// The end of that day.
    pub due_at: DateTime<Utc>,
    /// The clause that sets the term.
    pub clause: String,
    /// The calendar data's version.
    pub calendar_version: String,
}

/// A page position: the last key of the previous page.
pub type After = Option<(DateTime<Utc>, i64)>;

/// The stages in which an application is still open.
pub const OPEN_STAGES: &str = "('ACCEPTED', 'UNDER_REVIEW', 'RECONSIDERATION')";
