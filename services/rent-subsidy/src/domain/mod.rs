//! The rent subsidy's rules as plain values and functions (Annex 3; SR cl. 26): no tonic, no sqlx.
//! Every rule names its clause.

pub mod amount;
pub mod eligibility;
pub mod grounds;
pub mod schedule;
pub mod standard;

pub use grounds::Ground;

/// The stages in which a case waits for no decision: its deadline no longer runs.
pub const CLOSED_STAGES: &[&str] = &["ASSIGNED", "REFUSED", "TERMINATED"];
