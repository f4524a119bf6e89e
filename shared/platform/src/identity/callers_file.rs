//! A deployment's callers file (`SHANYRAQ_CALLERS_FILE`): admits agencies by workload identity
//! and replaces who may call a method, without rebuilding. TOML:
//!
//! ```toml
//! [[agency]]
//! name = "akimat-shymkent"                                  # the subsystem's name from now on
//! spiffe_id = "spiffe://akimat.gov.kz/ns/housing/sa/portal" # exact, any trust domain
//!
//! [methods]
//! # each key replaces the code's rules of that method (or of every method, with `/*`)
//! "/kz.housing.registry.v1.RegistryService/GetApplication" = ["otbasy-portal", "akimat-shymkent:akimat-official"]
//! "/kz.housing.subsidy.v1.RentSubsidyService/*" = ["akimat-shymkent"]
//! ```
//!
//! An entry is `subsystem` (any call from it) or `subsystem:role` (an official of the role).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::spiffe::SpiffeId;
use crate::principal::{Allow, CallerTable, OfficialRole, Subsystem, admit_agency, service_of};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    agency: Vec<Agency>,
    #[serde(default)]
    methods: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Agency {
    name: String,
    spiffe_id: String,
}

/// A callers file, read and checked.
#[derive(Debug, Clone, Default)]
pub struct CallersFile {
    /// Agencies by exact SPIFFE URI.
    pub agencies: HashMap<String, Subsystem>,
    /// Rules that replace the code's: whole services (`package.Service`) first, then methods.
    services: Vec<(String, Vec<Allow>)>,
    methods: Vec<(String, Vec<Allow>)>,
}

impl CallersFile {
    /// Reads the file's text; `known_method` says whether a full path is a method of the
    /// contracts (a misspelt path must stop the start, not deny silently).
    pub fn parse(text: &str, known_method: impl Fn(&str) -> bool) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut out = CallersFile::default();
        for agency in file.agency {
            if SpiffeId::parse(&agency.spiffe_id).is_none() {
                return Err(format!(
                    "agency {}: {:?} is not spiffe://<trust-domain>/ns/<namespace>/sa/<account>",
                    agency.name, agency.spiffe_id
                ));
            }
            let subsystem = admit_agency(&agency.name).map_err(|e| format!("agency: {e}"))?;
            out.agencies.insert(agency.spiffe_id, subsystem);
        }
        for (path, entries) in file.methods {
            let allow =
                entries.iter().map(|e| allow(e)).collect::<Result<Vec<_>, _>>().map_err(|e| format!("{path}: {e}"))?;
            match path.strip_suffix("/*") {
                Some(service) if service.starts_with('/') && !service[1..].contains('/') => {
                    let probe_ok = known_service(&known_method, &service[1..]);
                    if !probe_ok {
                        return Err(format!("{path}: no such service in the contracts"));
                    }
                    out.services.push((service[1..].to_owned(), allow));
                }
                _ if service_of(&path).is_some() && known_method(&path) => out.methods.push((path, allow)),
                _ => return Err(format!("{path}: not a method of the contracts (write /package.Service/Method)")),
            }
        }
        Ok(out)
    }

    /// Applies the file's rules to a server's table.
    pub fn apply(&self, table: &mut CallerTable) {
        for (service, allow) in &self.services {
            table.replace_service(service, allow.clone());
        }
        for (path, allow) in &self.methods {
            table.replace_method(path, allow.clone());
        }
    }
}

fn known_service(known_method: &impl Fn(&str) -> bool, service: &str) -> bool {
    known_method(&format!("/{service}/*"))
}

fn allow(entry: &str) -> Result<Allow, String> {
    let (subsystem, role) = match entry.split_once(':') {
        Some((s, r)) => (s, Some(r)),
        None => (entry, None),
    };
    if entry == "public" {
        return Ok(Allow::Public);
    }
    let subsystem = match Subsystem::parse(subsystem) {
        Some(Subsystem::Dev) => return Err("the dev subsystem takes no rules".into()),
        Some(s) => s,
        None => return Err(format!("{subsystem:?} is neither a subsystem nor an agency of this file")),
    };
    match role {
        None => Ok(Allow::Subsystem(subsystem)),
        Some(r) => OfficialRole::parse(r)
            .map(|role| Allow::Official(subsystem, role))
            .ok_or_else(|| format!("{r:?} is not a role")),
    }
}

/// Whether `path` (`/package.Service/Method`, or `/package.Service/*` for a service) names a
/// method of the contracts compiled into this binary.
pub fn contract_has(path: &str) -> bool {
    use prost::Message;
    static METHODS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let methods = METHODS.get_or_init(|| {
        let Ok(set) = prost_types::FileDescriptorSet::decode(proto::FILE_DESCRIPTOR_SET) else { return Vec::new() };
        let mut out = Vec::new();
        for file in set.file {
            for service in &file.service {
                for method in &service.method {
                    out.push(format!("/{}.{}/{}", file.package(), service.name(), method.name()));
                }
            }
        }
        out
    });
    match path.strip_suffix("/*") {
        Some(service) => methods.iter().any(|m| m.starts_with(&format!("{service}/"))),
        None => methods.iter().any(|m| m == path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::Principal;
    use crate::profile::Profile;

    const GET: &str = "/kz.housing.registry.v1.RegistryService/GetApplication";

    #[test]
    fn an_agency_is_admitted_by_its_spiffe_id_and_given_a_method() {
        let file = CallersFile::parse(
            r#"
            [[agency]]
            name = "akimat-test-callers"
            spiffe_id = "spiffe://akimat.gov.kz/ns/housing/sa/portal"
            [methods]
            "/kz.housing.registry.v1.RegistryService/GetApplication" = ["akimat-test-callers", "otbasy-portal:otbasy-official"]
            "#,
            contract_has,
        )
        .unwrap();
        let agency = file.agencies["spiffe://akimat.gov.kz/ns/housing/sa/portal"];
        assert_eq!(agency.as_str(), "akimat-test-callers");
        let mut table = CallerTable::default();
        table
            .service("kz.housing.registry.v1.RegistryService")
            .method("GetApplication", &[Allow::Subsystem(Subsystem::OtbasyPortal)]);
        file.apply(&mut table);
        let p = Principal { subsystem: agency, ..Principal::dev() };
        assert!(table.authorize(GET, &p, Profile::Prod).is_ok());
        let portal = Principal { subsystem: Subsystem::OtbasyPortal, ..Principal::dev() };
        assert!(table.authorize(GET, &portal, Profile::Prod).is_err(), "the file's rules replace the code's");
    }

    #[test]
    fn a_whole_service_can_be_given_and_bad_entries_stop_the_start() {
        let file = CallersFile::parse(
            r#"[methods]
            "/kz.housing.registry.v1.RegistryService/*" = ["ministry"]"#,
            contract_has,
        )
        .unwrap();
        let mut table = CallerTable::default();
        table
            .service("kz.housing.registry.v1.RegistryService")
            .method("GetApplication", &[Allow::Subsystem(Subsystem::OtbasyPortal)]);
        file.apply(&mut table);
        let ministry = Principal { subsystem: Subsystem::Ministry, ..Principal::dev() };
        assert!(table.authorize(GET, &ministry, Profile::Prod).is_ok());
        assert!(table.authorize("/kz.housing.registry.v1.RegistryService/ListQueue", &ministry, Profile::Prod).is_ok());
        for bad in [
            r#"[methods]
            "/kz.housing.registry.v1.RegistryService/GetApplicaton" = ["ministry"]"#,
            r#"[methods]
            "/kz.housing.registry.v1.RegistryService/GetApplication" = ["bank"]"#,
            r#"[methods]
            "/kz.housing.registry.v1.RegistryService/GetApplication" = ["dev"]"#,
            r#"[methods]
            "/kz.housing.registry.v1.RegistryService/GetApplication" = ["ministry:mayor"]"#,
            r#"[[agency]]
            name = "registry"
            spiffe_id = "spiffe://a/ns/b/sa/c""#,
            r#"[[agency]]
            name = "x-agency"
            spiffe_id = "https://a""#,
        ] {
            assert!(CallersFile::parse(bad, contract_has).is_err(), "{bad}");
        }
    }
}
