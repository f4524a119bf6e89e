//! The checks at intake, from the state systems' data (Annex 1 row 10(2)-(5)): consent, court
//! decisions, and whether the applicant is the tenant of that dwelling in the stated fund with
//! no arrears. The commission's own findings come later (row 10(1)-(2)).

use super::{Fund, Ground};

/// A court decision in force against the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourtDecision {
    /// Prohibits an activity requiring the service.
    ActivityBan,
    /// Deprives of a special right connected with it.
    SpecialRightDeprivation,
}

/// The akimat's record of the applicant's tenancy [A-TENANCY-DOCS].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenancy {
    /// The dwelling.
    pub dwelling_id: String,
    /// The fund it belongs to, when the record says.
    pub fund: Option<Fund>,
    /// Rent owed, in tiyn.
    pub arrears_tiyn: i64,
}

/// What intake reads through the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Persons whose restricted data the decision needs and who have no consent on record.
    pub consent_missing: Vec<String>,
    /// Court decisions in force against the applicant.
    pub court: Vec<CourtDecision>,
    /// The applicant's state-fund tenancy, if any.
    pub tenancy: Option<Tenancy>,
}

/// One fact weighed at intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable code.
    pub code: &'static str,
    /// The ground it is, when it refuses.
    pub ground: Option<Ground>,
    /// Whom it concerns (empty: the applicant).
    pub person_iin: String,
    /// In words.
    pub detail: String,
}

fn finding(code: &'static str, ground: Option<Ground>, detail: String) -> Finding {
    Finding { code, ground, person_iin: String::new(), detail }
}

/// The intake findings for an application for `dwelling_id` in `fund`.
pub fn check(facts: &Facts, dwelling_id: &str, fund: Fund) -> Vec<Finding> {
    let mut out = Vec::new();
    for iin in &facts.consent_missing {
        let mut f = finding(
            "NO_PERSONAL_DATA_CONSENT",
            Some(Ground::NoPersonalDataConsent),
            format!("no consent on record for {iin} (Personal Data Law Art. 8, [A-CONSENT-FAMILY])"),
        );
        f.person_iin = iin.clone();
        out.push(f);
    }
    for decision in &facts.court {
        out.push(match decision {
            CourtDecision::ActivityBan => finding(
                "COURT_ACTIVITY_BAN",
                Some(Ground::CourtActivityBan),
                "a court decision in force bans the activity".into(),
            ),
            CourtDecision::SpecialRightDeprivation => finding(
                "COURT_SPECIAL_RIGHT_DEPRIVED",
                Some(Ground::CourtSpecialRightDeprived),
                "a court decision in force deprives the applicant of the special right".into(),
            ),
        });
    }
    if !facts.consent_missing.is_empty() {
        return out;
    }
    let nonconforming = Some(Ground::Nonconforming);
    match &facts.tenancy {
        None => {
            out.push(finding("NOT_TENANT", nonconforming, "the akimat's records show no state-fund tenancy".into()))
        }
        Some(t) if t.dwelling_id != dwelling_id => out.push(finding(
            "NOT_TENANT",
            nonconforming,
            format!("the applicant is the tenant of {}, not of {dwelling_id}", t.dwelling_id),
        )),
        Some(t) => {
            match t.fund {
                Some(held) if held != fund => out.push(finding(
                    "FUND_MISMATCH",
                    nonconforming,
                    format!("the dwelling is in {}, the application states {}", held.code(), fund.code()),
                )),
                _ => out.push(finding("TENANCY_CONFIRMED", None, format!("tenant of {dwelling_id}"))),
            }
            if t.arrears_tiyn > 0 {
                out.push(finding(
                    "TENANCY_ARREARS",
                    nonconforming,
                    format!("rent owed under the tenancy: {} tiyn (row 9(8))", t.arrears_tiyn),
                ));
            }
        }
    }
    out
}

/// The ground the findings refuse on, with the refusing finding's code: the first in
/// [A-DECISION-ORDER].
pub fn refusal(findings: &[Finding]) -> Option<(Ground, &'static str)> {
    law::ground::first_cited(findings.iter().map(|f| (f.ground, f.code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> Facts {
        Facts {
            tenancy: Some(Tenancy { dwelling_id: "D-1".into(), fund: Some(Fund::Communal), arrears_tiyn: 0 }),
            ..Default::default()
        }
    }

    #[test]
    fn a_tenant_without_arrears_passes_intake() {
        assert_eq!(refusal(&check(&tenant(), "D-1", Fund::Communal)), None);
    }

    #[test]
    fn annex_1_row_10_2_not_tenant_fund_mismatch_arrears() {
        assert_eq!(
            refusal(&check(&Facts::default(), "D-1", Fund::Communal)),
            Some((Ground::Nonconforming, "NOT_TENANT"))
        );
        assert_eq!(refusal(&check(&tenant(), "D-2", Fund::Communal)), Some((Ground::Nonconforming, "NOT_TENANT")));
        assert_eq!(
            refusal(&check(&tenant(), "D-1", Fund::RepublicanEntity)),
            Some((Ground::Nonconforming, "FUND_MISMATCH"))
        );
        let mut owing = tenant();
        owing.tenancy.as_mut().unwrap().arrears_tiyn = 100;
        assert_eq!(refusal(&check(&owing, "D-1", Fund::Communal)), Some((Ground::Nonconforming, "TENANCY_ARREARS")));
    }

    #[test]
    fn a_decision_order_consent_before_court_before_nonconformity() {
        let mut f = Facts {
            court: vec![CourtDecision::SpecialRightDeprivation, CourtDecision::ActivityBan],
            ..Facts::default()
        };
        assert_eq!(refusal(&check(&f, "D-1", Fund::Communal)).unwrap().0, Ground::CourtActivityBan);
        f.consent_missing.push("791028302728".into());
        assert_eq!(refusal(&check(&f, "D-1", Fund::Communal)).unwrap().0, Ground::NoPersonalDataConsent);
    }
}
