//! Kazakhstan's working-day calendar, office hours and legal deadlines (RULES.md sections 2.3,
//! 3.4, 4.5, 5 and 11). Pure: it computes over calendar data handed to it and reads no clock
//! and no file (the platform loads the file; [`SHIPPED`] is the file built in).
//!
//! - [`days`]: which days are working days, from the yearly data of `data/kz-calendar.toml`:
//!   public holidays, the transfer of a weekend holiday to the next working day, the two
//!   religious holidays that are never transferred, and decree transfers ([A-CAL], [A-WD]).
//!   A date outside the years the data cover is an error, never a guess.
//! - [`hours`]: when each channel is open and when an application arriving at a moment counts
//!   as accepted ([A-LUNCH], [A-HOURS-END], [A-BEFORE-OPEN], [A-AKIMAT-HOURS], [A-SUB-HOURS],
//!   [A-SAT-ACCEPT], [A-SC-HOLIDAYS]).
//! - [`deadline`]: N calendar or working days from an event ([A-START], with [A-START-B] as a
//!   named alternative; [A-CD-END]), and working days added to a due date ([A-EXT-FROM]).
//!
//! Time is Kazakhstan's single zone, UTC+5 ([`KAZAKHSTAN`]); "due" means the end of the due
//! day. Each assumption is a named item here, so that a lawyer's answer changes one place.
#![forbid(unsafe_code)]

pub mod days;
pub mod deadline;
pub mod hours;

pub use days::{Calendar, CalendarError, DayKind, FIXED_HOLIDAYS, RUNWAY_MONTHS, YearStatus};
pub use deadline::{DEFAULT_START, Due, StartRule, Term, TermUnit};
pub use hours::{Acceptance, Channel, OfficeHours, Span};

/// Kazakhstan's time zone: UTC+5 for the whole country since 1 March 2024.
pub const KAZAKHSTAN_OFFSET_SECONDS: i32 = 5 * 3600;

/// Kazakhstan's time zone as a chrono offset.
pub const KAZAKHSTAN: chrono::FixedOffset = match chrono::FixedOffset::east_opt(KAZAKHSTAN_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("UTC+5 is a valid offset"),
};

/// The calendar file built into the binaries: the default when no other file is configured.
pub const SHIPPED: &str = include_str!("../data/kz-calendar.toml");
