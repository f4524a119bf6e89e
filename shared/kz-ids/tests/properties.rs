//! Properties of the IIN generator and checksum (proptest).
#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use kz_ids::{Iin, IinError, Sex, check_digit};
use proptest::prelude::*;

fn birth() -> impl Strategy<Value = NaiveDate> {
    // 1 January 1800 to 31 December 2099: the three centuries the seventh digit encodes.
    let days = u64::try_from(
        (NaiveDate::from_ymd_opt(2099, 12, 31).unwrap() - NaiveDate::from_ymd_opt(1800, 1, 1).unwrap()).num_days(),
    )
    .unwrap();
    (0..=days).prop_map(|n| NaiveDate::from_ymd_opt(1800, 1, 1).unwrap().checked_add_days(Days::new(n)).unwrap())
}

fn sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Male), Just(Sex::Female)]
}

proptest! {
    #[test]
    fn every_generated_iin_parses_back_to_its_date_and_sex(born in birth(), sex in sex(), serial in 0u16..9990) {
        let iin = Iin::generate_from(born, sex, serial).unwrap();
        let parsed = Iin::parse(&iin.as_string()).unwrap();
        prop_assert_eq!(parsed, iin);
        prop_assert_eq!(parsed.birth_date(), born);
        prop_assert_eq!(parsed.sex(), sex);
    }

    #[test]
    fn no_other_check_digit_is_valid_for_the_first_eleven(born in birth(), sex in sex(), serial in 0u16..9990) {
        let iin = Iin::generate_from(born, sex, serial).unwrap().as_string();
        let (first_eleven, check) = iin.split_at(11);
        for other in (0..10).map(|d| d.to_string()).filter(|d| d != check) {
            prop_assert_eq!(Iin::parse(&format!("{first_eleven}{other}")), Err(IinError::ChecksumMismatch));
        }
    }

    #[test]
    fn generate_answers_none_exactly_when_no_check_digit_exists(born in birth(), sex in sex(), serial in 0u16..10000) {
        match Iin::generate(born, sex, serial) {
            Some(iin) => prop_assert!(Iin::parse(&iin.as_string()).is_ok()),
            None => {
                let probe = Iin::generate_from(born, sex, 0).unwrap().as_string();
                let mut first: [u8; 11] = [0; 11];
                for (slot, b) in first.iter_mut().zip(probe.bytes()) { *slot = b - b'0'; }
                for (i, place) in [1000u16, 100, 10, 1].into_iter().enumerate() { first[7 + i] = ((serial / place) % 10) as u8; }
                prop_assert_eq!(check_digit(&first), None);
            }
        }
    }
}
