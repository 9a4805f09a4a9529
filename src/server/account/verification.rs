//! Confirming that an account's address is really its owner's.

use crate::server::account::request::RequestCtx;
use crate::server::{
    account::queue_verification,
    audit::{self, EventKind},
    credentials::tokens::{self, TokenKind},
    error::ServerResult,
    platform::db,
    users::{User, Users},
};

/// A new link is sent at most this often per account.
const RESEND_INTERVAL_SECS: i64 = 60;

/// Uses a verification link. Returns the account it confirmed, or `None`
/// when the link is unknown, used or expired.
pub async fn confirm(ctx: &RequestCtx, token: &str) -> ServerResult<Option<User>> {
    let (state, actor) = (&ctx.state, &ctx.actor());
    let now = state.clock.unix();
    let mut tx = state.users.begin().await?;
    let Some(redeemed) =
        tokens::redeem(&mut tx, &tokens::hash(token), TokenKind::VerifyEmail, now).await?
    else {
        return Ok(None);
    };
    tx.mark_verified(redeemed.user_id, now).await?;
    let user = Users::by_id_in(&mut tx, redeemed.user_id).await?;
    tx.commit().await?;
    if let Some(user) = &user {
        audit::record(state, actor, EventKind::EmailVerified, Some(user.id), None).await;
    }
    Ok(user)
}

/// Sends a fresh link to an unconfirmed account, unless one went out in the
/// last minute (then quietly does nothing: the answer is the same).
pub async fn resend(ctx: &RequestCtx, user: &User) -> ServerResult<()> {
    let (state, actor) = (&ctx.state, &ctx.actor());
    if user.email_verified_at.is_some() {
        return Ok(());
    }
    let now = state.clock.unix();
    let mut tx = db::write_tx(&state.pool).await?;
    let recent: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM tokens WHERE user_id = ? AND kind = 'verify_email' AND created_at > ?",
    )
    .bind(user.id)
    .bind(now - RESEND_INTERVAL_SECS)
    .fetch_optional(&mut *tx)
    .await?;
    let send = recent.is_none();
    if send {
        queue_verification(state, &mut tx, user).await?;
    }
    tx.commit().await?;
    state.mailer.wake();
    if send {
        audit::record(
            state,
            actor,
            EventKind::VerificationSent,
            Some(user.id),
            None,
        )
        .await;
    }
    Ok(())
}
