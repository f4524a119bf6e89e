//! Legal deadlines (RULES.md sections 2.3 and 11).
//!
//! - [A-START]: a term "from event E" starts the day after E (the event's day is day 0) and
//!   ends at the end of its last day, 24:00 in UTC+5. [A-START-B], the named alternative,
//!   counts the event's day as day 1. [`DEFAULT_START`] says which one the suite uses.
//! - [A-CD-END]: a calendar-day term whose last day is not a working day ends on the next
//!   working day.
//! - [A-EXT-FROM]: an extension adds its working days to the current due date.
//!
//! Every deadline records the calendar version it was computed with, and whether a year it
//! touched is provisional.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};

use crate::days::{Calendar, CalendarError, YearStatus};

/// The unit a term is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermUnit {
    /// Calendar days ([A-CD-END] applies to the last one).
    CalendarDays,
    /// Working days ([A-WD]).
    WorkingDays,
}

/// A legal term, such as "3 working days" (Annex 2 row 4(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// How many units; at least 1.
    pub count: u32,
    /// The unit.
    pub unit: TermUnit,
}

impl Term {
    /// `count` calendar days.
    pub const fn calendar_days(count: u32) -> Term {
        Term { count, unit: TermUnit::CalendarDays }
    }

    /// `count` working days.
    pub const fn working_days(count: u32) -> Term {
        Term { count, unit: TermUnit::WorkingDays }
    }
}

/// Where a term starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartRule {
    /// [A-START]: the day after the event is day 1.
    DayAfterEvent,
    /// [A-START-B]: the event's own day is day 1.
    EventDayIsDayOne,
}

/// The rule the suite counts with: [A-START].
pub const DEFAULT_START: StartRule = StartRule::DayAfterEvent;

/// A computed deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The last day of the term, in Kazakhstan's calendar.
    pub due_date: NaiveDate,
    /// The end of that day (24:00 UTC+5) as an instant: due means "by the end of that day".
    pub due_at: DateTime<Utc>,
    /// The calendar version used.
    pub calendar_version: String,
    /// Whether a year the computation touched is provisional in the calendar data.
    pub provisional: bool,
}

impl Calendar {
    /// The deadline of `term` counted from an event on `event_day`, under `rule`.
    pub fn due(&self, event_day: NaiveDate, term: Term, rule: StartRule) -> Result<Due, CalendarError> {
        if term.count == 0 {
            return Err(CalendarError::Invalid("a term counts at least one day".into()));
        }
        let due_date = match term.unit {
            TermUnit::CalendarDays => {
                let days = match rule {
                    StartRule::DayAfterEvent => term.count,
                    StartRule::EventDayIsDayOne => term.count - 1,
                };
                let last = event_day
                    .checked_add_days(Days::new(u64::from(days)))
                    .ok_or_else(|| CalendarError::Invalid(format!("{event_day} + {days} days")))?;
                // [A-CD-END]: a term ending on a day off ends on the next working day.
                self.working_day_on_or_after(last)?
            }
            TermUnit::WorkingDays => match rule {
                StartRule::DayAfterEvent => self.working_days_after(event_day, term.count)?,
                // The event's day is day 1 only when it is a working day.
                StartRule::EventDayIsDayOne if self.is_working_day(event_day)? => {
                    self.working_days_after(event_day, term.count - 1)?
                }
                StartRule::EventDayIsDayOne => self.working_days_after(event_day, term.count)?,
            },
        };
        self.deadline(event_day, due_date)
    }

    /// [A-EXT-FROM]: `extra` working days added to an existing due date.
    pub fn extend(&self, due_date: NaiveDate, extra: u32) -> Result<Due, CalendarError> {
        let extended = self.working_days_after(due_date, extra)?;
        self.deadline(due_date, extended)
    }

    fn deadline(&self, from: NaiveDate, due_date: NaiveDate) -> Result<Due, CalendarError> {
        let next = due_date.succ_opt().ok_or_else(|| CalendarError::Invalid(format!("no day after {due_date}")))?;
        let midnight = next.and_hms_opt(0, 0, 0).ok_or_else(|| CalendarError::Invalid("midnight".into()))?;
        let due_at = crate::KAZAKHSTAN
            .from_local_datetime(&midnight)
            .single()
            .ok_or_else(|| CalendarError::Invalid("a fixed offset has one local time".into()))?
            .to_utc();
        let provisional = (from.year()..=due_date.year()).any(|y| self.status(y) == Some(YearStatus::Provisional));
        Ok(Due { due_date, due_at, calendar_version: self.version().to_owned(), provisional })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::Channel;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn due(event: &str, term: Term) -> NaiveDate {
        Calendar::shipped().due(d(event), term, DEFAULT_START).unwrap().due_date
    }

    /// Acceptance through `channel` at `moment`, then `term` from the acceptance day.
    fn due_after_acceptance(channel: Channel, moment: &str, term: Term) -> (NaiveDate, NaiveDate) {
        let c = Calendar::shipped();
        let accepted = channel.accept(&c, at(moment)).unwrap().unwrap().accepted_on;
        (accepted, c.due(accepted, term, DEFAULT_START).unwrap().due_date)
    }

    #[test]
    fn at01_registry_no_dwelling_application_on_wednesday_is_due_thursday_annex2_row4_1() {
        let (accepted, due) =
            due_after_acceptance(Channel::OTBASYBANK_REGISTRY, "2026-04-01T11:00:00+05:00", Term::working_days(1));
        assert_eq!((accepted, due), (d("2026-04-01"), d("2026-04-02")));
    }

    #[test]
    fn at02_emergency_dwelling_application_on_saturday_is_due_thursday_annex2_row4_2() {
        let (accepted, due) =
            due_after_acceptance(Channel::OTBASYBANK_REGISTRY, "2026-04-04T10:00:00+05:00", Term::working_days(3));
        assert_eq!((accepted, due), (d("2026-04-06"), d("2026-04-09")));
        let start_b = Calendar::shipped().due(accepted, Term::working_days(3), StartRule::EventDayIsDayOne).unwrap();
        assert_eq!(start_b.due_date, d("2026-04-08"), "[A-START-B]");
    }

    #[test]
    fn at04_after_hours_on_friday_is_due_tuesday_and_at_lunch_due_monday_annex2_row8() {
        let term = Term::working_days(1);
        assert_eq!(
            due_after_acceptance(Channel::OTBASYBANK_REGISTRY, "2026-04-03T18:45:00+05:00", term),
            (d("2026-04-06"), d("2026-04-07"))
        );
        assert_eq!(
            due_after_acceptance(Channel::OTBASYBANK_REGISTRY, "2026-04-03T13:45:00+05:00", term),
            (d("2026-04-03"), d("2026-04-06"))
        );
    }

    #[test]
    fn at05_nauryz_holidays_and_transferred_days_off_come_from_the_data_a_cal() {
        assert_eq!(
            due_after_acceptance(Channel::OTBASYBANK_REGISTRY, "2026-03-20T19:00:00+05:00", Term::working_days(3)),
            (d("2026-03-26"), d("2026-03-31"))
        );
    }

    #[test]
    fn at06_orphan_data_missing_is_due_monday_and_the_ordinary_case_thursday_annex2_row4_3() {
        assert_eq!(due("2026-04-15", Term::working_days(3)), d("2026-04-20"));
        assert_eq!(due("2026-04-15", Term::working_days(1)), d("2026-04-16"), "[A-ORPHAN]");
    }

    #[test]
    fn at11_communal_fund_commission_in_30_calendar_days_contract_in_5_working_days_annex1_row4_1() {
        assert_eq!(due("2026-04-13", Term::calendar_days(30)), d("2026-05-13"));
        assert_eq!(due("2026-05-13", Term::working_days(5)), d("2026-05-20"), "[A-P-CONTRACT]");
    }

    #[test]
    fn at12_communal_entity_transfer_in_15_calendar_days_then_contract_annex1_row4_2() {
        assert_eq!(due("2026-05-13", Term::calendar_days(15)), d("2026-05-28"));
        assert_eq!(due("2026-05-28", Term::working_days(5)), d("2026-06-04"));
    }

    #[test]
    fn at13_republican_entity_property_body_15_days_transfer_30_days_contract_annex1_row4_3() {
        assert_eq!(due("2026-04-15", Term::calendar_days(15)), d("2026-04-30"));
        assert_eq!(due("2026-04-15", Term::calendar_days(30)), d("2026-05-15"));
        assert_eq!(due("2026-05-15", Term::working_days(5)), d("2026-05-22"));
    }

    #[test]
    fn at14_portal_on_sunday_counts_30_days_from_monday_acceptance_a_start_accept() {
        let portal = Channel::egov_portal(crate::OfficeHours::AKIMAT_DEFAULT);
        assert_eq!(
            due_after_acceptance(portal, "2026-04-12T21:00:00+05:00", Term::calendar_days(30)),
            (d("2026-04-13"), d("2026-05-13"))
        );
        assert_eq!(due("2026-04-12", Term::calendar_days(30)), d("2026-05-12"), "counted from the Sunday itself");
    }

    #[test]
    fn at18_rent_subsidy_application_on_wednesday_is_due_monday_annex3_row4() {
        assert_eq!(
            due_after_acceptance(Channel::OTBASYBANK_SUBSIDY, "2026-04-15T10:00:00+05:00", Term::working_days(3)),
            (d("2026-04-15"), d("2026-04-20"))
        );
    }

    #[test]
    fn at19_rent_subsidy_on_saturday_is_accepted_monday_and_due_thursday_a_sub_hours() {
        assert_eq!(
            due_after_acceptance(Channel::OTBASYBANK_SUBSIDY, "2026-04-18T10:00:00+05:00", Term::working_days(3)),
            (d("2026-04-20"), d("2026-04-23"))
        );
    }

    #[test]
    fn at20_complaint_to_the_provider_is_due_in_5_working_days_sr_cl33() {
        assert_eq!(due("2026-04-01", Term::working_days(5)), d("2026-04-08"));
    }

    #[test]
    fn at21_extension_by_10_working_days_adds_to_the_due_date_and_notice_in_3_sr_cl34() {
        let c = Calendar::shipped();
        assert_eq!(c.extend(d("2026-04-08"), 10).unwrap().due_date, d("2026-04-22"), "[A-EXT-FROM]");
        assert_eq!(due("2026-04-06", Term::working_days(3)), d("2026-04-09"), "notice of the extension");
    }

    #[test]
    fn at22_quality_control_body_has_15_working_days_sr_cl33() {
        assert_eq!(due("2026-04-01", Term::working_days(15)), d("2026-04-22"));
    }

    #[test]
    fn at24c_procedure_change_notice_in_3_working_days_rr_cl2() {
        assert_eq!(due("2026-04-02", Term::working_days(3)), d("2026-04-07"), "[A-CHANGE-DATE]");
    }

    #[test]
    fn a_calendar_day_term_ending_on_a_day_off_ends_on_the_next_working_day_a_cd_end() {
        // 15 calendar days from Sat 7 March end on Sun 22 March, in Nauryz: next working day Thu 26.
        assert_eq!(due("2026-03-07", Term::calendar_days(15)), d("2026-03-26"));
    }

    #[test]
    fn due_means_the_end_of_the_due_day_in_kazakhstan_time() {
        let due = Calendar::shipped().due(d("2026-04-01"), Term::working_days(1), DEFAULT_START).unwrap();
        assert_eq!(due.due_at, at("2026-04-03T00:00:00+05:00"));
        assert_eq!(due.calendar_version, "kz-calendar-2026.2");
        assert!(!due.provisional);
    }

    #[test]
    fn a_deadline_reaching_a_provisional_year_says_so() {
        let due = Calendar::shipped().due(d("2026-12-20"), Term::calendar_days(30), DEFAULT_START).unwrap();
        assert_eq!(due.due_date.year(), 2027);
        assert!(due.provisional);
    }

    #[test]
    fn a_term_of_zero_days_is_refused() {
        assert!(Calendar::shipped().due(d("2026-04-01"), Term::working_days(0), DEFAULT_START).is_err());
    }
}
