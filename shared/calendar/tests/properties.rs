//! Properties of the deadline arithmetic over the whole covered calendar (proptest).
#![allow(clippy::unwrap_used)]

use calendar::{Calendar, Channel, DEFAULT_START, StartRule, Term};
use chrono::{DateTime, Days, NaiveDate, Utc};
use proptest::prelude::*;

fn calendar() -> Calendar {
    Calendar::shipped()
}

/// A day of 2025 or 2026, so that terms up to 60 days stay inside the data.
fn day() -> impl Strategy<Value = NaiveDate> {
    (0u64..730).prop_map(|n| NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().checked_add_days(Days::new(n)).unwrap())
}

fn rule() -> impl Strategy<Value = StartRule> {
    prop_oneof![Just(StartRule::DayAfterEvent), Just(StartRule::EventDayIsDayOne)]
}

proptest! {
    #[test]
    fn a_deadline_is_never_before_its_start(start in day(), n in 1u32..60, working in any::<bool>(), rule in rule()) {
        let term = if working { Term::working_days(n) } else { Term::calendar_days(n) };
        let due = calendar().due(start, term, rule).unwrap();
        prop_assert!(due.due_date >= start);
    }

    #[test]
    fn n_working_days_land_on_a_working_day_and_span_exactly_n(start in day(), n in 1u32..40) {
        let c = calendar();
        let due = c.due(start, Term::working_days(n), DEFAULT_START).unwrap();
        prop_assert!(c.is_working_day(due.due_date).unwrap());
        prop_assert_eq!(c.working_days_between(start, due.due_date).unwrap(), n);
    }

    #[test]
    fn a_calendar_day_term_ends_on_a_working_day_no_earlier_than_n_days(start in day(), n in 1u32..60) {
        let c = calendar();
        let due = c.due(start, Term::calendar_days(n), DEFAULT_START).unwrap();
        prop_assert!(c.is_working_day(due.due_date).unwrap());
        prop_assert!(due.due_date >= start.checked_add_days(Days::new(u64::from(n))).unwrap());
    }

    #[test]
    fn the_after_hours_rule_never_moves_acceptance_backwards(start in day(), minute in 0i64..(24 * 60)) {
        let c = calendar();
        let moment: DateTime<Utc> = start.and_hms_opt(0, 0, 0).unwrap().and_utc() - chrono::Duration::hours(5)
            + chrono::Duration::minutes(minute);
        for channel in [Channel::OTBASYBANK_REGISTRY, Channel::OTBASYBANK_SUBSIDY, Channel::egov_portal(calendar::OfficeHours::AKIMAT_DEFAULT)] {
            let accepted = channel.accept(&c, moment).unwrap().unwrap();
            prop_assert!(accepted.accepted_on >= start);
            prop_assert!(c.is_working_day(accepted.accepted_on).unwrap());
        }
    }

    #[test]
    fn an_extension_adds_exactly_its_working_days(start in day(), n in 1u32..15) {
        let c = calendar();
        let due = c.due(start, Term::working_days(5), DEFAULT_START).unwrap();
        let extended = c.extend(due.due_date, n).unwrap();
        prop_assert_eq!(c.working_days_between(due.due_date, extended.due_date).unwrap(), n);
    }
}
