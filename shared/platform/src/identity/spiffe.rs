//! Workload identities: SPIFFE ids (`spiffe://<trust-domain>/ns/<namespace>/sa/<account>`) read
//! from a client certificate's URI SAN or from Istio's `x-forwarded-client-cert`, and Linkerd's
//! `l5d-client-id` (`<account>.<namespace>.serviceaccount.identity.linkerd.<trust-domain>`),
//! each mapped to a [`Subsystem`].

use std::collections::HashMap;

use crate::error::ApiError;
use crate::principal::Subsystem;

/// A SPIFFE id of the Kubernetes shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpiffeId {
    /// The trust domain.
    pub trust_domain: String,
    /// The namespace.
    pub namespace: String,
    /// The service account: the subsystem's name for the suite's own trust domain.
    pub account: String,
}

impl SpiffeId {
    /// Reads `spiffe://<trust-domain>/ns/<namespace>/sa/<account>`.
    pub fn parse(uri: &str) -> Option<SpiffeId> {
        let rest = uri.strip_prefix("spiffe://")?;
        let (trust_domain, path) = rest.split_once('/')?;
        let mut parts = path.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("ns"), Some(ns), Some("sa"), Some(sa), None)
                if !trust_domain.is_empty() && !ns.is_empty() && !sa.is_empty() =>
            {
                Some(SpiffeId {
                    trust_domain: trust_domain.to_owned(),
                    namespace: ns.to_owned(),
                    account: sa.to_owned(),
                })
            }
            _ => None,
        }
    }

    /// Reads a Linkerd identity, `<account>.<namespace>.serviceaccount.identity.linkerd.<domain>`.
    pub fn from_linkerd(id: &str) -> Option<SpiffeId> {
        let (head, trust_domain) = id.split_once(".serviceaccount.identity.linkerd.")?;
        let (account, namespace) = head.split_once('.')?;
        (!account.is_empty() && !namespace.is_empty() && !trust_domain.is_empty() && !namespace.contains('.')).then(
            || SpiffeId {
                trust_domain: trust_domain.to_owned(),
                namespace: namespace.to_owned(),
                account: account.to_owned(),
            },
        )
    }

    /// The id as a URI.
    pub fn uri(&self) -> String {
        format!("spiffe://{}/ns/{}/sa/{}", self.trust_domain, self.namespace, self.account)
    }
}

/// The SPIFFE URIs in a DER certificate's subject alternative names.
pub fn certificate_uris(der: &[u8]) -> Result<Vec<String>, String> {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| format!("the certificate cannot be read: {e}"))?;
    let san = cert.subject_alternative_name().map_err(|e| format!("its subject alternative names: {e}"))?;
    Ok(san
        .map(|ext| {
            ext.value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::URI(uri) if uri.starts_with("spiffe://") => Some((*uri).to_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default())
}

/// One element of `x-forwarded-client-cert`: its `By` (the proxy's own workload) and `URI`
/// (the client's) keys, the only ones read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForwardedElement {
    /// The SPIFFE id of the workload whose proxy added the element.
    pub by: Option<String>,
    /// The SPIFFE id of the client's certificate.
    pub uri: Option<String>,
}

/// Splits `x-forwarded-client-cert` into elements (`,` outside quotes), each into `key=value`
/// pairs (`;` outside quotes), as Envoy writes it.
pub fn forwarded_elements(header: &str) -> Vec<ForwardedElement> {
    split_unquoted(header, ',')
        .into_iter()
        .map(|element| {
            let mut out = ForwardedElement::default();
            for pair in split_unquoted(element, ';') {
                let Some((key, value)) = pair.split_once('=') else { continue };
                let value = value.trim().trim_matches('"').to_owned();
                match key.trim().to_ascii_lowercase().as_str() {
                    "by" => out.by = Some(value),
                    "uri" => out.uri = Some(value),
                    _ => {}
                }
            }
            out
        })
        .collect()
}

fn split_unquoted(text: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut quoted, mut escaped, mut start) = (Vec::new(), false, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Maps workload identities to subsystems: the suite's trust domain and namespace by account
/// name, and each agency the callers file admits by its exact id.
#[derive(Debug, Clone, Default)]
pub struct WorkloadNames {
    /// The suite's trust domain.
    pub trust_domain: String,
    /// The namespace the suite's own and trusted workloads run in.
    pub namespace: String,
    /// Agencies admitted by exact SPIFFE URI (or Linkerd id written as its SPIFFE URI).
    pub agencies: HashMap<String, Subsystem>,
    /// Whether the account `dev` is the development tools' workload (the dev profile only).
    pub dev_account: bool,
}

impl WorkloadNames {
    /// The subsystem of a verified workload identity. `seen` is the identity as received, for
    /// the refusal's message.
    pub fn subsystem(&self, id: &SpiffeId, seen: &str) -> Result<Subsystem, ApiError> {
        if let Some(agency) = self.agencies.get(&id.uri()) {
            return Ok(*agency);
        }
        let ours = id.trust_domain == self.trust_domain && id.namespace == self.namespace;
        match Subsystem::parse(&id.account) {
            Some(Subsystem::Dev) if ours && self.dev_account => Ok(Subsystem::Dev),
            Some(s) if ours && s != Subsystem::Dev && !matches!(s, Subsystem::Agency(_)) => Ok(s),
            _ => Err(ApiError::permission_denied(
                "SUBSYSTEM_UNKNOWN",
                format!(
                    "the workload {seen} is not a subsystem of this deployment (the suite's own are \
                     spiffe://{}/ns/{}/sa/<subsystem>; an agency is admitted by the callers file)",
                    self.trust_domain, self.namespace
                ),
            )
            .meta("identity", seen)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> WorkloadNames {
        WorkloadNames { trust_domain: "housing.kz".into(), namespace: "shanyraq".into(), ..Default::default() }
    }

    #[test]
    fn spiffe_ids_of_the_kubernetes_shape_are_read() {
        let id = SpiffeId::parse("spiffe://housing.kz/ns/shanyraq/sa/registry").unwrap();
        assert_eq!(
            (id.trust_domain.as_str(), id.namespace.as_str(), id.account.as_str()),
            ("housing.kz", "shanyraq", "registry")
        );
        assert_eq!(id.uri(), "spiffe://housing.kz/ns/shanyraq/sa/registry");
        for bad in [
            "spiffe://housing.kz/ns/shanyraq",
            "https://housing.kz/ns/a/sa/b",
            "spiffe:///ns/a/sa/b",
            "spiffe://t/ns/a/sa/b/c",
        ] {
            assert_eq!(SpiffeId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn linkerd_ids_map_to_the_same_shape() {
        let id = SpiffeId::from_linkerd("registry.shanyraq.serviceaccount.identity.linkerd.housing.kz").unwrap();
        assert_eq!(id.uri(), "spiffe://housing.kz/ns/shanyraq/sa/registry");
        assert_eq!(SpiffeId::from_linkerd("registry.shanyraq.svc.cluster.local"), None);
    }

    #[test]
    fn istio_elements_are_split_outside_quotes_and_the_last_is_the_nearest_proxy() {
        let header = r#"By=spiffe://a/ns/x/sa/y;URI=spiffe://a/ns/x/sa/z;Subject="CN=a,O=b;c",By=spiffe://housing.kz/ns/shanyraq/sa/registry;Hash=abc;URI=spiffe://housing.kz/ns/shanyraq/sa/otbasy-portal"#;
        let elements = forwarded_elements(header);
        assert_eq!(elements.len(), 2);
        assert_eq!(elements[0].uri.as_deref(), Some("spiffe://a/ns/x/sa/z"));
        let last = elements.last().unwrap();
        assert_eq!(last.by.as_deref(), Some("spiffe://housing.kz/ns/shanyraq/sa/registry"));
        assert_eq!(last.uri.as_deref(), Some("spiffe://housing.kz/ns/shanyraq/sa/otbasy-portal"));
    }

    #[test]
    fn only_our_trust_domain_and_namespace_name_subsystems_by_account() {
        let n = names();
        let ok = SpiffeId::parse("spiffe://housing.kz/ns/shanyraq/sa/otbasy-portal").unwrap();
        assert_eq!(n.subsystem(&ok, "x").unwrap(), Subsystem::OtbasyPortal);
        let dev = SpiffeId::parse("spiffe://housing.kz/ns/shanyraq/sa/dev").unwrap();
        assert_eq!(WorkloadNames { dev_account: true, ..names() }.subsystem(&dev, "x").unwrap(), Subsystem::Dev);
        for other in [
            "spiffe://evil.kz/ns/shanyraq/sa/registry",
            "spiffe://housing.kz/ns/default/sa/registry",
            "spiffe://housing.kz/ns/shanyraq/sa/dev",
            "spiffe://housing.kz/ns/shanyraq/sa/bank",
        ] {
            let e = n.subsystem(&SpiffeId::parse(other).unwrap(), other).unwrap_err();
            assert_eq!(e.reason(), "SUBSYSTEM_UNKNOWN", "{other}");
            assert!(e.to_string().contains(other), "the refusal names the identity seen: {e}");
        }
    }
}
