//! Calling a suite that proves its callers: mutual TLS channels presenting a certificate of
//! `suite certs`, and people's tokens minted with the key of `suite token init`.

use std::path::Path;

use clients::ChannelPool;
use platform::identity::{tls, token};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

/// `count` TLS channels to `target` presenting `<name>.pem` of `dir`.
pub fn pool(target: &str, dir: &Path, name: &str, count: usize) -> Result<ChannelPool, String> {
    let client = tls::client_from_files(
        &dir.join("ca.pem"),
        &dir.join(format!("{name}.pem")),
        &dir.join(format!("{name}.key")),
    )?;
    let channels = (0..count.max(1)).map(|_| tls::channel(target, client.clone())).collect::<Result<Vec<_>, _>>()?;
    Ok(ChannelPool::from_channels(channels))
}

/// Mints the development issuer's tokens.
#[derive(Debug)]
pub struct Minter {
    key_der: Vec<u8>,
}

impl Minter {
    /// The signing key of a `suite token init` folder.
    pub fn open(dir: &Path) -> Result<Minter, String> {
        let file = dir.join("token-signing.key");
        let key = PrivateKeyDer::from_pem_file(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        Ok(Minter { key_der: key.secret_der().to_vec() })
    }

    /// `Bearer <token>` for the citizen `iin` calling `audience`, valid for a day from `now`
    /// (Unix seconds: the suite's clock, which the preparation sets).
    pub fn bearer(&self, iin: &str, audience: &str, now: i64) -> Result<String, String> {
        let claims = serde_json::json!({
            "iss": token::DEV_ISSUER, "aud": audience, "sub": iin,
            "nbf": now - 60, "iat": now - 60, "exp": now + 86_400,
        });
        token::mint(&self.key_der, token::DEV_KID, &claims).map(|t| format!("Bearer {t}"))
    }
}
