//! Working days (RULES.md section 11, [A-WD], [A-CAL]).
//!
//! A working day is Monday to Friday that is neither a public holiday nor a day off given in
//! its place nor a decree day off; a decree working day (a working Saturday) is a working day.
//! A public holiday on a Saturday or a Sunday gives a day off on the next working day (Law "On
//! holidays"), taken in date order, so Nauryz 2026 (Sat 21 to Mon 23 March) gives Tue 24 and
//! Wed 25 March; the religious holidays (7 January, Kurban Ait's first day) are never moved.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// Whether a year's data are confirmed by the official calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum YearStatus {
    /// Checked against the official calendar.
    Verified,
    /// Derived from the rules; some date (Kurban Ait, a decree) is not confirmed.
    Provisional,
}

/// What a day is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// A working day.
    Working,
    /// A decree working day on what would be a day off (a working Saturday).
    DecreeWorking,
    /// A Saturday or a Sunday.
    Weekend,
    /// A public holiday (its name).
    Holiday(String),
    /// The day off given for a holiday that fell on a weekend (the holiday's name and date).
    TransferredDayOff(String, NaiveDate),
    /// A day off by a Government decree.
    DecreeDayOff,
}

impl DayKind {
    /// Whether work is done that day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::DecreeWorking)
    }
}

/// Why calendar data cannot be used, or a date cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The file is not valid calendar data.
    #[error("calendar data: {0}")]
    Invalid(String),
    /// The date is in a year the data do not cover.
    #[error("the calendar covers {first}..={last}; {date} is outside it")]
    OutOfRange {
        /// The date asked.
        date: NaiveDate,
        /// The first year covered.
        first: i32,
        /// The last year covered.
        last: i32,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: String,
    year: Vec<YearData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearData {
    year: i32,
    status: YearStatus,
    source: String,
    weekend_holidays_move: bool,
    /// The holidays as listed; none listed means [`FIXED_HOLIDAYS`] with `kurban_ait`.
    #[serde(default)]
    holidays: Vec<HolidayData>,
    /// Kurban Ait's first day, for a year whose holidays follow from the rules.
    #[serde(default)]
    kurban_ait: Option<DateText>,
    #[serde(default)]
    decree_days_off: Vec<DateText>,
    #[serde(default)]
    decree_working_days: Vec<DateText>,
}

/// The public holidays of fixed date (Labour Code Art. 84; Law "On holidays in the Republic of
/// Kazakhstan" Art. 1, as amended in 2022 with Republic Day on 25 October): month, day, name,
/// and whether it is religious (never transferred). Every year has them; Kurban Ait's first day,
/// set by the lunar calendar each year, is the one movable holiday, and the Government's
/// transfers of days off (Labour Code Art. 85(3)) are decrees: both are data.
pub const FIXED_HOLIDAYS: &[(u32, u32, &str, bool)] = &[
    (1, 1, "New Year", false),
    (1, 2, "New Year", false),
    (1, 7, "Orthodox Christmas", true),
    (3, 8, "International Women's Day", false),
    (3, 21, "Nauryz meiramy", false),
    (3, 22, "Nauryz meiramy", false),
    (3, 23, "Nauryz meiramy", false),
    (5, 1, "Kazakhstan People's Unity Day", false),
    (5, 7, "Defender of the Fatherland Day", false),
    (5, 9, "Victory Day", false),
    (7, 6, "Capital Day", false),
    (8, 30, "Constitution Day", false),
    (10, 25, "Republic Day", false),
    (12, 16, "Independence Day", false),
];

/// How far ahead the data must reach before a server warns at start.
pub const RUNWAY_MONTHS: u32 = 12;

/// The name Kurban Ait's first day goes by.
const KURBAN_AIT: &str = "Kurban Ait, first day";

/// A date written `YYYY-MM-DD` in quotes.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct DateText(String);

impl DateText {
    fn date(&self) -> Result<NaiveDate, CalendarError> {
        NaiveDate::parse_from_str(&self.0, "%Y-%m-%d")
            .map_err(|e| CalendarError::Invalid(format!("{:?} is not a YYYY-MM-DD date ({e})", self.0)))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayData {
    date: DateText,
    name: String,
    #[serde(default)]
    religious: bool,
}

struct Holiday {
    date: NaiveDate,
    name: String,
    religious: bool,
}

#[derive(Debug, Clone)]
struct Year {
    status: YearStatus,
    source: String,
    /// Every day of the year that is not a plain weekday or weekend.
    special: BTreeMap<NaiveDate, DayKind>,
}

/// Kazakhstan's working-day calendar over the years its data cover.
#[derive(Debug, Clone)]
pub struct Calendar {
    version: String,
    years: BTreeMap<i32, Year>,
}

impl Calendar {
    /// Reads calendar data (the TOML of `data/kz-calendar.toml`) and derives each year's days.
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        let file: File = toml::from_str(text).map_err(|e| CalendarError::Invalid(e.to_string()))?;
        if file.version.trim().is_empty() {
            return Err(CalendarError::Invalid("version is empty".into()));
        }
        let mut years = BTreeMap::new();
        for data in file.year {
            let number = data.year;
            let year = derive_year(data)?;
            if years.insert(number, year).is_some() {
                return Err(CalendarError::Invalid(format!("year {number} appears twice")));
            }
        }
        let (Some(first), Some(last)) = (years.keys().next(), years.keys().next_back()) else {
            return Err(CalendarError::Invalid("no year".into()));
        };
        if (*first..=*last).any(|y| !years.contains_key(&y)) {
            return Err(CalendarError::Invalid(format!("the years {first}..={last} must follow each other")));
        }
        Ok(Calendar { version: file.version, years })
    }

    /// The calendar built into the binaries.
    pub fn shipped() -> Calendar {
        #[allow(clippy::unwrap_used)] // checked by the crate's tests
        Calendar::parse(crate::SHIPPED).unwrap()
    }

    /// The data's version, recorded with every deadline computed from it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The first and last years covered.
    pub fn years(&self) -> (i32, i32) {
        let first = self.years.keys().next().copied().unwrap_or_default();
        let last = self.years.keys().next_back().copied().unwrap_or_default();
        (first, last)
    }

    /// The last year covered, when the data end within `RUNWAY_MONTHS` of `today`: time to load
    /// the next years (a server warns at start).
    pub fn ends_soon(&self, today: NaiveDate) -> Option<i32> {
        let (_, last) = self.years();
        let horizon = today.checked_add_months(chrono::Months::new(RUNWAY_MONTHS)).unwrap_or(NaiveDate::MAX);
        (horizon.year() > last).then_some(last)
    }

    /// Whether a year's data are verified or provisional.
    pub fn status(&self, year: i32) -> Option<YearStatus> {
        self.years.get(&year).map(|y| y.status)
    }

    /// Where a year's data come from.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|y| y.source.as_str())
    }

    /// What `date` is.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        let year = self.year(date)?;
        Ok(year.special.get(&date).cloned().unwrap_or_else(|| plain(date)))
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.day(date)?.is_working())
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.working_days_after(date, 1)
    }

    /// `date` if it is a working day, else the next one.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(date)? { Ok(date) } else { self.next_working_day(date) }
    }

    /// The `n`-th working day strictly after `date` (`n` = 0 answers `date`).
    pub fn working_days_after(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = self.step(day)?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// The working days from `from` (exclusive) to `to` (inclusive).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = self.step(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }

    fn step(&self, day: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let next = day.checked_add_days(Days::new(1)).ok_or_else(|| self.out_of_range(day))?;
        self.year(next)?;
        Ok(next)
    }

    fn year(&self, date: NaiveDate) -> Result<&Year, CalendarError> {
        self.years.get(&date.year()).ok_or_else(|| self.out_of_range(date))
    }

    fn out_of_range(&self, date: NaiveDate) -> CalendarError {
        let (first, last) = self.years();
        CalendarError::OutOfRange { date, first, last }
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn plain(date: NaiveDate) -> DayKind {
    if is_weekend(date) { DayKind::Weekend } else { DayKind::Working }
}

/// A year's holidays by the rules: [`FIXED_HOLIDAYS`] and Kurban Ait on `kurban_ait`.
fn by_rule(year: i32, kurban_ait: NaiveDate) -> Result<Vec<Holiday>, CalendarError> {
    let mut holidays = Vec::with_capacity(FIXED_HOLIDAYS.len() + 1);
    for &(month, day, name, religious) in FIXED_HOLIDAYS {
        let date = NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| CalendarError::Invalid(format!("no {year}-{month:02}-{day:02}")))?;
        holidays.push(Holiday { date, name: name.to_owned(), religious });
    }
    holidays.push(Holiday { date: kurban_ait, name: KURBAN_AIT.to_owned(), religious: true });
    Ok(holidays)
}

fn derive_year(data: YearData) -> Result<Year, CalendarError> {
    let number = data.year;
    let dates = |list: &[DateText]| list.iter().map(DateText::date).collect::<Result<Vec<_>, _>>();
    let decree_days_off = dates(&data.decree_days_off)?;
    let decree_working_days = dates(&data.decree_working_days)?;
    let mut holidays = Vec::new();
    for h in &data.holidays {
        holidays.push(Holiday { date: h.date.date()?, name: h.name.clone(), religious: h.religious });
    }
    match (&data.kurban_ait, holidays.is_empty()) {
        (Some(kurban_ait), true) => holidays = by_rule(number, kurban_ait.date()?)?,
        (None, true) => {
            return Err(CalendarError::Invalid(format!(
                "year {number} lists no holidays: give kurban_ait, and the fixed holidays follow from the rules"
            )));
        }
        (Some(_), false) => {
            return Err(CalendarError::Invalid(format!(
                "year {number} lists its holidays and kurban_ait: one or the other"
            )));
        }
        (None, false) => {}
    }
    holidays.sort_by_key(|h| h.date);
    let stray = holidays
        .iter()
        .map(|h| &h.date)
        .chain(&decree_days_off)
        .chain(&decree_working_days)
        .find(|d| d.year() != number);
    if let Some(date) = stray {
        return Err(CalendarError::Invalid(format!("{date} is listed under year {number}")));
    }
    let mut special: BTreeMap<NaiveDate, DayKind> = BTreeMap::new();
    for holiday in &holidays {
        special.insert(holiday.date, DayKind::Holiday(holiday.name.clone()));
    }
    for date in &decree_days_off {
        special.insert(*date, DayKind::DecreeDayOff);
    }
    for date in &decree_working_days {
        if special.contains_key(date) {
            return Err(CalendarError::Invalid(format!("{date} is both a day off and a decree working day")));
        }
        special.insert(*date, DayKind::DecreeWorking);
    }
    if data.weekend_holidays_move {
        // In date order, each weekend holiday (not a religious one) takes the first day after
        // it that is still a working day: consecutive weekend holidays take consecutive days.
        let mut taken: BTreeSet<NaiveDate> = BTreeSet::new();
        for holiday in holidays.iter().filter(|h| is_weekend(h.date) && !h.religious) {
            let mut day = holiday.date;
            loop {
                day = day.succ_opt().ok_or_else(|| CalendarError::Invalid(format!("no day after {day}")))?;
                let kind = special.get(&day).cloned().unwrap_or_else(|| plain(day));
                if kind.is_working() && !taken.contains(&day) {
                    break;
                }
            }
            // A day off falling into the next year belongs to that year's data.
            if day.year() == number {
                taken.insert(day);
                special.insert(day, DayKind::TransferredDayOff(holiday.name.clone(), holiday.date));
            }
        }
    }
    Ok(Year { status: data.status, source: data.source, special })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn cal() -> Calendar {
        Calendar::shipped()
    }

    /// Every non-working weekday of 2026 in RULES.md section 11's verified table.
    const DAYS_OFF_2026: &[&str] = &[
        "2026-01-01",
        "2026-01-02",
        "2026-01-07",
        "2026-03-09",
        "2026-03-23",
        "2026-03-24",
        "2026-03-25",
        "2026-05-01",
        "2026-05-07",
        "2026-05-11",
        "2026-05-27",
        "2026-07-06",
        "2026-08-31",
        "2026-10-26",
        "2026-12-16",
    ];

    #[test]
    fn the_shipped_calendar_parses_and_covers_2025_to_2035() {
        let c = cal();
        assert_eq!(c.years(), (2025, 2035));
        assert_eq!(c.version(), "kz-calendar-2026.2");
        assert_eq!(c.status(2026), Some(YearStatus::Verified));
        for year in [2025, 2027, 2028, 2035] {
            assert_eq!(c.status(year), Some(YearStatus::Provisional), "{year}");
        }
    }

    /// A year given by the rules alone: the fixed holidays and Kurban Ait on `kurban_ait`.
    fn by_the_rules(year: i32, kurban_ait: &str) -> Calendar {
        let text = format!(
            "version = \"rules\"\n[[year]]\nyear = {year}\nstatus = \"provisional\"\nsource = \"rules\"\nweekend_holidays_move = true\nkurban_ait = \"{kurban_ait}\"\n"
        );
        Calendar::parse(&text).unwrap()
    }

    #[test]
    fn the_rules_alone_give_every_listed_year_day_by_day_the_verified_2026_included() {
        for (year, kurban_ait) in [(2025, "2025-06-06"), (2026, "2026-05-27"), (2027, "2027-05-16")] {
            let (listed, ruled) = (cal(), by_the_rules(year, kurban_ait));
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while day.year() == year {
                assert_eq!(listed.day(day).unwrap(), ruled.day(day).unwrap(), "{day}");
                day = day.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn years_to_come_follow_the_rules_2029_nauryz_and_kurban_ait() {
        let c = cal();
        // 2029: Nauryz Wed 21 to Fri 23 March, Kurban Ait Tue 24 April (Umm al-Qura), Victory
        // Day Wed 9 May; Constitution Day Thu 30 August.
        for off in ["2029-03-21", "2029-03-22", "2029-03-23", "2029-04-24", "2029-05-09", "2029-08-30"] {
            assert!(!c.is_working_day(d(off)).unwrap(), "{off}");
        }
        // 2028: Independence Day on Saturday 16 December gives Monday 18 December off.
        assert_eq!(
            c.day(d("2028-12-18")).unwrap(),
            DayKind::TransferredDayOff("Independence Day".into(), d("2028-12-16"))
        );
        assert!(
            matches!(Calendar::parse("version = \"x\"\n[[year]]\nyear = 2030\nstatus = \"provisional\"\nsource = \"s\"\nweekend_holidays_move = true\n"),
                Err(CalendarError::Invalid(m)) if m.contains("kurban_ait")),
            "a year with neither its holidays nor Kurban Ait is refused"
        );
    }

    #[test]
    fn the_verified_2026_table_day_by_day_rules_section_11() {
        let c = cal();
        let mut day = d("2026-01-01");
        let mut working = 0;
        while day.year() == 2026 {
            let expected = !is_weekend(day) && !DAYS_OFF_2026.contains(&day.format("%Y-%m-%d").to_string().as_str());
            assert_eq!(c.is_working_day(day).unwrap(), expected, "{day} ({:?})", c.day(day).unwrap());
            working += u32::from(expected);
            day = day.succ_opt().unwrap();
        }
        // 261 weekdays in 2026, 15 of them days off.
        assert_eq!(working, 261 - 15);
    }

    #[test]
    fn weekend_holidays_give_the_next_working_day_off_in_date_order() {
        let c = cal();
        assert_eq!(
            c.day(d("2026-03-09")).unwrap(),
            DayKind::TransferredDayOff("International Women's Day".into(), d("2026-03-08"))
        );
        assert_eq!(
            c.day(d("2026-03-24")).unwrap(),
            DayKind::TransferredDayOff("Nauryz meiramy".into(), d("2026-03-21"))
        );
        assert_eq!(
            c.day(d("2026-03-25")).unwrap(),
            DayKind::TransferredDayOff("Nauryz meiramy".into(), d("2026-03-22"))
        );
        assert_eq!(c.day(d("2026-05-11")).unwrap(), DayKind::TransferredDayOff("Victory Day".into(), d("2026-05-09")));
        assert!(c.is_working_day(d("2026-03-26")).unwrap());
    }

    #[test]
    fn religious_holidays_are_never_transferred() {
        // 7 January 2024 and 16 June 2024 (Kurban Ait) fell on Sundays; 9 June 2024 is a
        // Sunday holiday of this synthetic year that does move, to compare.
        let c = Calendar::parse(
            r#"
            version = "test"
            [[year]]
            year = 2024
            status = "provisional"
            source = "test"
            weekend_holidays_move = true
            holidays = [
                { date = "2024-01-07", name = "Orthodox Christmas", religious = true },
                { date = "2024-06-09", name = "A secular holiday" },
                { date = "2024-06-16", name = "Kurban Ait, first day", religious = true },
            ]
            decree_days_off = []
            decree_working_days = []
            "#,
        )
        .unwrap();
        assert!(c.is_working_day(d("2024-01-08")).unwrap(), "7 January on a Sunday gives no Monday off");
        assert!(c.is_working_day(d("2024-06-17")).unwrap(), "Kurban Ait on a Sunday gives no Monday off");
        assert!(!c.is_working_day(d("2024-06-10")).unwrap(), "a secular Sunday holiday does");
    }

    #[test]
    fn decree_transfers_are_data() {
        let text = crate::SHIPPED.replacen(
            "decree_days_off = []\ndecree_working_days = []",
            "decree_days_off = [\"2026-01-05\"]\ndecree_working_days = [\"2026-01-10\"]",
            1,
        );
        let c = Calendar::parse(&text).unwrap();
        assert_eq!(c.day(d("2026-01-05")).unwrap(), DayKind::DecreeDayOff);
        assert_eq!(c.day(d("2026-01-10")).unwrap(), DayKind::DecreeWorking);
        assert!(c.is_working_day(d("2026-01-10")).unwrap(), "a working Saturday is a working day");
    }

    #[test]
    fn a_server_is_warned_twelve_months_before_the_data_end() {
        let c = cal();
        assert_eq!(c.ends_soon(d("2026-12-07")), None);
        assert_eq!(c.ends_soon(d("2034-12-31")), None);
        assert_eq!(c.ends_soon(d("2035-01-01")), Some(2035));
    }

    #[test]
    fn a_date_outside_the_covered_years_is_an_error_not_a_guess() {
        let c = cal();
        assert_eq!(
            c.is_working_day(d("2040-01-03")),
            Err(CalendarError::OutOfRange { date: d("2040-01-03"), first: 2025, last: 2035 })
        );
        assert!(c.working_days_after(d("2035-12-28"), 5).is_err(), "counting past the data fails too");
    }

    #[test]
    fn bad_data_is_refused_with_the_reason() {
        assert!(Calendar::parse("version = \"x\"\nyear = []").is_err());
        let stray = crate::SHIPPED.replacen("{ date = \"2026-01-01\"", "{ date = \"2025-01-01\"", 1);
        assert!(
            matches!(Calendar::parse(&stray), Err(CalendarError::Invalid(m)) if m.contains("listed under year 2026"))
        );
        let unknown =
            crate::SHIPPED.replacen("weekend_holidays_move = true", "weekend_holidays_move = true\nsurprise = 1", 1);
        assert!(Calendar::parse(&unknown).is_err());
        let gap = crate::SHIPPED.replacen("year = 2025", "year = 2024", 1).replace("2025-", "2024-");
        assert!(matches!(Calendar::parse(&gap), Err(CalendarError::Invalid(m)) if m.contains("follow each other")));
    }

    #[test]
    fn working_days_are_counted_strictly_after_a_date() {
        let c = cal();
        assert_eq!(c.working_days_after(d("2026-04-01"), 1).unwrap(), d("2026-04-02"));
        assert_eq!(c.working_days_after(d("2026-03-20"), 1).unwrap(), d("2026-03-26"));
        assert_eq!(c.working_days_after(d("2026-04-01"), 0).unwrap(), d("2026-04-01"));
        assert_eq!(c.working_days_between(d("2026-03-20"), d("2026-03-31")).unwrap(), 4);
        assert_eq!(c.working_days_between(d("2026-03-26"), d("2026-03-31")).unwrap(), 3);
        assert_eq!(c.working_day_on_or_after(d("2026-04-04")).unwrap(), d("2026-04-06"));
        assert_eq!(c.working_day_on_or_after(d("2026-04-06")).unwrap(), d("2026-04-06"));
    }
}
