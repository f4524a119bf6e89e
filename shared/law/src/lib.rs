//! The law the housing services share, as plain values and functions (DESIGN.md "Cases,
//! deadlines and evidence"): the in-force date of order No. 76, the civil-record cut-offs of
//! Annex 1 row 9, the canonical encoding the applicant signs, a legal term with the clause
//! that sets it, and the record of a refusal ground. Every service's `domain/` builds on this
//! crate, `calendar` and `kz-ids` only; nothing here reaches a network, a database or a runtime
//! (`.ci/purity` checks both).
#![forbid(unsafe_code)]

pub mod cutoffs;
pub mod digest;
pub mod ground;
pub mod order;
pub mod remedy;
pub mod result;
pub mod stage;
pub mod standard;
pub mod term;

pub use ground::{GroundRecord, RefusalGround, Texts};
pub use stage::{Stage, UnknownCode};
pub use term::Term;
