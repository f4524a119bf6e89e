//! Who may receive the subsidy (Annex 3 row 10; RULES.md 5, 10.4): the facts from the gateway and
//! the registry, each a finding, the refusal citing the first ground in [A-DECISION-ORDER].

use super::Ground;

/// G-S1: the categories of order No. 152 as the gateway's social groups: persons with
/// disabilities of groups I and II, families with children with disabilities, orphans and
/// children left without parental care (under [`ORPHAN_AGE_LIMIT`]), mothers of many children
/// with the awards, large families. A lawyer's answer changes this list.
pub const ELIGIBLE_GROUPS: &[&str] = &[
    "DISABILITY_GROUP_1",
    "DISABILITY_GROUP_2",
    "FAMILY_WITH_DISABLED_CHILD",
    "ORPHAN",
    "WITHOUT_PARENTAL_CARE",
    "MOTHER_HEROINE",
    "LARGE_FAMILY",
];
/// G-S1: orphans and children left without parental care are eligible under this age.
pub const ORPHAN_AGE_LIMIT: i32 = 29;
/// [A-RELATIVES]: the landlord may not be one of these.
pub const CLOSE_RELATIVES: &[&str] = &["SPOUSE", "PARENT", "CHILD", "SIBLING", "GRANDPARENT", "GRANDCHILD"];

/// A court decision in force against the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Court {
    /// Prohibits an activity requiring the service.
    ActivityBan,
    /// Deprives of a special right connected with it.
    SpecialRightDeprivation,
}

/// What the sources say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Persons without consent on record.
    pub consent_missing: Vec<String>,
    /// Court decisions in force.
    pub court: Vec<Court>,
    /// The lists the person is on, from the registry (settlement/category).
    pub waiting_lists: Vec<String>,
    /// The household's social groups on the day.
    pub groups: Vec<String>,
    /// The applicant's age in whole years.
    pub age: i32,
    /// The family's average monthly income per member over the months averaged, in tiyn.
    pub income_per_member_tiyn: i64,
    /// How the landlord is related to the applicant, when they are family.
    pub landlord_relation: Option<String>,
}

/// One fact weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable code.
    pub code: &'static str,
    /// The ground it is, when it refuses.
    pub ground: Option<Ground>,
    /// `gateway` or `registry`.
    pub source: &'static str,
    /// In words.
    pub detail: String,
}

fn finding(code: &'static str, ground: Option<Ground>, source: &'static str, detail: impl Into<String>) -> Finding {
    Finding { code, ground, source, detail: detail.into() }
}

/// The findings on an application, given the income threshold per member in force.
pub fn check(facts: &Facts, threshold_tiyn: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    for iin in &facts.consent_missing {
        out.push(finding(
            "NO_PERSONAL_DATA_CONSENT",
            Some(Ground::NoPersonalDataConsent),
            "gateway",
            format!("no consent on record for {iin}"),
        ));
    }
    for c in &facts.court {
        out.push(match c {
            Court::ActivityBan => finding(
                "COURT_ACTIVITY_BAN",
                Some(Ground::CourtActivityBan),
                "gateway",
                "a court decision in force bans the activity",
            ),
            Court::SpecialRightDeprivation => finding(
                "COURT_SPECIAL_RIGHT_DEPRIVED",
                Some(Ground::CourtSpecialRightDeprived),
                "gateway",
                "a court decision in force deprives the applicant of the special right",
            ),
        });
    }
    if !facts.consent_missing.is_empty() {
        return out;
    }
    let nonconforming = Some(Ground::Nonconforming);
    if facts.waiting_lists.is_empty() {
        out.push(finding(
            "NOT_ON_WAITING_LIST",
            nonconforming,
            "registry",
            "not on the waiting list of the Housing Provision Center",
        ));
    } else {
        out.push(finding("ON_WAITING_LIST", None, "registry", facts.waiting_lists.join(", ")));
    }
    let eligible = facts.groups.iter().any(|g| {
        ELIGIBLE_GROUPS.contains(&g.as_str())
            && (!matches!(g.as_str(), "ORPHAN" | "WITHOUT_PARENTAL_CARE") || facts.age < ORPHAN_AGE_LIMIT)
    });
    if eligible {
        out.push(finding("CATEGORY_CONFIRMED", None, "gateway", facts.groups.join(", ")));
    } else {
        out.push(finding(
            "CATEGORY_NOT_ELIGIBLE",
            nonconforming,
            "gateway",
            "no eligible category of order No. 152 (G-S1)",
        ));
    }
    if facts.income_per_member_tiyn > threshold_tiyn {
        out.push(finding(
            "INCOME_ABOVE_THRESHOLD",
            nonconforming,
            "gateway",
            format!("{} tiyn a month per member, above {threshold_tiyn}", facts.income_per_member_tiyn),
        ));
    }
    if let Some(relation) = &facts.landlord_relation {
        out.push(finding(
            "LANDLORD_CLOSE_RELATIVE",
            nonconforming,
            "gateway",
            format!("the landlord is the applicant's {relation} [A-RELATIVES]"),
        ));
    }
    out
}

/// The first refusing finding in [A-DECISION-ORDER].
pub fn refusal<'f>(findings: impl IntoIterator<Item = (Option<Ground>, &'f str)>) -> Option<(Ground, &'f str)> {
    law::ground::first_cited(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eligible() -> Facts {
        Facts {
            waiting_lists: vec!["751110000/GENERAL".into()],
            groups: vec!["LARGE_FAMILY".into()],
            age: 40,
            ..Facts::default()
        }
    }

    fn first(f: &Facts) -> Option<(Ground, &'static str)> {
        refusal(check(f, 100).iter().map(|x| (x.ground, x.code)))
    }

    #[test]
    fn annex_3_an_eligible_person_on_the_list_passes() {
        assert_eq!(first(&eligible()), None);
    }

    #[test]
    fn annex_3_row_10_2_sub_reasons() {
        let mut f = eligible();
        f.waiting_lists.clear();
        assert_eq!(first(&f), Some((Ground::Nonconforming, "NOT_ON_WAITING_LIST")));
        let mut f = eligible();
        f.groups = vec!["AGE_PENSIONER".into()];
        assert_eq!(first(&f), Some((Ground::Nonconforming, "CATEGORY_NOT_ELIGIBLE")));
        let mut f = eligible();
        f.groups = vec!["ORPHAN".into()];
        f.age = 30;
        assert_eq!(first(&f), Some((Ground::Nonconforming, "CATEGORY_NOT_ELIGIBLE")), "orphans under 29 only");
        let mut f = eligible();
        f.income_per_member_tiyn = 101;
        assert_eq!(first(&f), Some((Ground::Nonconforming, "INCOME_ABOVE_THRESHOLD")));
        let mut f = eligible();
        f.landlord_relation = Some("SIBLING".into());
        assert_eq!(first(&f), Some((Ground::Nonconforming, "LANDLORD_CLOSE_RELATIVE")));
    }

    #[test]
    fn a_decision_order_consent_court_then_nonconformity() {
        let mut f = eligible();
        f.waiting_lists.clear();
        f.court = vec![Court::SpecialRightDeprivation];
        assert_eq!(first(&f).unwrap().0, Ground::CourtSpecialRightDeprived);
        f.consent_missing = vec!["x".into()];
        assert_eq!(first(&f).unwrap().0, Ground::NoPersonalDataConsent);
    }
}
