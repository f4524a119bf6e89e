//! `suite token`: a development token issuer (README "Security"). `init` makes an Ed25519
//! signing key, its JWKS and an issuers file trusting it for the portals; `mint` signs a token
//! for one person and one service.

use std::path::Path;

use rcgen::{KeyPair, PKCS_ED25519};

pub use platform::identity::token::{DEV_ISSUER, DEV_KID};

/// The subsystems the development issuer is trusted for by default.
pub const DEV_TRUSTED: &[&str] = &["egov-portal", "otbasy-portal", "state-corporation", "contact-centre"];

/// Writes `token-signing.key` (PKCS#8), `dev.jwks.json` and `issuers.toml` into `dir`.
pub fn init(dir: &Path, iss: &str, kid: &str, subsystems: &[String]) -> Result<(), String> {
    let key = KeyPair::generate_for(&PKCS_ED25519).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let jwks = platform::identity::token::ed25519_jwks(kid, key.public_key_raw());
    let issuers = format!(
        "# Written by `suite token init`: the development issuer, trusted for these subsystems.\n\
         [[issuer]]\niss = {iss:?}\njwks_file = \"dev.jwks.json\"\nsubsystems = [{}]\n",
        subsystems.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
    );
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"));
    write("token-signing.key", &key.serialize_pem())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir.join("token-signing.key"), std::fs::Permissions::from_mode(0o600));
    }
    write("dev.jwks.json", &jwks.to_string())?;
    write("issuers.toml", &issuers)?;
    Ok(())
}

/// Who a token is for.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    /// The issuer.
    pub iss: String,
    /// The service called: `registry`, `privatization`, `rent-subsidy`, `complaints`, `gateway`.
    pub aud: String,
    /// The person's IIN (an official's id for officials).
    pub sub: String,
    /// The official's role.
    pub role: Option<String>,
    /// The official's jurisdiction.
    pub jurisdiction: Option<String>,
    /// The represented person's IIN, for a representative.
    pub act: Option<String>,
    /// The representative's basis.
    pub rep_basis: Option<String>,
    /// Valid from (Unix seconds).
    pub nbf: i64,
    /// Valid until (Unix seconds).
    pub exp: i64,
}

impl Claims {
    /// The claims as JSON.
    pub fn json(&self) -> serde_json::Value {
        let mut claims = serde_json::json!({
            "iss": self.iss, "aud": self.aud, "sub": self.sub, "nbf": self.nbf, "exp": self.exp,
            "iat": self.nbf, "jti": uuid::Uuid::new_v4().to_string(),
        });
        let map = claims.as_object_mut().expect("an object");
        if let Some(role) = &self.role {
            map.insert("role".into(), role.clone().into());
        }
        if let Some(j) = &self.jurisdiction {
            map.insert("jurisdiction".into(), j.clone().into());
        }
        if let Some(act) = &self.act {
            map.insert("act".into(), serde_json::json!({ "sub": act }));
        }
        if let Some(basis) = &self.rep_basis {
            map.insert("rep_basis".into(), basis.clone().into());
        }
        claims
    }
}

/// Signs `claims` with the PKCS#8 PEM key in `key_file`.
pub fn mint(key_file: &Path, kid: &str, claims: &Claims) -> Result<String, String> {
    let pem = std::fs::read_to_string(key_file).map_err(|e| format!("{}: {e}", key_file.display()))?;
    let key = KeyPair::from_pem(&pem).map_err(|e| format!("{}: {e}", key_file.display()))?;
    platform::identity::token::mint(&key.serialize_der(), kid, &claims.json())
}
