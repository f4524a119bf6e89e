//! Who reviews a complaint and in what term (RULES.md 6): PR cl. 14 names the reviewers of a
//! privatization complaint, SR cl. 33 those of a rent-subsidy one and the 5/15 working days;
//! [A-CMP] applies the terms to all three services (a higher body or an official like the
//! provider), [A-CMP-REGISTRY] gives the registry the rent subsidy's reviewers. The extension:
//! at most 10 working days, once ([A-EXT-ONCE]), for the two permitted reasons, the complainant
//! told within 3 working days (SR cl. 34).

use calendar::Term;

/// The service a complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Annex 1.
    Privatization,
    /// Annex 2.
    Registry,
    /// Annex 3.
    RentSubsidy,
}

impl Service {
    /// The service of an application's resource name.
    pub fn of(application: &str) -> Option<Service> {
        let prefix = application.trim().split('/').next().unwrap_or_default();
        match prefix {
            "privatization" => Some(Service::Privatization),
            "registry" => Some(Service::Registry),
            "subsidy" => Some(Service::RentSubsidy),
            _ => None,
        }
    }

    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            Service::Privatization => "privatization",
            Service::Registry => "registry",
            Service::RentSubsidy => "rent-subsidy",
        }
    }
}

/// Who reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reviewer {
    /// The provider.
    Provider,
    /// The authorized body ([D-13]).
    AuthorizedBody,
    /// The quality-control authorized body.
    QualityControl,
    /// A higher administrative body (PR cl. 14).
    HigherBody,
    /// An official (PR cl. 14).
    Official,
}

impl Reviewer {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Reviewer::Provider => "PROVIDER",
            Reviewer::AuthorizedBody => "AUTHORIZED_BODY",
            Reviewer::QualityControl => "QUALITY_CONTROL_BODY",
            Reviewer::HigherBody => "HIGHER_BODY",
            Reviewer::Official => "OFFICIAL",
        }
    }

    /// The reviewer with `code`.
    pub fn parse(code: &str) -> Option<Reviewer> {
        REVIEWERS.into_iter().find(|r| r.code() == code)
    }
}

const REVIEWERS: [Reviewer; 5] =
    [Reviewer::Provider, Reviewer::AuthorizedBody, Reviewer::QualityControl, Reviewer::HigherBody, Reviewer::Official];

/// The reviewers of each service with their terms in working days and the clause.
pub const TABLE: &[(Service, Reviewer, u32, &str)] = &[
    (Service::Privatization, Reviewer::HigherBody, 5, "PR cl. 14; [A-CMP]"),
    (Service::Privatization, Reviewer::Official, 5, "PR cl. 14; [A-CMP]"),
    (Service::Privatization, Reviewer::QualityControl, 15, "PR cl. 14; SR cl. 33; [A-CMP]"),
    (Service::RentSubsidy, Reviewer::Provider, 5, "SR cl. 33"),
    (Service::RentSubsidy, Reviewer::AuthorizedBody, 5, "SR cl. 33"),
    (Service::RentSubsidy, Reviewer::QualityControl, 15, "SR cl. 33"),
    (Service::Registry, Reviewer::Provider, 5, "SR cl. 33; [A-CMP-REGISTRY]"),
    (Service::Registry, Reviewer::AuthorizedBody, 5, "SR cl. 33; [A-CMP-REGISTRY]"),
    (Service::Registry, Reviewer::QualityControl, 15, "SR cl. 33; [A-CMP-REGISTRY]"),
];

/// The term of a review, or `None` when the reviewer does not review that service's complaints.
pub fn term(service: Service, reviewer: Reviewer) -> Option<(Term, &'static str)> {
    TABLE
        .iter()
        .find(|(s, r, _, _)| *s == service && *r == reviewer)
        .map(|(_, _, days, clause)| (Term::working_days(*days), *clause))
}

/// SR cl. 34: the most working days an extension adds.
pub const MAX_EXTENSION_DAYS: u32 = 10;
/// SR cl. 34: the complainant is told within this many working days of the extension.
pub const NOTICE_DAYS: u32 = 3;
/// [A-EXT-ONCE], [Q-4]: how many extensions a review may have.
pub const EXTENSIONS_ALLOWED: usize = 1;

/// The reasons SR cl. 34 permits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionReason {
    /// An additional study or inspection of the complaint.
    AdditionalStudy,
    /// An on-site inspection.
    SiteInspection,
    /// Additional information must be obtained.
    AdditionalInformation,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sr_cl_33_pr_cl_14_reviewers_and_terms() {
        assert_eq!(term(Service::RentSubsidy, Reviewer::Provider).unwrap().0, Term::working_days(5));
        assert_eq!(term(Service::RentSubsidy, Reviewer::QualityControl).unwrap().0, Term::working_days(15));
        assert_eq!(term(Service::Privatization, Reviewer::HigherBody).unwrap().0, Term::working_days(5));
        // AT-23: exactly three kinds review a privatization complaint.
        assert!(term(Service::Privatization, Reviewer::Provider).is_none());
        assert_eq!(TABLE.iter().filter(|(s, ..)| *s == Service::Privatization).count(), 3);
        assert!(term(Service::Registry, Reviewer::Official).is_none());
    }

    #[test]
    fn services_are_named_by_the_application() {
        assert_eq!(Service::of("subsidy/applications/3"), Some(Service::RentSubsidy));
        assert_eq!(Service::of("complaints/complaints/3"), None);
    }
}
