//! The household the registry's rules weigh (Annex 2 row 10(2)): the applicant, the spouse and
//! the minor children, living. The dwellings and social status of each of them are read.

use chrono::{Datelike, NaiveDate};

/// A person is a minor until this age (Civil Code art. 17).
pub const MAJORITY_AGE: i32 = 18;

/// How a member of the applicant's family is related to them, as the civil records say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kin {
    /// The spouse.
    Spouse,
    /// A child, born on the day the records give (none where they give no readable day).
    Child { born: Option<NaiveDate> },
    /// Anyone else (a parent, a sibling).
    Other,
}

/// A member of the applicant's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    /// The member's IIN.
    pub iin: &'a str,
    /// The relation.
    pub kin: Kin,
    /// Whether the civil records show a death.
    pub dead: bool,
}

/// Whether someone born on `born` is a minor on `on`: until the eighteenth birthday; one born on
/// 29 February comes of age on 1 March of a common year ([A-FEB29-MAJORITY]).
pub fn is_minor(born: NaiveDate, on: NaiveDate) -> bool {
    let year = born.year() + MAJORITY_AGE;
    let of_age = born.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, 3, 1));
    of_age.is_none_or(|adult| adult > on)
}

/// Whether a relation belongs to the household on `on`: the spouse, a minor child. A child whose
/// birth day the records do not give is not counted.
pub fn counts(kin: Kin, on: NaiveDate) -> bool {
    match kin {
        Kin::Spouse => true,
        Kin::Child { born } => born.is_some_and(|born| is_minor(born, on)),
        Kin::Other => false,
    }
}

/// Annex 2 row 10(2): the household of `applicant` on `on`, the applicant first, then each living
/// spouse and minor child in the order the records list them.
pub fn household<'a>(applicant: &'a str, family: impl IntoIterator<Item = Member<'a>>, on: NaiveDate) -> Vec<&'a str> {
    let mut household = vec![applicant];
    household.extend(family.into_iter().filter(|m| !m.dead && counts(m.kin, on)).map(|m| m.iin));
    household
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn annex_2_row_10_2_the_applicant_the_spouse_and_the_minor_children_living() {
        let on = day("2026-04-01");
        let family = [
            Member { iin: "spouse", kin: Kin::Spouse, dead: false },
            Member { iin: "minor", kin: Kin::Child { born: Some(day("2010-05-05")) }, dead: false },
            Member { iin: "adult", kin: Kin::Child { born: Some(day("2008-04-01")) }, dead: false },
            Member { iin: "unknown-birth", kin: Kin::Child { born: None }, dead: false },
            Member { iin: "parent", kin: Kin::Other, dead: false },
            Member { iin: "late-spouse", kin: Kin::Spouse, dead: true },
        ];
        assert_eq!(household("applicant", family, on), ["applicant", "spouse", "minor"]);
    }

    #[test]
    fn a_child_comes_of_age_on_the_eighteenth_birthday() {
        assert!(is_minor(day("2008-04-02"), day("2026-04-01")));
        assert!(!is_minor(day("2008-04-01"), day("2026-04-01")));
        // [A-FEB29-MAJORITY]: born on 29 February, of age on 1 March of a common year.
        assert!(is_minor(day("2008-02-29"), day("2026-02-28")));
        assert!(!is_minor(day("2008-02-29"), day("2026-03-01")));
    }
}
