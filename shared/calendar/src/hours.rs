//! Office hours per channel, and when an application arriving at a moment counts as accepted
//! (Annex 1 row 8; Annex 2 row 8; Annex 3 row 8; RULES.md 3.4, 4.5, 5).
//!
//! Two kinds of channel:
//! - an **office** that takes paper in person (the State Corporation's regular offices and duty
//!   departments): open only in its hours; an application brought while it is closed is not
//!   received at all (AT-15), and one received counts as accepted that day, a duty
//!   department's Saturday included ([A-SAT-ACCEPT], for );
//! - an **online** channel open around the clock (the e-government portal for privatization,
//!   otbasybank.kz for the registry and the rent subsidy): it receives at any moment, and an
//!   application after the provider's working hours, on a weekend or on a holiday is accepted,
//!   and its result issued, on the next working day (Annex 1 row 8(3); Annex 2 row 8(2)).
//!   One that arrives before opening on a working day counts from that day ([A-BEFORE-OPEN]),
//!   and one during the lunch break is within working time ([A-LUNCH]).
//!
//! Spans are half-open: Otbasy bank's day ends at 18:30, so 18:30 itself is after hours
//! ([A-HOURS-END]); a duty department's Saturday ends at 13:00.

use chrono::Datelike;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};

use crate::days::{Calendar, CalendarError, DayKind};

/// A span of the day in Kazakhstan's time, from `start` (included) to `end` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The first moment in the span.
    pub start: NaiveTime,
    /// The first moment after it.
    pub end: NaiveTime,
}

impl Span {
    /// The span from `start_h:start_m` to `end_h:end_m`.
    pub const fn hm(start_h: u32, start_m: u32, end_h: u32, end_m: u32) -> Span {
        Span { start: time(start_h, start_m), end: time(end_h, end_m) }
    }

    /// Whether `t` is in the span.
    pub fn contains(&self, t: NaiveTime) -> bool {
        self.start <= t && t < self.end
    }
}

const fn time(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => panic!("a valid time of day"),
    }
}

/// An office's or a provider's hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeHours {
    /// Hours on working days.
    pub working_days: Span,
    /// The lunch break, when the office closes for it.
    pub lunch: Option<Span>,
    /// Hours on Saturdays that are not days off, for offices open on Saturdays.
    pub saturdays: Option<Span>,
}

impl OfficeHours {
    /// Otbasy bank, the registry's and the rent subsidy's provider: Monday to Friday 9:00 to
    /// 18:30, lunch 13:00 to 14:30 (Annex 2 row 8(1)); the end is [A-HOURS-END].
    pub const OTBASY_BANK: OfficeHours =
        OfficeHours { working_days: Span::hm(9, 0, 18, 30), lunch: Some(Span::hm(13, 0, 14, 30)), saturdays: None };

    /// An akimat, the privatization provider: "per its established schedule, with a lunch
    /// break" (Annex 1 row 8(1)), hours not stated. [A-AKIMAT-HOURS]: a per-provider setting;
    /// this placeholder default is Otbasy bank's hours, not any akimat's.
    pub const AKIMAT_DEFAULT: OfficeHours = OfficeHours::OTBASY_BANK;

    /// The State Corporation's regular offices: Monday to Friday 9:00 to 18:00 without a
    /// lunch break (Annex 1 row 8(2)).
    pub const STATE_CORPORATION: OfficeHours =
        OfficeHours { working_days: Span::hm(9, 0, 18, 0), lunch: None, saturdays: None };

    /// The State Corporation's duty departments: Monday to Friday 9:00 to 20:00 and Saturday
    /// 9:00 to 13:00 (Annex 1 row 8(2)); closed on holidays and transferred days off,
    /// Saturdays included ([A-SC-HOLIDAYS]).
    pub const STATE_CORPORATION_DUTY: OfficeHours =
        OfficeHours { working_days: Span::hm(9, 0, 20, 0), lunch: None, saturdays: Some(Span::hm(9, 0, 13, 0)) };

    /// The hours on `date`, if the office opens that day at all.
    fn on(&self, calendar: &Calendar, date: NaiveDate) -> Result<Option<Span>, CalendarError> {
        Ok(match calendar.day(date)? {
            kind if kind.is_working() => Some(self.working_days),
            // Only a plain Saturday: a holiday or transferred day off on a Saturday closes it.
            DayKind::Weekend if date.weekday() == Weekday::Sat => self.saturdays,
            _ => None,
        })
    }
}

/// A channel an application comes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// An office that takes paper in person, in its hours.
    Office(OfficeHours),
    /// A channel open around the clock, with the provider's working time deciding the
    /// acceptance day.
    Online {
        /// The provider whose working time the next-working-day rule refers to.
        provider: OfficeHours,
    },
}

/// When an application received at a moment counts as accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptance {
    /// The day it counts as accepted.
    pub accepted_on: NaiveDate,
    /// Whether it was moved to the next working day.
    pub deferred: bool,
}

impl Channel {
    /// The e-government portal for privatization (Annex 1 row 8(3)), with an akimat's hours.
    pub const fn egov_portal(akimat: OfficeHours) -> Channel {
        Channel::Online { provider: akimat }
    }

    /// otbasybank.kz for the registry (Annex 2 row 8(2)).
    pub const OTBASYBANK_REGISTRY: Channel = Channel::Online { provider: OfficeHours::OTBASY_BANK };

    /// otbasybank.kz for the rent subsidy: Annex 3 row 8 gives no hours and no after-hours
    /// rule; [A-SUB-HOURS] applies the registry's.
    pub const OTBASYBANK_SUBSIDY: Channel = Channel::Online { provider: OfficeHours::OTBASY_BANK };

    /// A regular office of the State Corporation (Annex 1 row 8(2)).
    pub const STATE_CORPORATION_OFFICE: Channel = Channel::Office(OfficeHours::STATE_CORPORATION);

    /// A duty department of the State Corporation (Annex 1 row 8(2)).
    pub const STATE_CORPORATION_DUTY: Channel = Channel::Office(OfficeHours::STATE_CORPORATION_DUTY);

    /// Whether the channel receives applications at `at`.
    pub fn is_open(&self, calendar: &Calendar, at: DateTime<Utc>) -> Result<bool, CalendarError> {
        match self {
            // Technical breaks for repair are not scheduled data; the channel is 24/7.
            Channel::Online { .. } => {
                calendar.day(local(at).date())?;
                Ok(true)
            }
            Channel::Office(hours) => {
                let local = local(at);
                let Some(span) = hours.on(calendar, local.date())? else { return Ok(false) };
                let t = local.time();
                Ok(span.contains(t) && !hours.lunch.is_some_and(|lunch| lunch.contains(t)))
            }
        }
    }

    /// When an application arriving at `at` counts as accepted; `None` when an office is
    /// closed and receives nothing.
    pub fn accept(&self, calendar: &Calendar, at: DateTime<Utc>) -> Result<Option<Acceptance>, CalendarError> {
        let local = local(at);
        let date = local.date();
        match self {
            Channel::Office(_) => {
                Ok(self.is_open(calendar, at)?.then_some(Acceptance { accepted_on: date, deferred: false }))
            }
            Channel::Online { provider } => {
                // Within working time means before the close of a working day: before
                // opening counts ([A-BEFORE-OPEN]) and so does the lunch break ([A-LUNCH]).
                let in_time = calendar.is_working_day(date)? && local.time() < provider.working_days.end;
                Ok(Some(if in_time {
                    Acceptance { accepted_on: date, deferred: false }
                } else {
                    Acceptance { accepted_on: calendar.next_working_day(date)?, deferred: true }
                }))
            }
        }
    }
}

impl Channel {
    /// The moment an application received at `received` counts as accepted, and its term runs
    /// from: that moment, or, when the channel moved it to a later working day, the provider's
    /// opening on that day (Annex 2 row 8(1); Annex 1 row 8(3)).
    pub fn accepted_at(&self, acceptance: &Acceptance, received: DateTime<Utc>) -> DateTime<Utc> {
        if !acceptance.deferred {
            return received;
        }
        let (Channel::Office(hours) | Channel::Online { provider: hours }) = self;
        // A fixed offset maps every local time to exactly one instant.
        let local = acceptance.accepted_on.and_time(hours.working_days.start);
        (local - chrono::Duration::seconds(i64::from(crate::KAZAKHSTAN.local_minus_utc()))).and_utc()
    }
}

/// `at` in Kazakhstan's time.
pub fn local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&crate::KAZAKHSTAN).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn accepted(channel: Channel, moment: &str) -> (NaiveDate, bool) {
        let a = channel.accept(&Calendar::shipped(), at(moment)).unwrap().unwrap();
        (a.accepted_on, a.deferred)
    }

    #[test]
    fn a_deferred_application_counts_from_the_provider_s_opening_on_its_acceptance_day() {
        let channel = Channel::OTBASYBANK_REGISTRY;
        let late = at("2026-04-17T19:00:00+05:00");
        let a = channel.accept(&Calendar::shipped(), late).unwrap().unwrap();
        assert_eq!(channel.accepted_at(&a, late), at("2026-04-20T09:00:00+05:00"));
        let in_time = at("2026-04-17T11:00:00+05:00");
        let a = channel.accept(&Calendar::shipped(), in_time).unwrap().unwrap();
        assert_eq!(channel.accepted_at(&a, in_time), in_time);
    }

    #[test]
    fn at04_otbasy_after_18_30_is_accepted_next_working_day_and_lunch_is_working_time() {
        let registry = Channel::OTBASYBANK_REGISTRY;
        assert_eq!(accepted(registry, "2026-04-03T18:45:00+05:00"), (d("2026-04-06"), true));
        assert_eq!(accepted(registry, "2026-04-03T13:45:00+05:00"), (d("2026-04-03"), false), "[A-LUNCH]");
        assert_eq!(
            accepted(registry, "2026-04-03T18:30:00+05:00"),
            (d("2026-04-06"), true),
            "[A-HOURS-END]: 18:30 is after hours"
        );
        assert_eq!(accepted(registry, "2026-04-03T18:29:59+05:00"), (d("2026-04-03"), false));
        assert_eq!(accepted(registry, "2026-04-03T07:10:00+05:00"), (d("2026-04-03"), false), "[A-BEFORE-OPEN]");
    }

    #[test]
    fn at02_at05_at19_weekends_and_holidays_move_acceptance_to_the_next_working_day() {
        assert_eq!(accepted(Channel::OTBASYBANK_REGISTRY, "2026-04-04T10:00:00+05:00"), (d("2026-04-06"), true));
        assert_eq!(accepted(Channel::OTBASYBANK_REGISTRY, "2026-03-20T19:00:00+05:00"), (d("2026-03-26"), true));
        assert_eq!(
            accepted(Channel::OTBASYBANK_SUBSIDY, "2026-04-18T10:00:00+05:00"),
            (d("2026-04-20"), true),
            "[A-SUB-HOURS]"
        );
    }

    #[test]
    fn at14_the_portal_on_a_sunday_evening_accepts_on_monday() {
        let portal = Channel::egov_portal(OfficeHours::AKIMAT_DEFAULT);
        assert_eq!(accepted(portal, "2026-04-12T21:00:00+05:00"), (d("2026-04-13"), true));
        assert!(portal.is_open(&Calendar::shipped(), at("2026-04-12T21:00:00+05:00")).unwrap(), "24/7");
    }

    #[test]
    fn at15_state_corporation_hours() {
        let c = Calendar::shipped();
        let open = |ch: Channel, m: &str| ch.is_open(&c, at(m)).unwrap();
        let (regular, duty) = (Channel::STATE_CORPORATION_OFFICE, Channel::STATE_CORPORATION_DUTY);
        assert!(open(regular, "2026-04-14T13:30:00+05:00"), "(a) no lunch break at the State Corporation");
        assert!(!open(regular, "2026-04-14T19:30:00+05:00"), "(b) closed");
        assert!(open(duty, "2026-04-14T19:30:00+05:00"), "(c) served");
        assert!(open(duty, "2026-04-18T12:59:00+05:00"), "(d) served");
        assert!(!open(duty, "2026-04-18T13:01:00+05:00"), "(e) closed");
        assert!(!open(regular, "2026-04-18T10:00:00+05:00"), "(f) closed");
        assert_eq!(
            regular.accept(&c, at("2026-04-14T19:30:00+05:00")).unwrap(),
            None,
            "a closed office receives nothing"
        );
    }

    #[test]
    fn a_saturday_acceptance_at_a_duty_department_is_that_saturday_a_sat_accept() {
        assert_eq!(accepted(Channel::STATE_CORPORATION_DUTY, "2026-04-18T12:59:00+05:00"), (d("2026-04-18"), false));
    }

    #[test]
    fn duty_departments_close_on_a_holiday_saturday_a_sc_holidays() {
        let c = Calendar::shipped();
        // Victory Day 2026 is Saturday 9 May; its Monday 11 May is a transferred day off.
        assert!(!Channel::STATE_CORPORATION_DUTY.is_open(&c, at("2026-05-09T10:00:00+05:00")).unwrap());
        assert!(!Channel::STATE_CORPORATION_DUTY.is_open(&c, at("2026-05-11T10:00:00+05:00")).unwrap());
        assert!(Channel::STATE_CORPORATION_DUTY.is_open(&c, at("2026-05-16T10:00:00+05:00")).unwrap());
    }

    #[test]
    fn a_provider_office_closes_for_lunch() {
        let akimat = Channel::Office(OfficeHours::AKIMAT_DEFAULT);
        let c = Calendar::shipped();
        assert!(!akimat.is_open(&c, at("2026-04-14T13:30:00+05:00")).unwrap());
        assert!(akimat.is_open(&c, at("2026-04-14T14:30:00+05:00")).unwrap());
    }

    #[test]
    fn moments_are_read_in_kazakhstan_time() {
        // 20:00 UTC on Thursday 2 April is 01:00 on Friday 3 April in Almaty.
        assert_eq!(accepted(Channel::OTBASYBANK_REGISTRY, "2026-04-02T20:00:00Z"), (d("2026-04-03"), false));
    }
}
