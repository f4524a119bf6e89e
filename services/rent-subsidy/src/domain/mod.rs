//! The rent subsidy's rules as plain values and functions (Annex 3; SR cl. 26): no tonic, no sqlx.
//! Every rule names its clause.

pub mod amount;
pub mod digest;
pub mod eligibility;
pub mod grounds;
pub mod iban;
pub mod schedule;
pub mod stage;
pub mod standard;
pub mod terms;

pub use grounds::Ground;
pub use stage::Stage;
