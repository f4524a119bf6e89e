//! Who is calling (DESIGN.md "Who is calling"): the [`Principal`] taken from request metadata,
//! its vocabulary, and the per-method [`CallerTable`] that says who may call what.
//!
//! In the `dev` profile a request without identity acts as the `dev` subsystem, which may call
//! every method. The `prod` profile refuses the `dev` subsystem and requests without identity.
//! Verifying identities (signed tokens, mesh identity) comes later behind this same type.

use std::collections::HashMap;

use http::HeaderMap;

use crate::error::ApiError;
use crate::profile::Profile;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant,)+ }

        impl $name {
            /// Every value, in the order of DESIGN.md.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The value as written in metadata.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Reads a value as written in metadata.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            fn vocabulary() -> String {
                [$($text,)+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A calling subsystem (`x-caller-subsystem`; at the gateway, `x-egov-client`; outside `dev`, the
/// verified workload identity). The vocabulary of DESIGN.md is built in; an agency the callers
/// file admits ([`admit_agency`]) is one too, without rebuilding anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subsystem {
    /// The privatization service.
    Privatization,
    /// The registry service.
    Registry,
    /// The rent-subsidy service.
    RentSubsidy,
    /// The complaints service.
    Complaints,
    /// The e-government gateway.
    Gateway,
    /// The e-government portal, egov.kz.
    EgovPortal,
    /// Otbasy bank's portal, otbasybank.kz.
    OtbasyPortal,
    /// The State Corporation "Government for Citizens".
    StateCorporation,
    /// The Unified Contact Centre "1414".
    ContactCentre,
    /// The ministry: reports and statistics.
    Ministry,
    /// The suite's own operations.
    Operator,
    /// Development and tests: every right, dev profile only.
    Dev,
    /// An agency admitted by a deployment's callers file, by its name there.
    Agency(&'static str),
}

impl Subsystem {
    /// The built-in vocabulary, in the order of DESIGN.md.
    pub const ALL: &'static [Subsystem] = &[
        Subsystem::Privatization,
        Subsystem::Registry,
        Subsystem::RentSubsidy,
        Subsystem::Complaints,
        Subsystem::Gateway,
        Subsystem::EgovPortal,
        Subsystem::OtbasyPortal,
        Subsystem::StateCorporation,
        Subsystem::ContactCentre,
        Subsystem::Ministry,
        Subsystem::Operator,
        Subsystem::Dev,
    ];

    /// The suite's own workloads: a service that has checked the person itself may name them
    /// in metadata (DESIGN.md "Who is calling").
    pub const SUITE: &'static [Subsystem] = &[
        Subsystem::Privatization,
        Subsystem::Registry,
        Subsystem::RentSubsidy,
        Subsystem::Complaints,
        Subsystem::Gateway,
    ];

    /// The value as written in metadata and in SPIFFE ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Subsystem::Privatization => "privatization",
            Subsystem::Registry => "registry",
            Subsystem::RentSubsidy => "rent-subsidy",
            Subsystem::Complaints => "complaints",
            Subsystem::Gateway => "gateway",
            Subsystem::EgovPortal => "egov-portal",
            Subsystem::OtbasyPortal => "otbasy-portal",
            Subsystem::StateCorporation => "state-corporation",
            Subsystem::ContactCentre => "contact-centre",
            Subsystem::Ministry => "ministry",
            Subsystem::Operator => "operator",
            Subsystem::Dev => "dev",
            Subsystem::Agency(name) => name,
        }
    }

    /// Reads a value: the built-in vocabulary, then the agencies admitted so far.
    pub fn parse(text: &str) -> Option<Self> {
        Subsystem::ALL.iter().copied().find(|s| s.as_str() == text).or_else(|| {
            agencies()
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .find(|a| **a == text)
                .map(|a| Subsystem::Agency(a))
        })
    }

    /// Whether this is one of the suite's own services.
    pub fn is_suite_workload(self) -> bool {
        Subsystem::SUITE.contains(&self)
    }

    fn vocabulary() -> String {
        let mut names: Vec<&str> = Subsystem::ALL.iter().map(|s| s.as_str()).collect();
        names.extend(agencies().read().unwrap_or_else(|p| p.into_inner()).iter().copied());
        names.join(", ")
    }
}

impl std::fmt::Display for Subsystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The agencies admitted in this process. Names are few and loaded once at start (the callers
/// file), so each is kept for the process's life and a [`Subsystem`] stays `Copy`.
fn agencies() -> &'static std::sync::RwLock<Vec<&'static str>> {
    static AGENCIES: std::sync::OnceLock<std::sync::RwLock<Vec<&'static str>>> = std::sync::OnceLock::new();
    AGENCIES.get_or_init(Default::default)
}

/// Admits an agency by name (lowercase letters, digits and `-`, not a built-in name), so that
/// [`Subsystem::parse`] knows it. Admitting a name twice answers the same subsystem.
pub fn admit_agency(name: &str) -> Result<Subsystem, String> {
    if let Some(existing) = Subsystem::parse(name) {
        return match existing {
            Subsystem::Agency(_) => Ok(existing),
            _ => Err(format!("{name:?} is a built-in subsystem; it needs no admission")),
        };
    }
    let well_formed = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-');
    if !well_formed {
        return Err(format!("{name:?}: an agency's name is 1 to 63 lowercase letters, digits and '-'"));
    }
    let mut list = agencies().write().unwrap_or_else(|p| p.into_inner());
    if let Some(existing) = list.iter().find(|a| **a == name) {
        return Ok(Subsystem::Agency(existing));
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    list.push(leaked);
    Ok(Subsystem::Agency(leaked))
}

vocabulary! {
    /// An official's role (`x-official-role`).
    OfficialRole {
        /// An official of a local executive body (akimat).
        AkimatOfficial = "akimat-official",
        /// A member of the housing commission.
        HousingCommission = "housing-commission",
        /// An official of the state property management body.
        PropertyBodyOfficial = "property-body-official",
        /// An official of the registering body (state registration of real estate).
        RegisteringBodyOfficial = "registering-body-official",
        /// An official of Otbasy bank.
        OtbasyOfficial = "otbasy-official",
        /// An operator of the State Corporation.
        StateCorporationOperator = "state-corporation-operator",
        /// An official who reviews complaints.
        ComplaintReviewer = "complaint-reviewer",
        /// An operator of the Unified Contact Centre.
        ContactCentreOperator = "contact-centre-operator",
    }
}

/// The metadata keys the Principal is read from.
pub mod headers {
    /// The calling subsystem.
    pub const CALLER_SUBSYSTEM: &str = "x-caller-subsystem";
    /// The calling subsystem at the gateway (the envelope's client).
    pub const EGOV_CLIENT: &str = "x-egov-client";
    /// The official's id.
    pub const OFFICIAL_ID: &str = "x-official-id";
    /// The official's role.
    pub const OFFICIAL_ROLE: &str = "x-official-role";
    /// The official's jurisdiction: a settlement code for akimats, the body's id for reviewers.
    pub const OFFICIAL_JURISDICTION: &str = "x-official-jurisdiction";
    /// The end user's IIN.
    pub const USER_IIN: &str = "x-user-iin";
    /// The IIN of the person acting for the end user.
    pub const REPRESENTATIVE_IIN: &str = "x-representative-iin";
    /// The power of attorney or legal ground of the representative.
    pub const REPRESENTATIVE_BASIS: &str = "x-representative-basis";
}

/// An official acting through a subsystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Official {
    /// The official's id.
    pub id: String,
    /// The official's role.
    pub role: OfficialRole,
    /// A settlement code for akimats, the body's id for reviewers; `None` when not given.
    pub jurisdiction: Option<String>,
}

/// A person acting for the end user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Representative {
    /// The representative's IIN.
    pub iin: String,
    /// The power of attorney or legal ground.
    pub basis: String,
}

/// The person on a call, if any: an official, a citizen, a representative. Outside `dev` it is
/// proven by a signed token, or named in metadata by one of the suite's own workloads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// The official, when one acts.
    pub official: Option<Official>,
    /// The end user's IIN, when a person acts.
    pub user_iin: Option<String>,
    /// The person acting for the end user, when there is one.
    pub representative: Option<Representative>,
}

impl Person {
    /// The metadata keys that name a person.
    pub const HEADERS: &'static [&'static str] = &[
        headers::OFFICIAL_ID,
        headers::OFFICIAL_ROLE,
        headers::OFFICIAL_JURISDICTION,
        headers::USER_IIN,
        headers::REPRESENTATIVE_IIN,
        headers::REPRESENTATIVE_BASIS,
    ];

    /// The first person header present, if any.
    pub fn header_in(headers: &HeaderMap) -> Option<&'static str> {
        Person::HEADERS.iter().copied().find(|key| headers.contains_key(*key))
    }

    /// Reads the person named in metadata (`x-official-*`, `x-user-iin`, `x-representative-*`).
    pub fn from_headers(headers: &HeaderMap) -> Result<Person, ApiError> {
        let official = match (text(headers, headers::OFFICIAL_ID)?, text(headers, headers::OFFICIAL_ROLE)?) {
            (None, None) => None,
            (Some(id), Some(role)) => Some(Official {
                id,
                role: OfficialRole::parse(&role).ok_or_else(|| {
                    ApiError::unauthenticated(
                        "UNKNOWN_OFFICIAL_ROLE",
                        format!("{}: {role:?} is not a role", headers::OFFICIAL_ROLE),
                    )
                    .field(headers::OFFICIAL_ROLE, format!("expected one of: {}", OfficialRole::vocabulary()))
                })?,
                jurisdiction: text(headers, headers::OFFICIAL_JURISDICTION)?,
            }),
            (id, _) => {
                let missing = if id.is_none() { headers::OFFICIAL_ID } else { headers::OFFICIAL_ROLE };
                return Err(ApiError::unauthenticated(
                    "OFFICIAL_INCOMPLETE",
                    "an official is named by both id and role",
                )
                .field(missing, "required when the other official header is present"));
            }
        };
        let user_iin = iin(headers, headers::USER_IIN)?;
        let representative = match iin(headers, headers::REPRESENTATIVE_IIN)? {
            None => None,
            Some(iin) => Some(Representative {
                iin,
                basis: text(headers, headers::REPRESENTATIVE_BASIS)?.ok_or_else(|| {
                    ApiError::unauthenticated("REPRESENTATIVE_BASIS_MISSING", "a representative acts on a stated basis")
                        .field(
                            headers::REPRESENTATIVE_BASIS,
                            "required with x-representative-iin: the power of attorney or legal ground",
                        )
                })?,
            }),
        };
        Ok(Person { official, user_iin, representative })
    }
}

/// Who is calling: read once per request by the RPC layer and put in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The calling subsystem.
    pub subsystem: Subsystem,
    /// The official, when one acts.
    pub official: Option<Official>,
    /// The end user's IIN, when a person acts.
    pub user_iin: Option<String>,
    /// The person acting for the end user, when there is one.
    pub representative: Option<Representative>,
}

impl Principal {
    /// The development principal: the `dev` subsystem and nobody else.
    pub fn dev() -> Self {
        Principal { subsystem: Subsystem::Dev, official: None, user_iin: None, representative: None }
    }

    /// Reads the principal from request metadata. `gateway` says whether the call is to the
    /// gateway, where the calling subsystem is the envelope's `x-egov-client`.
    pub fn from_headers(headers: &HeaderMap, gateway: bool, profile: Profile) -> Result<Self, ApiError> {
        let subsystem_key = if gateway { headers::EGOV_CLIENT } else { headers::CALLER_SUBSYSTEM };
        let subsystem = match text(headers, subsystem_key)? {
            Some(value) => Subsystem::parse(&value).ok_or_else(|| {
                ApiError::unauthenticated("UNKNOWN_SUBSYSTEM", format!("{subsystem_key}: {value:?} is not a subsystem"))
                    .field(subsystem_key, format!("expected one of: {}", Subsystem::vocabulary()))
            })?,
            None if profile == Profile::Dev => Subsystem::Dev,
            None => {
                return Err(ApiError::unauthenticated(
                    "CALLER_UNKNOWN",
                    format!("the prod profile needs {subsystem_key} on every call"),
                ));
            }
        };
        if subsystem == Subsystem::Dev && profile == Profile::Prod {
            return Err(ApiError::permission_denied("DEV_ONLY", "the dev subsystem is refused in the prod profile"));
        }
        let Person { official, user_iin, representative } = Person::from_headers(headers)?;
        Ok(Principal { subsystem, official, user_iin, representative })
    }

    /// Reads the principal a layer put on the request; a request that bypassed the layer
    /// (a unit test calling a handler directly) is the development principal.
    pub fn of<T>(request: &tonic::Request<T>) -> Principal {
        request.extensions().get::<Principal>().cloned().unwrap_or_else(Principal::dev)
    }

    /// A verified workload and the person proven for the call.
    pub fn verified(subsystem: Subsystem, person: Person) -> Self {
        let Person { official, user_iin, representative } = person;
        Principal { subsystem, official, user_iin, representative }
    }

    /// The official's role, when an official acts.
    pub fn role(&self) -> Option<OfficialRole> {
        self.official.as_ref().map(|o| o.role)
    }
}

fn text(headers: &HeaderMap, key: &str) -> Result<Option<String>, ApiError> {
    match headers.get(key) {
        None => Ok(None),
        Some(value) => {
            let value = value.to_str().map_err(|_| {
                ApiError::unauthenticated("MALFORMED_METADATA", format!("{key} is not ASCII text"))
                    .field(key, "must be ASCII text")
            })?;
            let value = value.trim();
            Ok((!value.is_empty()).then(|| value.to_owned()))
        }
    }
}

/// Reads an IIN, checked in full (format, date of birth, check digit: RULES.md 10.6).
fn iin(headers: &HeaderMap, key: &str) -> Result<Option<String>, ApiError> {
    match text(headers, key)? {
        None => Ok(None),
        Some(value) => match kz_ids::Iin::parse(&value) {
            Ok(iin) => Ok(Some(iin.to_string())),
            Err(e) => Err(ApiError::unauthenticated(e.reason(), format!("{key} is not a valid IIN: {e}"))
                .field(key, e.to_string())),
        },
    }
}

/// Who may call a method: a subsystem, or a subsystem through an official of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// Any call from the subsystem.
    Subsystem(Subsystem),
    /// A call from the subsystem by an official of the role.
    Official(Subsystem, OfficialRole),
    /// Only in the dev profile (the dev subsystem has every right there anyway).
    DevOnly,
    /// Anyone, with no identity proven, in every profile: the suite's one public method
    /// (`DocumentService/VerifyResultDocument`, which a QR code on paper leads to).
    Public,
}

impl Allow {
    fn admits(self, principal: &Principal) -> bool {
        match self {
            Allow::Subsystem(s) => principal.subsystem == s,
            Allow::Official(s, role) => principal.subsystem == s && principal.role() == Some(role),
            Allow::DevOnly => false,
            Allow::Public => true,
        }
    }
}

/// Rules as listed: a method's path (or a service's name) with who may call it.
pub type Rules<'a> = Vec<(&'a str, &'a [Allow])>;

/// Which principals may call each method of the services in one server: deny by default.
#[derive(Debug, Clone, Default)]
pub struct CallerTable {
    /// Keyed by the full path, `/package.Service/Method`.
    methods: HashMap<String, Vec<Allow>>,
    /// Services whose methods the table governs: a method of one of these not in `methods`
    /// is denied to every caller but `dev`.
    services: Vec<String>,
    /// Rules a deployment's callers file set for every method of a service (`Service/*`).
    service_rules: HashMap<String, Vec<Allow>>,
}

impl CallerTable {
    /// Starts the rules of one service, by its full name.
    pub fn service(&mut self, service: &str) -> ServiceRules<'_> {
        self.services.push(service.to_owned());
        ServiceRules { table: self, service: service.to_owned() }
    }

    /// Whether the table governs `path`: it belongs to a service added with rules. Other
    /// paths (health, reflection) are open to all.
    pub fn governs(&self, path: &str) -> bool {
        service_of(path).is_some_and(|service| self.services.iter().any(|s| s == service))
    }

    /// Whether anyone may call `path` with no identity ([`Allow::Public`]).
    pub fn is_public(&self, path: &str) -> bool {
        self.methods.get(path).is_some_and(|rules| rules.contains(&Allow::Public))
    }

    /// Whether `principal` may call `path` in `profile`. Paths the table does not govern
    /// (health, reflection) are open to all.
    pub fn authorize(&self, path: &str, principal: &Principal, profile: Profile) -> Result<(), ApiError> {
        if !self.governs(path) {
            return Ok(());
        }
        let rules = self
            .methods
            .get(path)
            .or_else(|| service_of(path).and_then(|service| self.service_rules.get(service)))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let dev_only = rules.contains(&Allow::DevOnly);
        if dev_only && profile == Profile::Prod {
            return Err(ApiError::permission_denied("DEV_ONLY", format!("{path} is served in the dev profile only"))
                .meta("method", path));
        }
        if principal.subsystem == Subsystem::Dev && profile == Profile::Dev {
            return Ok(());
        }
        if rules.iter().any(|rule| rule.admits(principal)) {
            return Ok(());
        }
        let who = match &principal.official {
            Some(o) => format!("{} ({})", principal.subsystem, o.role),
            None => principal.subsystem.to_string(),
        };
        Err(ApiError::permission_denied("METHOD_NOT_ALLOWED", format!("{who} may not call {path}"))
            .meta("method", path)
            .meta("subsystem", principal.subsystem.as_str()))
    }

    /// Every method with its rules, sorted by path; and the rules set for whole services.
    pub fn rules(&self) -> (Rules<'_>, Rules<'_>) {
        let mut methods: Vec<(&str, &[Allow])> = self.methods.iter().map(|(p, r)| (p.as_str(), r.as_slice())).collect();
        methods.sort_by_key(|(p, _)| *p);
        let mut services: Vec<(&str, &[Allow])> =
            self.service_rules.iter().map(|(s, r)| (s.as_str(), r.as_slice())).collect();
        services.sort_by_key(|(s, _)| *s);
        (methods, services)
    }

    /// Replaces who may call one method (`/package.Service/Method`), as a callers file says.
    /// Dev-only methods stay dev-only.
    pub fn replace_method(&mut self, path: &str, allow: Vec<Allow>) {
        if self.methods.get(path).is_some_and(|rules| rules.contains(&Allow::DevOnly)) {
            return;
        }
        self.methods.insert(path.to_owned(), allow);
    }

    /// Replaces who may call every method of `service` (`package.Service`), as a callers file
    /// says with `package.Service/*`; a method the file names itself is replaced after.
    pub fn replace_service(&mut self, service: &str, allow: Vec<Allow>) {
        self.methods.retain(|path, rules| service_of(path) != Some(service) || rules.contains(&Allow::DevOnly));
        self.service_rules.insert(service.to_owned(), allow);
    }

    /// The full paths of the methods `principal` may call (the gateway's `AllowedMethods`).
    pub fn allowed_methods(&self, principal: &Principal, profile: Profile) -> Vec<String> {
        let mut paths: Vec<String> =
            self.methods.keys().filter(|path| self.authorize(path, principal, profile).is_ok()).cloned().collect();
        paths.sort();
        paths
    }
}

/// The rules of one service being written.
#[derive(Debug)]
pub struct ServiceRules<'a> {
    table: &'a mut CallerTable,
    service: String,
}

impl ServiceRules<'_> {
    /// Who may call `method` (its short name, such as `CreateApplication`).
    pub fn method(self, method: &str, allow: &[Allow]) -> Self {
        let path = format!("/{}/{method}", self.service);
        self.table.methods.entry(path).or_default().extend_from_slice(allow);
        self
    }
}

/// `/package.Service/Method` -> `package.Service`.
pub fn service_of(path: &str) -> Option<&str> {
    path.strip_prefix('/')?.split_once('/').map(|(service, _)| service)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    const CREATE: &str = "/kz.housing.registry.v1.RegistryService/CreateApplication";
    const REVIEW: &str = "/kz.housing.registry.v1.RegistryService/RecordReview";
    const SECRET: &str = "/kz.housing.registry.v1.RegistryService/Unlisted";

    fn table() -> CallerTable {
        let mut table = CallerTable::default();
        table
            .service("kz.housing.registry.v1.RegistryService")
            .method("CreateApplication", &[Allow::Subsystem(Subsystem::OtbasyPortal)])
            .method("RecordReview", &[Allow::Official(Subsystem::OtbasyPortal, OfficialRole::OtbasyOfficial)]);
        table.service("kz.housing.ops.v1.ClockService").method("SetTime", &[Allow::DevOnly]);
        table
    }

    #[test]
    fn a_dev_request_without_identity_is_the_dev_subsystem() {
        let p = Principal::from_headers(&HeaderMap::new(), false, Profile::Dev).unwrap();
        assert_eq!(p, Principal::dev());
    }

    #[test]
    fn the_prod_profile_refuses_unknown_callers_and_the_dev_subsystem() {
        let e = Principal::from_headers(&HeaderMap::new(), false, Profile::Prod).unwrap_err();
        assert_eq!((e.code(), e.reason()), (tonic::Code::Unauthenticated, "CALLER_UNKNOWN"));
        let e = Principal::from_headers(&headers(&[("x-caller-subsystem", "dev")]), false, Profile::Prod).unwrap_err();
        assert_eq!((e.code(), e.reason()), (tonic::Code::PermissionDenied, "DEV_ONLY"));
    }

    #[test]
    fn every_header_of_the_vocabulary_is_read() {
        let p = Principal::from_headers(
            &headers(&[
                ("x-caller-subsystem", "state-corporation"),
                ("x-official-id", "op-17"),
                ("x-official-role", "state-corporation-operator"),
                ("x-official-jurisdiction", "751110000"),
                ("x-user-iin", "791028302728"),
                ("x-representative-iin", "850215300604"),
                ("x-representative-basis", "power of attorney No. 12"),
            ]),
            false,
            Profile::Prod,
        )
        .unwrap();
        assert_eq!(p.subsystem, Subsystem::StateCorporation);
        assert_eq!(p.role(), Some(OfficialRole::StateCorporationOperator));
        assert_eq!(p.official.unwrap().jurisdiction.as_deref(), Some("751110000"));
        assert_eq!(p.user_iin.as_deref(), Some("791028302728"));
        assert_eq!(p.representative.unwrap().basis, "power of attorney No. 12");
    }

    #[test]
    fn at_the_gateway_the_subsystem_is_the_envelope_client() {
        let h = headers(&[("x-egov-client", "registry"), ("x-caller-subsystem", "complaints")]);
        assert_eq!(Principal::from_headers(&h, true, Profile::Prod).unwrap().subsystem, Subsystem::Registry);
        assert_eq!(Principal::from_headers(&h, false, Profile::Prod).unwrap().subsystem, Subsystem::Complaints);
    }

    #[test]
    fn malformed_identity_is_refused_with_the_field_named() {
        for (pairs, reason) in [
            (vec![("x-caller-subsystem", "bank")], "UNKNOWN_SUBSYSTEM"),
            (vec![("x-official-id", "7")], "OFFICIAL_INCOMPLETE"),
            (vec![("x-official-id", "7"), ("x-official-role", "mayor")], "UNKNOWN_OFFICIAL_ROLE"),
            (vec![("x-user-iin", "12345")], "IIN_BAD_FORMAT"),
            (vec![("x-user-iin", "791028302729")], "IIN_CHECKSUM_MISMATCH"),
            (vec![("x-representative-iin", "850215300604")], "REPRESENTATIVE_BASIS_MISSING"),
        ] {
            let e = Principal::from_headers(&headers(&pairs), false, Profile::Dev).unwrap_err();
            assert_eq!(e.reason(), reason, "{pairs:?}");
            let status: tonic::Status = e.into();
            use tonic_types::StatusExt;
            assert!(status.get_error_details().bad_request().is_some(), "{pairs:?} names the field");
        }
    }

    #[test]
    fn the_table_admits_named_callers_and_denies_the_rest() {
        let t = table();
        let portal = Principal { subsystem: Subsystem::OtbasyPortal, ..Principal::dev() };
        assert!(t.authorize(CREATE, &portal, Profile::Prod).is_ok());
        let e = t.authorize(REVIEW, &portal, Profile::Prod).unwrap_err();
        assert_eq!(e.reason(), "METHOD_NOT_ALLOWED");
        let official = Principal {
            official: Some(Official { id: "o1".into(), role: OfficialRole::OtbasyOfficial, jurisdiction: None }),
            ..portal.clone()
        };
        assert!(t.authorize(REVIEW, &official, Profile::Prod).is_ok());
        let other = Principal { subsystem: Subsystem::Complaints, ..Principal::dev() };
        assert!(t.authorize(CREATE, &other, Profile::Prod).is_err());
        assert!(t.authorize(SECRET, &portal, Profile::Prod).is_err(), "deny by default");
    }

    #[test]
    fn dev_may_call_everything_in_dev_and_dev_only_methods_are_refused_in_prod() {
        let t = table();
        assert!(t.authorize(SECRET, &Principal::dev(), Profile::Dev).is_ok());
        let registry = Principal { subsystem: Subsystem::Registry, ..Principal::dev() };
        let e = t.authorize("/kz.housing.ops.v1.ClockService/SetTime", &registry, Profile::Prod).unwrap_err();
        assert_eq!((e.code(), e.reason()), (tonic::Code::PermissionDenied, "DEV_ONLY"));
    }

    #[test]
    fn health_and_reflection_are_open_to_all() {
        assert!(!table().governs("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
        assert!(table().governs(CREATE));
        let someone = Principal { subsystem: Subsystem::ContactCentre, ..Principal::dev() };
        assert!(table().authorize("/grpc.health.v1.Health/Check", &someone, Profile::Prod).is_ok());
    }

    #[test]
    fn allowed_methods_lists_what_a_caller_may_use() {
        let portal = Principal { subsystem: Subsystem::OtbasyPortal, ..Principal::dev() };
        assert_eq!(table().allowed_methods(&portal, Profile::Prod), vec![CREATE.to_owned()]);
    }

    #[test]
    fn vocabularies_round_trip() {
        for s in Subsystem::ALL {
            assert_eq!(Subsystem::parse(s.as_str()), Some(*s));
        }
        for r in OfficialRole::ALL {
            assert_eq!(OfficialRole::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Subsystem::ALL.len(), 12);
    }

    #[test]
    fn an_admitted_agency_is_a_subsystem_by_name_and_built_in_names_are_not_taken() {
        let agency = admit_agency("akimat-unit-test").unwrap();
        assert_eq!(Subsystem::parse("akimat-unit-test"), Some(agency));
        assert_eq!(admit_agency("akimat-unit-test").unwrap(), agency);
        assert!(!agency.is_suite_workload());
        assert!(admit_agency("registry").is_err());
        assert!(admit_agency("Bad Name").is_err());
        assert_eq!(OfficialRole::ALL.len(), 8);
    }
}
