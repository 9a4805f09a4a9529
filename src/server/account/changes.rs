//! What a signed-in user can change: password, email address, or the
//! account itself. Each needs the current password.

use crate::server::account::request::RequestCtx;
use crate::server::{
    account as accounts,
    account::password_reset::check_new_password,
    audit::{self, EventKind},
    credentials::tokens::{self, TokenKind},
    error::{ServerError, ServerResult},
    mail::Mail,
    platform::db,
    protection::login_throttle::{self, Gate},
    session::store::{AuthMeta, EndReason},
    state::AppState,
    users::{User, Users},
};
use crate::{
    auth::forms::{EmailChangeInput, NewPasswordInput},
    error::AppError,
    routes::link,
};

/// Fails unless `password` is the user's current password. Guesses count
/// against the account's login throttle, so a stolen session cannot be used
/// to try passwords faster than the login form allows.
pub async fn require_password(ctx: &RequestCtx, user: &User, password: &str) -> ServerResult<()> {
    let state = &ctx.state;
    let gate = login_throttle::admit(state, &user.email).await?;
    if gate != Gate::Open {
        return Err(gate.refusal().into());
    }
    let verification = state
        .passwords
        .verify(password.to_owned(), Some(user.password_hash.clone()))
        .await?;
    if verification.matches {
        Ok(login_throttle::clear(state, &user.email).await?)
    } else {
        tracing::info!(event = "reauthentication_failed", user_id = user.id);
        Err(ServerError::wrong_password())
    }
}

/// Sets a new password and ends every session of the account except
/// `keep` (the caller's, which it then re-keys). Returns the updated user.
pub async fn change_password(
    ctx: &RequestCtx,
    user: &User,
    current: &str,
    new_password: &NewPasswordInput,
) -> ServerResult<User> {
    let (state, actor) = (&ctx.state, &ctx.actor());
    require_password(ctx, user, current).await?;
    let password = check_new_password(state, new_password, &user.email)?;
    let hash = state.passwords.hash(password.into_string()).await?;
    let keep = ctx.sign_in().await?;
    accounts::change(state, async |tx| {
        tx.set_password(user.id, &hash).await?;
        // A new password is what someone does on noticing a stranger in
        // their account: an email change the stranger asked for dies too.
        tokens::revoke(
            tx,
            user.id,
            &[TokenKind::ResetPassword, TokenKind::ChangeEmail],
        )
        .await?;
        state
            .mailer
            .queue_in(tx, &Mail::PasswordChanged, &user.email)
            .await?;
        Ok::<_, ServerError>(())
    })
    .await?;
    end_other_sessions(state, user.id, keep.as_ref()).await;
    audit::record(
        state,
        actor,
        EventKind::PasswordChanged,
        Some(user.id),
        None,
    )
    .await;
    fresh(state, user.id).await
}

async fn end_other_sessions(state: &AppState, user_id: i64, keep: Option<&AuthMeta>) {
    if let Err(e) = state
        .sessions
        .end_user_sessions(user_id, keep, EndReason::PasswordChanged)
        .await
    {
        tracing::error!(error = %e, user_id, "could not end the other sessions");
    }
}

async fn fresh(state: &AppState, user_id: i64) -> ServerResult<User> {
    state
        .users
        .by_id(user_id)
        .await?
        .ok_or(AppError::Unauthorized.into())
}

/// Starts an email change: a confirmation link to the new address (which
/// becomes active only when followed) and a notice to the current one. An
/// address that belongs to another account gets a notice instead of a link,
/// and the answer is the same.
pub async fn request_email_change(
    ctx: &RequestCtx,
    user: &User,
    current: &str,
    input: &EmailChangeInput,
) -> ServerResult<()> {
    let (state, actor) = (&ctx.state, &ctx.actor());
    require_password(ctx, user, current).await?;
    let new_email = input.validate(&user.email)?.as_str().to_owned();
    let result: ServerResult<()> = async {
        let now = state.clock.unix();
        let mut tx = db::write_tx(&state.pool).await?;
        if Users::by_email_in(&mut tx, &new_email).await?.is_some() {
            state
                .mailer
                .queue_in(&mut tx, &Mail::EmailInUse, &new_email)
                .await?;
        } else {
            tokens::revoke(&mut tx, user.id, &[TokenKind::ChangeEmail]).await?;
            let ttl_secs = state.settings.verification.email_verification_ttl_secs;
            let token = tokens::issue(
                &mut tx,
                user.id,
                TokenKind::ChangeEmail,
                Some(&new_email),
                now,
                ttl_secs,
            )
            .await?;
            let link = state
                .mailer
                .link(&format!("{}?token={token}", link::CONFIRM_EMAIL));
            let mail = Mail::ConfirmNewEmail {
                link,
                new_email: new_email.clone(),
                ttl_secs,
            };
            state.mailer.queue_in(&mut tx, &mail, &new_email).await?;
        }
        let notice = Mail::EmailChangeRequested {
            new_email: new_email.clone(),
        };
        state.mailer.queue_in(&mut tx, &notice, &user.email).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    result?;
    state.mailer.wake();
    audit::record(
        state,
        actor,
        EventKind::EmailChangeRequested,
        Some(user.id),
        None,
    )
    .await;
    Ok(())
}

/// Follows an email-change link. Returns the account, or `None` when the
/// link is unknown, used, expired, or its address was taken meanwhile.
pub async fn confirm_email_change(ctx: &RequestCtx, token: &str) -> ServerResult<Option<User>> {
    let (state, actor) = (&ctx.state, &ctx.actor());
    let now = state.clock.unix();
    let mut tx = state.users.begin().await?;
    let Some(redeemed) =
        tokens::redeem(&mut tx, &tokens::hash(token), TokenKind::ChangeEmail, now).await?
    else {
        return Ok(None);
    };
    let Some(new_email) = redeemed.payload else {
        return Ok(None);
    };
    match tx.set_email(redeemed.user_id, &new_email, now).await {
        Ok(()) => {}
        Err(ServerError::EmailTaken) => {
            tx.commit().await?; // the token stays used
            return Ok(None);
        }
        Err(e) => return Err(e),
    }
    // Reset links already mailed to the old address must not outlive it.
    tokens::revoke(&mut tx, redeemed.user_id, &[TokenKind::ResetPassword]).await?;
    let user = Users::by_id_in(&mut tx, redeemed.user_id).await?;
    tx.commit().await?;
    audit::record(
        state,
        actor,
        EventKind::EmailChanged,
        Some(redeemed.user_id),
        None,
    )
    .await;
    Ok(user)
}

/// Deletes the account: the user, their sessions and tokens go in one
/// transaction (foreign keys cascade), with a goodbye message queued in it.
pub async fn delete_account(ctx: &RequestCtx, user: &User, current: &str) -> ServerResult<()> {
    let (state, actor) = (&ctx.state, &ctx.actor());
    require_password(ctx, user, current).await?;
    accounts::change(state, async |tx| {
        state
            .mailer
            .queue_in(tx, &Mail::AccountDeleted, &user.email)
            .await?;
        tx.delete(user.id).await?;
        Ok::<_, ServerError>(())
    })
    .await?;
    // The session rows went with the user; their cached copies must go too.
    state.sessions.forget_user(user.id);
    // Unlinked like the account's other events (its id may be reused).
    audit::record(state, actor, EventKind::AccountDeleted, None, None).await;
    Ok(())
}
