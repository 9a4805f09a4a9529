//! A session as the store's cache holds it: its data, the facts expiry needs
//! already read out of it, and its "last seen" time, which reaches SQLite at
//! most once per [`TOUCH_INTERVAL_SECS`].

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
};

use serde_json::Value;
use sqlx::SqlitePool;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};

use super::{
    codec::{hex, Key},
    meta::auth_meta,
    policy::SessionPolicy,
};

/// How often (at most) a session's "last seen" time is written to SQLite.
pub const TOUCH_INTERVAL_SECS: i64 = 60;

/// A session in the cache.
#[derive(Debug)]
pub struct Cached {
    /// The session's data, as tower-sessions gave it.
    pub data: HashMap<String, Value>,
    /// Who is signed in, if anyone.
    pub user_id: Option<i64>,
    /// Whether "remember me" was ticked.
    pub remembered: bool,
    /// When the user signed in (or the session began, if nobody did).
    pub started_at: i64,
    /// Its latest request, ahead of SQLite by up to a touch interval.
    pub last_seen: AtomicI64,
    persisted_last_seen: AtomicI64,
}

impl Cached {
    /// An entry for `data`, last seen (and last written) at `now`.
    pub fn new(data: HashMap<String, Value>, started_at: i64, now: i64) -> Arc<Cached> {
        let meta = auth_meta(&data);
        Arc::new(Cached {
            user_id: meta.as_ref().map(|m| m.user_id),
            remembered: meta.as_ref().is_some_and(|m| m.remember),
            started_at: meta.as_ref().map_or(started_at, |m| m.authenticated_at),
            data,
            last_seen: AtomicI64::new(now),
            persisted_last_seen: AtomicI64::new(now),
        })
    }

    /// When this session ends, as of its latest request.
    pub fn expires_at(&self, policy: SessionPolicy) -> i64 {
        policy.expiry(
            self.remembered,
            self.started_at,
            self.last_seen.load(Ordering::Acquire),
        )
    }

    /// The record tower-sessions gets back for this entry under `id`.
    pub fn record(&self, id: Id, policy: SessionPolicy) -> Record {
        let expires = self.expires_at(policy);
        Record {
            id,
            data: self.data.clone(),
            expiry_date: OffsetDateTime::from_unix_timestamp(expires)
                .unwrap_or_else(|_| OffsetDateTime::now_utc()),
        }
    }

    /// Notes a request at `now`, and persists "last seen" once per interval,
    /// off the request's path.
    pub fn touch(&self, key: Key, now: i64, pool: &SqlitePool, policy: SessionPolicy) {
        self.last_seen.store(now, Ordering::Release);
        let persisted = self.persisted_last_seen.load(Ordering::Acquire);
        if now - persisted < TOUCH_INTERVAL_SECS
            || self
                .persisted_last_seen
                .compare_exchange(persisted, now, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return;
        }
        let pool = pool.clone();
        let expires_at = self.expires_at(policy);
        tokio::spawn(async move {
            // An UPDATE of a row deleted meanwhile changes nothing, as it should.
            let result = sqlx::query(
                "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?",
            )
            .bind(now)
            .bind(expires_at)
            .bind(hex(&key))
            .execute(&pool)
            .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "could not record session activity");
            }
        });
    }
}
