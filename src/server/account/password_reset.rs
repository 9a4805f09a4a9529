//! "Forgot password": request a link, follow it, choose a new password.
//!
//! Requests look the same whether or not the address has an account: the
//! same answer, and the same work (one throttle record, one queued message:
//! a reset link, or a note that no account uses the address). The token
//! leaves the URL at once: following the link stores the token's hash in the
//! session and redirects to the form.

use sha2::{Digest, Sha256};
use tower_sessions::Session;

use crate::server::account::request::RequestCtx;
use crate::server::{
    account as accounts,
    account::BREACHED_MESSAGE,
    audit::{self, Actor, EventKind},
    credentials::breached_passwords,
    credentials::tokens::{self, TokenKind, ALL_KINDS},
    error::{ServerError, ServerResult},
    mail::Mail,
    platform::db,
    protection::login_throttle,
    session::store::EndReason,
    state::AppState,
    users::{User, Users},
};
use crate::{
    auth::{
        forms::{CanonicalEmail, NewPassword, NewPasswordInput},
        validation::nfkc,
    },
    error::Field,
    routes::page,
};

/// Session key of the pending reset (the token's hash).
const PENDING_KEY: &str = "gh.reset";

/// Handles a reset request. Invalid input is reported; everything else
/// answers `Ok` whether or not a message was sent.
pub async fn request(ctx: &RequestCtx, email: &CanonicalEmail) -> ServerResult<()> {
    send_link(&ctx.state, &ctx.actor(), email.as_str()).await
}

async fn send_link(state: &AppState, actor: &Actor, email: &str) -> ServerResult<()> {
    let now = state.clock.unix();
    let address_hash: String = Sha256::digest(email.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut tx = db::write_tx(&state.pool).await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reset_requests WHERE address_hash = ? AND requested_at > ?",
    )
    .bind(&address_hash)
    .bind(now - 3600)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO reset_requests (address_hash, requested_at) VALUES (?, ?)")
        .bind(&address_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    if recent >= state.settings.passwords.password_reset_requests_per_hour {
        tx.commit().await?;
        tracing::info!(
            event = "password_reset_throttled",
            "reset request over the hourly limit"
        );
        return Ok(());
    }
    let user_id = match Users::by_email_in(&mut tx, email).await? {
        Some(user) => {
            let ttl_secs = state.settings.passwords.password_reset_ttl_secs;
            let token = tokens::issue(
                &mut tx,
                user.id,
                TokenKind::ResetPassword,
                None,
                now,
                ttl_secs,
            )
            .await?;
            let link = state
                .mailer
                .link(&format!("{}?token={token}", page::RESET_PASSWORD));
            let mail = Mail::ResetPassword { link, ttl_secs };
            state.mailer.queue_in(&mut tx, &mail, &user.email).await?;
            Some(user.id)
        }
        None => {
            state
                .mailer
                .queue_in(&mut tx, &Mail::ResetUnknown, email)
                .await?;
            None
        }
    };
    tx.commit().await?;
    state.mailer.wake();
    audit::record(
        state,
        actor,
        EventKind::PasswordResetRequested,
        user_id,
        None,
    )
    .await;
    Ok(())
}

/// Follows a link: when the token is live, remembers it in the session
/// (by hash) so the form can be shown without it in the URL.
pub async fn accept_link(ctx: &RequestCtx, token: &str) -> ServerResult<bool> {
    let (state, session) = (&ctx.state, ctx.session());
    let token_hash = tokens::hash(token);
    let live = link_is_live(state, &token_hash).await?;
    if live {
        session.insert(PENDING_KEY, &token_hash).await?;
    }
    Ok(live)
}

/// Forgets a reset link opened in this browser (at sign-in: it belonged to
/// whoever used this browser before).
pub async fn discard_pending(session: &Session) -> ServerResult<()> {
    session.remove_value(PENDING_KEY).await?;
    Ok(())
}

/// Whether this session holds a reset link that still works.
pub async fn is_pending(ctx: &RequestCtx) -> bool {
    let (state, session) = (&ctx.state, ctx.session());
    let Ok(Some(token_hash)) = session.get::<String>(PENDING_KEY).await else {
        return false;
    };
    link_is_live(state, &token_hash).await.unwrap_or(false)
}

async fn link_is_live(state: &AppState, token_hash: &str) -> Result<bool, sqlx::Error> {
    let mut conn = state.pool.acquire().await?;
    tokens::is_live(
        &mut conn,
        token_hash,
        TokenKind::ResetPassword,
        state.clock.unix(),
    )
    .await
}

/// Sets the new password: the link is used up, every session of the
/// account ends, every other outstanding token is revoked, and the owner is
/// told by mail. The user is not signed in. `LinkInvalid` when this
/// session holds no live link (never followed, used, or expired).
pub async fn reset(ctx: &RequestCtx, new_password: &NewPasswordInput) -> ServerResult<User> {
    let (state, actor) = (&ctx.state, &ctx.actor());
    let session = ctx.session();
    let Ok(Some(token_hash)) = session.get::<String>(PENDING_KEY).await else {
        return Err(ServerError::LinkInvalid);
    };
    let now = state.clock.unix();
    let user = owner_of(state, &token_hash, now)
        .await?
        .ok_or(ServerError::LinkInvalid)?;
    let password = check_new_password(state, new_password, &user.email)?;
    let hash = state.passwords.hash(password.into_string()).await?;
    let reset = accounts::change(state, async |tx| {
        if tokens::redeem(tx, &token_hash, TokenKind::ResetPassword, now)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        tx.set_password(user.id, &hash).await?;
        // The link proved the mailbox is theirs.
        tx.mark_verified(user.id, now).await?;
        tokens::revoke(tx, user.id, &ALL_KINDS).await?;
        state
            .mailer
            .queue_in(tx, &Mail::PasswordResetDone, &user.email)
            .await?;
        Ok::<_, ServerError>(true)
    })
    .await?;
    if !reset {
        return Err(ServerError::LinkInvalid);
    }
    let _ = session.remove_value(PENDING_KEY).await;
    if let Err(e) = state
        .sessions
        .end_user_sessions(user.id, None, EndReason::PasswordChanged)
        .await
    {
        tracing::error!(error = %e, user_id = user.id, "could not end sessions after a reset");
    }
    if let Err(e) = login_throttle::clear(state, &user.email).await {
        tracing::error!(error = %e, user_id = user.id, "could not clear the login throttle");
    }
    audit::record(state, actor, EventKind::PasswordReset, Some(user.id), None).await;
    Ok(user)
}

async fn owner_of(state: &AppState, token_hash: &str, now: i64) -> ServerResult<Option<User>> {
    let user_id: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM tokens WHERE token_hash = ? AND kind = 'reset_password' AND expires_at > ?",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&state.pool)
    .await?;
    match user_id {
        Some(id) => Ok(state.users.by_id(id).await?),
        None => Ok(None),
    }
}

/// The new-password rule (shared with the browser), then the breached list
/// (a breached password is named even when the repetition is wrong).
pub fn check_new_password(
    state: &AppState,
    input: &NewPasswordInput,
    email: &str,
) -> ServerResult<NewPassword> {
    let min_chars = state.settings.passwords.password_min_length;
    let fields = (Field::NewPassword, Field::ConfirmNewPassword);
    let breached = input.password_message(email, min_chars).is_ok()
        && breached_passwords::is_breached(&nfkc(&input.password));
    match input.validate(email, min_chars, fields) {
        Ok(password) if !breached => Ok(password),
        Ok(_) => Err(ServerError::field(Field::NewPassword, BREACHED_MESSAGE)),
        Err(mut errors) => {
            if breached {
                errors.add(Field::NewPassword, BREACHED_MESSAGE);
            }
            Err(errors.into())
        }
    }
}

/// Forgets reset requests older than the throttle window.
pub async fn prune_requests(state: &AppState) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM reset_requests WHERE requested_at <= ?")
        .bind(state.clock.unix() - 3600)
        .execute(&state.pool)
        .await?;
    Ok(())
}
