//! Sudo mode: sensitive actions need the password entered recently.
//!
//! Signing in, changing the password and confirming it on `/confirm-password`
//! open a window (`sudo_mode_secs`, 10 minutes by default). An action that
//! needs it and finds it closed is not lost: it is kept in the session, the
//! user confirms the password, and the action then runs as submitted. Forms
//! that carry the current password themselves (change password or email,
//! delete the account) are their own confirmation.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::server::{
    account::changes as account_settings,
    account::devices,
    account::request::RequestCtx,
    audit::{self, EventKind},
    error::{ServerError, ServerResult},
    protection::next_path::safe_next,
    session::store::AUTH_META_KEY,
    users::User,
};
use crate::{
    error::AppError,
    routes::{page, with_next, with_notice},
};

/// Session key of the action waiting for the password.
const PENDING_KEY: &str = "gh.sudo";

/// How long a waiting action may be resumed.
const PENDING_TTL_SECS: i64 = 15 * 60;

/// An action that needs a recent password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sensitive {
    SignOutDevice { handle: String },
    SignOutOtherDevices,
}

impl Sensitive {
    /// The page the action was started from, where the user returns.
    fn origin_page(&self) -> &'static str {
        page::SESSIONS
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    action: Sensitive,
    at: i64,
    /// Whose action it is: a browser can change hands between the ask and
    /// the confirmation.
    user_id: i64,
}

/// Whether the password was entered on this session within the window.
pub async fn is_fresh(ctx: &RequestCtx) -> ServerResult<bool> {
    let now = ctx.state.clock.unix();
    let window = ctx.state.settings.sessions.sudo_mode_secs;
    Ok(ctx
        .sign_in()
        .await?
        .is_some_and(|m| now - m.reauthenticated_at < window))
}

/// Records that the password was just entered: the window reopens and,
/// since this is a privilege change, the session gets a new id.
pub async fn mark_confirmed(ctx: &RequestCtx) -> ServerResult<()> {
    let session = ctx.session();
    let mut meta = ctx.sign_in().await?.ok_or(AppError::Unauthorized)?;
    meta.reauthenticated_at = ctx.state.clock.unix();
    session
        .insert(AUTH_META_KEY, meta)
        .await
        .map_err(|e| ServerError::internal("recording the confirmation", e))?;
    session
        .cycle_id()
        .await
        .map_err(|e| ServerError::internal("cycling the session id", e))?;
    // Save now, so the new id exists for the rest of this request.
    session
        .save()
        .await
        .map_err(|e| ServerError::internal("saving the renewed session", e))?;
    // A session signed out from another device while this request ran is
    // not renewed (see `SessionStore::create`); nothing may run on it now.
    let renewed = match session.id() {
        Some(id) => ctx
            .state
            .sessions
            .exists(&id)
            .await
            .map_err(|e| ServerError::internal("checking the renewed session", e))?,
        None => false,
    };
    if renewed {
        Ok(())
    } else {
        Err(AppError::Unauthorized.into())
    }
}

/// Runs `action` if the window is open; otherwise keeps it for after the
/// password is confirmed. Returns where to send the browser.
pub async fn run_or_defer(
    ctx: &RequestCtx,
    user: &User,
    action: Sensitive,
) -> ServerResult<String> {
    if is_fresh(ctx).await? {
        return perform(ctx, user, &action).await;
    }
    let next = action.origin_page();
    let pending = Pending {
        action,
        at: ctx.state.clock.unix(),
        user_id: user.id,
    };
    ctx.session()
        .insert(PENDING_KEY, pending)
        .await
        .map_err(|e| ServerError::internal("keeping the action for later", e))?;
    Ok(with_next(page::CONFIRM_PASSWORD, next))
}

/// Drops any action waiting for a password (at sign-in: it belonged to
/// whoever used this browser before).
pub async fn discard_pending(session: &Session) -> ServerResult<()> {
    session
        .remove_value(PENDING_KEY)
        .await
        .map(drop)
        .map_err(|e| ServerError::internal("dropping a waiting action", e))
}

/// Checks the password, reopens the window and resumes the waiting action,
/// if any. Returns where to send the browser.
pub async fn confirm(
    ctx: &RequestCtx,
    user: &User,
    password: &str,
    next: Option<&str>,
) -> ServerResult<String> {
    account_settings::require_password(ctx, user, password).await?;
    mark_confirmed(ctx).await?;
    audit::record(
        &ctx.state,
        &ctx.actor(),
        EventKind::PasswordConfirmed,
        Some(user.id),
        None,
    )
    .await;
    let pending: Option<Pending> = ctx
        .session()
        .remove(PENDING_KEY)
        .await
        .map_err(|e| ServerError::internal("reading the waiting action", e))?;
    let now = ctx.state.clock.unix();
    match pending.filter(|p| p.user_id == user.id && now - p.at <= PENDING_TTL_SECS) {
        Some(pending) => perform(ctx, user, &pending.action).await,
        None => Ok(safe_next(next)),
    }
}

async fn perform(ctx: &RequestCtx, user: &User, action: &Sensitive) -> ServerResult<String> {
    let notice = match action {
        Sensitive::SignOutDevice { handle } => devices::sign_out(ctx, user, handle).await?,
        Sensitive::SignOutOtherDevices => devices::sign_out_others(ctx, user).await?,
    };
    Ok(with_notice(action.origin_page(), notice))
}
