//! Access rights at the gateway: per calling subsystem and method, deny by default (DESIGN.md
//! "The gateway's exchange model"). Grants are configuration, written as TOML:
//!
//! ```toml
//! registry = ["IdentityService/*", "PropertyService/ListDwellings"]
//! ```
//!
//! The `dev` profile starts from [`DEFAULT_GRANTS`], what the suite's own services need, and
//! the subsystem `dev` may call everything; the `prod` profile grants only what the file
//! `GATEWAY_ACCESS_FILE` names. The administration methods and `SignDigest` are dev-only and
//! cannot be granted.

use platform::principal::{Allow, Subsystem};
use platform::{ApiError, Profile};
use std::collections::BTreeMap;

/// The gateway's package.
pub const PACKAGE: &str = "kz.egov.gateway.v1";

/// What the suite's services and portals need in the `dev` profile.
pub const DEFAULT_GRANTS: &str = r#"
privatization = ["DocumentService/RegisterDocument", "SignatureService/IssueOrganizationCertificate", "SignatureService/GetAuthorityCertificate", "IdentityService/*", "CivilStatusService/*", "PropertyService/*", "CourtService/*", "SocialStatusService/*", "EmploymentService/*", "ConsentService/CheckConsent", "ConsentService/RecordConsent", "SignatureService/VerifySignature", "SignatureService/GetCertificateStatus", "OtpService/VerifyOtp", "NotificationService/SendNotification", "MonitoringService/*", "MetaService/*", "AuditService/GetPublicKey", "AuditService/RecordDisclosure", "AuditService/LinkCase"]
registry = ["DocumentService/RegisterDocument", "SignatureService/IssueOrganizationCertificate", "SignatureService/GetAuthorityCertificate", "IdentityService/*", "CivilStatusService/*", "PropertyService/ListDwellings", "CourtService/*", "SocialStatusService/*", "EmploymentService/*", "ConsentService/CheckConsent", "SignatureService/VerifySignature", "SignatureService/GetCertificateStatus", "OtpService/VerifyOtp", "NotificationService/SendNotification", "MonitoringService/*", "MetaService/*", "AuditService/GetPublicKey", "AuditService/RecordDisclosure", "AuditService/LinkCase"]
rent-subsidy = ["DocumentService/RegisterDocument", "SignatureService/IssueOrganizationCertificate", "SignatureService/GetAuthorityCertificate", "IdentityService/*", "CivilStatusService/*", "PropertyService/ListDwellings", "CourtService/*", "SocialStatusService/*", "EmploymentService/*", "ConsentService/CheckConsent", "SignatureService/VerifySignature", "SignatureService/GetCertificateStatus", "OtpService/VerifyOtp", "NotificationService/SendNotification", "MonitoringService/*", "MetaService/*", "AuditService/GetPublicKey", "AuditService/RecordDisclosure", "AuditService/LinkCase"]
complaints = ["DocumentService/RegisterDocument", "SignatureService/IssueOrganizationCertificate", "SignatureService/GetAuthorityCertificate", "SignatureService/GetCertificateStatus", "SignatureService/VerifySignature", "IdentityService/GetPerson", "NotificationService/SendNotification", "MonitoringService/*", "MetaService/*", "AuditService/GetPublicKey", "AuditService/RecordDisclosure"]
egov-portal = ["SignatureService/GetAuthorityCertificate", "ConsentService/RecordConsent", "ConsentService/WithdrawConsent", "SignatureService/IssueCertificate", "SignatureService/RevokeCertificate", "OtpService/IssueOtp", "NotificationService/ListNotifications", "AuditService/ListProcessingLog", "AuditService/GetPublicKey", "MetaService/*"]
otbasy-portal = ["SignatureService/GetAuthorityCertificate", "ConsentService/RecordConsent", "ConsentService/WithdrawConsent", "OtpService/IssueOtp", "NotificationService/ListNotifications", "AuditService/GetPublicKey", "MetaService/*"]
state-corporation = ["SignatureService/GetAuthorityCertificate", "MetaService/*", "AuditService/GetPublicKey"]
contact-centre = ["SignatureService/GetAuthorityCertificate", "NotificationService/ListNotifications", "MetaService/*", "AuditService/GetPublicKey"]
gateway = ["AuditService/*", "MetaService/*"]
ministry = ["MonitoringService/GetComplianceReport", "MonitoringService/GetStatistics", "MonitoringService/ListStageReports", "MetaService/*"]
"#;

/// Methods only the `dev` profile serves, whoever asks.
fn dev_only(service: &str, method: &str) -> bool {
    service == "AdminService" || (service == "SignatureService" && method == "SignDigest")
}

/// The methods anyone may call, with no identity, in every profile: the verification of a
/// result document, which a QR code on paper leads to.
fn public(service: &str, method: &str) -> bool {
    service == "DocumentService" && method == "VerifyResultDocument"
}

/// Grants: (subsystem, service short name, method name or `*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(Vec<(Subsystem, String, String)>);

impl Grants {
    /// Reads grants written as TOML.
    pub fn parse(text: &str) -> Result<Grants, String> {
        let table: BTreeMap<String, Vec<String>> = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut grants = Vec::new();
        for (subsystem, methods) in table {
            let who = Subsystem::parse(&subsystem).ok_or_else(|| format!("{subsystem:?} is not a subsystem"))?;
            if who == Subsystem::Dev {
                return Err(
                    "the dev subsystem has every right in the dev profile and none in prod; it takes no grants".into(),
                );
            }
            for entry in methods {
                let (service, method) =
                    entry.split_once('/').ok_or_else(|| format!("{entry:?}: write Service/Method or Service/*"))?;
                if dev_only(service, method) {
                    return Err(format!("{entry}: dev-only, not grantable"));
                }
                grants.push((who, service.to_owned(), method.to_owned()));
            }
        }
        Ok(Grants(grants))
    }

    /// The grants of a profile: the defaults in `dev`, none in `prod`, and the file's in both.
    pub fn for_profile(profile: Profile, file: Option<&str>) -> Result<Grants, ApiError> {
        let mut grants = match profile {
            Profile::Dev => Grants::parse(DEFAULT_GRANTS).map_err(ApiError::internal)?,
            Profile::Prod => Grants::default(),
        };
        if let Some(text) = file {
            let extra = Grants::parse(text).map_err(|e| ApiError::internal(format!("GATEWAY_ACCESS_FILE: {e}")))?;
            grants.0.extend(extra.0);
        }
        Ok(grants)
    }

    /// Whether `subsystem` may call `service`/`method` (short names).
    pub fn allows(&self, subsystem: Subsystem, service: &str, method: &str) -> bool {
        !dev_only(service, method)
            && self.0.iter().any(|(who, s, m)| *who == subsystem && s == service && (m == "*" || m == method))
    }

    /// The caller-table rules of a method.
    pub fn rules(&self, service: &str, method: &str) -> Vec<Allow> {
        if dev_only(service, method) {
            return vec![Allow::DevOnly];
        }
        if public(service, method) {
            return vec![Allow::Public];
        }
        let mut allow: Vec<Allow> =
            Subsystem::ALL.iter().filter(|s| self.allows(**s, service, method)).map(|s| Allow::Subsystem(*s)).collect();
        allow.dedup();
        allow
    }
}

/// Every method of the gateway's contract: (service short name, method name).
pub fn gateway_methods() -> Vec<(String, String)> {
    let Ok(set) = prost_types_set() else { return Vec::new() };
    let mut out = Vec::new();
    for file in set.file.iter().filter(|f| f.package() == PACKAGE) {
        for service in &file.service {
            for method in &service.method {
                out.push((service.name().to_owned(), method.name().to_owned()));
            }
        }
    }
    out.sort();
    out
}

fn prost_types_set() -> Result<prost_types::FileDescriptorSet, prost::DecodeError> {
    use prost::Message;
    prost_types::FileDescriptorSet::decode(proto::FILE_DESCRIPTOR_SET)
}

/// The methods `subsystem` may call, as full paths.
pub fn allowed_paths(grants: &Grants, subsystem: Subsystem, profile: Profile) -> Vec<String> {
    gateway_methods()
        .into_iter()
        .filter(|(service, method)| {
            (subsystem == Subsystem::Dev && profile == Profile::Dev) || grants.allows(subsystem, service, method)
        })
        .map(|(service, method)| format!("/{PACKAGE}.{service}/{method}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_are_deny_by_default_and_read_from_toml() {
        let g = Grants::parse("registry = [\"IdentityService/*\", \"PropertyService/ListDwellings\"]").unwrap();
        assert!(g.allows(Subsystem::Registry, "IdentityService", "GetPerson"));
        assert!(g.allows(Subsystem::Registry, "PropertyService", "ListDwellings"));
        assert!(!g.allows(Subsystem::Registry, "PropertyService", "GetStateTenancy"));
        assert!(!g.allows(Subsystem::Privatization, "IdentityService", "GetPerson"));
    }

    #[test]
    fn bad_grants_are_refused() {
        assert!(Grants::parse("bank = [\"IdentityService/*\"]").is_err());
        assert!(Grants::parse("registry = [\"IdentityService\"]").is_err());
        assert!(Grants::parse("dev = [\"IdentityService/*\"]").is_err());
        assert!(Grants::parse("registry = [\"AdminService/LoadRecords\"]").is_err());
    }

    #[test]
    fn prod_grants_nothing_unnamed_and_dev_starts_from_the_defaults() {
        assert!(Grants::for_profile(Profile::Prod, None).unwrap().0.is_empty());
        let dev = Grants::for_profile(Profile::Dev, None).unwrap();
        assert!(dev.allows(Subsystem::Registry, "CivilStatusService", "GetFamily"));
        assert_eq!(dev.rules("AdminService", "LoadRecords"), vec![Allow::DevOnly]);
    }

    #[test]
    fn the_contract_lists_the_gateway_methods() {
        let methods = gateway_methods();
        assert!(methods.contains(&("IdentityService".into(), "GetPerson".into())));
        assert!(methods.contains(&("MetaService".into(), "AllowedMethods".into())));
    }
}
