//! Per-account login throttling: a few failures are free, then each attempt
//! waits twice as long as the last (1 s, 2 s, 4 s ... up to 15 minutes), and
//! after 100 consecutive failures the account accepts no login until its
//! password is reset. Counted across all clients, cleared by a success.
//!
//! Keyed by a hash of the canonical email whether or not an account uses it,
//! so a throttled unknown address and a throttled account look the same. The
//! attempt is counted *before* the password is checked, in one atomic
//! update, so parallel attempts cannot slip through between check and count;
//! and a throttled attempt costs no bcrypt work at all.

use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::server::platform::core::Core;
use crate::server::platform::db;

/// Whether a login attempt may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Try again in this many seconds.
    Wait(u64),
    /// Too many failures: only a password reset unlocks it.
    Locked,
}

impl Gate {
    /// The error a closed gate answers with.
    pub fn refusal(self) -> AppError {
        match self {
            Gate::Wait(retry_after_secs) => AppError::LoginThrottled { retry_after_secs },
            Gate::Locked | Gate::Open => AppError::LoginLocked,
        }
    }
}

fn key(email: &str) -> String {
    Sha256::digest(email.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Counts an attempt for `email` (canonical) if one is allowed now.
pub async fn admit(state: &Core, email: &str) -> Result<Gate, sqlx::Error> {
    let settings = &state.settings;
    let now = state.clock.unix();
    let key = key(email);
    let mut tx = db::write_tx(&state.pool).await?;
    sqlx::query(
        "INSERT INTO login_throttle (address_hash, failures, next_allowed_at) VALUES (?, 0, 0) \
         ON CONFLICT (address_hash) DO NOTHING",
    )
    .bind(&key)
    .execute(&mut *tx)
    .await?;
    // The delay after the n-th failure: none while n <= free, then
    // 2^(n - free - 1) seconds, capped.
    let admitted: Option<i64> = sqlx::query_scalar(
        "UPDATE login_throttle SET failures = failures + 1, next_allowed_at = ?1 + CASE \
           WHEN failures + 1 <= ?2 THEN 0 \
           ELSE MIN(?3, 1 << MIN(failures - ?2, 40)) END \
         WHERE address_hash = ?4 AND next_allowed_at <= ?1 AND failures < ?5 RETURNING failures",
    )
    .bind(now)
    .bind(settings.throttles.login_free_failures)
    .bind(settings.throttles.login_max_delay_secs)
    .bind(&key)
    .bind(settings.throttles.login_lockout_failures)
    .fetch_optional(&mut *tx)
    .await?;
    let gate = match admitted {
        Some(_) => Gate::Open,
        None => {
            let (failures, next_allowed_at): (i64, i64) = sqlx::query_as(
                "SELECT failures, next_allowed_at FROM login_throttle WHERE address_hash = ?",
            )
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
            if failures >= settings.throttles.login_lockout_failures {
                Gate::Locked
            } else {
                Gate::Wait((next_allowed_at - now).max(1) as u64)
            }
        }
    };
    tx.commit().await?;
    Ok(gate)
}

/// A correct password: the count starts again.
pub async fn clear(state: &Core, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE address_hash = ?")
        .bind(key(email))
        .execute(&state.pool)
        .await?;
    Ok(())
}
