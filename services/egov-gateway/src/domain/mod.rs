//! The registers' records as plain values, the rules the gateway applies when it answers
//! (the family the act records establish, the five-year look-back), and the deterministic
//! population. No tonic and no sqlx here.

pub mod compliance;
pub mod family;
pub mod records;

pub use records::*;
