//! The `users` table, with a read cache in front of it.
//!
//! axum-login asks for the user on every request; the cache answers without a
//! database round trip. Every write goes through this module and clears the
//! cached row, and a generation counter stops a read that raced a write from
//! caching what it read. Writes that run in a transaction go through
//! [`write::UsersTx`], which drops each row it changes from the cache before
//! the write and again when the transaction ends.

pub mod write;

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use axum_login::AuthUser;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore;
use sqlx::{SqliteConnection, SqlitePool};

use crate::auth::validation::canonical_email;
use crate::server::error::{is_unique_violation, ServerResult};

/// An account as the server sees it. Never sent to the browser: pages get a
/// [`crate::auth::CurrentUser`].
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub security_stamp: String,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub previous_sign_in_at: Option<i64>,
    pub email_verified_at: Option<i64>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Sessions remember this value; when the password changes the stamp is
    /// replaced and every other session stops matching. A rehash (same
    /// password, new cost) keeps the stamp, so it signs nobody out.
    fn session_auth_hash(&self) -> &[u8] {
        self.security_stamp.as_bytes()
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    password_hash: String,
    security_stamp: String,
    created_at: i64,
    last_sign_in_at: Option<i64>,
    previous_sign_in_at: Option<i64>,
    email_verified_at: Option<i64>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> User {
        User {
            id: row.id,
            email: row.email,
            password_hash: row.password_hash,
            security_stamp: row.security_stamp,
            created_at: row.created_at,
            last_sign_in_at: row.last_sign_in_at,
            previous_sign_in_at: row.previous_sign_in_at,
            email_verified_at: row.email_verified_at,
        }
    }
}

const COLUMNS: &str = "id, email, password_hash, security_stamp, created_at, last_sign_in_at, \
                       previous_sign_in_at, email_verified_at";

/// Access to accounts.
#[derive(Clone)]
pub struct Users {
    pool: SqlitePool,
    cache: Arc<quick_cache::sync::Cache<i64, User>>,
    generation: Arc<AtomicU64>,
}

impl Users {
    pub fn new(pool: SqlitePool) -> Users {
        Users {
            pool,
            cache: Arc::new(quick_cache::sync::Cache::new(100_000)),
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Looks an account up by canonical email.
    pub async fn by_email(&self, email: &str) -> ServerResult<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email = ?");
        let row: Option<UserRow> = sqlx::query_as(&sql)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(User::from))
    }

    /// Looks an account up by id, from the cache when possible.
    pub async fn by_id(&self, id: i64) -> ServerResult<Option<User>> {
        if let Some(user) = self.cache.get(&id) {
            return Ok(Some(user));
        }
        let generation = self.generation.load(Ordering::Acquire);
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?");
        let row: Option<UserRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let user = row.map(User::from);
        if let Some(user) = &user {
            if self.generation.load(Ordering::Acquire) == generation {
                self.cache.insert(id, user.clone());
                // A write that finished meanwhile may have missed this entry.
                if self.generation.load(Ordering::Acquire) != generation {
                    self.cache.remove(&id);
                }
            }
        }
        Ok(user)
    }

    /// Records a sign-in: the previous one moves to `previous_sign_in_at`.
    pub async fn record_sign_in(&self, id: i64, now: i64) -> ServerResult<()> {
        self.write(
            sqlx::query(
                "UPDATE users SET previous_sign_in_at = last_sign_in_at, last_sign_in_at = ? \
                 WHERE id = ?",
            )
            .bind(now)
            .bind(id),
            id,
        )
        .await
    }

    /// Replaces a hash with a stronger one for the same password, unless the
    /// password changed meanwhile. The security stamp stays, so no session ends.
    pub async fn upgrade_hash(&self, id: i64, old_hash: &str, new_hash: &str) -> ServerResult<()> {
        self.write(
            sqlx::query("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")
                .bind(new_hash)
                .bind(id)
                .bind(old_hash),
            id,
        )
        .await
    }

    /// Creates an account unless the canonical email exists (then `None`).
    /// The UNIQUE constraint decides, so concurrent signups cannot both win.
    pub async fn insert_if_absent(
        conn: &mut SqliteConnection,
        email: &str,
        password_hash: &str,
        now: i64,
    ) -> ServerResult<Option<User>> {
        let sql = format!(
            "INSERT INTO users (email, password_hash, security_stamp, created_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING {COLUMNS}"
        );
        let row: Option<UserRow> = sqlx::query_as(&sql)
            .bind(email)
            .bind(password_hash)
            .bind(new_security_stamp())
            .bind(now)
            .fetch_optional(conn)
            .await?;
        Ok(row.map(User::from))
    }

    /// Looks an account up by canonical email inside a transaction.
    pub async fn by_email_in(
        conn: &mut SqliteConnection,
        email: &str,
    ) -> ServerResult<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email = ?");
        let row: Option<UserRow> = sqlx::query_as(&sql)
            .bind(email)
            .fetch_optional(conn)
            .await?;
        Ok(row.map(User::from))
    }

    /// Looks an account up by id inside a transaction (no cache).
    pub async fn by_id_in(conn: &mut SqliteConnection, id: i64) -> ServerResult<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?");
        let row: Option<UserRow> = sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?;
        Ok(row.map(User::from))
    }

    /// Rewrites stored addresses whose domain is in its ASCII (`xn--`) form
    /// to the canonical form (see `canonical_email`), so both spellings find
    /// the account. Run at startup. Where another account already has the
    /// canonical form, both stay as they are and the pair is logged. Returns
    /// how many were rewritten.
    pub async fn canonicalize_emails(&self) -> ServerResult<u64> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, email FROM users WHERE email LIKE '%xn--%'")
                .fetch_all(&self.pool)
                .await?;
        let mut rewritten = 0;
        for (id, email) in rows {
            let canonical = canonical_email(&email);
            if canonical == email {
                continue;
            }
            let result = sqlx::query("UPDATE users SET email = ? WHERE id = ?")
                .bind(&canonical)
                .bind(id)
                .execute(&self.pool)
                .await;
            match result {
                Ok(_) => {
                    self.invalidate(id);
                    rewritten += 1;
                }
                Err(e) if is_unique_violation(&e) => {
                    tracing::warn!(user_id = id, "two accounts share one mailbox (IDN forms)");
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(rewritten)
    }

    /// Forgets a cached account. A transaction that changes one calls this
    /// before it starts and after it commits, so no read in between can
    /// leave the old row cached.
    pub fn invalidate(&self, id: i64) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.cache.remove(&id);
    }

    async fn write<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
        id: i64,
    ) -> ServerResult<()> {
        // Bumped before and after, so a concurrent cache fill that read the old
        // row sees a different generation and does not keep what it read.
        self.generation.fetch_add(1, Ordering::AcqRel);
        let result = query.execute(&self.pool).await;
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.cache.remove(&id);
        result?;
        Ok(())
    }
}

fn new_security_stamp() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
