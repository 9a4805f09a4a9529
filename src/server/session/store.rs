//! Server-side sessions in SQLite, with an in-memory cache in front.
//!
//! tower-sessions offers one expiry; this store enforces two itself, on every
//! load: an idle timeout (measured from the last request) and an absolute
//! lifetime (from sign-in). Reads are served from the cache, and "last seen"
//! is kept in memory and written to SQLite at most once a minute, so a
//! signed-in page view costs no database round trip.
//!
//! The cache never serves a session that has ended: every create, save,
//! delete and expiry goes through this store, and the writes that touch both
//! SQLite and the cache hold one lock, so a reader can never put back what a
//! writer just removed. That holds within one server process, which is the
//! deployment this SQLite-backed app supports.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, Error as StoreError},
};

use crate::server::platform::clock::Clock;
use crate::server::platform::db;
use crate::server::session::renewal::{sign_in_key, Renewals};

/// Session key of the sign-in facts the store needs for expiry.
pub const AUTH_META_KEY: &str = "gh.auth";

/// How often (at most) a session's "last seen" time is written to SQLite.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// How many anonymous sessions are kept (in memory only; see `create`).
const ANONYMOUS_CAPACITY: usize = 100_000;

/// How long the reason a session ended is kept for its browser to read.
const TOMBSTONE_RETENTION_SECS: i64 = 7 * 24 * 3600;

/// Facts recorded in the session when a user signs in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuthMeta {
    pub user_id: i64,
    /// When the user signed in (Unix seconds); the absolute lifetime counts from here.
    pub authenticated_at: i64,
    /// "Remember me": the cookie outlives the browser, no idle timeout.
    #[serde(default)]
    pub remember: bool,
    /// When the password was last entered on this session (sudo mode).
    #[serde(default)]
    pub reauthenticated_at: i64,
    /// Where the sign-in came from, for the devices page.
    #[serde(default)]
    pub client: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Names this sign-in; kept when the session id is renewed.
    #[serde(default)]
    pub sign_in_id: String,
}

impl AuthMeta {
    /// A fresh, unguessable sign-in id.
    pub fn new_sign_in_id() -> String {
        format!("{:032x}", rand::random::<u128>())
    }
}

/// The timeouts this store enforces.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle_secs: i64,
    pub absolute_secs: i64,
    /// The lifetime of a remembered session (no idle timeout applies).
    pub remember_secs: i64,
}

impl SessionPolicy {
    /// When a session ends: a remembered one a fixed time after sign-in, any
    /// other after the idle timeout or the absolute lifetime, whichever is first.
    fn expiry(self, remembered: bool, started_at: i64, last_seen: i64) -> i64 {
        if remembered {
            return started_at + self.remember_secs;
        }
        (last_seen + self.idle_secs).min(started_at + self.absolute_secs)
    }
}

/// Why a session that a browser still holds a cookie for is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Expired,
    /// The password changed (or was reset) elsewhere.
    PasswordChanged,
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
    pub reason: EndReason,
    pub user_id: Option<i64>,
}

/// A session in the cache.
#[derive(Debug)]
struct Cached {
    data: HashMap<String, Value>,
    user_id: Option<i64>,
    remembered: bool,
    started_at: i64,
    last_seen: AtomicI64,
    persisted_last_seen: AtomicI64,
}

impl Cached {
    fn expires_at(&self, policy: SessionPolicy) -> i64 {
        policy.expiry(
            self.remembered,
            self.started_at,
            self.last_seen.load(Ordering::Acquire),
        )
    }
}

type Key = [u8; 32];

/// The SQLite-backed, cached session store.
#[derive(Clone)]
pub struct SessionStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    cache: quick_cache::sync::Cache<Key, Arc<Cached>>,
    /// Sessions nobody is signed in to (they hold a CSRF token, a notice or a
    /// reset in progress): in memory only, the least used dropped when full.
    anonymous: quick_cache::sync::Cache<Key, Arc<Cached>>,
    policy: SessionPolicy,
    clock: Clock,
    /// Held by everything that changes SQLite and the cache together; it
    /// guards what is known of renewals in progress.
    write_lock: Mutex<Renewals>,
}

impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore")
            .field("policy", &self.inner.policy)
            .finish_non_exhaustive()
    }
}

/// The key under which a session id is stored: SHA-256, so the table holds no
/// usable cookie values.
fn key_of(id: &Id) -> Key {
    Sha256::digest(id.0.to_le_bytes()).into()
}

fn hex(key: &Key) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// What the devices page shows of a session's origin.
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

#[derive(sqlx::FromRow)]
struct DeviceRow {
    id_hash: String,
    data: Vec<u8>,
    started_at: i64,
    last_seen_at: i64,
    client: Option<String>,
    user_agent: Option<String>,
    remembered: bool,
}

/// A signed-in session, as the devices page lists it.
#[derive(Debug, Clone)]
pub struct DeviceSession {
    /// An opaque handle for revoking it: 16 hex digits of a hash of the
    /// sign-in's name.
    pub handle: String,
    pub started_at: i64,
    pub last_seen_at: i64,
    pub client: Option<String>,
    pub user_agent: Option<String>,
    pub remembered: bool,
}

/// The device handle of a sign-in (see [`DeviceSession::handle`]). It names
/// the sign-in, not the session id, so it stays valid when the id is renewed.
pub fn handle_of(meta: &AuthMeta) -> String {
    let digest: Key = Sha256::digest(format!("device:{}", sign_in_key(meta))).into();
    hex(&digest)[..16].to_owned()
}

/// A short, non-secret reference to a session for logs and the security log:
/// the first 8 hex digits of its stored key (itself a hash of the id).
pub fn short_ref(id: &Id) -> String {
    hex(&key_of(id))[..8].to_owned()
}

/// The sign-in facts in a session's data, if someone is signed in.
pub fn auth_meta(data: &HashMap<String, Value>) -> Option<AuthMeta> {
    data.get(AUTH_META_KEY)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// The sign-in facts in a stored session's data.
fn meta_in(data: &[u8]) -> Option<AuthMeta> {
    serde_json::from_slice(data)
        .ok()
        .and_then(|d| auth_meta(&d))
}

/// Records why the session stored under `id_hash` ended, for its browser to
/// be told on its next request (see [`SessionStore::ended`]).
async fn record_end(
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

/// A stored session's data given a sign-in id, if it is a sign-in without one.
fn with_sign_in_id(blob: &[u8]) -> Option<Vec<u8>> {
    let mut data: HashMap<String, Value> = serde_json::from_slice(blob).ok()?;
    let mut meta = auth_meta(&data).filter(|m| m.sign_in_id.is_empty())?;
    meta.sign_in_id = AuthMeta::new_sign_in_id();
    data.insert(AUTH_META_KEY.to_owned(), serde_json::to_value(&meta).ok()?);
    serde_json::to_vec(&data).ok()
}

/// Which of a user's sessions to end.
enum Ending<'a> {
    /// The one with this device handle.
    Device(&'a str),
    /// All but those with this device handle (one sign-in).
    AllBut(Option<String>),
}

impl Ending<'_> {
    fn selects(&self, handle: &str) -> bool {
        match self {
            Ending::Device(wanted) => handle == *wanted,
            Ending::AllBut(keep) => keep.as_deref() != Some(handle),
        }
    }
}

impl SessionStore {
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

    /// Gives every stored sign-in from before sign-ins had ids an id of its
    /// own (see `session_renewal::sign_in_key`). Run at startup. Returns how
    /// many it named.
    pub async fn name_unnamed_sign_ins(&self) -> Result<u64, sqlx::Error> {
        let _guard = self.inner.write_lock.lock().await;
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT id_hash, data FROM sessions WHERE user_id IS NOT NULL")
                .fetch_all(&self.inner.pool)
                .await?;
        let mut named = 0;
        for (id_hash, blob) in rows {
            let (Some(blob), Some(key)) = (with_sign_in_id(&blob), parse_hex(&id_hash)) else {
                continue;
            };
            sqlx::query("UPDATE sessions SET data = ? WHERE id_hash = ?")
                .bind(blob)
                .bind(&id_hash)
                .execute(&self.inner.pool)
                .await?;
            self.inner.cache.remove(&key);
            named += 1;
        }
        Ok(named)
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
        let row: Option<(String, Option<i64>)> =
            sqlx::query_as("DELETE FROM session_ends WHERE id_hash = ? RETURNING reason, user_id")
                .bind(hex(&key_of(&id)))
                .fetch_optional(&self.inner.pool)
                .await
                .ok()
                .flatten();
        let (reason, user_id) = row?;
        Some(EndedSession {
            reason: EndReason::parse(&reason)?,
            user_id,
        })
    }

    /// The signed-in sessions of a user, newest first (within one second, the
    /// row inserted last). "Last seen" and expiry
    /// come from the cache when the session is there, since SQLite may lag
    /// them by up to a minute.
    pub async fn list_for_user(&self, user_id: i64) -> Result<Vec<DeviceSession>, sqlx::Error> {
        let rows: Vec<DeviceRow> = sqlx::query_as(
            "SELECT id_hash, data, started_at, last_seen_at, client, user_agent, remembered \
             FROM sessions WHERE user_id = ? ORDER BY started_at DESC, rowid DESC",
        )
        .bind(user_id)
        .fetch_all(&self.inner.pool)
        .await?;
        let now = self.inner.clock.unix();
        let policy = self.inner.policy;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let cached = parse_hex(&row.id_hash).and_then(|key| self.inner.cache.get(&key));
                let (last_seen, expires_at) = match &cached {
                    Some(c) => (c.last_seen.load(Ordering::Acquire), c.expires_at(policy)),
                    None => (
                        row.last_seen_at,
                        policy.expiry(row.remembered, row.started_at, row.last_seen_at),
                    ),
                };
                if expires_at <= now {
                    return None;
                }
                Some(DeviceSession {
                    handle: handle_of(&meta_in(&row.data)?),
                    started_at: row.started_at,
                    last_seen_at: last_seen,
                    client: row.client,
                    user_agent: row.user_agent,
                    remembered: row.remembered,
                })
            })
            .collect())
    }

    /// Ends one session of `user_id`, by device handle. Returns whether one
    /// ended.
    pub async fn end_session(
        &self,
        user_id: i64,
        handle: &str,
        reason: EndReason,
    ) -> Result<bool, sqlx::Error> {
        let ended = self
            .end_where(user_id, Ending::Device(handle), reason)
            .await?;
        Ok(ended > 0)
    }

    /// Ends every session of `user_id` except those of the sign-in `keep`,
    /// recording why so each browser is told on its next request. Returns how
    /// many ended.
    pub async fn end_user_sessions(
        &self,
        user_id: i64,
        keep: Option<&AuthMeta>,
        reason: EndReason,
    ) -> Result<u64, sqlx::Error> {
        let keep = keep.map(handle_of);
        self.end_where(user_id, Ending::AllBut(keep), reason).await
    }

    /// This sign-in was ended on its own browser (logout, or a sign-in to
    /// another account there): a renewal of it still in flight in another tab
    /// must not bring it back.
    pub async fn end_sign_in(&self, meta: &AuthMeta) {
        let now = self.inner.clock.unix();
        self.inner.write_lock.lock().await.ended(meta, None, now);
    }

    /// Ends the sessions of `user_id` that `ending` selects, leaving a
    /// tombstone for each, and any of them caught renewing its id.
    async fn end_where(
        &self,
        user_id: i64,
        ending: Ending<'_>,
        reason: EndReason,
    ) -> Result<u64, sqlx::Error> {
        let now = self.inner.clock.unix();
        let mut renewals = self.inner.write_lock.lock().await;
        let mut tx = db::write_tx(&self.inner.pool).await?;
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT id_hash, data FROM sessions WHERE user_id = ?")
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
        let mut ended = Vec::new();
        for (id_hash, data) in rows {
            // A row without readable sign-in facts has no handle: only an
            // "all but" ending selects it.
            let meta = meta_in(&data);
            if !ending.selects(&meta.as_ref().map(handle_of).unwrap_or_default()) {
                continue;
            }
            record_end(&mut tx, &id_hash, user_id, reason, now).await?;
            sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
                .bind(&id_hash)
                .execute(&mut *tx)
                .await?;
            ended.push((id_hash, meta));
        }
        tx.commit().await?;
        for meta in ended.iter().filter_map(|(_, meta)| meta.as_ref()) {
            renewals.ended(meta, Some(reason), now);
        }
        let renewing = renewals.end_renewing(user_id, |handle| ending.selects(handle), reason, now);
        self.forget(ended.iter().map(|(id_hash, _)| id_hash));
        Ok(ended.len() as u64 + renewing)
    }

    /// Drops every cached session of `user_id` (after their rows went with
    /// the account).
    pub fn forget_user(&self, user_id: i64) {
        self.inner
            .cache
            .retain(|_, cached| cached.user_id != Some(user_id));
    }

    /// Drops ended sessions from the cache.
    fn forget<'a>(&self, id_hashes: impl Iterator<Item = &'a String>) {
        for key in id_hashes.filter_map(|h| parse_hex(h)) {
            self.inner.cache.remove(&key);
        }
    }

    /// Deletes every expired session (recording why, for signed-in ones) and
    /// old end records. Returns the users whose signed-in sessions ended.
    pub async fn delete_expired(&self) -> Result<Vec<i64>, sqlx::Error> {
        let now = self.inner.clock.unix();
        // The stored expiry can lag the in-memory one by up to a touch
        // interval, so only rows past that margin are certainly expired.
        let cutoff = now - TOUCH_INTERVAL_SECS;
        let _guard = self.inner.write_lock.lock().await;
        let mut tx = db::write_tx(&self.inner.pool).await?;
        sqlx::query(
            "INSERT OR IGNORE INTO session_ends (id_hash, user_id, reason, ended_at) \
             SELECT id_hash, user_id, 'expired', ? FROM sessions \
             WHERE expires_at <= ? AND user_id IS NOT NULL",
        )
        .bind(now)
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        let ended: Vec<(String, Option<i64>)> =
            sqlx::query_as("DELETE FROM sessions WHERE expires_at <= ? RETURNING id_hash, user_id")
                .bind(cutoff)
                .fetch_all(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM session_ends WHERE ended_at <= ?")
            .bind(now - TOMBSTONE_RETENTION_SECS)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.forget(ended.iter().map(|(id_hash, _)| id_hash));
        let policy = self.inner.policy;
        self.inner
            .anonymous
            .retain(|_, cached| cached.expires_at(policy) > now);
        Ok(ended
            .into_iter()
            .filter_map(|(_, user_id)| user_id)
            .collect())
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

    fn cached_from(&self, data: HashMap<String, Value>, started_at: i64, now: i64) -> Arc<Cached> {
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

    fn record(&self, id: Id, cached: &Cached) -> Record {
        let expires = cached.expires_at(self.inner.policy);
        Record {
            id,
            data: cached.data.clone(),
            expiry_date: OffsetDateTime::from_unix_timestamp(expires)
                .unwrap_or_else(|_| OffsetDateTime::now_utc()),
        }
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
        let cached = self.cached_from(data, started_at, last_seen);
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

    /// Persists "last seen" once per interval, off the request's path.
    fn touch(&self, key: Key, cached: &Cached, now: i64) {
        cached.last_seen.store(now, Ordering::Release);
        let persisted = cached.persisted_last_seen.load(Ordering::Acquire);
        if now - persisted < TOUCH_INTERVAL_SECS
            || cached
                .persisted_last_seen
                .compare_exchange(persisted, now, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return;
        }
        let pool = self.inner.pool.clone();
        let expires_at = cached.expires_at(self.inner.policy);
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
            let cached = self.cached_from(record.data.clone(), now, now);
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
            let cached = self.cached_from(record.data.clone(), now, now);
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
                let cached = self.cached_from(record.data.clone(), old.started_at, now);
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
        let cached = self.cached_from(record.data.clone(), started_at, now);
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
            return Ok(Some(self.record(*id, &cached)));
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
        self.touch(key, &cached, now);
        Ok(Some(self.record(*id, &cached)))
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

fn parse_hex(text: &str) -> Option<Key> {
    if text.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(key)
}
