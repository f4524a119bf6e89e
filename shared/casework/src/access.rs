//! Who may see and act on a case: one rule for the four case services (the Personal Data Law's
//! purpose limitation; OWASP API1, broken object-level authorization). The caller tables say
//! who may call a method; this says which records a caller reaches through it. A case the
//! caller may not see is answered exactly like a missing one, so nobody can probe who applied.
//!
//! - the development subsystem (dev profile only) sees everything;
//! - a person (citizen, or a representative for the person in `act.sub`) sees the cases where
//!   they are the applicant, and those they filed as a representative;
//! - the contact centre sees a case only for the person on the line (the IIN the call names);
//! - an official sees and acts only inside their jurisdiction (the case's settlement, the
//!   complaint's reviewing body); outside `dev` every official has one (the identity layer
//!   refuses an official without);
//! - a service of the suite, calling with no person (the rent subsidy reading standings, the
//!   complaints service reading the cases it reviews), sees what its caller table grants.

use platform::{OfficialRole, Principal, Subsystem};

/// Who a case belongs to and where it is decided.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// The applicant's (or complainant's) IIN.
    pub applicant: &'a str,
    /// The representative who filed it, if one did.
    pub representative: Option<&'a str>,
    /// Where it is decided: a settlement code, or a reviewing body's id.
    pub jurisdiction: &'a str,
}

/// Whether `principal` may see (and, where its caller table lets it, act on) `case`.
pub fn may_see(principal: &Principal, case: &Case<'_>) -> bool {
    if principal.subsystem == Subsystem::Dev {
        return true;
    }
    match (&principal.official, &principal.user_iin) {
        // The contact centre's operator answers the person on the line, and only them.
        (Some(o), person) if o.role == OfficialRole::ContactCentreOperator => {
            person.as_deref().is_some_and(|p| is_party(p, case))
        }
        // Without a jurisdiction only in the `dev` identity mode (metadata as given).
        (Some(o), _) => o.jurisdiction.as_deref().is_none_or(|j| j == case.jurisdiction),
        (None, Some(person)) => is_party(person, case),
        (None, None) => principal.subsystem.is_suite_workload(),
    }
}

/// Whether `person` is the case's applicant or the representative who filed it.
pub fn is_party(person: &str, case: &Case<'_>) -> bool {
    person == case.applicant || case.representative == Some(person)
}

/// What a list shows a caller, as conditions on the listed records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every record (a service of the suite, the dev subsystem).
    All,
    /// The records of one person (their own cases: "my applications").
    Person(String),
    /// The records of one jurisdiction.
    Jurisdiction(String),
    /// Nothing (a portal without a person, the contact centre without one on the line).
    Nothing,
}

/// The scope of a list for `principal`.
pub fn scope(principal: &Principal) -> Scope {
    if principal.subsystem == Subsystem::Dev {
        return Scope::All;
    }
    match (&principal.official, &principal.user_iin) {
        (Some(o), Some(person)) if o.role == OfficialRole::ContactCentreOperator => Scope::Person(person.clone()),
        (Some(o), None) if o.role == OfficialRole::ContactCentreOperator => Scope::Nothing,
        (Some(o), _) => o.jurisdiction.clone().map_or(Scope::All, Scope::Jurisdiction),
        (None, Some(person)) => Scope::Person(person.clone()),
        (None, None) if principal.subsystem.is_suite_workload() => Scope::All,
        (None, None) => Scope::Nothing,
    }
}

pub use platform::masking::{mask_iin, mask_name};

#[cfg(test)]
mod tests {
    use super::*;
    use platform::principal::{Official, Representative};

    const A: &str = "791028302728";
    const B: &str = "850215300604";

    fn case() -> Case<'static> {
        Case { applicant: A, representative: None, jurisdiction: "751110000" }
    }

    fn person(subsystem: Subsystem, iin: &str) -> Principal {
        Principal { subsystem, official: None, user_iin: Some(iin.into()), representative: None }
    }

    fn official(role: OfficialRole, jurisdiction: Option<&str>) -> Principal {
        Principal {
            subsystem: Subsystem::OtbasyPortal,
            official: Some(Official { id: "o-1".into(), role, jurisdiction: jurisdiction.map(Into::into) }),
            user_iin: None,
            representative: None,
        }
    }

    #[test]
    fn a_person_sees_their_own_case_and_a_representative_the_represented_person_s() {
        assert!(may_see(&person(Subsystem::OtbasyPortal, A), &case()));
        assert!(!may_see(&person(Subsystem::OtbasyPortal, B), &case()));
        let representing = Principal {
            representative: Some(Representative { iin: B.into(), basis: "power of attorney".into() }),
            ..person(Subsystem::EgovPortal, A)
        };
        assert!(may_see(&representing, &case()));
        let filed_by_b = Case { representative: Some(B), ..case() };
        assert!(may_see(&person(Subsystem::OtbasyPortal, B), &filed_by_b));
        assert_eq!(scope(&person(Subsystem::OtbasyPortal, B)), Scope::Person(B.into()));
    }

    #[test]
    fn an_official_sees_inside_the_jurisdiction_only() {
        assert!(may_see(&official(OfficialRole::OtbasyOfficial, Some("751110000")), &case()));
        assert!(!may_see(&official(OfficialRole::OtbasyOfficial, Some("711210000")), &case()));
        assert_eq!(
            scope(&official(OfficialRole::OtbasyOfficial, Some("711210000"))),
            Scope::Jurisdiction("711210000".into())
        );
    }

    #[test]
    fn the_contact_centre_sees_only_the_person_on_the_line_and_a_portal_without_a_person_nothing() {
        let mut operator = official(OfficialRole::ContactCentreOperator, Some("1414"));
        operator.subsystem = Subsystem::ContactCentre;
        assert!(!may_see(&operator, &case()));
        assert_eq!(scope(&operator), Scope::Nothing);
        operator.user_iin = Some(A.into());
        assert!(may_see(&operator, &case()));
        let portal = Principal { user_iin: None, ..person(Subsystem::OtbasyPortal, A) };
        assert!(!may_see(&portal, &case()));
        assert_eq!(scope(&portal), Scope::Nothing);
        let complaints = Principal { subsystem: Subsystem::Complaints, ..portal };
        assert!(may_see(&complaints, &case()));
        assert_eq!(scope(&complaints), Scope::All);
    }

    #[test]
    fn masks_keep_the_birth_date_and_an_initial() {
        assert_eq!(mask_iin("880101300123"), "880101******");
        assert_eq!(mask_name("Асель", "Бекова"), "Асель Б.");
        assert_eq!(mask_name("Асель", ""), "Асель");
    }
}
