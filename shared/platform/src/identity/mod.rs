//! Proving who calls (DESIGN.md "Who is calling"). `SHANYRAQ_IDENTITY` chooses how the calling
//! **workload** is proven: `dev` believes metadata (the dev profile only), `mtls` reads the
//! SPIFFE id of the client certificate, `mesh-istio` the last `x-forwarded-client-cert` element
//! added by our own sidecar, `mesh-linkerd` the `l5d-client-id` header. The **person**
//! (official, citizen, representative) is proven by a signed token, or named in metadata by one
//! of the suite's own workloads, which checked the person itself.

pub mod callers_file;
pub mod spiffe;
pub mod tls;
pub mod token;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use http::HeaderMap;

use crate::error::ApiError;
use crate::principal::{Person, Principal, Subsystem, headers};
use crate::profile::Profile;
use spiffe::{SpiffeId, WorkloadNames};
use token::TokenVerifier;

/// How the calling workload is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityMode {
    /// Metadata as given: the dev profile only.
    Dev,
    /// Mutual TLS: the client certificate's SPIFFE URI SAN.
    Mtls,
    /// Istio: the last `x-forwarded-client-cert` element, whose `By=` is this workload.
    MeshIstio,
    /// Linkerd: `l5d-client-id`.
    MeshLinkerd,
}

impl IdentityMode {
    /// Reads `SHANYRAQ_IDENTITY`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "dev" => Some(IdentityMode::Dev),
            "mtls" => Some(IdentityMode::Mtls),
            "mesh-istio" => Some(IdentityMode::MeshIstio),
            "mesh-linkerd" => Some(IdentityMode::MeshLinkerd),
            _ => None,
        }
    }

    /// The mode as written.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityMode::Dev => "dev",
            IdentityMode::Mtls => "mtls",
            IdentityMode::MeshIstio => "mesh-istio",
            IdentityMode::MeshLinkerd => "mesh-linkerd",
        }
    }
}

/// The identity settings of a process (read with the other settings).
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    /// How workloads are proven.
    pub mode: IdentityMode,
    /// The TLS folder (`mtls`).
    pub tls_dir: Option<PathBuf>,
    /// The plaintext health-only address (`mtls`), for probes that speak no TLS.
    pub health_listen: Option<std::net::SocketAddr>,
    /// The suite's SPIFFE trust domain.
    pub trust_domain: String,
    /// The namespace of the suite's own and trusted workloads.
    pub namespace: String,
    /// This workload's own SPIFFE id (`mesh-istio`: the `By=` our sidecar writes).
    pub own_spiffe_id: String,
    /// The token issuers file.
    pub issuers_file: Option<PathBuf>,
    /// The clock skew tokens are given.
    pub token_leeway: std::time::Duration,
    /// The callers file.
    pub callers_file: Option<PathBuf>,
}

/// The identity machinery of a server, loaded at start.
#[derive(Debug)]
pub struct Identity {
    /// The settings.
    pub settings: IdentitySettings,
    /// The profile.
    pub profile: Profile,
    /// Workload ids to subsystems.
    pub names: WorkloadNames,
    /// The people's tokens, when issuers are configured.
    pub tokens: Option<TokenVerifier>,
    /// The TLS material (`mtls`).
    pub tls: Option<Arc<tls::TlsMaterial>>,
    /// The deployment's callers file.
    pub callers: callers_file::CallersFile,
    /// Attempts refused before any identity was proven (bad handshakes, missing or forged
    /// identity, bad tokens).
    pub refused_unverified: Arc<AtomicU64>,
}

/// The gateway's package: its calls name the subsystem in the envelope (`x-egov-client`).
pub const GATEWAY_PREFIX: &str = "/kz.egov.gateway.";

/// Metadata a mesh proxy writes: from anyone else it is forged.
const MESH_HEADERS: &[&str] = &["x-forwarded-client-cert", "l5d-client-id"];

/// The subsystem serving `path`: the audience of a token for that call.
pub fn serving(path: &str) -> Option<Subsystem> {
    let package = path.strip_prefix('/')?.split('.').take(3).collect::<Vec<_>>();
    match package.as_slice() {
        ["kz", "housing", "privatization"] => Some(Subsystem::Privatization),
        ["kz", "housing", "registry"] => Some(Subsystem::Registry),
        ["kz", "housing", "subsidy"] => Some(Subsystem::RentSubsidy),
        ["kz", "housing", "complaints"] => Some(Subsystem::Complaints),
        ["kz", "housing", "ops"] => Some(Subsystem::Operator),
        ["kz", "egov", "gateway"] => Some(Subsystem::Gateway),
        _ => None,
    }
}

impl Identity {
    /// Loads what the settings name: the callers file first (it admits agencies the issuers
    /// may name), then the tokens' issuers and the TLS folder. An error names the file.
    pub fn load(
        settings: IdentitySettings,
        profile: Profile,
        clock: crate::Clock,
    ) -> Result<Self, (&'static str, String)> {
        let callers = match &settings.callers_file {
            None => callers_file::CallersFile::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ("SHANYRAQ_CALLERS_FILE", format!("{}: {e}", path.display())))?;
                callers_file::CallersFile::parse(&text, callers_file::contract_has)
                    .map_err(|e| ("SHANYRAQ_CALLERS_FILE", format!("{}: {e}", path.display())))?
            }
        };
        let tokens = match &settings.issuers_file {
            None => None,
            Some(path) => Some(
                TokenVerifier::load(path, settings.token_leeway, clock)
                    .map_err(|e| ("SHANYRAQ_TOKEN_ISSUERS_FILE", e))?,
            ),
        };
        let tls = match (settings.mode, &settings.tls_dir) {
            (IdentityMode::Mtls, Some(dir)) => {
                Some(Arc::new(tls::TlsMaterial::open(dir).map_err(|e| ("SHANYRAQ_TLS_DIR", e))?))
            }
            (IdentityMode::Mtls, None) => {
                return Err(("SHANYRAQ_TLS_DIR", "required with SHANYRAQ_IDENTITY=mtls".into()));
            }
            _ => None,
        };
        let names = WorkloadNames {
            trust_domain: settings.trust_domain.clone(),
            namespace: settings.namespace.clone(),
            agencies: callers.agencies.clone(),
            dev_account: profile == Profile::Dev,
        };
        Ok(Identity { settings, profile, names, tokens, tls, callers, refused_unverified: Arc::default() })
    }

    /// The mode.
    pub fn mode(&self) -> IdentityMode {
        self.settings.mode
    }

    /// Who calls `path`: in `dev`, metadata as given; otherwise the proven workload and person.
    pub fn principal(
        &self,
        path: &str,
        headers: &HeaderMap,
        extensions: &http::Extensions,
    ) -> Result<Principal, ApiError> {
        let gateway = path.starts_with(GATEWAY_PREFIX);
        if self.mode() == IdentityMode::Dev {
            return Principal::from_headers(headers, gateway, self.profile);
        }
        let workload = self.workload(headers, extensions)?;
        for key in [headers::CALLER_SUBSYSTEM, headers::EGOV_CLIENT] {
            if let Some(claimed) = headers.get(key).map(|v| v.to_str().unwrap_or("(not text)").trim())
                && claimed != workload.as_str()
            {
                return Err(ApiError::unauthenticated(
                    "IDENTITY_CONTRADICTED",
                    format!("{key} says {claimed:?} but the proven workload is {workload}"),
                )
                .meta("claimed", claimed)
                .meta("proven", workload.as_str()));
            }
        }
        // Reflection serves no case: the workload is all it needs to know.
        if serving(path).is_none() {
            return Ok(Principal::verified(workload, Person::default()));
        }
        let person = match bearer(headers)? {
            Some(token) => {
                if let Some(key) = Person::header_in(headers) {
                    return Err(ApiError::unauthenticated(
                        "IDENTITY_CONTRADICTED",
                        format!("{key} beside a bearer token: the token alone names the person"),
                    ));
                }
                let Some(tokens) = &self.tokens else {
                    return Err(ApiError::unauthenticated(
                        "TOKEN_ISSUER_UNTRUSTED",
                        "this deployment trusts no token issuer (SHANYRAQ_TOKEN_ISSUERS_FILE)",
                    ));
                };
                let audience = serving(path).unwrap_or(Subsystem::Operator);
                tokens.verify(token, audience.as_str(), workload)?
            }
            // A suite service has checked the person itself and names them (DESIGN.md).
            None if names_people(workload) => Person::from_headers(headers)?,
            None => match Person::header_in(headers) {
                Some(key) => {
                    return Err(ApiError::unauthenticated(
                        "PERSON_NOT_PROVEN",
                        format!(
                            "{key} is believed only from the suite's own services; {workload} proves a person with \
                             a bearer token"
                        ),
                    )
                    .meta("header", key));
                }
                None => Person::default(),
            },
        };
        // Every official acts inside a jurisdiction (DESIGN.md "Who is calling").
        if let Some(official) = &person.official
            && official.jurisdiction.is_none()
        {
            return Err(ApiError::unauthenticated(
                "JURISDICTION_REQUIRED",
                format!("the official {} names no jurisdiction (x-official-jurisdiction)", official.id),
            ));
        }
        if gateway && !names_people(workload) {
            envelope_user_is_proven(headers, &person, workload)?;
        }
        Ok(Principal::verified(workload, person))
    }

    /// The calling workload, proven as the mode says.
    pub fn workload(&self, headers: &HeaderMap, extensions: &http::Extensions) -> Result<Subsystem, ApiError> {
        match self.mode() {
            IdentityMode::Dev => Principal::from_headers(headers, false, self.profile).map(|p| p.subsystem),
            IdentityMode::Mtls => {
                if let Some(key) = MESH_HEADERS.iter().find(|k| headers.contains_key(**k)) {
                    return Err(forged(key));
                }
                let certificate =
                    extensions.get::<tls::TlsPeer>().and_then(|peer| peer.certificate.as_ref()).ok_or_else(|| {
                        ApiError::unauthenticated(
                            "CLIENT_CERTIFICATE_REQUIRED",
                            "every call needs a TLS client certificate from this deployment's CA",
                        )
                    })?;
                let uris = spiffe::certificate_uris(certificate)
                    .map_err(|e| ApiError::unauthenticated("CLIENT_CERTIFICATE_UNREADABLE", e))?;
                let [uri] = uris.as_slice() else {
                    return Err(ApiError::unauthenticated(
                        "CLIENT_CERTIFICATE_NO_SPIFFE_ID",
                        format!("the client certificate carries {} SPIFFE URIs; exactly one is needed", uris.len()),
                    ));
                };
                let id = SpiffeId::parse(uri).ok_or_else(|| {
                    ApiError::unauthenticated(
                        "CLIENT_CERTIFICATE_NO_SPIFFE_ID",
                        format!("{uri} is not of the shape spiffe://<td>/ns/<ns>/sa/<sa>"),
                    )
                })?;
                self.names.subsystem(&id, uri)
            }
            IdentityMode::MeshIstio => {
                if headers.contains_key("l5d-client-id") {
                    return Err(forged("l5d-client-id"));
                }
                let header = text(headers, "x-forwarded-client-cert")?.ok_or_else(missing_workload)?;
                let last = spiffe::forwarded_elements(header).pop().ok_or_else(missing_workload)?;
                if last.by.as_deref() != Some(self.settings.own_spiffe_id.as_str()) {
                    return Err(ApiError::unauthenticated(
                        "FORWARDED_IDENTITY_NOT_OURS",
                        format!(
                            "the last x-forwarded-client-cert element was written for {:?}, not by this workload's proxy ({})",
                            last.by.unwrap_or_default(),
                            self.settings.own_spiffe_id
                        ),
                    ));
                }
                let uri = last.uri.ok_or_else(missing_workload)?;
                let id = SpiffeId::parse(&uri).ok_or_else(|| {
                    ApiError::unauthenticated("WORKLOAD_IDENTITY_MISSING", format!("{uri:?} is not a SPIFFE id"))
                })?;
                self.names.subsystem(&id, &uri)
            }
            IdentityMode::MeshLinkerd => {
                if headers.contains_key("x-forwarded-client-cert") {
                    return Err(forged("x-forwarded-client-cert"));
                }
                let header = text(headers, "l5d-client-id")?.ok_or_else(missing_workload)?;
                let id = SpiffeId::from_linkerd(header).ok_or_else(|| {
                    ApiError::unauthenticated(
                        "WORKLOAD_IDENTITY_MISSING",
                        format!("{header:?} is not a Linkerd identity"),
                    )
                })?;
                self.names.subsystem(&id, header)
            }
        }
    }
}

/// Whether a workload may name people in metadata: the suite's own services, which checked the
/// person themselves, and the development tools (a `dev` workload exists in the dev profile only).
fn names_people(workload: Subsystem) -> bool {
    workload.is_suite_workload() || workload == Subsystem::Dev
}

/// The gateway's envelope names the end user (`x-egov-user-iin`). From a workload outside the
/// suite it is believed only as the person its token proves (an official serving a citizen at a
/// counter may name that citizen; the processing log records the official).
fn envelope_user_is_proven(headers: &HeaderMap, person: &Person, workload: Subsystem) -> Result<(), ApiError> {
    const KEY: &str = "x-egov-user-iin";
    let Some(user) = text(headers, KEY)? else { return Ok(()) };
    if person.official.is_some() || person.user_iin.as_deref() == Some(user) {
        return Ok(());
    }
    let problem = match &person.user_iin {
        None => format!("{KEY} from {workload} needs a bearer token proving that person"),
        Some(proven) => format!("{KEY} names {user} but the token proves {proven}"),
    };
    Err(ApiError::unauthenticated("PERSON_NOT_PROVEN", problem).meta("header", KEY))
}

fn text<'h>(headers: &'h HeaderMap, key: &str) -> Result<Option<&'h str>, ApiError> {
    match headers.get(key) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()).filter(|s| !s.is_empty()))
            .map_err(|_| ApiError::unauthenticated("MALFORMED_METADATA", format!("{key} is not ASCII text"))),
    }
}

fn missing_workload() -> ApiError {
    ApiError::unauthenticated("WORKLOAD_IDENTITY_MISSING", "the mesh named no calling workload: is mesh mTLS STRICT?")
}

fn forged(key: &str) -> ApiError {
    ApiError::unauthenticated(
        "FORWARDED_IDENTITY_REFUSED",
        format!("{key} is written by a mesh proxy this deployment does not run; sent by a client, it is refused"),
    )
    .meta("header", key)
}

/// The bearer token in `authorization`, if any.
fn bearer(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    match text(headers, "authorization")? {
        None => Ok(None),
        Some(value) => match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
                Ok(Some(token.trim()))
            }
            _ => Err(ApiError::unauthenticated("TOKEN_MALFORMED", "authorization must be `Bearer <JWT>`")),
        },
    }
}
