//! The data cut-offs of Annex 1 row 9 (DESIGN.md "Data cut-offs"): civil-status records
//! registered after these days are in the state systems. One place holds them for the gateway
//! and every service; the cut-off compares the date of state registration ([A-CUTOFF-DATE]).

/// Marriages and divorces registered after this day are held ("2008 жылғы 1 маусымнан кейін").
pub const MARRIAGE_CUTOFF: (i32, u32, u32) = (2008, 6, 1);
/// Deaths registered after this day are held ("2007 жылғы 13 тамыздан кейін").
pub const DEATH_CUTOFF: (i32, u32, u32) = (2007, 8, 13);
/// Births registered after this day are held: the order says only "after August 2007" ("2007
/// жылғы тамыздан кейін", the day missing, [D-11]); [A-CUTOFF] reads it as the deaths' 13 August
/// 2007. A lawyer's other answer changes this one constant.
pub const BIRTH_CUTOFF: (i32, u32, u32) = (2007, 8, 13);

/// A cut-off as a date.
pub fn date((y, m, d): (i32, u32, u32)) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or(chrono::NaiveDate::MIN)
}
