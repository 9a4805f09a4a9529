//! The two-tier session store behind tower-sessions: signed-in sessions in
//! SQLite with an in-memory cache in front, anonymous ones in memory only
//! and bounded.
//!
//! Expiry (see `policy`) is enforced here on every load. Reads are served
//! from the cache, and "last seen" is kept in memory and written to SQLite
//! at most once a minute, so a signed-in page view costs no database round
//! trip.
//!
//! The cache never serves a session that has ended: every create, save,
//! delete and expiry goes through this store, and the writes that touch both
//! SQLite and the cache hold one lock, so a reader can never put back what a
//! writer just removed. That holds within one server process, which is the
//! deployment this SQLite-backed app supports.

use std::{
    collections::HashMap,
    sync::{atomic::Ordering, Arc},
};

use async_trait::async_trait;
use serde_json::Value;
use sqlx::SqlitePool;
use tokio::sync::Mutex;
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, Error as StoreError},
};

use super::{
    cached::Cached,
    codec::{hex, key_of, parse_hex, Key},
    ended::{self, record_end},
    meta::meta_in,
    renewal::Renewals,
};
use crate::server::platform::{clock::Clock, db};

// Other code names the session API through this module.
pub use super::{
    codec::short_ref,
    ended::{EndReason, EndedSession},
    meta::{auth_meta, handle_of, AuthMeta, AUTH_META_KEY},
    policy::SessionPolicy,
};

/// How many anonymous sessions are kept (in memory only; see `create`).
const ANONYMOUS_CAPACITY: usize = 100_000;

/// The SQLite-backed, cached session store.
#[derive(Clone)]
pub struct SessionStore {
    pub(super) inner: Arc<Inner>,
}

/// What every clone of a store shares.
pub(super) struct Inner {
    pub(super) pool: SqlitePool,
    pub(super) cache: quick_cache::sync::Cache<Key, Arc<Cached>>,
    /// Sessions nobody is signed in to (they hold a CSRF token, a notice or a
    /// reset in progress): in memory only, the least used dropped when full.
    pub(super) anonymous: quick_cache::sync::Cache<Key, Arc<Cached>>,
    pub(super) policy: SessionPolicy,
    pub(super) clock: Clock,
    /// Held by everything that changes SQLite and the cache together; it
    /// guards what is known of renewals in progress.
    pub(super) write_lock: Mutex<Renewals>,
}

impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore")
            .field("policy", &self.inner.policy)
            .finish_non_exhaustive()
    }
}

fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Where a sign-in came from, kept in columns of its own for the devices
/// page.
struct Device {
    client: Option<String>,
    user_agent: Option<String>,
}

impl Device {
    fn of(data: &HashMap<String, Value>) -> Device {
        let meta = auth_meta(data);
        Device {
            client: meta.as_ref().and_then(|m| m.client.clone()),
            user_agent: meta.and_then(|m| m.user_agent),
        }
    }
}

impl SessionStore {
    /// A store over `pool` that ends sessions as `policy` says.
    pub fn new(pool: SqlitePool, policy: SessionPolicy, clock: Clock) -> SessionStore {
        SessionStore {
            inner: Arc::new(Inner {
                pool,
                cache: quick_cache::sync::Cache::new(200_000),
                anonymous: quick_cache::sync::Cache::new(ANONYMOUS_CAPACITY),
                policy,
                clock,
                write_lock: Mutex::new(Renewals::default()),
            }),
        }
    }

    /// How many anonymous sessions are held in memory.
    pub fn anonymous_count(&self) -> usize {
        self.inner.anonymous.len()
    }

    /// Whether a session with this id is stored.
    pub async fn exists(&self, id: &Id) -> Result<bool, sqlx::Error> {
        let key = key_of(id);
        if self.inner.cache.get(&key).is_some() {
            return Ok(true);
        }
        let row: Option<i64> = sqlx::query_scalar("SELECT 1 FROM sessions WHERE id_hash = ?")
            .bind(hex(&key))
            .fetch_optional(&self.inner.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Why the session behind this cookie value ended, if it ended recently.
    /// Told once: a cookie replayed after that is just unknown.
    pub async fn ended(&self, cookie_value: &str) -> Option<EndedSession> {
        let id: Id = cookie_value.parse().ok()?;
        ended::take(&self.inner.pool, &hex(&key_of(&id))).await
    }

    /// This sign-in was ended on its own browser (logout, or a sign-in to
    /// another account there): a renewal of it still in flight in another tab
    /// must not bring it back.
    pub async fn end_sign_in(&self, meta: &AuthMeta) {
        let now = self.inner.clock.unix();
        self.inner.write_lock.lock().await.ended(meta, None, now);
    }

    /// Drops every cached session of `user_id` (after their rows went with
    /// the account).
    pub fn forget_user(&self, user_id: i64) {
        self.inner
            .cache
            .retain(|_, cached| cached.user_id != Some(user_id));
    }

    /// Drops ended sessions from the cache.
    pub(super) fn forget<'a>(&self, id_hashes: impl Iterator<Item = &'a String>) {
        for key in id_hashes.filter_map(|h| parse_hex(h)) {
            self.inner.cache.remove(&key);
        }
    }

    async fn leave_tombstone(
        &self,
        id: &Id,
        user_id: i64,
        reason: EndReason,
        now: i64,
    ) -> session_store::Result<()> {
        let mut conn = self.inner.pool.acquire().await.map_err(backend)?;
        record_end(&mut conn, &hex(&key_of(id)), user_id, reason, now)
            .await
            .map_err(backend)
    }

    async fn load_from_database(&self, key: Key) -> Result<Option<Arc<Cached>>, StoreError> {
        let _guard = self.inner.write_lock.lock().await;
        if let Some(cached) = self.inner.cache.get(&key) {
            return Ok(Some(cached));
        }
        let row: Option<(Vec<u8>, i64, i64, i64)> = sqlx::query_as(
            "SELECT data, started_at, last_seen_at, expires_at FROM sessions WHERE id_hash = ?",
        )
        .bind(hex(&key))
        .fetch_optional(&self.inner.pool)
        .await
        .map_err(backend)?;
        let Some((blob, started_at, last_seen, _)) = row else {
            return Ok(None);
        };
        let data: HashMap<String, Value> =
            serde_json::from_slice(&blob).map_err(|e| StoreError::Decode(e.to_string()))?;
        let cached = Cached::new(data, started_at, last_seen);
        self.inner.cache.insert(key, Arc::clone(&cached));
        Ok(Some(cached))
    }

    async fn expire(&self, key: Key, cached: &Cached) -> Result<(), StoreError> {
        let _guard = self.inner.write_lock.lock().await;
        self.inner.cache.remove(&key);
        let id_hash = hex(&key);
        let mut tx = db::write_tx(&self.inner.pool).await.map_err(backend)?;
        if let Some(user_id) = cached.user_id {
            let now = self.inner.clock.unix();
            record_end(&mut tx, &id_hash, user_id, EndReason::Expired, now)
                .await
                .map_err(backend)?;
        }
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(&id_hash)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}

#[async_trait]
impl session_store::SessionStore for SessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let now = self.inner.clock.unix();
        if auth_meta(&record.data).is_none() {
            // Anonymous sessions never touch SQLite: a visitor (or a flood of
            // cookie-less requests from many addresses) costs no disk, and a
            // full cache drops the least used, whose next form post is told
            // the form expired.
            while self.inner.anonymous.get(&key_of(&record.id)).is_some() {
                record.id = Id::default(); // id collision: draw another
            }
            let cached = Cached::new(record.data.clone(), now, now);
            self.inner.anonymous.insert(key_of(&record.id), cached);
            return Ok(());
        }
        let blob =
            serde_json::to_vec(&record.data).map_err(|e| StoreError::Encode(e.to_string()))?;
        let mut renewals = self.inner.write_lock.lock().await;
        if let Some(meta) = auth_meta(&record.data) {
            if let Some(reason) = renewals.ended_reason(&meta) {
                // Its browser gets a cookie naming no session (and is told why
                // if it was ended elsewhere).
                tracing::info!("a session ended while renewing its id; not renewed");
                return match reason {
                    Some(reason) => {
                        self.leave_tombstone(&record.id, meta.user_id, reason, now)
                            .await
                    }
                    None => Ok(()),
                };
            }
            renewals.created(&meta);
        }
        loop {
            let key = key_of(&record.id);
            let cached = Cached::new(record.data.clone(), now, now);
            let device = Device::of(&record.data);
            let result = sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, data, started_at, last_seen_at, expires_at, \
                 client, user_agent, remembered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(hex(&key))
            .bind(cached.user_id)
            .bind(&blob)
            .bind(cached.started_at)
            .bind(now)
            .bind(cached.expires_at(self.inner.policy))
            .bind(device.client)
            .bind(device.user_agent)
            .bind(cached.remembered)
            .execute(&self.inner.pool)
            .await;
            match result {
                Ok(_) => {
                    self.inner.cache.insert(key, cached);
                    return Ok(());
                }
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    record.id = Id::default(); // id collision: draw another
                }
                Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
                    // The account was deleted while this request renewed the
                    // session's id: it stays ended (the cookie names nothing).
                    tracing::info!("a session's account was deleted while renewing its id");
                    return Ok(());
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let now = self.inner.clock.unix();
        let key = key_of(&record.id);
        let blob =
            serde_json::to_vec(&record.data).map_err(|e| StoreError::Encode(e.to_string()))?;
        if let Some(old) = self.inner.anonymous.get(&key) {
            if auth_meta(&record.data).is_none() {
                let cached = Cached::new(record.data.clone(), old.started_at, now);
                // Only over the entry still there: one removed meanwhile
                // (renewed, expired) stays gone.
                let _ = self.inner.anonymous.replace(key, cached, false);
                return Ok(());
            }
            // Signing in always renews the id (a new, stored session); an
            // anonymous id that claims a sign-in is dropped, not stored.
            tracing::warn!("an anonymous session was saved signed in without a new id");
            self.inner.anonymous.remove(&key);
            return Ok(());
        }
        let _guard = self.inner.write_lock.lock().await;
        let started_at = self.inner.cache.get(&key).map_or(now, |c| c.started_at);
        let cached = Cached::new(record.data.clone(), started_at, now);
        let device = Device::of(&record.data);
        // UPDATE, never upsert: a session revoked or expired while this request
        // ran must stay gone.
        let updated = sqlx::query(
            "UPDATE sessions SET user_id = ?, data = ?, started_at = ?, last_seen_at = ?, \
             expires_at = ?, client = ?, user_agent = ?, remembered = ? WHERE id_hash = ?",
        )
        .bind(cached.user_id)
        .bind(&blob)
        .bind(cached.started_at)
        .bind(now)
        .bind(cached.expires_at(self.inner.policy))
        .bind(device.client)
        .bind(device.user_agent)
        .bind(cached.remembered)
        .bind(hex(&key))
        .execute(&self.inner.pool)
        .await
        .map_err(backend)?;
        if updated.rows_affected() == 1 {
            self.inner.cache.insert(key, cached);
        } else {
            self.inner.cache.remove(&key);
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = key_of(id);
        if let Some(cached) = self.inner.anonymous.get(&key) {
            let now = self.inner.clock.unix();
            if now >= cached.expires_at(self.inner.policy) {
                self.inner.anonymous.remove(&key);
                return Ok(None);
            }
            cached.last_seen.store(now, Ordering::Release);
            return Ok(Some(cached.record(*id, self.inner.policy)));
        }
        let cached = match self.inner.cache.get(&key) {
            Some(cached) => cached,
            None => match self.load_from_database(key).await? {
                Some(cached) => cached,
                None => return Ok(None),
            },
        };
        let now = self.inner.clock.unix();
        if now >= cached.expires_at(self.inner.policy) {
            self.expire(key, &cached).await?;
            return Ok(None);
        }
        cached.touch(key, now, &self.inner.pool, self.inner.policy);
        Ok(Some(cached.record(*id, self.inner.policy)))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let key = key_of(id);
        if self.inner.anonymous.remove(&key).is_some() {
            return Ok(());
        }
        let mut renewals = self.inner.write_lock.lock().await;
        self.inner.cache.remove(&key);
        let data: Option<Vec<u8>> =
            sqlx::query_scalar("DELETE FROM sessions WHERE id_hash = ? RETURNING data")
                .bind(hex(&key))
                .fetch_optional(&self.inner.pool)
                .await
                .map_err(backend)?;
        // A signed-in session may be getting a new id (see session_renewal).
        if let Some(meta) = data.as_deref().and_then(meta_in) {
            let now = self.inner.clock.unix();
            renewals.deleted(&meta, handle_of(&meta), now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
