//! People proven by signed tokens: a JWT in `authorization: Bearer`, EdDSA or ES256, from an
//! issuer the deployment trusts for the calling subsystem, with keys from the issuer's JWKS
//! file (read again when it changes). Checked: the signature by `kid`, `iss`, `aud` (the service
//! called), `exp` and `nbf` against the injected clock with a small leeway.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::tls::Reloading;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::principal::{Official, OfficialRole, Person, Representative, Subsystem};

/// The most clock skew a token's `exp` and `nbf` are given: [A-TOKEN-LEEWAY].
pub const MAX_LEEWAY: Duration = Duration::from_secs(30);

/// The issuer `suite token` signs as, for development and benchmarks.
pub const DEV_ISSUER: &str = "https://idp.dev.shanyraq.local";

/// The key id of `suite token`'s development key.
pub const DEV_KID: &str = "dev-1";

/// The algorithms accepted: Ed25519 and P-256 (DESIGN.md "Who is calling").
pub const ALGORITHMS: &[Algorithm] = &[Algorithm::EdDSA, Algorithm::ES256];

/// The issuers file (`SHANYRAQ_TOKEN_ISSUERS_FILE`), TOML:
///
/// ```toml
/// [[issuer]]
/// iss = "https://idp.egov.kz"
/// jwks_file = "egov.jwks.json"      # relative to this file
/// subsystems = ["egov-portal", "state-corporation"]
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuersFile {
    #[serde(default)]
    issuer: Vec<IssuerEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerEntry {
    iss: String,
    jwks_file: PathBuf,
    subsystems: Vec<String>,
}

#[derive(Debug)]
struct Issuer {
    iss: String,
    subsystems: Vec<Subsystem>,
    keys: Reloading<JwkSet>,
}

/// Verifies the people's tokens.
#[derive(Debug)]
pub struct TokenVerifier {
    issuers: Vec<Issuer>,
    leeway: Duration,
    clock: Clock,
}

/// The claims read from a token.
#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    act: Option<Actor>,
    #[serde(default)]
    rep_basis: Option<String>,
}

/// RFC 8693's `act`: here, the person a representative acts for.
#[derive(Debug, Deserialize)]
struct Actor {
    sub: String,
}

fn jwks(files: &[PathBuf]) -> Result<JwkSet, String> {
    let [file] = files else { return Err("one JWKS file expected".into()) };
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not a JWKS: {e}", file.display()))
}

impl TokenVerifier {
    /// Reads the issuers file and every JWKS it names; an error names the file and the problem.
    pub fn load(path: &Path, leeway: Duration, clock: Clock) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: IssuersFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut issuers = Vec::new();
        for entry in file.issuer {
            let subsystems = entry
                .subsystems
                .iter()
                .map(|s| match Subsystem::parse(s) {
                    Some(Subsystem::Dev) | None => Err(format!("issuer {}: {s:?} is not a subsystem", entry.iss)),
                    Some(s) => Ok(s),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let keys = Reloading::new(vec![base.join(&entry.jwks_file)], jwks)?;
            issuers.push(Issuer { iss: entry.iss, subsystems, keys });
        }
        Ok(TokenVerifier { issuers, leeway: leeway.min(MAX_LEEWAY), clock })
    }

    /// The person a token proves, for a call to `audience` from `workload`.
    pub fn verify(&self, token: &str, audience: &str, workload: Subsystem) -> Result<Person, ApiError> {
        let unauthenticated = |reason: &str, message: String| ApiError::unauthenticated(reason, message);
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| unauthenticated("TOKEN_MALFORMED", format!("the bearer token cannot be read: {e}")))?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(unauthenticated("TOKEN_ALGORITHM_REFUSED", format!("{:?} is not EdDSA or ES256", header.alg)));
        }
        let kid = header.kid.ok_or_else(|| unauthenticated("TOKEN_KEY_UNKNOWN", "the token names no kid".into()))?;
        #[derive(Deserialize)]
        struct Unverified {
            #[serde(default)]
            iss: Option<String>,
        }
        let claimed: Unverified = jsonwebtoken::dangerous::insecure_decode_claims(token)
            .map_err(|e| unauthenticated("TOKEN_MALFORMED", format!("the token's claims cannot be read: {e}")))?;
        let iss = claimed.iss.unwrap_or_default();
        let issuer = self.issuers.iter().find(|i| i.iss == iss).ok_or_else(|| {
            unauthenticated("TOKEN_ISSUER_UNTRUSTED", format!("the issuer {iss:?} is not trusted here"))
                .meta("iss", &iss)
        })?;
        if !issuer.subsystems.contains(&workload) {
            return Err(ApiError::permission_denied(
                "TOKEN_ISSUER_NOT_FOR_SUBSYSTEM",
                format!("the issuer {iss:?} is not trusted for tokens brought by {workload}"),
            )
            .meta("iss", &iss)
            .meta("subsystem", workload.as_str()));
        }
        let keys = issuer.keys.current();
        let jwk = keys.find(&kid).ok_or_else(|| {
            unauthenticated("TOKEN_KEY_UNKNOWN", format!("the issuer {iss:?} has no key {kid:?}")).meta("kid", &kid)
        })?;
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|e| unauthenticated("TOKEN_KEY_UNKNOWN", format!("the key {kid:?} cannot be used: {e}")))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&issuer.iss]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // exp and nbf are checked below against the injected clock, not the system's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind as K;
                match e.kind() {
                    K::InvalidAudience => {
                        unauthenticated("TOKEN_AUDIENCE_MISMATCH", format!("the token is not for {audience:?}"))
                            .meta("audience", audience)
                    }
                    K::InvalidIssuer => unauthenticated("TOKEN_ISSUER_UNTRUSTED", "the token's issuer changed".into()),
                    K::InvalidSignature | K::InvalidAlgorithm | K::InvalidEcdsaKey | K::InvalidEddsaKey => {
                        unauthenticated(
                            "TOKEN_SIGNATURE_INVALID",
                            format!("the token's signature does not verify with {kid:?}"),
                        )
                    }
                    K::MissingRequiredClaim(claim) => {
                        unauthenticated("TOKEN_CLAIM_MISSING", format!("the token has no {claim:?}"))
                            .meta("claim", claim)
                    }
                    other => unauthenticated("TOKEN_MALFORMED", format!("the token cannot be used: {other:?}")),
                }
            })?
            .claims;
        let now = self.clock.now().timestamp();
        let leeway = i64::try_from(self.leeway.as_secs()).unwrap_or(30);
        if now > claims.exp + leeway {
            return Err(unauthenticated("TOKEN_EXPIRED", format!("the token expired at {}", claims.exp)));
        }
        if let Some(nbf) = claims.nbf
            && now + leeway < nbf
        {
            return Err(unauthenticated("TOKEN_NOT_YET_VALID", format!("the token is valid from {nbf}")));
        }
        person(claims)
    }
}

/// The person of verified claims: an official (`role`, a jurisdiction always), a
/// representative (`act.sub`, the person represented, with `rep_basis`), or a citizen.
fn person(claims: Claims) -> Result<Person, ApiError> {
    let claim = |name: &str, problem: &str| {
        ApiError::unauthenticated("TOKEN_CLAIM_INVALID", format!("the token's {name}: {problem}")).meta("claim", name)
    };
    let iin = |value: &str, name: &str| {
        kz_ids::Iin::parse(value).map(|i| i.to_string()).map_err(|e| claim(name, &format!("not a valid IIN: {e}")))
    };
    if let Some(role) = claims.role {
        let role = OfficialRole::parse(&role).ok_or_else(|| claim("role", &format!("{role:?} is not a role")))?;
        // Every official acts inside a jurisdiction (DESIGN.md "Who is calling").
        let jurisdiction = claims
            .jurisdiction
            .filter(|j| !j.trim().is_empty())
            .ok_or_else(|| claim("jurisdiction", "every official role requires one"))?;
        // `act.sub` on an official's token: the person served (on the line, at the counter).
        let served = claims.act.map(|act| iin(&act.sub, "act.sub")).transpose()?;
        return Ok(Person {
            official: Some(Official { id: claims.sub, role, jurisdiction: Some(jurisdiction) }),
            user_iin: served,
            representative: None,
        });
    }
    let subject = iin(&claims.sub, "sub")?;
    match claims.act {
        None => Ok(Person { official: None, user_iin: Some(subject), representative: None }),
        Some(act) => {
            let represented = iin(&act.sub, "act.sub")?;
            let basis = claims
                .rep_basis
                .filter(|b| !b.trim().is_empty())
                .ok_or_else(|| claim("rep_basis", "a representative acts on a stated basis"))?;
            Ok(Person {
                official: None,
                user_iin: Some(represented),
                representative: Some(Representative { iin: subject, basis }),
            })
        }
    }
}

/// Mints a token (for `suite token` and the tests): EdDSA with the PKCS#8 DER key `key_der`.
pub fn mint(key_der: &[u8], kid: &str, claims: &serde_json::Value) -> Result<String, String> {
    let mut header = jsonwebtoken::Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &jsonwebtoken::EncodingKey::from_ed_der(key_der)).map_err(|e| e.to_string())
}

/// The JWKS of one Ed25519 public key (raw 32 bytes), for an issuer's file.
pub fn ed25519_jwks(kid: &str, public_key: &[u8]) -> serde_json::Value {
    use base64::Engine;
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public_key);
    serde_json::json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": x }] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: serde_json::Value) -> Claims {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_citizen_an_official_and_a_representative_are_read_from_their_claims() {
        let citizen = person(claims(serde_json::json!({"sub": "791028302728", "exp": 1}))).unwrap();
        assert_eq!(citizen.user_iin.as_deref(), Some("791028302728"));
        let official = person(claims(serde_json::json!({
            "sub": "op-7", "exp": 1, "role": "akimat-official", "jurisdiction": "751110000"
        })))
        .unwrap();
        let o = official.official.unwrap();
        assert_eq!((o.role, o.jurisdiction.as_deref()), (OfficialRole::AkimatOfficial, Some("751110000")));
        let rep = person(claims(serde_json::json!({
            "sub": "850215300604", "exp": 1, "act": {"sub": "791028302728"}, "rep_basis": "power of attorney 12"
        })))
        .unwrap();
        assert_eq!(rep.user_iin.as_deref(), Some("791028302728"));
        assert_eq!(rep.representative.unwrap().iin, "850215300604");
    }

    #[test]
    fn every_official_needs_a_jurisdiction_and_a_representative_a_basis() {
        for (json, claim) in [
            (serde_json::json!({"sub": "op-7", "exp": 1, "role": "akimat-official"}), "jurisdiction"),
            (serde_json::json!({"sub": "op-7", "exp": 1, "role": "mayor", "jurisdiction": "1"}), "role"),
            (serde_json::json!({"sub": "850215300604", "exp": 1, "act": {"sub": "791028302728"}}), "rep_basis"),
            (serde_json::json!({"sub": "12345", "exp": 1}), "sub"),
        ] {
            let e = person(claims(json)).unwrap_err();
            assert_eq!(e.reason(), "TOKEN_CLAIM_INVALID");
            assert!(e.to_string().contains(claim), "{e}");
        }
    }
}
