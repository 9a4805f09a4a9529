//! Starting and ending signed-in sessions.

use axum_login::AuthUser;

use crate::auth::forms::LoginInput;
use crate::error::AppError;
use crate::server::{
    account as accounts,
    account::password_reset,
    account::request::RequestCtx,
    account::sudo,
    account::{LoginOutcome, Registered},
    audit::{self, EventKind},
    error::{ServerError, ServerResult},
    protection::csrf,
    session::flash,
    session::store::{AuthMeta, AUTH_META_KEY},
    users::User,
};

/// Why a session is being started, for the log.
#[derive(Debug, Clone, Copy)]
pub enum SignInKind {
    Signup,
    Login,
}

/// Signs `user` in on this request's session: a new session id (so an id
/// seen before sign-in is worthless), a new CSRF token, and the sign-in time.
/// A remembered session's cookie outlives the browser.
pub async fn start(
    ctx: &mut RequestCtx,
    user: &User,
    kind: SignInKind,
    remember: bool,
) -> ServerResult<()> {
    let session = ctx.session().clone();
    if ctx.auth.user.is_some() {
        // axum-login only cycles the id of an anonymous session; switching
        // accounts deserves a fresh id too, and the old sign-in is over.
        if let Some(old) = ctx.sign_in().await? {
            ctx.state.sessions.end_sign_in(&old).await;
        }
        session
            .cycle_id()
            .await
            .map_err(|e| ServerError::internal("cycling the session id", e))?;
    }
    ctx.auth
        .login(user)
        .await
        .map_err(|e| ServerError::internal("signing in", e))?;
    let now = ctx.state.clock.unix();
    let meta = AuthMeta {
        user_id: user.id(),
        authenticated_at: now,
        remember,
        reauthenticated_at: now,
        client: ctx.client.addr.map(|a| a.to_string()),
        user_agent: ctx.client.user_agent.clone(),
        sign_in_id: AuthMeta::new_sign_in_id(),
    };
    session
        .insert(AUTH_META_KEY, meta)
        .await
        .map_err(|e| ServerError::internal("recording the sign-in", e))?;
    flash::take(&session)
        .await
        .map_err(|e| ServerError::internal("clearing notices", e))?;
    sudo::discard_pending(&session).await?;
    password_reset::discard_pending(&session).await?;
    csrf::rotate(&session)
        .await
        .map_err(|e| ServerError::internal("rotating the CSRF token", e))?;
    ctx.state
        .users
        .record_sign_in(user.id, now)
        .await
        .map_err(|e| ServerError::internal("recording the sign-in time", e))?;
    // Save now, so the new session id exists and the event can name it.
    session
        .save()
        .await
        .map_err(|e| ServerError::internal("saving the new session", e))?;
    let kind = match kind {
        SignInKind::Signup => EventKind::Signup,
        SignInKind::Login => EventKind::LoginSucceeded,
    };
    audit::record(&ctx.state, &ctx.actor(), kind, Some(user.id), None).await;
    Ok(())
}

/// Records a signup that did not sign anyone in (verification required).
pub async fn log_signup(ctx: &RequestCtx, registered: &Registered) {
    let (kind, user_id) = match registered {
        Registered::New(user) => (EventKind::Signup, Some(user.id)),
        Registered::Existing => (EventKind::SignupExistingAddress, None),
    };
    audit::record(&ctx.state, &ctx.actor(), kind, user_id, None).await;
}

/// Re-keys this session after the password changed: a new session id, the
/// new security stamp recorded (so this session survives the change that
/// ended the others), and a new CSRF token. The password was just entered,
/// so sudo mode starts afresh.
pub async fn renew(ctx: &mut RequestCtx, user: &User) -> ServerResult<()> {
    let session = ctx.session().clone();
    sudo::mark_confirmed(ctx).await?;
    ctx.auth
        .login(user)
        .await
        .map_err(|e| ServerError::internal("renewing the sign-in", e))?;
    csrf::rotate(&session)
        .await
        .map_err(|e| ServerError::internal("rotating the CSRF token", e))?;
    Ok(())
}

/// Checks credentials and, when they match, signs the user in. Unknown email
/// and wrong password give the same error.
pub async fn log_in(ctx: &mut RequestCtx, input: &LoginInput, remember: bool) -> ServerResult<()> {
    match accounts::check_login(&ctx.state, input).await? {
        LoginOutcome::Accepted(user) => start(ctx, &user, SignInKind::Login, remember).await,
        LoginOutcome::Refused { user_id } => {
            audit::record(
                &ctx.state,
                &ctx.actor(),
                EventKind::LoginFailed,
                user_id,
                None,
            )
            .await;
            Err(AppError::InvalidCredentials.into())
        }
        LoginOutcome::Throttled { user_id, gate } => {
            audit::record(
                &ctx.state,
                &ctx.actor(),
                EventKind::LoginThrottled,
                user_id,
                None,
            )
            .await;
            Err(gate.refusal().into())
        }
    }
}

/// Ends this session: the server-side row is deleted and the cookie expired.
/// (The "logged out" notice travels in the redirect URL, so nothing new is
/// stored in a session here.)
pub async fn end(ctx: &mut RequestCtx) -> ServerResult<()> {
    let actor = ctx.actor();
    let user = close(ctx).await?;
    audit::record(
        &ctx.state,
        &actor,
        EventKind::Logout,
        user.map(|u| u.id),
        None,
    )
    .await;
    Ok(())
}

/// Ends this session without a logout event: for a deleted account, whose
/// events no longer name it.
pub async fn close(ctx: &mut RequestCtx) -> ServerResult<Option<User>> {
    if let Some(meta) = ctx.sign_in().await? {
        ctx.state.sessions.end_sign_in(&meta).await;
    }
    ctx.auth
        .logout()
        .await
        .map_err(|e| ServerError::internal("signing out", e))
}
