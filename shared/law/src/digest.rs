//! The signing digest of an application (DESIGN.md "Signed applications"): SHA-256 over a
//! canonical encoding of the fields the applicant signs, each written as `name=length:value` on
//! its own line after a version line, in the order the service puts them, so the digest is the
//! same in every process and language. The confirmations themselves are not signed over, nor is
//! the request id.

use sha2::{Digest, Sha256};

/// The canonical encoding, field by field.
#[derive(Debug, Clone)]
pub struct Canonical(String);

impl Canonical {
    /// An encoding opened by its version line, for example
    /// `kz.housing.registry.v1.CreateApplication/1`; a change of the encoding changes it.
    pub fn new(header: &str) -> Self {
        Canonical(format!("{header}\n"))
    }

    /// Adds a field.
    pub fn put(&mut self, name: &str, value: &str) -> &mut Self {
        self.0.push_str(&format!("{name}={}:{value}\n", value.len()));
        self
    }

    /// The lowercase hex SHA-256 of the encoding.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_keep_field_boundaries() {
        let a = Canonical::new("t/1").put("a", "AB").put("b", "C").digest();
        let b = Canonical::new("t/1").put("a", "A").put("b", "BC").digest();
        assert_ne!(a, b);
    }
}
