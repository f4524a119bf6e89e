//! The registry's rules as plain values and functions (Annex 2; RR cl. 1, 2): no tonic, no
//! sqlx. Every rule names its clause.

pub mod case;
pub mod category;
pub mod decision;
pub mod digest;
pub mod grounds;
pub mod household;
pub mod residence;
pub mod stage;
pub mod standard;

pub use case::{Case, DocumentRule};
pub use decision::{Decision, Facts, Finding, OfficialFinding, Outcome};
pub use grounds::Ground;
pub use stage::Stage;

use chrono::{Datelike, NaiveDate};

/// [A-5Y]: "within the last five years" ends on the application's acceptance date; the window
/// opens on the same calendar day five years earlier (28 February for a 29 February).
pub const LOOKBACK_YEARS: i32 = 5;

/// The first day of the five-year window that ends on `accepted_on` [A-5Y].
pub fn window_start(accepted_on: NaiveDate) -> NaiveDate {
    years_before(accepted_on, LOOKBACK_YEARS)
}

/// The same calendar day `years` earlier (28 February for a 29 February).
pub fn years_before(day: NaiveDate, years: i32) -> NaiveDate {
    let year = day.year() - years;
    NaiveDate::from_ymd_opt(year, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, day.month(), day.day() - 1))
        .unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_5y_window_ends_on_acceptance_and_opens_five_years_before() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(window_start(d(2026, 4, 15)), d(2021, 4, 15));
        assert_eq!(window_start(d(2028, 2, 29)), d(2023, 2, 28));
    }
}
