//! The family of Annex 1 row 9(1): "the adult members of the family living in the dwelling"
//! confirm the application. The family is read, not asked: the people the address register shows
//! registered in the dwelling with the tenant now ([A-FAMILY-DWELLING]) whose relation to the
//! tenant the civil records show, or the applicant declares where the records cannot (a marriage,
//! divorce, birth or death registered before its cut-off, [A-CUTOFF]) and proves with the matching
//! copy (`documents::needs`). A relative registered elsewhere is no member of the family living
//! in the dwelling and confirms nothing; a former spouse ([A-FORMER-SPOUSE]) and the dead neither.

use chrono::{Datelike, NaiveDate};

/// A person is an adult from this age (Civil Code): adults confirm the application (row 9(1)).
pub const MAJORITY_AGE: i32 = 18;

/// How the applicant declares a person the records do not show as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The spouse: a marriage the records do not hold (row 9(2), marriage certificate).
    Spouse,
    /// A child: a birth the records do not hold (row 9(2), birth certificate).
    Child,
    /// A person a court recognized as a family member (row 9(4)).
    Recognized,
    /// A relative the records show alive who died before the records began (row 9(2), death
    /// certificate): no member of the family, confirms nothing.
    Deceased,
    /// A spouse the records show married whose divorce they do not hold (row 9(2), divorce
    /// certificate): no member of the family ([A-FORMER-SPOUSE]), confirms nothing.
    Divorced,
}

impl Relation {
    /// The codes a request may state, for error messages.
    pub const CODES: &'static str = "SPOUSE, CHILD, RECOGNIZED, DECEASED or DIVORCED";

    /// The relation with `code`.
    pub fn parse(code: &str) -> Option<Relation> {
        match code {
            "SPOUSE" => Some(Relation::Spouse),
            "CHILD" => Some(Relation::Child),
            "RECOGNIZED" => Some(Relation::Recognized),
            "DECEASED" => Some(Relation::Deceased),
            "DIVORCED" => Some(Relation::Divorced),
            _ => None,
        }
    }

    /// Whether the act the declaration rests on is dated by the applicant (a marriage, a death,
    /// a divorce); a child's birth date is in the IIN and a court decision is read.
    pub fn dated(self) -> bool {
        matches!(self, Relation::Spouse | Relation::Deceased | Relation::Divorced)
    }
}

/// A person as the application declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The person.
    pub iin: String,
    /// How.
    pub relation: Relation,
    /// When the act was registered: the marriage, the child's birth, the death, the divorce.
    pub registered_on: NaiveDate,
    /// The person's birth date (from the IIN).
    pub born: NaiveDate,
}

/// What the state systems hold of the tenant's household and claims.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Held {
    /// Everyone the address register shows registered now at the tenant's address, besides the
    /// tenant, with their birth dates ([A-FAMILY-DWELLING]).
    pub residents: Vec<(String, NaiveDate)>,
    /// Spouses the act records establish, alive, with their birth dates.
    pub spouses: Vec<(String, NaiveDate)>,
    /// Children the act records establish, alive, with their birth dates.
    pub children: Vec<(String, NaiveDate)>,
    /// Parents, siblings and grandparents the act records establish, alive.
    pub other_kin: Vec<String>,
    /// Relatives whose death the act records hold.
    pub deceased: Vec<String>,
    /// Persons a court decision in the register recognized as family members.
    pub recognized: Vec<String>,
    /// Employment categories.
    pub employment: Vec<String>,
    /// Social groups.
    pub groups: Vec<String>,
}

impl Held {
    /// Whether `iin` is registered in the dwelling.
    pub fn lives_there(&self, iin: &str) -> bool {
        self.residents.iter().any(|(i, _)| i == iin)
    }

    /// Whether the records show `iin` as the spouse.
    pub fn spouse(&self, iin: &str) -> bool {
        self.spouses.iter().any(|(i, _)| i == iin)
    }

    /// Whether the records show `iin` as a child.
    pub fn child(&self, iin: &str) -> bool {
        self.children.iter().any(|(i, _)| i == iin)
    }

    /// Whether the records show `iin` related to the tenant and alive.
    pub fn related(&self, iin: &str) -> bool {
        self.spouse(iin) || self.child(iin) || self.other_kin.iter().any(|i| i == iin) || self.court_recognized(iin)
    }

    /// Whether a court decision recognized `iin` as a family member.
    pub fn court_recognized(&self, iin: &str) -> bool {
        self.recognized.iter().any(|i| i == iin)
    }

    /// Whether the records hold `iin`'s death.
    pub fn dead(&self, iin: &str) -> bool {
        self.deceased.iter().any(|i| i == iin)
    }
}

/// Row 9(1): the members of the family living in the dwelling, besides the tenant, with their
/// birth dates. A declaration that takes a recorded relative out (`DECEASED`, `DIVORCED`) holds
/// only with its copy, which `documents::needs` asks.
pub fn members(declared: &[Declared], held: &Held) -> Vec<(String, NaiveDate)> {
    let member = |iin: &str| match declared.iter().find(|m| m.iin == iin).map(|m| m.relation) {
        Some(Relation::Deceased | Relation::Divorced) => false,
        Some(Relation::Spouse | Relation::Child | Relation::Recognized) => !held.dead(iin),
        None => held.related(iin) && !held.dead(iin),
    };
    held.residents.iter().filter(|(iin, _)| member(iin)).cloned().collect()
}

/// Whether a person born on `born` is an adult on `day`.
pub fn adult(born: NaiveDate, day: NaiveDate) -> bool {
    born.with_year(born.year() + MAJORITY_AGE).is_some_and(|of_age| of_age <= day)
}

/// Row 9(1): who must confirm the application: the tenant (or the representative filing for
/// them) and every adult member of the family living in the dwelling.
pub fn confirmers(signer: &str, declared: &[Declared], held: &Held, day: NaiveDate) -> Vec<String> {
    let mut out = vec![signer.to_owned()];
    for (iin, born) in members(declared, held) {
        if adult(born, day) && !out.contains(&iin) {
            out.push(iin);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TENANT: &str = "791028302728";
    const SON: &str = "000000000001";
    const MINOR: &str = "000000000002";
    const DAUGHTER_ELSEWHERE: &str = "000000000003";
    const LODGER: &str = "000000000004";
    const WIFE: &str = "000000000005";

    fn household() -> Held {
        Held {
            residents: vec![
                (SON.into(), d(2004, 1, 1)),
                (MINOR.into(), d(2012, 1, 1)),
                (LODGER.into(), d(1970, 1, 1)),
                (WIFE.into(), d(1980, 1, 1)),
            ],
            spouses: vec![(WIFE.into(), d(1980, 1, 1))],
            children: vec![
                (SON.into(), d(2004, 1, 1)),
                (MINOR.into(), d(2012, 1, 1)),
                (DAUGHTER_ELSEWHERE.into(), d(2000, 1, 1)),
            ],
            ..Held::default()
        }
    }

    #[test]
    fn a_family_dwelling_annex_1_row_9_1_every_adult_member_living_in_the_dwelling_confirms_and_no_one_else() {
        let who = confirmers(TENANT, &[], &household(), d(2026, 4, 14));
        // The minor does not confirm; the daughter registered elsewhere and the unrelated
        // lodger are no members of the family living in the dwelling.
        assert_eq!(who, [TENANT, SON, WIFE]);
    }

    #[test]
    fn a_former_spouse_annex_1_row_9_2_a_declared_death_or_divorce_takes_a_recorded_spouse_out_of_the_family() {
        for relation in [Relation::Deceased, Relation::Divorced] {
            let said = Declared { iin: WIFE.into(), relation, registered_on: d(2005, 1, 1), born: d(1980, 1, 1) };
            let who = confirmers(TENANT, &[said], &household(), d(2026, 4, 14));
            assert_eq!(who, [TENANT, SON], "{relation:?}");
        }
    }

    #[test]
    fn annex_1_row_9_1_a_declared_spouse_living_there_confirms_and_the_recorded_dead_do_not() {
        let said = Declared {
            iin: LODGER.into(),
            relation: Relation::Spouse,
            registered_on: d(1995, 1, 1),
            born: d(1970, 1, 1),
        };
        let mut held = household();
        held.deceased.push(SON.into());
        held.children.retain(|(i, _)| i != SON);
        let who = confirmers(TENANT, &[said], &held, d(2026, 4, 14));
        assert_eq!(who, [TENANT, LODGER, WIFE]);
    }

    #[test]
    fn the_age_of_majority_is_reached_on_the_18th_birthday() {
        assert!(adult(d(2008, 4, 14), d(2026, 4, 14)));
        assert!(!adult(d(2008, 4, 15), d(2026, 4, 14)));
    }
}
