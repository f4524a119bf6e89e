//! What the suite signs, `openssl cms -verify` accepts: a certificate chained to the published
//! root and a detached signature over the content's SHA-256; one changed byte of the content
//! and it refuses. Needs the `openssl` command (`.ci/run` installs it where it is missing).
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use pki::SigningKey;
use pki::certificate::{Request, Subject, issue, root};
use sha2::Digest as _;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.to_utc()).unwrap_or_default()
}

fn openssl_verifies(dir: &std::path::Path, content: &[u8]) -> bool {
    std::fs::write(dir.join("content.txt"), content).unwrap();
    let status = std::process::Command::new("openssl")
        .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
        .arg(dir.join("signature.p7s"))
        .arg("-content")
        .arg(dir.join("content.txt"))
        .arg("-CAfile")
        .arg(dir.join("root.pem"))
        .args(["-out", "/dev/null", "-attime", "1775000000"])
        // a refusal is expected of altered content: its message is not the test's output
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the openssl command");
    status.success()
}

#[test]
fn openssl_cms_verify_accepts_a_detached_signature_and_refuses_altered_content() {
    let ca = pki::key_from_secret(&[7; 32]);
    let request = |subject, key: &SigningKey| Request {
        subject,
        key: *key.verifying_key(),
        serial: vec![0x11, 0x22],
        not_before: at("2026-01-01T00:00:00Z"),
        not_after: at("2027-01-01T00:00:00Z"),
    };
    let root_der = root(&ca, &request(Subject::Authority { name: "TEST CA".into() }, &ca)).unwrap();
    let provider = pki::key_from_secret(&[3; 32]);
    let subject = Subject::Organization { bin: "000740001307".into(), name: "Otbasy bank".into() };
    let leaf = issue(&root_der, &ca, &request(subject, &provider)).unwrap();

    let content = "Шешім / Решение / Decision: registry/applications/42 ENROLLED\n".as_bytes();
    let digest: [u8; 32] = sha2::Sha256::digest(content).into();
    let signed = pki::signed::sign(&provider, &digest, at("2026-04-01T05:00:00Z"), &[&leaf]).unwrap();

    let dir = std::env::temp_dir().join(format!("pki-openssl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("root.pem"), pki::pem("CERTIFICATE", &root_der)).unwrap();
    std::fs::write(dir.join("signature.p7s"), &signed).unwrap();
    assert!(openssl_verifies(&dir, content), "openssl refused a good signature");
    let mut altered = content.to_vec();
    altered[0] ^= 1;
    assert!(!openssl_verifies(&dir, &altered), "openssl accepted altered content");
    std::fs::remove_dir_all(&dir).ok();
}
