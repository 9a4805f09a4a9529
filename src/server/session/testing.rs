//! What the session unit tests share: a store over a fresh in-memory
//! database, with accounts and sign-ins made the way the app makes them.

use std::collections::HashMap;

use sqlx::SqlitePool;
use time::OffsetDateTime;
use tower_sessions::{
    session::{Id, Record},
    SessionStore as _,
};

use super::{
    meta::{AuthMeta, AUTH_META_KEY},
    policy::SessionPolicy,
    store::SessionStore,
    test_db::memory_pool,
};
use crate::server::platform::clock::Clock;

/// The timeouts the tests run under.
pub const POLICY: SessionPolicy = SessionPolicy {
    idle_secs: 600,
    absolute_secs: 3600,
    remember_secs: 7 * 86400,
};

/// A session store over its own database, on a stopped clock.
pub struct Fixture {
    pub store: SessionStore,
    pub pool: SqlitePool,
    pub clock: Clock,
}

impl Fixture {
    /// A store over a fresh database.
    pub async fn new() -> Fixture {
        let pool = memory_pool().await;
        let clock = Clock::frozen();
        let store = SessionStore::new(pool.clone(), POLICY, clock.clone());
        Fixture { store, pool, clock }
    }

    /// An account to sign in to (sessions reference their user).
    pub async fn user(&self, email: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, security_stamp, created_at) \
             VALUES (?, 'hash', 'stamp', 0) RETURNING id",
        )
        .bind(email)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// The sign-in facts the app records for `user_id` signing in now.
    pub fn meta(&self, user_id: i64) -> AuthMeta {
        let now = self.clock.unix();
        AuthMeta {
            user_id,
            authenticated_at: now,
            remember: false,
            reauthenticated_at: now,
            client: Some("127.0.0.1".into()),
            user_agent: Some("a test browser".into()),
            sign_in_id: AuthMeta::new_sign_in_id(),
        }
    }

    /// Stores a new session holding `meta`, as tower-sessions does at the end
    /// of a sign-in's request.
    pub async fn create(&self, meta: &AuthMeta) -> Record {
        let data = HashMap::from([(
            AUTH_META_KEY.to_owned(),
            serde_json::to_value(meta).unwrap(),
        )]);
        let mut record = Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc(),
        };
        self.store.create(&mut record).await.unwrap();
        record
    }

    /// A visitor nobody signed in to: its session, holding a CSRF token.
    pub async fn visit(&self) -> Record {
        let mut record = Record {
            id: Id::default(),
            data: HashMap::from([("gh.csrf".to_owned(), serde_json::json!("token"))]),
            expiry_date: OffsetDateTime::now_utc(),
        };
        self.store.create(&mut record).await.unwrap();
        record
    }

    /// `user_id` signed in on a new browser: its stored session.
    pub async fn sign_in(&self, user_id: i64) -> Record {
        self.create(&self.meta(user_id)).await
    }

    /// How many signed-in sessions SQLite holds.
    pub async fn signed_in_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}
