//! How session ids become the keys the store files them under, and back
//! from the hex text SQLite holds.

use sha2::{Digest, Sha256};
use tower_sessions::session::Id;

/// The key a session is stored under.
pub type Key = [u8; 32];

/// The key under which a session id is stored: SHA-256, so the table holds no
/// usable cookie values.
pub fn key_of(id: &Id) -> Key {
    Sha256::digest(id.0.to_le_bytes()).into()
}

/// A key as the table's `id_hash` column holds it.
pub fn hex(key: &Key) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key an `id_hash` column names, if it names one.
pub fn parse_hex(text: &str) -> Option<Key> {
    if text.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(key)
}

/// A short, non-secret reference to a session for logs and the security log:
/// the first 8 hex digits of its stored key (itself a hash of the id).
pub fn short_ref(id: &Id) -> String {
    hex(&key_of(id))[..8].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_key_reads_back_from_its_hex() {
        let key = key_of(&Id::default());
        assert_eq!(parse_hex(&hex(&key)), Some(key));
    }

    #[test]
    fn text_that_is_not_64_hex_digits_names_no_key() {
        for text in ["", "zz", &"f".repeat(63), &"g".repeat(64), &"é".repeat(32)] {
            assert_eq!(parse_hex(text), None, "{text}");
        }
    }

    #[test]
    fn a_short_ref_is_the_start_of_the_stored_key() {
        let id = Id::default();
        assert_eq!(short_ref(&id), hex(&key_of(&id))[..8]);
    }
}
