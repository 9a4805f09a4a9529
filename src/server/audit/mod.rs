//! The security log: every authentication event goes to the `auth_events`
//! table (which the owner can read on the activity page) and to the tracing
//! log. Never a password, token or full session id: sessions are referred to
//! by the first 8 hex digits of their stored (hashed) key.

pub mod activity;
pub mod user_agent;

use tower_sessions::Session;

use crate::server::{
    platform::core::Core, protection::client::Client, session::store as session_store,
};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Signup,
    SignupExistingAddress,
    EmailVerified,
    VerificationSent,
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    RateLimited,
    Logout,
    SessionExpired,
    PasswordChanged,
    PasswordResetRequested,
    PasswordReset,
    EmailChangeRequested,
    EmailChanged,
    AccountDeleted,
    PasswordConfirmed,
    SessionRevoked,
    OtherSessionsRevoked,
}

impl EventKind {
    pub const ALL: [EventKind; 19] = [
        EventKind::Signup,
        EventKind::SignupExistingAddress,
        EventKind::EmailVerified,
        EventKind::VerificationSent,
        EventKind::LoginSucceeded,
        EventKind::LoginFailed,
        EventKind::LoginThrottled,
        EventKind::RateLimited,
        EventKind::Logout,
        EventKind::SessionExpired,
        EventKind::PasswordChanged,
        EventKind::PasswordResetRequested,
        EventKind::PasswordReset,
        EventKind::EmailChangeRequested,
        EventKind::EmailChanged,
        EventKind::AccountDeleted,
        EventKind::PasswordConfirmed,
        EventKind::SessionRevoked,
        EventKind::OtherSessionsRevoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Signup => "signup",
            EventKind::SignupExistingAddress => "signup_existing_address",
            EventKind::EmailVerified => "email_verified",
            EventKind::VerificationSent => "verification_sent",
            EventKind::LoginSucceeded => "login_succeeded",
            EventKind::LoginFailed => "login_failed",
            EventKind::LoginThrottled => "login_throttled",
            EventKind::RateLimited => "rate_limited",
            EventKind::Logout => "logout",
            EventKind::SessionExpired => "session_expired",
            EventKind::PasswordChanged => "password_changed",
            EventKind::PasswordResetRequested => "password_reset_requested",
            EventKind::PasswordReset => "password_reset",
            EventKind::EmailChangeRequested => "email_change_requested",
            EventKind::EmailChanged => "email_changed",
            EventKind::AccountDeleted => "account_deleted",
            EventKind::PasswordConfirmed => "password_confirmed",
            EventKind::SessionRevoked => "session_revoked",
            EventKind::OtherSessionsRevoked => "other_sessions_revoked",
        }
    }

    pub fn parse(value: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// Who acted: the client, and the session the request came with.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub client: Client,
    pub session_ref: Option<String>,
}

impl Actor {
    pub fn new(client: Client, session: Option<&Session>) -> Actor {
        Actor {
            client,
            session_ref: session
                .and_then(Session::id)
                .map(|id| session_store::short_ref(&id)),
        }
    }

    /// No request behind it (background work).
    pub fn system() -> Actor {
        Actor::default()
    }
}

/// Records an event. A failure to write it is itself logged, never fatal.
pub async fn record(
    state: &Core,
    actor: &Actor,
    kind: EventKind,
    user_id: Option<i64>,
    detail: Option<&str>,
) {
    tracing::info!(
        event = kind.as_str(),
        user_id,
        client = %actor.client,
        session = actor.session_ref.as_deref(),
        detail,
        "security event"
    );
    let result = sqlx::query(
        "INSERT INTO auth_events (at, kind, user_id, client, user_agent, session_ref, detail) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(state.clock.unix())
    .bind(kind.as_str())
    .bind(user_id)
    .bind(actor.client.addr.map(|a| a.to_string()))
    .bind(actor.client.user_agent.as_deref())
    .bind(actor.session_ref.as_deref())
    .bind(detail)
    .execute(&state.pool)
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not write a security event");
    }
}

/// One stored event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    pub at: i64,
    pub kind: String,
    pub client: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
}

/// A page of a user's events, newest first; `true` if there are more.
pub async fn for_user(
    state: &Core,
    user_id: i64,
    page: u32,
    per_page: u32,
) -> Result<(Vec<StoredEvent>, bool), sqlx::Error> {
    let mut events: Vec<StoredEvent> = sqlx::query_as(
        "SELECT at, kind, client, user_agent, detail FROM auth_events WHERE user_id = ? \
         ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
    )
    .bind(user_id)
    .bind(i64::from(per_page) + 1)
    .bind(i64::from(page) * i64::from(per_page))
    .fetch_all(&state.pool)
    .await?;
    let more = events.len() > per_page as usize;
    events.truncate(per_page as usize);
    Ok((events, more))
}

/// Deletes events older than the retention period.
pub async fn prune(state: &Core) -> Result<u64, sqlx::Error> {
    let cutoff = state.clock.unix() - state.settings.logging.security_log_retention_days * 86400;
    let result = sqlx::query("DELETE FROM auth_events WHERE at < ?")
        .bind(cutoff)
        .execute(&state.pool)
        .await?;
    Ok(result.rows_affected())
}
