//! The registry's tables: the only place that writes SQL. Every write takes the change's
//! [`WriteTx`], so it commits with its audit row, idempotency record and outbox rows; reads
//! take the database's reader. The SQL text is the same on SQLite and PostgreSQL.

mod applications;
pub mod preparation;
mod queue;
mod tasks;

pub use applications::*;
pub use queue::*;
pub use tasks::*;

pub use casework::history::{Deadline, EventRow, events};

/// Everything an application shows beside its row.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// Its findings.
    pub findings: Vec<FindingRow>,
    /// Its confirmations.
    pub confirmations: Vec<ConfirmationRow>,
    /// Its documents' kinds.
    pub document_kinds: Vec<String>,
    /// Its place on the list.
    pub queue: Option<QueueRow>,
}
