//! `suite certs`: a development certification authority and the certificates of `mtls`
//! (README "Security"). Every certificate carries one SPIFFE URI SAN,
//! `spiffe://<trust-domain>/ns/<namespace>/sa/<subsystem>`, and is good for both ends of a
//! connection (server and client authentication), with the DNS names a laptop, compose and
//! Kubernetes reach the services by.

use std::path::Path;

use platform::Subsystem;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    SanType,
};
use time::{Duration, OffsetDateTime};

/// A certification authority: its certificate (PEM) and key.
#[derive(Debug)]
pub struct Ca {
    /// The CA certificate, PEM.
    pub pem: String,
    key: KeyPair,
}

/// What a leaf certificate says.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// The SPIFFE URI it carries; `None` for none (a certificate that proves no workload).
    pub spiffe_id: Option<String>,
    /// DNS names and IP addresses it is good for.
    pub hosts: Vec<String>,
    /// Valid from.
    pub not_before: OffsetDateTime,
    /// Valid until.
    pub not_after: OffsetDateTime,
}

impl Leaf {
    /// A certificate for `subsystem` in the trust domain and namespace, valid `days` from now,
    /// for localhost, the subsystem's name and its Kubernetes names, and `extra` hosts.
    pub fn workload(trust_domain: &str, namespace: &str, account: &str, days: i64, extra: &[String]) -> Leaf {
        let mut hosts = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            account.to_owned(),
            format!("{account}.{namespace}"),
            format!("{account}.{namespace}.svc"),
            format!("{account}.{namespace}.svc.cluster.local"),
        ];
        hosts.extend(extra.iter().cloned());
        let now = OffsetDateTime::now_utc();
        Leaf {
            spiffe_id: Some(format!("spiffe://{trust_domain}/ns/{namespace}/sa/{account}")),
            hosts,
            not_before: now - Duration::minutes(5),
            not_after: now + Duration::days(days),
        }
    }
}

impl Ca {
    /// A new CA (ECDSA P-256) valid for `days`.
    pub fn new(name: &str, days: i64) -> Result<Ca, String> {
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, name);
        params.distinguished_name.push(DnType::OrganizationName, "shanyraq development CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::minutes(5);
        params.not_after = now + Duration::days(days);
        let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
        Ok(Ca { pem: cert.pem(), key })
    }

    /// The CA of a folder written by [`write_folder`]: `ca.pem` and `ca.key`.
    pub fn load(dir: &Path) -> Result<Ca, String> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
        };
        let pem = read("ca.pem")?;
        let key = KeyPair::from_pem(&read("ca.key")?).map_err(|e| format!("ca.key: {e}"))?;
        Ok(Ca { pem, key })
    }

    /// The CA's key, PEM.
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    /// Issues a leaf certificate: (certificate PEM, key PEM).
    pub fn issue(&self, leaf: &Leaf) -> Result<(String, String), String> {
        let issuer = Issuer::from_ca_cert_pem(&self.pem, &self.key).map_err(|e| e.to_string())?;
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let mut params = CertificateParams::default();
        let cn = leaf.spiffe_id.as_deref().and_then(|id| id.rsplit('/').next()).unwrap_or("shanyraq");
        params.distinguished_name.push(DnType::CommonName, cn);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        params.not_before = leaf.not_before;
        params.not_after = leaf.not_after;
        for host in &leaf.hosts {
            params.subject_alt_names.push(match host.parse::<std::net::IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(host.clone().try_into().map_err(|e| format!("{host}: {e}"))?),
            });
        }
        if let Some(id) = &leaf.spiffe_id {
            params.subject_alt_names.push(SanType::URI(id.clone().try_into().map_err(|e| format!("{id}: {e}"))?));
        }
        let cert = params.signed_by(&key, &issuer).map_err(|e| e.to_string())?;
        Ok((cert.pem(), key.serialize_pem()))
    }
}

/// Writes `<name>.pem` and `<name>.key` (the key readable by its owner only).
pub fn write_pair(dir: &Path, name: &str, (cert, key): &(String, String)) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |file: String, text: &str, private: bool| -> Result<(), String> {
        let path = dir.join(file);
        // Write then rename: a server reading the folder never sees half a file.
        let partial = path.with_extension("partial");
        std::fs::write(&partial, text).map_err(|e| format!("{}: {e}", partial.display()))?;
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("{}: {e}", partial.display()))?;
        }
        let _ = private;
        std::fs::rename(&partial, &path).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(format!("{name}.key"), key, true)?;
    write(format!("{name}.pem"), cert, false)
}

/// What `suite certs` writes: a new CA (`ca.pem`, `ca.key`), the server's certificate
/// (`server.pem`, `server.key`, as the `suite` workload), each suite service's certificate for
/// its outgoing calls, and `dev.pem` for the development tools (dev profile only).
pub fn write_folder(
    dir: &Path,
    trust_domain: &str,
    namespace: &str,
    days: i64,
    hosts: &[String],
) -> Result<Ca, String> {
    let ca = Ca::new("shanyraq development CA", days)?;
    write_pair(dir, "ca", &(ca.pem.clone(), ca.key_pem()))?;
    write_pair(dir, "server", &ca.issue(&Leaf::workload(trust_domain, namespace, "suite", days, hosts))?)?;
    // `dev`: the development tools (grpcurl, the load tool's preparation), accepted by a suite
    // in the dev profile only.
    for name in Subsystem::SUITE.iter().map(|s| s.as_str()).chain(["dev"]) {
        write_pair(dir, name, &ca.issue(&Leaf::workload(trust_domain, namespace, name, days, hosts))?)?;
    }
    Ok(ca)
}
