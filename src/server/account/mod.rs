//! Account rules: registering and checking credentials. Plain async Rust over
//! the state, so integration tests can call it directly.

pub mod auth_backend;
pub mod changes;
pub mod devices;
pub mod password_reset;
pub mod request;
pub mod session_view;
pub mod sign_in;
pub mod sudo;
pub mod verification;

use crate::server::account::request::RequestCtx;
use crate::server::{
    config::settings::EmailVerification,
    credentials::breached_passwords,
    credentials::tokens::{self, TokenKind},
    error::{ServerError, ServerResult},
    mail::Mail,
    platform::db,
    protection::login_throttle::{self, Gate},
    state::AppState,
    users::{write::UsersTx, User, Users},
};
use crate::{
    auth::forms::{LoginInput, Signup},
    error::Field,
};

/// Runs `work` in one write transaction over accounts, committed if it
/// succeeds, then wakes the mailer for any message `work` queued. (The
/// transaction keeps the user cache honest: see [`UsersTx`].)
pub async fn change<T>(
    state: &AppState,
    work: impl AsyncFnOnce(&mut UsersTx) -> ServerResult<T>,
) -> ServerResult<T> {
    let mut tx = state.users.begin().await?;
    let value = work(&mut tx).await?;
    tx.commit().await?;
    state.mailer.wake();
    Ok(value)
}

pub use crate::server::credentials::breached_passwords::BREACHED_MESSAGE;

/// What a signup did.
#[derive(Debug)]
pub enum Registered {
    /// A new account; a confirmation link is on its way.
    New(User),
    /// The address already had an account; its owner was told instead.
    Existing,
}

/// Creates an account from validated signup input and queues its mail.
///
/// With verification required, an address that already has an account gets
/// exactly the same treatment from the outside (one bcrypt hash, one queued
/// message, no session change); its owner is mailed a notice instead of a
/// link. With verification optional it is an `EmailTaken` error.
pub async fn register(ctx: &RequestCtx, input: Signup) -> ServerResult<Registered> {
    let state = &ctx.state;
    if breached_passwords::is_breached(input.password.as_str()) {
        return Err(ServerError::field(Field::Password, BREACHED_MESSAGE));
    }
    let hash = state.passwords.hash(input.password.into_string()).await?;
    let now = state.clock.unix();
    let mut tx = db::write_tx(&state.pool).await?;
    let registered = match Users::insert_if_absent(&mut tx, input.email.as_str(), &hash, now)
        .await?
    {
        Some(user) => {
            queue_verification(state, &mut tx, &user).await?;
            Registered::New(user)
        }
        None if state.settings.verification.email_verification == EmailVerification::Optional => {
            return Err(ServerError::EmailTaken);
        }
        None => {
            state
                .mailer
                .queue_in(&mut tx, &Mail::SignupExisting, input.email.as_str())
                .await?;
            Registered::Existing
        }
    };
    tx.commit().await?;
    state.mailer.wake();
    Ok(registered)
}

/// Issues a verification token and queues the link, in the caller's transaction.
pub async fn queue_verification(
    state: &AppState,
    conn: &mut sqlx::SqliteConnection,
    user: &User,
) -> Result<(), sqlx::Error> {
    let ttl_secs = state.settings.verification.email_verification_ttl_secs;
    let token = tokens::issue(
        conn,
        user.id,
        TokenKind::VerifyEmail,
        None,
        state.clock.unix(),
        ttl_secs,
    )
    .await?;
    let link = state.mailer.link(&format!("/verify-email?token={token}"));
    state
        .mailer
        .queue_in(conn, &Mail::VerifyEmail { link, ttl_secs }, &user.email)
        .await
}

/// The result of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    Accepted(User),
    /// Wrong password or unknown email; `user_id` only for the server's log.
    Refused {
        user_id: Option<i64>,
    },
    /// Too many recent failures for this address: no password was checked.
    Throttled {
        user_id: Option<i64>,
        gate: Gate,
    },
}

/// Checks an email and password. An unknown email costs one bcrypt
/// verification at the current cost, like a wrong password, so response time
/// does not reveal which accounts exist.
pub async fn check_login(state: &AppState, input: &LoginInput) -> ServerResult<LoginOutcome> {
    // Over-long input cannot match any account; refuse it before any hashing.
    let Some(email) = input.attempt() else {
        return Ok(LoginOutcome::Refused { user_id: None });
    };
    let (email, password) = (email.as_str(), input.password.as_str());
    let user = state.users.by_email(email).await?;
    let gate = login_throttle::admit(state, email).await?;
    if gate != Gate::Open {
        return Ok(LoginOutcome::Throttled {
            user_id: user.map(|u| u.id),
            gate,
        });
    }
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verification = state.passwords.verify(password.to_owned(), stored).await?;
    match user {
        Some(user) if verification.matches => {
            login_throttle::clear(state, email).await?;
            if verification.needs_rehash {
                upgrade_hash(state, &user, password).await;
            }
            Ok(LoginOutcome::Accepted(user))
        }
        user => Ok(LoginOutcome::Refused {
            user_id: user.map(|u| u.id),
        }),
    }
}

/// Re-hashes with the current scheme and cost now that the password is
/// known. A failure is logged, not fatal: the old hash still works.
async fn upgrade_hash(state: &AppState, user: &User, password: &str) {
    let result = match state.passwords.hash(password.to_owned()).await {
        Ok(new_hash) => {
            state
                .users
                .upgrade_hash(user.id, &user.password_hash, &new_hash)
                .await
        }
        Err(e) => Err(ServerError::from(e)),
    };
    match result {
        Ok(()) => tracing::info!(event = "password_rehashed", user_id = user.id),
        Err(e) => {
            tracing::warn!(user_id = user.id, error = %e, "could not upgrade a password hash")
        }
    }
}
