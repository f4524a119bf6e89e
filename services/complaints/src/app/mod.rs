//! The complaints' use cases over their dependencies (the store, the calendar, the clock, the
//! three services): registering a complaint, extending and deciding its review, and the
//! sweeper's jobs. The gRPC layer converts its requests into the commands these take.

pub mod file;
pub mod jobs;
pub mod review;

use std::sync::Arc;

use calendar::Calendar;
use platform::store::Db;
use platform::store::outbox::OutboxMessage;
use platform::{ApiError, Clock, Principal};
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use tokio::sync::{Notify, watch};

use crate::ComplaintCases;
use crate::store::ComplaintRow;
use crate::targets::Targets;
use casework::case::CaseKind as _;

/// What the use cases and the handlers share.
#[derive(Debug, Clone)]
pub struct Complaints {
    /// The database.
    pub db: Db,
    /// The calendar.
    pub calendar: Arc<Calendar>,
    /// The clock.
    pub clock: Clock,
    /// The three services.
    pub targets: Targets,
    /// The documents' limits.
    pub limits: casework::documents::Limits,
    /// Woken after every change, for this process's watchers.
    pub changed: Arc<Notify>,
    /// The server's shutdown signal.
    pub shutdown: watch::Receiver<bool>,
    /// The provider's seal of the results (`casework::results`).
    pub seal: casework::results::Seal,
}

pub use casework::asked::Asked;

/// The resource name of complaint `id`.
pub fn name(id: i64) -> String {
    ComplaintCases::name(id)
}

/// The answer for a complaint that is not there.
pub fn not_found(id: i64) -> ApiError {
    ComplaintCases::not_found(id)
}

pub use casework::history::calendar_error;

/// The reviewing official may act on this complaint: their jurisdiction is the reviewing body.
fn reviewer_of(p: &Principal, c: &ComplaintRow) -> Result<(), ApiError> {
    if p.subsystem == platform::Subsystem::Dev && p.official.is_none() {
        return Ok(());
    }
    match p.official.as_ref().and_then(|o| o.jurisdiction.as_deref()) {
        Some(body) if body == c.reviewer_id => Ok(()),
        _ => Err(ApiError::permission_denied(
            "NOT_THE_REVIEWING_BODY",
            format!("{} is reviewed by {}; act with x-official-jurisdiction of that body", name(c.id), c.reviewer_id),
        )),
    }
}

/// The notice to the complainant: in writing for a paper complaint, electronically otherwise
/// (SR cl. 34).
fn notice(c: &ComplaintRow, [kk, ru, en]: [String; 3], purpose: &str) -> OutboxMessage {
    let channel =
        if c.filed_channel == "PAPER" { gw::NotificationChannel::Paper } else { gw::NotificationChannel::Cabinet };
    let text = casework::reporting::addressed(c.complainant_name.as_deref(), common::LocalizedText { kk, ru, en });
    casework::reporting::notice(&name(c.id), &c.complainant_iin, channel, text, purpose)
}
