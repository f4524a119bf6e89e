//! The decision on an application (Annex 2 rows 6 and 10): every fact found is recorded as a
//! finding; the refusal, if any, cites the first ground in [A-DECISION-ORDER].

use chrono::NaiveDate;
use law::RefusalGround as _;

use super::category::Category;
use super::residence::{self, Registration, Residence};
use super::{Case, Ground, window_start};

/// [A-WORSEN], [Q-3]: ground 3b (deliberate worsening) applies to every applicant. Set it to
/// false for the narrower reading (only emergency-dwelling applicants).
pub const WORSENING_APPLIES_TO_EVERY_CASE: bool = true;

/// Citizenship as the population register holds it (RR cl. 1 names citizens and kandas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Citizenship {
    /// A citizen of Kazakhstan.
    Citizen,
    /// A kandas [A-KANDAS].
    Kandas,
    /// Anyone else.
    Other,
}

/// An ownership of a dwelling by a member of the household, from the real-estate register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ownership {
    /// The owner.
    pub owner_iin: String,
    /// The dwelling.
    pub cadastral_number: String,
    /// The dwelling's settlement.
    pub kato: String,
    /// Acquired on.
    pub acquired_on: NaiveDate,
    /// Alienated on, if it was.
    pub alienated_on: Option<NaiveDate>,
    /// Whether the buyer was a local executive body.
    pub buyer_is_local_executive_body: bool,
    /// When the dwelling was recognized as emergency, if it was.
    pub emergency_since: Option<NaiveDate>,
}

impl Ownership {
    fn owned_on(&self, day: NaiveDate) -> bool {
        self.acquired_on <= day && self.alienated_on.is_none_or(|a| a > day)
    }

    fn emergency_on(&self, day: NaiveDate) -> bool {
        self.emergency_since.is_some_and(|e| e <= day)
    }
}

/// How a person settled into the applicant's dwelling is related to the applicant (Annex 2
/// row 10(3): the spouse, minor and disabled children and disabled parents are no ground).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettledRelation {
    /// The spouse.
    Spouse,
    /// A minor child.
    MinorChild,
    /// A child unable to work.
    DisabledChild,
    /// A parent unable to work.
    DisabledParent,
    /// Anyone else.
    Other,
}

impl SettledRelation {
    /// The stable code.
    pub fn parse(code: &str) -> Option<SettledRelation> {
        Some(match code {
            "SPOUSE" => SettledRelation::Spouse,
            "MINOR_CHILD" => SettledRelation::MinorChild,
            "DISABLED_CHILD" => SettledRelation::DisabledChild,
            "DISABLED_PARENT" => SettledRelation::DisabledParent,
            "OTHER" => SettledRelation::Other,
            _ => return None,
        })
    }
}

/// What the state systems show, gathered through the gateway (Annex 2 row 9 last paragraph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The acceptance date: the 5 years end on it [A-5Y].
    pub accepted_on: NaiveDate,
    /// The applicant.
    pub applicant_iin: String,
    /// The applicant's citizenship.
    pub citizenship: Citizenship,
    /// Persons whose restricted data the decision needs and who have no consent on record
    /// ([A-CONSENT-FAMILY]); when any, nothing else could be read.
    pub consent_missing: Vec<String>,
    /// The ownerships of the applicant, the spouse and the minor children in the window.
    pub ownerships: Vec<Ownership>,
    /// The social groups the household holds on the acceptance date.
    pub groups: Vec<String>,
    /// Persons registered into the applicant's dwelling, from the register of addresses.
    pub settled: Vec<Settled>,
    /// The applicant's registrations, current and past, from the register of addresses.
    pub registrations: Vec<Registration>,
}

/// A person registered into the applicant's dwelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// Who.
    pub iin: String,
    /// Registered since.
    pub on: NaiveDate,
    /// How they are related to the applicant.
    pub relation: SettledRelation,
}

/// A finding of the official who reviews a partially automated case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficialFinding {
    /// A deliberate worsening of row 10(3) on a date.
    Worsening {
        /// Which.
        act: Worsening,
        /// When.
        on: NaiveDate,
        /// The official's words.
        detail: String,
    },
    /// The documents do not confirm the category (row 10(2)).
    CategoryNotConfirmed(String),
    /// The documents or their data are unreliable (row 10(1)).
    UnreliableDocuments(String),
}

/// The acts of deliberate worsening of Annex 2 row 10(3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worsening {
    /// Exchanging the dwelling.
    Exchange,
    /// Alienating a habitable dwelling owned, with whether the buyer was the local executive body.
    Alienation {
        /// The exception of the text.
        buyer_is_local_executive_body: bool,
    },
    /// Destruction or damage through the applicant's fault.
    Destruction,
    /// Moving out while not in need.
    Vacated,
    /// Settling someone in.
    SettledIn(SettledRelation),
}

impl Worsening {
    /// Whether the act is a ground at all (the exceptions of the text), regardless of date.
    fn excepted(self) -> bool {
        match self {
            Worsening::Alienation { buyer_is_local_executive_body } => buyer_is_local_executive_body,
            Worsening::SettledIn(relation) => relation != SettledRelation::Other,
            _ => false,
        }
    }

    fn ground(self) -> Ground {
        match self {
            Worsening::Exchange => Ground::WorseningExchange,
            Worsening::Alienation { .. } => Ground::WorseningAlienation,
            Worsening::Destruction => Ground::WorseningDestruction,
            Worsening::Vacated => Ground::WorseningVacated,
            Worsening::SettledIn(_) => Ground::WorseningSettledOthers,
        }
    }
}

/// Where a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The state systems, through the gateway.
    Gateway,
    /// The reviewing official.
    Official,
}

impl Source {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Source::Gateway => "gateway",
            Source::Official => "official",
        }
    }
}

/// One fact the decision weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable code: a ground's, a sub-reason's, or a neutral fact's.
    pub code: String,
    /// The ground it is, when it refuses.
    pub ground: Option<Ground>,
    /// Where it comes from.
    pub source: Source,
    /// Whom it concerns.
    pub person_iin: String,
    /// When it happened.
    pub occurred_on: Option<NaiveDate>,
    /// In words.
    pub detail: String,
}

/// The result of the service (Annex 2 row 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The notification of enrolment.
    Enrol,
    /// A motivated refusal on `ground`, with the sub-reason where the ground has several.
    Refuse {
        /// The ground cited.
        ground: Ground,
        /// The sub-reason, for `NONCONFORMING`.
        reason: Option<String>,
    },
}

/// The decision with everything it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Every finding, refusing or not.
    pub findings: Vec<Finding>,
    /// The result.
    pub outcome: Outcome,
}

/// What the application asks for.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// The case it runs as.
    pub case: Case,
    /// The settlement applied for.
    pub settlement_kato: &'a str,
    /// The list applied for.
    pub category: &'a Category,
}

struct Findings {
    all: Vec<Finding>,
    applicant: String,
}

impl Findings {
    fn add(
        &mut self,
        code: &str,
        ground: Option<Ground>,
        source: Source,
        person: &str,
        on: Option<NaiveDate>,
        detail: String,
    ) {
        let person = if person.is_empty() { self.applicant.clone() } else { person.to_owned() };
        self.all.push(Finding { code: code.to_owned(), ground, source, person_iin: person, occurred_on: on, detail });
    }
}

/// Decides an application from the state systems' facts and, in the partially automated cases,
/// the official's findings.
pub fn decide(claim: Claim<'_>, facts: &Facts, official: &[OfficialFinding]) -> Decision {
    let mut f = Findings { all: Vec::new(), applicant: facts.applicant_iin.clone() };
    // Row 10(4): without consent the restricted data could not be read at all.
    for iin in &facts.consent_missing {
        f.add(
            Ground::NoPersonalDataConsent.code(),
            Some(Ground::NoPersonalDataConsent),
            Source::Gateway,
            iin,
            None,
            format!("no consent on record for {iin} (Personal Data Law Art. 8, [A-CONSENT-FAMILY])"),
        );
    }
    if facts.consent_missing.is_empty() {
        worsening_from_register(claim, facts, &mut f);
        emergency_dwelling(claim, facts, &mut f);
        nonconformity(claim, facts, &mut f);
    }
    for finding in official {
        from_official(claim, facts.accepted_on, finding, &mut f);
    }
    let outcome = outcome(&f.all);
    Decision { findings: f.all, outcome }
}

/// The official's findings on a case accepted on `accepted_on`, as the case records them.
pub fn review_findings(
    claim: Claim<'_>,
    applicant: &str,
    accepted_on: NaiveDate,
    official: &[OfficialFinding],
) -> Vec<Finding> {
    let mut f = Findings { all: Vec::new(), applicant: applicant.to_owned() };
    for finding in official {
        from_official(claim, accepted_on, finding, &mut f);
    }
    f.all
}

/// The result the findings give: the first ground in [A-DECISION-ORDER], with the refusing
/// finding's code as the sub-reason of `NONCONFORMING`; enrolment when none refuses.
pub fn outcome(findings: &[Finding]) -> Outcome {
    let cited = law::ground::first_cited(findings.iter().map(|x| (x.ground, x)));
    match cited {
        None => Outcome::Enrol,
        Some((ground, finding)) => {
            Outcome::Refuse { ground, reason: (ground == Ground::Nonconforming).then(|| finding.code.clone()) }
        }
    }
}

fn worsening_applies(case: Case) -> bool {
    WORSENING_APPLIES_TO_EVERY_CASE || case == Case::EmergencyOnlyDwelling
}

fn within_window(accepted_on: NaiveDate, on: NaiveDate) -> bool {
    on >= window_start(accepted_on) && on <= accepted_on
}

/// Row 10(3), alienation: read from the real-estate register for the applicant.
fn worsening_from_register(claim: Claim<'_>, facts: &Facts, f: &mut Findings) {
    if !worsening_applies(claim.case) {
        return;
    }
    for o in facts.ownerships.iter().filter(|o| o.owner_iin == facts.applicant_iin) {
        let Some(sold) = o.alienated_on.filter(|d| within_window(facts.accepted_on, *d)) else { continue };
        // "Habitable": a dwelling already recognized as emergency when alienated is not.
        if o.emergency_on(sold) {
            continue;
        }
        let act = Worsening::Alienation { buyer_is_local_executive_body: o.buyer_is_local_executive_body };
        let detail = format!("dwelling {} in {} alienated", o.cadastral_number, o.kato);
        worsening(facts.accepted_on, act, sold, Source::Gateway, detail, f);
    }
    for s in &facts.settled {
        let detail = format!("{} registered at the applicant's address ({:?})", s.iin, s.relation);
        worsening(facts.accepted_on, Worsening::SettledIn(s.relation), s.on, Source::Gateway, detail, f);
    }
}

fn worsening(accepted_on: NaiveDate, act: Worsening, on: NaiveDate, source: Source, detail: String, f: &mut Findings) {
    let ground = act.ground();
    if act.excepted() {
        let why = match act {
            Worsening::Alienation { .. } => "bought by the local executive body: no ground",
            _ => "a spouse, minor or disabled child or disabled parent: no ground",
        };
        f.add(&format!("{}_EXCEPTED", ground.code()), None, source, "", Some(on), format!("{detail}; {why}"));
    } else if !within_window(accepted_on, on) {
        let why = "more than 5 years before acceptance [A-5Y]: no ground";
        f.add(&format!("{}_OUTSIDE_5Y", ground.code()), None, source, "", Some(on), format!("{detail}; {why}"));
    } else {
        f.add(ground.code(), Some(ground), source, "", Some(on), detail);
    }
}

/// Row 10(3): an emergency-dwelling applicant applies in the settlement of that dwelling.
fn emergency_dwelling(claim: Claim<'_>, facts: &Facts, f: &mut Findings) {
    if claim.case != Case::EmergencyOnlyDwelling {
        return;
    }
    let emergency: Vec<&Ownership> = facts
        .ownerships
        .iter()
        .filter(|o| {
            o.owner_iin == facts.applicant_iin && o.owned_on(facts.accepted_on) && o.emergency_on(facts.accepted_on)
        })
        .collect();
    if emergency.is_empty() {
        // The attested expert's conclusion (row 9(2)) is what the official weighs then.
        f.add(
            "EMERGENCY_DWELLING_NOT_IN_REGISTER",
            None,
            Source::Gateway,
            "",
            None,
            "no owned dwelling recognized as emergency in the register; the expert's conclusion is reviewed".into(),
        );
    } else if let Some(here) = emergency.iter().find(|o| o.kato == claim.settlement_kato) {
        f.add(
            "EMERGENCY_DWELLING_CONFIRMED",
            None,
            Source::Gateway,
            "",
            here.emergency_since,
            format!("dwelling {} in {}", here.cadastral_number, here.kato),
        );
    } else {
        let o = emergency[0];
        let ground = Ground::EmergencyDwellingOtherSettlement;
        let detail = format!(
            "the emergency dwelling {} is in {}, the application names {}",
            o.cadastral_number, o.kato, claim.settlement_kato
        );
        f.add(ground.code(), Some(ground), Source::Gateway, "", o.emergency_since, detail);
    }
}

/// Row 10(2), RULES.md G-R1: registered in the region applied for, in the three cities for
/// [A-CITY-3Y].
fn registration(claim: Claim<'_>, facts: &Facts, f: &mut Findings) {
    let ground = Some(Ground::Nonconforming);
    match residence::check(claim.settlement_kato, &facts.registrations, facts.accepted_on) {
        Residence::Met(detail) => f.add("REGISTRATION_CONFIRMED", None, Source::Gateway, "", None, detail),
        Residence::CityTooShort { city, since } => f.add(
            "CITY_RESIDENCE_UNDER_3Y",
            ground,
            Source::Gateway,
            "",
            since,
            format!(
                "registered in {city} only since {}: its lists ask the last {} years [A-CITY-3Y]",
                since.map(|d| d.to_string()).unwrap_or_default(),
                residence::CITY_RESIDENCE_YEARS
            ),
        ),
        Residence::OutsideRegion { registered_in } => f.add(
            "NOT_REGISTERED_IN_REGION",
            ground,
            Source::Gateway,
            "",
            None,
            match registered_in {
                Some(other) => format!(
                    "registered in the region {other}, not in the region {} applied for",
                    residence::region(claim.settlement_kato)
                ),
                None => "no permanent registration on record".into(),
            },
        ),
    }
}

/// Row 10(2) with its sub-reasons.
fn nonconformity(claim: Claim<'_>, facts: &Facts, f: &mut Findings) {
    let ground = Some(Ground::Nonconforming);
    if facts.citizenship == Citizenship::Other {
        f.add(
            "NOT_CITIZEN_OR_KANDAS",
            ground,
            Source::Gateway,
            "",
            None,
            "neither a citizen of Kazakhstan nor a kandas (RR cl. 1)".into(),
        );
    }
    for o in facts.ownerships.iter().filter(|o| o.owned_on(facts.accepted_on)) {
        // In the emergency case the emergency dwelling itself does not count (row 4(2)).
        let the_emergency_one = claim.case == Case::EmergencyOnlyDwelling && o.emergency_on(facts.accepted_on);
        if !the_emergency_one {
            f.add(
                "OWNS_DWELLING",
                ground,
                Source::Gateway,
                &o.owner_iin,
                Some(o.acquired_on),
                format!("owns dwelling {} in {}", o.cadastral_number, o.kato),
            );
        }
    }
    if claim.case == Case::NoDwelling5y {
        // Row 4(1): owned no dwelling during the last five years [A-5Y].
        for o in facts.ownerships.iter().filter(|o| o.alienated_on.is_some_and(|a| within_window(facts.accepted_on, a)))
        {
            f.add(
                "OWNED_DWELLING_WITHIN_5Y",
                ground,
                Source::Gateway,
                &o.owner_iin,
                o.alienated_on,
                format!(
                    "owned dwelling {} until {}",
                    o.cadastral_number,
                    o.alienated_on.map(|d| d.to_string()).unwrap_or_default()
                ),
            );
        }
    }
    let by_documents = claim.case == Case::OrphanDataMissing && claim.category.proven_by_documents();
    if claim.category.confirmed_by(facts.groups.iter().map(String::as_str)) {
        f.add("CATEGORY_CONFIRMED", None, Source::Gateway, "", None, format!("list {}", claim.category.code));
    } else if by_documents {
        f.add(
            "CATEGORY_BY_DOCUMENTS",
            None,
            Source::Gateway,
            "",
            None,
            "row 9(3) documents stand in for the missing data; the official reviews them".into(),
        );
    } else {
        f.add(
            "CATEGORY_NOT_CONFIRMED",
            ground,
            Source::Gateway,
            "",
            None,
            format!("the state systems do not confirm the list {}", claim.category.code),
        );
    }
    registration(claim, facts, f);
}

fn from_official(claim: Claim<'_>, accepted_on: NaiveDate, finding: &OfficialFinding, f: &mut Findings) {
    match finding {
        OfficialFinding::Worsening { act, on, detail } => {
            if worsening_applies(claim.case) {
                worsening(accepted_on, *act, *on, Source::Official, detail.clone(), f);
            }
        }
        OfficialFinding::CategoryNotConfirmed(detail) => {
            f.add("CATEGORY_NOT_CONFIRMED", Some(Ground::Nonconforming), Source::Official, "", None, detail.clone());
        }
        OfficialFinding::UnreliableDocuments(detail) => {
            f.add(
                Ground::UnreliableDocuments.code(),
                Some(Ground::UnreliableDocuments),
                Source::Official,
                "",
                None,
                detail.clone(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::category;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const APPLICANT: &str = "791028302728";

    fn facts() -> Facts {
        Facts {
            accepted_on: d(2026, 4, 15),
            applicant_iin: APPLICANT.into(),
            citizenship: Citizenship::Citizen,
            consent_missing: vec![],
            ownerships: vec![],
            groups: vec![],
            settled: vec![],
            registrations: vec![Registration { kato: "751110000".into(), from: d(2000, 1, 1), to: None }],
        }
    }

    #[test]
    fn a_city_3y_a_newcomer_to_almaty_is_nonconforming_with_its_own_sub_reason() {
        let mut f = facts();
        f.registrations = vec![Registration { kato: "751110000".into(), from: d(2024, 9, 1), to: None }];
        let decision = decide(claim(Case::NoDwelling5y), &f, &[]);
        let reason = Some("CITY_RESIDENCE_UNDER_3Y".to_owned());
        assert_eq!(decision.outcome, Outcome::Refuse { ground: Ground::Nonconforming, reason });
        f.registrations.clear();
        let reason = Some("NOT_REGISTERED_IN_REGION".to_owned());
        assert_eq!(
            decide(claim(Case::NoDwelling5y), &f, &[]).outcome,
            Outcome::Refuse { ground: Ground::Nonconforming, reason }
        );
    }

    fn owned(kato: &str, acquired: NaiveDate, alienated: Option<NaiveDate>) -> Ownership {
        Ownership {
            owner_iin: APPLICANT.into(),
            cadastral_number: "01:001:001:001".into(),
            kato: kato.into(),
            acquired_on: acquired,
            alienated_on: alienated,
            buyer_is_local_executive_body: false,
            emergency_since: None,
        }
    }

    fn claim(case: Case) -> Claim<'static> {
        Claim { case, settlement_kato: "751110000", category: category::find("GENERAL").unwrap() }
    }

    fn ground(d: &Decision) -> Option<Ground> {
        match &d.outcome {
            Outcome::Enrol => None,
            Outcome::Refuse { ground, .. } => Some(*ground),
        }
    }

    #[test]
    fn at_01_no_dwelling_and_consent_enrols() {
        let decision = decide(claim(Case::NoDwelling5y), &facts(), &[]);
        assert_eq!(decision.outcome, Outcome::Enrol);
        assert!(decision.findings.iter().any(|f| f.code == "CATEGORY_CONFIRMED"));
    }

    #[test]
    fn at_09_annex_2_row_10_4_missing_consent_refuses_first() {
        let mut f = facts();
        f.consent_missing = vec!["850215300005".into()];
        f.citizenship = Citizenship::Other;
        let decision = decide(claim(Case::NoDwelling5y), &f, &[OfficialFinding::UnreliableDocuments("x".into())]);
        assert_eq!(ground(&decision), Some(Ground::NoPersonalDataConsent));
        assert_eq!(decision.findings[0].person_iin, "850215300005");
    }

    fn official(act: Worsening, on: NaiveDate) -> OfficialFinding {
        OfficialFinding::Worsening { act, on, detail: "found at review".into() }
    }

    #[test]
    fn at_08_annex_2_row_10_3_deliberate_worsening_on_the_rule_itself() {
        let c = claim(Case::EmergencyOnlyDwelling);
        let sale = Worsening::Alienation { buyer_is_local_executive_body: false };
        let to_akimat = Worsening::Alienation { buyer_is_local_executive_body: true };
        // (a) a sale on 1 March 2024 refuses.
        assert_eq!(ground(&decide(c, &facts(), &[official(sale, d(2024, 3, 1))])), Some(Ground::WorseningAlienation));
        // (b) the same sale to the local executive body does not.
        let b = decide(c, &facts(), &[official(to_akimat, d(2024, 3, 1))]);
        assert_ne!(ground(&b), Some(Ground::WorseningAlienation));
        assert!(b.findings.iter().any(|f| f.code == "WORSENING_ALIENATION_EXCEPTED"));
        // (c) a sale on 1 March 2021 is more than 5 years before acceptance [A-5Y].
        let c3 = decide(c, &facts(), &[official(sale, d(2021, 3, 1))]);
        assert_ne!(ground(&c3), Some(Ground::WorseningAlienation));
        assert!(c3.findings.iter().any(|f| f.code == "WORSENING_ALIENATION_OUTSIDE_5Y"));
        // (d) an adult brother settled in on 1 March 2025 refuses.
        let brother = Worsening::SettledIn(SettledRelation::Other);
        assert_eq!(
            ground(&decide(c, &facts(), &[official(brother, d(2025, 3, 1))])),
            Some(Ground::WorseningSettledOthers)
        );
        // (e) a minor daughter does not.
        let daughter = Worsening::SettledIn(SettledRelation::MinorChild);
        assert_ne!(
            ground(&decide(c, &facts(), &[official(daughter, d(2025, 3, 1))])),
            Some(Ground::WorseningSettledOthers)
        );
    }

    #[test]
    fn annex_2_row_10_3_alienation_is_read_from_the_register_in_the_automated_case() {
        let mut f = facts();
        f.ownerships.push(owned("751110000", d(2015, 1, 1), Some(d(2024, 3, 1))));
        let decision = decide(claim(Case::NoDwelling5y), &f, &[]);
        assert_eq!(ground(&decision), Some(Ground::WorseningAlienation));
        // Every finding is recorded: the sale is also an ownership within the 5 years.
        assert!(decision.findings.iter().any(|x| x.code == "OWNED_DWELLING_WITHIN_5Y"));
        f.ownerships[0].buyer_is_local_executive_body = true;
        let decision = decide(claim(Case::NoDwelling5y), &f, &[]);
        assert_eq!(
            decision.outcome,
            Outcome::Refuse { ground: Ground::Nonconforming, reason: Some("OWNED_DWELLING_WITHIN_5Y".into()) }
        );
    }

    #[test]
    fn annex_2_row_10_3_persons_settled_in_are_read_from_the_register_of_addresses() {
        let mut f = facts();
        f.settled.push(Settled { iin: "850215300005".into(), on: d(2025, 3, 1), relation: SettledRelation::Other });
        assert_eq!(ground(&decide(claim(Case::NoDwelling5y), &f, &[])), Some(Ground::WorseningSettledOthers));
        f.settled[0].relation = SettledRelation::MinorChild;
        assert_eq!(decide(claim(Case::NoDwelling5y), &f, &[]).outcome, Outcome::Enrol);
    }

    #[test]
    fn at_07_annex_2_row_10_3_emergency_dwelling_in_another_settlement() {
        let mut f = facts();
        let mut home = owned("711210000", d(2010, 1, 1), None);
        home.emergency_since = Some(d(2025, 6, 1));
        f.ownerships.push(home);
        let decision = decide(claim(Case::EmergencyOnlyDwelling), &f, &[]);
        assert_eq!(ground(&decision), Some(Ground::EmergencyDwellingOtherSettlement));
        // In its own settlement the emergency dwelling does not count as owned (row 4(2)).
        f.ownerships[0].kato = "751110000".into();
        assert_eq!(decide(claim(Case::EmergencyOnlyDwelling), &f, &[]).outcome, Outcome::Enrol);
    }

    #[test]
    fn annex_2_row_10_2_sub_reasons() {
        let refuse = |reason: &str| Outcome::Refuse { ground: Ground::Nonconforming, reason: Some(reason.into()) };
        let mut f = facts();
        f.citizenship = Citizenship::Other;
        assert_eq!(decide(claim(Case::NoDwelling5y), &f, &[]).outcome, refuse("NOT_CITIZEN_OR_KANDAS"));
        let mut f = facts();
        f.ownerships.push(owned("751110000", d(2015, 1, 1), None));
        assert_eq!(decide(claim(Case::NoDwelling5y), &f, &[]).outcome, refuse("OWNS_DWELLING"));
        // A spouse's dwelling counts too.
        f.ownerships[0].owner_iin = "850215300005".into();
        let decision = decide(claim(Case::NoDwelling5y), &f, &[]);
        assert_eq!(decision.outcome, refuse("OWNS_DWELLING"));
        assert_eq!(decision.findings.iter().find(|x| x.code == "OWNS_DWELLING").unwrap().person_iin, "850215300005");
        let disabled = Claim { category: category::find("DISABLED_GROUP_1_2").unwrap(), ..claim(Case::NoDwelling5y) };
        assert_eq!(decide(disabled, &facts(), &[]).outcome, refuse("CATEGORY_NOT_CONFIRMED"));
        let mut f = facts();
        f.groups.push("DISABILITY_GROUP_1".into());
        assert_eq!(decide(disabled, &f, &[]).outcome, Outcome::Enrol);
    }

    #[test]
    fn annex_2_row_10_1_unreliable_documents_come_last() {
        let d1 =
            decide(claim(Case::OrphanDataMissing), &facts(), &[OfficialFinding::UnreliableDocuments("forged".into())]);
        assert_eq!(ground(&d1), Some(Ground::UnreliableDocuments));
        let both =
            [OfficialFinding::UnreliableDocuments("forged".into()), official(Worsening::Exchange, d(2023, 5, 5))];
        assert_eq!(ground(&decide(claim(Case::OrphanDataMissing), &facts(), &both)), Some(Ground::WorseningExchange));
    }

    #[test]
    fn annex_2_row_4_3_orphan_documents_stand_in_for_the_orphans_list() {
        let orphans = Claim { category: category::find("ORPHANS").unwrap(), ..claim(Case::OrphanDataMissing) };
        assert_eq!(decide(orphans, &facts(), &[]).outcome, Outcome::Enrol);
        let ordinary = Claim { case: Case::NoDwelling5y, ..orphans };
        assert!(matches!(
            decide(ordinary, &facts(), &[]).outcome,
            Outcome::Refuse { ground: Ground::Nonconforming, .. }
        ));
    }
}
