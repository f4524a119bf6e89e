//! Kazakhstan's individual identification number, the IIN (RULES.md section 10.6; Government
//! Decree No. 565 of 11 June 2003 as cited by public validators).
//!
//! Twelve digits: the date of birth `YYMMDD`, a digit for the century of birth and sex (1 and
//! 2: 19th century, 3 and 4: 20th, 5 and 6: 21st; odd male, even female), a four-digit serial
//! number, and a check digit. The check digit is the weighted sum of the first eleven digits
//! modulo 11 with the weights 1 to 11; if that is 10, with the weights 3, 4, …, 11, 1, 2; if
//! that is 10 again, no IIN has these eleven digits.
//!
//! A weakness of the scheme the tests pin: in the first pass the eleventh digit weighs 11,
//! which is 0 modulo 11, so changing only that digit keeps most IINs valid.
//!
//! Parsing checks, in order: twelve digits and a century digit 1 to 6 (`IIN_BAD_FORMAT`), a
//! real date of birth (`IIN_DATE_INVALID`), then the check digit (`IIN_CHECKSUM_MISMATCH`), so
//! that a wrong date is reported as such even when its check digit happens to be right (AT-25).
//! Whether non-residents' IINs follow the same date and century rule is open ([Q-13]).
#![forbid(unsafe_code)]

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// A valid IIN. Once parsed it is valid: the field is private and [`Iin::parse`] is the only way in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iin([u8; 12]);

/// Sex as the IIN's seventh digit encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// An odd seventh digit.
    Male,
    /// An even seventh digit.
    Female,
}

/// Why a text is not a valid IIN, with the stable reason every API reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    /// Not twelve digits, or a century digit outside 1 to 6.
    #[error("an IIN is twelve digits, the seventh from 1 to 6")]
    BadFormat,
    /// The first six digits and the century digit give no real date.
    #[error("the IIN's first six digits are not a date of birth")]
    DateInvalid,
    /// The check digit does not match, or no check digit exists for the first eleven digits.
    #[error("the IIN's check digit is wrong")]
    ChecksumMismatch,
}

impl IinError {
    /// The stable reason: `IIN_BAD_FORMAT`, `IIN_DATE_INVALID` or `IIN_CHECKSUM_MISMATCH`.
    pub fn reason(self) -> &'static str {
        match self {
            IinError::BadFormat => "IIN_BAD_FORMAT",
            IinError::DateInvalid => "IIN_DATE_INVALID",
            IinError::ChecksumMismatch => "IIN_CHECKSUM_MISMATCH",
        }
    }
}

const PASS_1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const PASS_2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The check digit of the first eleven digits, or `None` when both passes give 10 and no IIN
/// has these digits.
pub fn check_digit(first_eleven: &[u8; 11]) -> Option<u8> {
    let sum = |weights: &[u32; 11]| first_eleven.iter().zip(weights).map(|(d, w)| u32::from(*d) * w).sum::<u32>() % 11;
    let first = sum(&PASS_1);
    let s = if first == 10 { sum(&PASS_2) } else { first };
    (s != 10).then_some(s as u8)
}

impl Iin {
    /// Parses an IIN, checking its format, date of birth and check digit.
    pub fn parse(text: &str) -> Result<Iin, IinError> {
        let bytes = text.as_bytes();
        if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(IinError::BadFormat);
        }
        let mut digits = [0u8; 12];
        for (d, b) in digits.iter_mut().zip(bytes) {
            *d = b - b'0';
        }
        if !(1..=6).contains(&digits[6]) {
            return Err(IinError::BadFormat);
        }
        let iin = Iin(digits);
        iin.date().ok_or(IinError::DateInvalid)?;
        let mut first_eleven = [0u8; 11];
        first_eleven.copy_from_slice(&digits[..11]);
        if check_digit(&first_eleven) != Some(digits[11]) {
            return Err(IinError::ChecksumMismatch);
        }
        Ok(iin)
    }

    /// The IIN of a person born on `birth`, of `sex`, with the serial number `serial`
    /// (0 to 9999); `None` when no check digit exists for it (try the next serial) or the date
    /// is outside 1800 to 2099.
    pub fn generate(birth: NaiveDate, sex: Sex, serial: u16) -> Option<Iin> {
        if serial > 9999 {
            return None;
        }
        let century = match birth.year() {
            1800..=1899 => 1,
            1900..=1999 => 3,
            2000..=2099 => 5,
            _ => return None,
        };
        let century_sex = century + u8::from(sex == Sex::Female);
        let yy = (birth.year() % 100) as u32;
        let number = [yy / 10, yy % 10, birth.month() / 10, birth.month() % 10, birth.day() / 10, birth.day() % 10];
        let mut first_eleven = [0u8; 11];
        for (slot, d) in first_eleven.iter_mut().zip(number) {
            *slot = d as u8;
        }
        first_eleven[6] = century_sex;
        let serial = u32::from(serial);
        for (i, place) in [1000, 100, 10, 1].into_iter().enumerate() {
            first_eleven[7 + i] = ((serial / place) % 10) as u8;
        }
        let check = check_digit(&first_eleven)?;
        let mut digits = [0u8; 12];
        digits[..11].copy_from_slice(&first_eleven);
        digits[11] = check;
        Some(Iin(digits))
    }

    /// The first valid IIN at or after `serial` for this date and sex (a generator for seeds
    /// and tests: about one serial in eleven has no check digit).
    pub fn generate_from(birth: NaiveDate, sex: Sex, serial: u16) -> Option<Iin> {
        (serial..=9999).find_map(|s| Iin::generate(birth, sex, s))
    }

    /// The date of birth.
    pub fn birth_date(&self) -> NaiveDate {
        #[allow(clippy::unwrap_used)] // checked by parse and generate
        self.date().unwrap()
    }

    /// The sex the seventh digit encodes.
    pub fn sex(&self) -> Sex {
        if self.0[6] % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// The twelve digits.
    pub fn as_string(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    fn date(&self) -> Option<NaiveDate> {
        let d = &self.0;
        let century = match d[6] {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            _ => return None,
        };
        let year = century + i32::from(d[0]) * 10 + i32::from(d[1]);
        let month = u32::from(d[2]) * 10 + u32::from(d[3]);
        let day = u32::from(d[4]) * 10 + u32::from(d[5]);
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iin({self})")
    }
}

impl FromStr for Iin {
    type Err = IinError;

    fn from_str(s: &str) -> Result<Iin, IinError> {
        Iin::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn at25_iin_validation_rules_section_10_6() {
        let ok = Iin::parse("791028302728").unwrap();
        assert_eq!((ok.birth_date(), ok.sex()), (d("1979-10-28"), Sex::Male));
        assert_eq!(Iin::parse("850215300005").unwrap().birth_date(), d("1985-02-15"));
        assert!(Iin::parse("850215300604").is_ok(), "valid through the second weights");
        assert_eq!(
            Iin::parse("850215300631"),
            Err(IinError::ChecksumMismatch),
            "no check digit exists for 85021530063"
        );
        assert_eq!(Iin::parse("85021530060"), Err(IinError::BadFormat), "eleven digits");
        assert_eq!(Iin::parse("791328300009"), Err(IinError::DateInvalid), "month 13, though its check digit is right");
    }

    #[test]
    fn the_worked_examples_of_section_10_6() {
        assert_eq!(check_digit(&[7, 9, 1, 0, 2, 8, 3, 0, 2, 7, 2]), Some(8));
        assert_eq!(check_digit(&[8, 5, 0, 2, 1, 5, 3, 0, 0, 0, 0]), Some(5));
        assert_eq!(check_digit(&[8, 5, 0, 2, 1, 5, 3, 0, 0, 6, 0]), Some(4));
        assert_eq!(check_digit(&[8, 5, 0, 2, 1, 5, 3, 0, 0, 6, 3]), None);
        for x in 0..10 {
            assert!(Iin::parse(&format!("85021530063{x}")).is_err(), "never valid, whatever the last digit");
        }
    }

    #[test]
    fn reasons_are_stable() {
        assert_eq!(IinError::BadFormat.reason(), "IIN_BAD_FORMAT");
        assert_eq!(IinError::DateInvalid.reason(), "IIN_DATE_INVALID");
        assert_eq!(IinError::ChecksumMismatch.reason(), "IIN_CHECKSUM_MISMATCH");
    }

    #[test]
    fn bad_formats() {
        for text in
            ["", "79102830272a", "7910283027288", " 91028302728", "791028702728", "791028002728", "+79102830272"]
        {
            assert_eq!(Iin::parse(text), Err(IinError::BadFormat), "{text:?}");
        }
        assert_eq!(Iin::parse("790229300001").map(|_| ()), Err(IinError::DateInvalid), "29 Feb 1979 did not exist");
    }

    #[test]
    fn century_and_sex_digits() {
        let born = d("2005-03-03");
        let girl = Iin::generate_from(born, Sex::Female, 0).unwrap();
        assert_eq!(girl.as_string().as_bytes()[6], b'6');
        assert_eq!((girl.birth_date(), girl.sex()), (born, Sex::Female));
        let old = Iin::generate_from(d("1899-12-31"), Sex::Male, 0).unwrap();
        assert_eq!(old.as_string().as_bytes()[6], b'1');
        assert_eq!(old.birth_date(), d("1899-12-31"));
        assert_eq!(Iin::generate(d("2100-01-01"), Sex::Male, 1), None);
    }

    #[test]
    fn the_eleventh_digit_weighs_nothing_in_the_first_pass() {
        // 791028302728: pass 1 gives 8, and the eleventh digit's weight 11 is 0 mod 11, so
        // another eleventh digit keeps it valid as long as pass 1 still decides.
        assert!(Iin::parse("791028302718").is_ok());
    }
}
