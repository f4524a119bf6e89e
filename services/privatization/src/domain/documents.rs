//! The documents of Annex 1 row 9: two always (the tenancy document and the no-debt document,
//! [A-TENANCY-DOCS]), the others only where their condition holds and the state systems hold no
//! record (row 9 last paragraph: what the systems hold is never asked; [A-CUTOFF]).

use chrono::NaiveDate;
use law::cutoffs::{BIRTH_CUTOFF, DEATH_CUTOFF, MARRIAGE_CUTOFF, date};

use super::family::{Declared, Held, Relation};

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
    "DEATH_CERTIFICATE",
    "DIVORCE_CERTIFICATE",
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
/// [A-FREE-RIGHT-GROUP] (RULES.md G-P4): the social-status register's group for the right of
/// Housing Relations Law Art. 13(8) to receive the dwelling free of charge; while the register
/// holds it, the copy of row 9(5) is not asked ("only when the information systems have no data").
pub const FREE_OF_CHARGE_GROUPS: &[&str] = &["HOUSING_FREE_OF_CHARGE_RIGHT"];
/// [A-P11]: the social groups with which the state systems confirm a right to a gratuitous
/// privatization (PR cl. 11, not in this order): a lawyer's answer changes this list.
pub const GRATUITOUS_GROUPS: &[&str] = &["GPW_VETERAN", "VETERAN_EQUATED", "DISABILITY_GROUP_1", "DISABILITY_GROUP_2"];

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
    // Row 9(2), 9(4): a copy proves a relation the records cannot show, and only where it
    // decides who belongs to the family living in the dwelling (`family::members`).
    for m in declared.iter().filter(|m| held.lives_there(&m.iin)) {
        let iin = &m.iin;
        match m.relation {
            Relation::Spouse if !held.spouse(iin) => out.push(need(
                &["MARRIAGE_CERTIFICATE"],
                "Annex 1 row 9(2)",
                missing_record("marriage", iin, m.registered_on, MARRIAGE_CUTOFF),
            )),
            Relation::Child if !held.child(iin) => out.push(need(
                &["BIRTH_CERTIFICATE"],
                "Annex 1 row 9(2)",
                missing_record("birth", iin, m.registered_on, BIRTH_CUTOFF),
            )),
            Relation::Recognized if !held.court_recognized(iin) => out.push(need(
                &["COURT_RECOGNITION_DECISION"],
                "Annex 1 row 9(4)",
                format!("no court decision recognizing {iin} in the register"),
            )),
            Relation::Deceased if held.related(iin) && !held.dead(iin) => out.push(need(
                &["DEATH_CERTIFICATE"],
                "Annex 1 row 9(2)",
                missing_record("death", iin, m.registered_on, DEATH_CUTOFF),
            )),
            Relation::Divorced if held.spouse(iin) => out.push(need(
                &["DIVORCE_CERTIFICATE"],
                "Annex 1 row 9(2)",
                missing_record("divorce", iin, m.registered_on, MARRIAGE_CUTOFF),
            )),
            _ => {}
        }
    }
    let employed = |categories: &[&str]| held.employment.iter().any(|c| categories.contains(&c.as_str()));
    let grouped = |groups: &[&str]| held.groups.iter().any(|g| groups.contains(&g.as_str()));
    if claims.free_of_charge_right && !grouped(FREE_OF_CHARGE_GROUPS) {
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
    if claims.gratuitous && !grouped(GRATUITOUS_GROUPS) {
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

    fn living(people: &[&Declared]) -> Held {
        Held { residents: people.iter().map(|m| (m.iin.clone(), m.born)).collect(), ..Held::default() }
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
        let mut held = living(&[&child, &spouse]);
        held.children = vec![(child.iin.clone(), child.born)];
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
        assert!(
            kinds(&needs(std::slice::from_ref(&elder), &living(&[&elder]), Claims::default()))
                .contains(&"BIRTH_CERTIFICATE")
        );
        let recognized = Declared {
            iin: "700101300001".into(),
            relation: Relation::Recognized,
            registered_on: d(2020, 1, 1),
            born: d(1970, 1, 1),
        };
        let mut held = living(&[&recognized]);
        held.recognized = vec![recognized.iin.clone()];
        assert!(!kinds(&needs(&[recognized], &held, Claims::default())).contains(&"COURT_RECOGNITION_DECISION"));
    }

    #[test]
    fn annex_1_row_9_2_no_copy_is_asked_of_a_relative_living_elsewhere() {
        let elder = Declared {
            iin: "050303600001".into(),
            relation: Relation::Child,
            registered_on: d(2005, 3, 3),
            born: d(2005, 3, 3),
        };
        assert!(!kinds(&needs(&[elder], &Held::default(), Claims::default())).contains(&"BIRTH_CERTIFICATE"));
    }

    #[test]
    fn annex_1_row_9_2_a_death_or_divorce_before_the_records_began_is_proved_by_its_certificate() {
        let wife =
            |relation, on| Declared { iin: "800101400002".into(), relation, registered_on: on, born: d(1980, 1, 1) };
        let deceased = wife(Relation::Deceased, d(2005, 3, 1));
        let mut held = living(&[&deceased]);
        held.spouses = vec![(deceased.iin.clone(), deceased.born)];
        let n = needs(std::slice::from_ref(&deceased), &held, Claims::default());
        let death = n.iter().find(|x| x.kinds == ["DEATH_CERTIFICATE"]).expect("the death of 2005 is not held");
        assert!(death.reason.contains("before the state systems' cut-off 2007-08-13"), "{}", death.reason);
        let divorced = wife(Relation::Divorced, d(2006, 3, 1));
        let n = needs(std::slice::from_ref(&divorced), &held, Claims::default());
        let divorce = n.iter().find(|x| x.kinds == ["DIVORCE_CERTIFICATE"]).expect("the divorce of 2006 is not held");
        assert!(divorce.reason.contains("2008-06-01"), "{}", divorce.reason);
        // The records hold the death: nothing to prove.
        held.deceased = vec![deceased.iin.clone()];
        held.spouses.clear();
        assert!(!kinds(&needs(&[deceased], &held, Claims::default())).contains(&"DEATH_CERTIFICATE"));
        assert!(!kinds(&needs(&[divorced], &held, Claims::default())).contains(&"DIVORCE_CERTIFICATE"));
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
        assert!(fewer.contains(&"FREE_OF_CHARGE_RIGHT"));
        let held = Held { groups: vec![FREE_OF_CHARGE_GROUPS[0].into()], ..Held::default() };
        assert!(!kinds(&needs(&[], &held, claims)).contains(&"FREE_OF_CHARGE_RIGHT"), "[A-FREE-RIGHT-GROUP]");
    }
}
