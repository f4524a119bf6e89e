//! The privatization rules as plain values and functions (Annex 1; PR cl. 4, 9, 14): no tonic,
//! no sqlx. Every rule names its clause.

pub mod commission;
pub mod digest;
pub mod documents;
pub mod family;
pub mod fund;
pub mod grounds;
pub mod intake;
pub mod offices;
pub mod standard;

pub use fund::{Fund, Stage};
pub use grounds::Ground;
