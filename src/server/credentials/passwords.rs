//! Password hashing: bcrypt over a peppered HMAC, so no password is ever
//! truncated at bcrypt's 72-byte limit.
//!
//! Stored format: `gh1$` followed by a bcrypt hash of
//! `base64(HMAC-SHA256(pepper, NFKC(password)))` (44 ASCII bytes, no NUL).
//! Plain `$2a$`/`$2b$`/`$2y$` hashes (from the Flask demo) still verify and
//! are reported as needing a rehash, as are hashes at an outdated cost.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use base64::{engine::general_purpose::STANDARD, Engine as _};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::auth::validation::nfkc;
use crate::server::credentials::hash_pool::{HashPool, PoolStopped};

/// Tag of the current scheme.
const SCHEME: &str = "gh1$";

/// Why hashing failed (never because the password was wrong).
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error(transparent)]
    Pool(#[from] PoolStopped),
    #[error("bcrypt failed: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    pub matches: bool,
    /// The hash should be replaced (old scheme or cost) now that the password is known.
    pub needs_rehash: bool,
}

/// Hashes and verifies passwords on the [`HashPool`].
#[derive(Clone)]
pub struct Passwords {
    pepper: [u8; 32],
    cost: u32,
    pool: HashPool,
    /// A hash at the current cost, verified when the account does not exist
    /// so that an unknown email costs the same as a wrong password.
    dummy: String,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    hashes: AtomicU64,
    verifications: AtomicU64,
}

/// How many bcrypt operations this hasher has run (for tests and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCounts {
    pub hashes: u64,
    pub verifications: u64,
}

impl Passwords {
    /// Prepares the hasher; computes the dummy hash at the configured cost.
    pub async fn new(pepper: [u8; 32], cost: u32, pool: HashPool) -> Result<Passwords, HashError> {
        let mut passwords = Passwords {
            pepper,
            cost,
            pool,
            dummy: String::new(),
            counts: Arc::default(),
        };
        passwords.dummy = passwords.hash("gatehouse timing equaliser".into()).await?;
        Ok(passwords)
    }

    /// bcrypt operations run so far.
    pub fn counts(&self) -> HashCounts {
        HashCounts {
            hashes: self.counts.hashes.load(Ordering::Relaxed),
            verifications: self.counts.verifications.load(Ordering::Relaxed),
        }
    }

    /// The configured bcrypt cost.
    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Hashes a new password with the current scheme and cost.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let prehashed = prehash(&self.pepper, &password);
        let cost = self.cost;
        self.counts.hashes.fetch_add(1, Ordering::Relaxed);
        let hashed = self
            .pool
            .run(move || bcrypt::non_truncating_hash(prehashed, cost))
            .await??;
        Ok(format!("{SCHEME}{hashed}"))
    }

    /// Checks `password` against `stored`; with `None` it checks the dummy
    /// hash and reports no match, at the same cost.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<Verification, HashError> {
        let account_exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy.clone());
        let pepper = self.pepper;
        let cost = self.cost;
        self.counts.verifications.fetch_add(1, Ordering::Relaxed);
        let verification = self
            .pool
            .run(move || check(&pepper, cost, &password, &stored))
            .await?;
        Ok(Verification {
            matches: verification.matches && account_exists,
            ..verification
        })
    }
}

/// Times password verification at `cost` on this machine (median of 9, one
/// thread) and prints it with the throughput limit it implies for all cores.
pub async fn measure_cli(cost: Option<&str>) -> std::process::ExitCode {
    let cost = match cost.map(str::parse::<u32>) {
        None => 12,
        Some(Ok(cost)) if (4..=31).contains(&cost) => cost,
        Some(_) => {
            eprintln!("usage: gatehouse measure-bcrypt [COST 4..31]");
            return std::process::ExitCode::from(2);
        }
    };
    let run = async {
        let passwords = Passwords::new([7; 32], cost, HashPool::new(1)).await?;
        let stored = passwords.hash("measure me please".into()).await?;
        let mut times = Vec::new();
        for _ in 0..9 {
            let start = std::time::Instant::now();
            passwords
                .verify("measure me please".into(), Some(stored.clone()))
                .await?;
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        Ok::<f64, HashError>(times[times.len() / 2])
    };
    match run.await {
        Ok(seconds) => {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            println!(
                "{{\"cost\": {cost}, \"verify_seconds\": {seconds:.6}, \"cores\": {cores}, \"bound_per_second\": {:.2}}}",
                cores as f64 / seconds
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("measure-bcrypt failed: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

fn prehash(pepper: &[u8; 32], password: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(pepper)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(nfkc(password).as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn check(pepper: &[u8; 32], cost: u32, password: &str, stored: &str) -> Verification {
    let (matches, current_scheme, stored_hash) =
        if let Some(bcrypt_hash) = stored.strip_prefix(SCHEME) {
            let matches = bcrypt::non_truncating_verify(prehash(pepper, password), bcrypt_hash);
            (matches, true, bcrypt_hash)
        } else {
            // Legacy plain bcrypt of the raw password. Over 72 bytes it can never
            // have been stored, so the error (no match) is the right answer.
            (
                bcrypt::non_truncating_verify(password, stored),
                false,
                stored,
            )
        };
    let matches = matches.unwrap_or_else(|e| {
        if !matches!(e, bcrypt::BcryptError::Truncation(_)) {
            tracing::error!(error = %e, "stored password hash could not be checked");
        }
        false
    });
    Verification {
        matches,
        needs_rehash: !current_scheme || bcrypt_cost(stored_hash) != Some(cost),
    }
}

/// The cost field of a `$2x$NN$...` hash.
fn bcrypt_cost(hash: &str) -> Option<u32> {
    hash.split('$').nth(2)?.parse().ok()
}

impl From<HashError> for crate::server::error::ServerError {
    fn from(error: HashError) -> Self {
        crate::server::error::ServerError::internal("password hashing", error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn passwords() -> Passwords {
        Passwords::new([7; 32], 4, HashPool::new(1)).await.unwrap()
    }

    #[tokio::test]
    async fn long_passwords_are_not_truncated() {
        let p = passwords().await;
        let long = "a".repeat(100);
        let stored = p.hash(long.clone()).await.unwrap();
        let same_prefix = format!("{}{}", "a".repeat(72), "b".repeat(28));
        assert!(p.verify(long, Some(stored.clone())).await.unwrap().matches);
        assert!(!p.verify(same_prefix, Some(stored)).await.unwrap().matches);
    }

    #[tokio::test]
    async fn legacy_bcrypt_verifies_and_asks_for_an_upgrade() {
        let p = passwords().await;
        let legacy = bcrypt::hash("flask password", 4).unwrap();
        let v = p
            .verify("flask password".into(), Some(legacy))
            .await
            .unwrap();
        assert!(v.matches && v.needs_rehash);
    }

    #[tokio::test]
    async fn an_outdated_cost_asks_for_a_rehash() {
        let old = Passwords::new([7; 32], 5, HashPool::new(1)).await.unwrap();
        let stored = old.hash("pw".into()).await.unwrap();
        let v = passwords()
            .await
            .verify("pw".into(), Some(stored))
            .await
            .unwrap();
        assert!(v.matches && v.needs_rehash);
    }

    #[tokio::test]
    async fn a_missing_account_never_matches() {
        let p = passwords().await;
        let v = p
            .verify("gatehouse timing equaliser".into(), None)
            .await
            .unwrap();
        assert!(!v.matches);
    }

    #[test]
    fn normalisation_makes_equivalent_input_equal() {
        // "Å" as one code point and as A + combining ring.
        assert_eq!(
            prehash(&[1; 32], "\u{00C5}"),
            prehash(&[1; 32], "A\u{030A}")
        );
    }
}
