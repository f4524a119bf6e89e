//! Resource names that tell nothing (OWASP API1): with a deployment's key
//! (`SHANYRAQ_NAME_KEY`), a record's number is shown as an opaque 16-hex-digit token, a keyed
//! permutation of the number, so a name neither counts how many cases there are nor leads to
//! the next one. Names handed out before (`registry/applications/7`) keep resolving; without a
//! key (the dev profile's walkthroughs) names stay numbers.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

static KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// The shortest key accepted.
pub const MIN_KEY_LEN: usize = 16;

/// Sets the process's key (once; a later call with another key is ignored and answers false).
pub fn install(key: &str) -> bool {
    let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
    KEY.get_or_init(|| digest) == &digest
}

/// The name of record `id` in `collection` (`registry/applications`).
pub fn name(collection: &str, id: i64) -> String {
    match KEY.get() {
        Some(key) => format!("{collection}/{:016x}", permute(key, collection, id as u64, true)),
        None => format!("{collection}/{id}"),
    }
}

/// The record a name's last segment (after `collection/`) stands for: an opaque token of this
/// deployment's key, or a number handed out before.
pub fn id_of(segment: &str, collection: &str) -> Option<i64> {
    let id = match (KEY.get(), segment.len()) {
        (Some(key), 16) if segment.bytes().all(|b| b.is_ascii_hexdigit()) => {
            let token = u64::from_str_radix(segment, 16).ok()?;
            i64::try_from(permute(key, collection, token, false)).ok()?
        }
        _ if segment.len() < 16 => segment.parse::<i64>().ok()?,
        _ => return None,
    };
    (id > 0).then_some(id)
}

/// A four-round Feistel network over the 64 bits, its round function SHA-256 of the key, the
/// collection, the round and the half: a keyed permutation, reversible only with the key.
fn permute(key: &[u8; 32], collection: &str, value: u64, forward: bool) -> u64 {
    let round = |i: u8, half: u32| -> u32 {
        let mut h = Sha256::new();
        h.update(key);
        h.update(collection.as_bytes());
        h.update([i]);
        h.update(half.to_be_bytes());
        let out = h.finalize();
        u32::from_be_bytes([out[0], out[1], out[2], out[3]])
    };
    let (mut left, mut right) = ((value >> 32) as u32, value as u32);
    if forward {
        for i in 0..4 {
            (left, right) = (right, left ^ round(i, right));
        }
    } else {
        for i in (0..4).rev() {
            (left, right) = (right ^ round(i, left), left);
        }
    }
    (u64::from(left) << 32) | u64::from(right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyed_name_is_opaque_and_resolves_as_the_number_did() {
        let key: [u8; 32] = Sha256::digest(b"a test key of some length").into();
        let tokens: Vec<u64> = (1..=5).map(|id| permute(&key, "registry/applications", id, true)).collect();
        for (id, token) in (1..=5).zip(&tokens) {
            assert_eq!(permute(&key, "registry/applications", *token, false), id);
        }
        // Neighbouring numbers give unrelated tokens, and another collection others again.
        assert!(tokens.windows(2).all(|w| w[0].abs_diff(w[1]) > 1 << 20), "{tokens:x?}");
        assert_ne!(permute(&key, "privatization/applications", 1, true), tokens[0]);
    }

    #[test]
    fn numbers_handed_out_before_keep_resolving() {
        assert_eq!(id_of("7", "registry/applications"), Some(7));
        assert_eq!(id_of("0", "registry/applications"), None);
        assert_eq!(id_of("x7", "registry/applications"), None);
    }
}
