//! The complaints' rules as plain values and functions (SR cl. 25-34, [A-MON]): the review
//! terms by service and reviewing body, the extension and its notice, and the stages of a
//! review. No tonic, no sqlx.

pub mod review;
pub mod stage;
pub mod terms;

pub use stage::Stage;
