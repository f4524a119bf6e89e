//! The monthly accruals [A-ACCRUAL]: each month the lease runs, on the lease's start day of the
//! month (the last day of a shorter month), payable to the landlord, while the person is on the
//! waiting list.

use chrono::{Datelike, NaiveDate};

/// The accrual day of `year`/`month` for a lease that started on `start`.
pub fn accrual_day(start: NaiveDate, year: i32, month: u32) -> Option<NaiveDate> {
    (0..4).find_map(|back| NaiveDate::from_ymd_opt(year, month, start.day().saturating_sub(back)))
}

/// The accrual days from `from` (inclusive) to the lease's `end` (inclusive), with their months.
pub fn accruals(start: NaiveDate, end: NaiveDate, from: NaiveDate) -> Vec<(String, NaiveDate)> {
    let mut out = Vec::new();
    let (mut year, mut month) = (start.year(), start.month());
    while let Some(day) = accrual_day(start, year, month) {
        if day > end {
            break;
        }
        if day >= from {
            out.push((format!("{year:04}-{month:02}"), day));
        }
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_accrual_on_the_start_day_or_the_last_day_of_a_shorter_month() {
        assert_eq!(accrual_day(d(2026, 1, 31), 2026, 2), Some(d(2026, 2, 28)));
        assert_eq!(accrual_day(d(2026, 1, 31), 2026, 4), Some(d(2026, 4, 30)));
        assert_eq!(accrual_day(d(2026, 1, 15), 2026, 2), Some(d(2026, 2, 15)));
    }

    #[test]
    fn a_accrual_months_from_the_assignment_to_the_lease_end() {
        let months = accruals(d(2026, 3, 10), d(2026, 8, 9), d(2026, 4, 20));
        let names: Vec<&str> = months.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(names, ["2026-05", "2026-06", "2026-07"]);
        assert_eq!(months[0].1, d(2026, 5, 10));
    }
}
