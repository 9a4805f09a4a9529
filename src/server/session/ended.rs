//! Tombstones: why a signed-in session ended, kept for a while so the next
//! request from its browser can be told ("You were signed out from another
//! device") rather than just finding itself signed out.

use sqlx::{SqliteConnection, SqlitePool};

/// How long the reason a session ended is kept for its browser to read.
const TOMBSTONE_RETENTION_SECS: i64 = 7 * 24 * 3600;

/// Why a session that a browser still holds a cookie for is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// It timed out.
    Expired,
    /// The password changed (or was reset) elsewhere.
    PasswordChanged,
    /// The account is gone.
    AccountDeleted,
    /// Signed out from another device.
    Revoked,
}

impl EndReason {
    const ALL: [EndReason; 4] = [
        EndReason::Expired,
        EndReason::PasswordChanged,
        EndReason::AccountDeleted,
        EndReason::Revoked,
    ];

    fn as_str(self) -> &'static str {
        match self {
            EndReason::Expired => "expired",
            EndReason::PasswordChanged => "password_changed",
            EndReason::AccountDeleted => "account_deleted",
            EndReason::Revoked => "revoked",
        }
    }

    fn parse(value: &str) -> Option<EndReason> {
        EndReason::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// A signed-in session that ended without its browser being told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndedSession {
    /// Why it ended.
    pub reason: EndReason,
    /// Whose it was.
    pub user_id: Option<i64>,
}

/// Records why the session stored under `id_hash` ended, for its browser to
/// be told on its next request (see [`take`]).
pub async fn record_end(
    conn: &mut SqliteConnection,
    id_hash: &str,
    user_id: i64,
    reason: EndReason,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO session_ends (id_hash, user_id, reason, ended_at) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(reason.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a tombstone for every signed-in session stored as expiring by
/// `cutoff`, before they are deleted.
pub async fn record_expired(
    conn: &mut SqliteConnection,
    cutoff: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO session_ends (id_hash, user_id, reason, ended_at) \
         SELECT id_hash, user_id, 'expired', ? FROM sessions \
         WHERE expires_at <= ? AND user_id IS NOT NULL",
    )
    .bind(now)
    .bind(cutoff)
    .execute(conn)
    .await?;
    Ok(())
}

/// Why the session stored under `id_hash` ended, if it ended recently. The
/// tombstone goes with the reading: a cookie replayed after that is just
/// unknown.
pub async fn take(pool: &SqlitePool, id_hash: &str) -> Option<EndedSession> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("DELETE FROM session_ends WHERE id_hash = ? RETURNING reason, user_id")
            .bind(id_hash)
            .fetch_optional(pool)
            .await
            .ok()
            .flatten();
    let (reason, user_id) = row?;
    Some(EndedSession {
        reason: EndReason::parse(&reason)?,
        user_id,
    })
}

/// Drops tombstones older than their retention: a browser away that long
/// needs no explanation.
pub async fn forget_old(conn: &mut SqliteConnection, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM session_ends WHERE ended_at <= ?")
        .bind(now - TOMBSTONE_RETENTION_SECS)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::session::test_db::memory_pool;

    #[test]
    fn every_reason_reads_back_from_what_is_stored() {
        for reason in EndReason::ALL {
            assert_eq!(EndReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(EndReason::parse("bored"), None);
    }

    #[tokio::test]
    async fn a_tombstone_is_told_once() {
        let pool = memory_pool().await;
        let mut conn = pool.acquire().await.unwrap();
        record_end(&mut conn, "abc", 3, EndReason::PasswordChanged, 100)
            .await
            .unwrap();
        drop(conn);
        let told = EndedSession {
            reason: EndReason::PasswordChanged,
            user_id: Some(3),
        };
        assert_eq!(take(&pool, "abc").await, Some(told));
        assert_eq!(take(&pool, "abc").await, None);
    }

    #[tokio::test]
    async fn a_tombstone_is_kept_for_its_retention_and_no_longer() {
        let pool = memory_pool().await;
        let mut conn = pool.acquire().await.unwrap();
        record_end(&mut conn, "old", 3, EndReason::Revoked, 100)
            .await
            .unwrap();
        forget_old(&mut conn, 100 + TOMBSTONE_RETENTION_SECS - 1)
            .await
            .unwrap();
        drop(conn);
        assert!(take(&pool, "old").await.is_some());

        let mut conn = pool.acquire().await.unwrap();
        record_end(&mut conn, "old", 3, EndReason::Revoked, 100)
            .await
            .unwrap();
        forget_old(&mut conn, 100 + TOMBSTONE_RETENTION_SECS)
            .await
            .unwrap();
        drop(conn);
        assert_eq!(take(&pool, "old").await, None);
    }
}
