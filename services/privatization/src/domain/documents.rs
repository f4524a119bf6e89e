//! The documents of Annex 1 row 9: two always (the tenancy document and the no-debt document,
//! [A-TENANCY-DOCS]), the others only where their condition holds and the state systems hold no
//! record (row 9 last paragraph: what the systems hold is never asked; [A-CUTOFF]).

use chrono::{Datelike, NaiveDate};
use law::cutoffs::{BIRTH_CUTOFF, MARRIAGE_CUTOFF, date};

/// Row 9(3): the tenancy agreement or the housing warrant.
pub const TENANCY: &[&str] = &["TENANCY_AGREEMENT", "HOUSING_WARRANT"];
/// Row 9(8): no debt under the tenancy.
pub const NO_DEBT: &[&str] = &["NO_DEBT_CERTIFICATE"];
/// Every kind the service accepts.
pub const KINDS: &[&str] = &[
    "TENANCY_AGREEMENT",
    "HOUSING_WARRANT",
    "NO_DEBT_CERTIFICATE",
    "MARRIAGE_CERTIFICATE",
    "BIRTH_CERTIFICATE",
    "COURT_RECOGNITION_DECISION",
    "FREE_OF_CHARGE_RIGHT",
    "EMPLOYMENT_CERTIFICATE",
    "COSMONAUT_STATUS",
    "GRATUITOUS_CATEGORY_PROOF",
];

/// Row 9(6): the employment categories whose certificate the gateway's employment record stands in for.
pub const SERVICE_CATEGORIES: &[&str] =
    &["CIVIL_SERVANT", "BUDGET_ORGANIZATION", "MILITARY", "SPECIAL_STATE_BODY", "JUDGE", "ELECTED_OFFICE"];
/// Row 9(7): the cosmonauts' categories.
pub const COSMONAUT_CATEGORIES: &[&str] = &["COSMONAUT", "COSMONAUT_CANDIDATE"];
/// [A-P11]: the social groups with which the state systems confirm a right to a gratuitous
/// privatization (PR cl. 11, not in this order): a lawyer's answer changes this list.
pub const GRATUITOUS_GROUPS: &[&str] = &["GPW_VETERAN", "VETERAN_EQUATED", "DISABILITY_GROUP_1", "DISABILITY_GROUP_2"];

/// A person is an adult from this age (Civil Code): adults confirm the application (row 9(1)).
pub const MAJORITY_AGE: i32 = 18;

/// How a declared member belongs to the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The spouse.
    Spouse,
    /// A child.
    Child,
    /// A person a court recognized as a family member (row 9(4)).
    Recognized,
}

impl Relation {
    /// The relation with `code`.
    pub fn parse(code: &str) -> Option<Relation> {
        match code {
            "SPOUSE" => Some(Relation::Spouse),
            "CHILD" => Some(Relation::Child),
            "RECOGNIZED" => Some(Relation::Recognized),
            _ => None,
        }
    }
}

/// A family member as the application states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The member.
    pub iin: String,
    /// How.
    pub relation: Relation,
    /// When the act record was registered: a marriage's stated date, a child's birth date.
    pub registered_on: NaiveDate,
    /// The member's birth date (from the IIN).
    pub born: NaiveDate,
}

/// What the state systems hold of the family and the claims.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Held {
    /// Spouses the act records establish, with their birth dates.
    pub spouses: Vec<(String, NaiveDate)>,
    /// Children the act records establish, with their birth dates.
    pub children: Vec<(String, NaiveDate)>,
    /// Persons a court decision in the register recognized as family members.
    pub recognized: Vec<String>,
    /// Employment categories.
    pub employment: Vec<String>,
    /// Social groups.
    pub groups: Vec<String>,
}

/// What the applicant claims besides the ordinary privatization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Claims {
    /// PR cl. 11, row 9(9).
    pub gratuitous: bool,
    /// Housing Relations Law Art. 13(8), row 9(5).
    pub free_of_charge_right: bool,
    /// A service dwelling, row 9(6).
    pub service_dwelling: bool,
    /// A cosmonaut, row 9(7).
    pub cosmonaut: bool,
}

/// A document the application needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// The kinds, any one of which satisfies it.
    pub kinds: &'static [&'static str],
    /// The clause.
    pub clause: &'static str,
    /// Why.
    pub reason: String,
}

fn need(kinds: &'static [&'static str], clause: &'static str, reason: impl Into<String>) -> Need {
    Need { kinds, clause, reason: reason.into() }
}

/// A record the state systems should hold ([A-CUTOFF]) was missing even after it was read
/// again: the copy may be asked then, and the reason says so.
fn missing_record(kind: &str, iin: &str, registered_on: NaiveDate, cutoff: (i32, u32, u32)) -> String {
    if registered_on > date(cutoff) {
        format!(
            "the {kind} record of {iin} ({registered_on}) should be in the state systems but stays missing after a retry [A-CUTOFF]"
        )
    } else {
        format!(
            "no {kind} record of {iin}: registered on {registered_on}, before the state systems' cut-off {}",
            date(cutoff)
        )
    }
}

/// The documents an application needs.
pub fn needs(declared: &[Declared], held: &Held, claims: Claims) -> Vec<Need> {
    let mut out =
        vec![need(TENANCY, "Annex 1 row 9(3)", "always [A-TENANCY-DOCS]"), need(NO_DEBT, "Annex 1 row 9(8)", "always")];
    for m in declared {
        match m.relation {
            Relation::Spouse if !held.spouses.iter().any(|(i, _)| *i == m.iin) => out.push(need(
                &["MARRIAGE_CERTIFICATE"],
                "Annex 1 row 9(2)",
                missing_record("marriage", &m.iin, m.registered_on, MARRIAGE_CUTOFF),
            )),
            Relation::Child if !held.children.iter().any(|(i, _)| *i == m.iin) => out.push(need(
                &["BIRTH_CERTIFICATE"],
                "Annex 1 row 9(2)",
                missing_record("birth", &m.iin, m.registered_on, BIRTH_CUTOFF),
            )),
            Relation::Recognized if !held.recognized.contains(&m.iin) => out.push(need(
                &["COURT_RECOGNITION_DECISION"],
                "Annex 1 row 9(4)",
                format!("no court decision recognizing {} in the register", m.iin),
            )),
            _ => {}
        }
    }
    let employed = |categories: &[&str]| held.employment.iter().any(|c| categories.contains(&c.as_str()));
    if claims.free_of_charge_right {
        out.push(need(&["FREE_OF_CHARGE_RIGHT"], "Annex 1 row 9(5)", "no state system holds the right of Art. 13(8)"));
    }
    if claims.service_dwelling && !employed(SERVICE_CATEGORIES) {
        out.push(need(
            &["EMPLOYMENT_CERTIFICATE"],
            "Annex 1 row 9(6)",
            "no employment record of a category of row 9(6)",
        ));
    }
    if claims.cosmonaut && !employed(COSMONAUT_CATEGORIES) {
        out.push(need(&["COSMONAUT_STATUS"], "Annex 1 row 9(7)", "no record of the cosmonaut's status"));
    }
    if claims.gratuitous && !held.groups.iter().any(|g| GRATUITOUS_GROUPS.contains(&g.as_str())) {
        out.push(need(
            &["GRATUITOUS_CATEGORY_PROOF"],
            "Annex 1 row 9(9)",
            "the state systems do not confirm the category [A-P11]",
        ));
    }
    out
}

/// The needs `filed` (the kinds of the documents filed) leaves unmet.
pub fn unmet<'n>(needs: &'n [Need], filed: &[&str]) -> Vec<&'n Need> {
    needs.iter().filter(|n| !n.kinds.iter().any(|k| filed.contains(k))).collect()
}

/// Whether a person born on `born` is an adult on `day`.
pub fn adult(born: NaiveDate, day: NaiveDate) -> bool {
    born.with_year(born.year() + MAJORITY_AGE).is_some_and(|of_age| of_age <= day)
}

/// Row 9(1): who must confirm the application: the tenant (or the representative filing for
/// them) and every adult family member the state systems or the application name.
pub fn confirmers(signer: &str, declared: &[Declared], held: &Held, day: NaiveDate) -> Vec<String> {
    let mut out = vec![signer.to_owned()];
    let family = held
        .spouses
        .iter()
        .chain(held.children.iter())
        .map(|(iin, born)| (iin.clone(), *born))
        .chain(declared.iter().map(|m| (m.iin.clone(), m.born)));
    for (iin, born) in family {
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

    fn kinds(needs: &[Need]) -> Vec<&'static str> {
        needs.iter().flat_map(|n| n.kinds.iter().copied()).collect()
    }

    #[test]
    fn annex_1_row_9_3_and_9_8_are_always_asked() {
        let n = needs(&[], &Held::default(), Claims::default());
        assert_eq!(kinds(&n), ["TENANCY_AGREEMENT", "HOUSING_WARRANT", "NO_DEBT_CERTIFICATE"]);
    }

    #[test]
    fn at_16_a_copy_is_asked_only_where_the_state_systems_hold_no_record() {
        let child = Declared {
            iin: "120110500001".into(),
            relation: Relation::Child,
            registered_on: d(2012, 1, 10),
            born: d(2012, 1, 10),
        };
        let spouse = Declared {
            iin: "800101400002".into(),
            relation: Relation::Spouse,
            registered_on: d(2005, 5, 5),
            born: d(1980, 1, 1),
        };
        let held = Held { children: vec![(child.iin.clone(), child.born)], ..Held::default() };
        let n = needs(&[child.clone(), spouse], &held, Claims::default());
        assert!(!kinds(&n).contains(&"BIRTH_CERTIFICATE"), "the birth record is held");
        let marriage =
            n.iter().find(|x| x.kinds == ["MARRIAGE_CERTIFICATE"]).expect("the marriage of 2005 is not held");
        assert!(marriage.reason.contains("before the state systems' cut-off 2008-06-01"));
        let elder = Declared {
            iin: "050303600001".into(),
            relation: Relation::Child,
            registered_on: d(2005, 3, 3),
            born: d(2005, 3, 3),
        };
        assert!(kinds(&needs(&[elder], &Held::default(), Claims::default())).contains(&"BIRTH_CERTIFICATE"));
        let recognized = Declared {
            iin: "700101300001".into(),
            relation: Relation::Recognized,
            registered_on: d(2020, 1, 1),
            born: d(1970, 1, 1),
        };
        let held = Held { recognized: vec![recognized.iin.clone()], ..Held::default() };
        assert!(!kinds(&needs(&[recognized], &held, Claims::default())).contains(&"COURT_RECOGNITION_DECISION"));
    }

    #[test]
    fn annex_1_row_9_5_to_9_9_only_where_their_condition_holds_and_no_record_exists() {
        let claims = Claims { gratuitous: true, free_of_charge_right: true, service_dwelling: true, cosmonaut: true };
        let all = kinds(&needs(&[], &Held::default(), claims));
        for k in ["FREE_OF_CHARGE_RIGHT", "EMPLOYMENT_CERTIFICATE", "COSMONAUT_STATUS", "GRATUITOUS_CATEGORY_PROOF"] {
            assert!(all.contains(&k), "{k}");
        }
        let held =
            Held { employment: vec!["CIVIL_SERVANT".into()], groups: vec!["GPW_VETERAN".into()], ..Held::default() };
        let fewer = kinds(&needs(&[], &held, claims));
        assert!(!fewer.contains(&"EMPLOYMENT_CERTIFICATE") && !fewer.contains(&"GRATUITOUS_CATEGORY_PROOF"));
    }

    #[test]
    fn at_17_every_adult_family_member_confirms() {
        let held = Held {
            children: vec![("000000000001".into(), d(2004, 1, 1)), ("000000000002".into(), d(2012, 1, 1))],
            ..Held::default()
        };
        let who = confirmers("791028302728", &[], &held, d(2026, 4, 14));
        assert_eq!(who, ["791028302728", "000000000001"]);
    }
}
