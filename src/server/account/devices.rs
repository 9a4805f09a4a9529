//! The "your devices" page: a user's signed-in sessions, and ending them.

use crate::server::{
    account::request::RequestCtx,
    audit::activity::relative,
    audit::user_agent,
    audit::{self, EventKind},
    error::{ServerError, ServerResult},
    platform::clock::format_utc,
    session::store::{handle_of, EndReason},
    users::User,
};
use crate::{
    auth::{DeviceItem, Flash},
    error::AppError,
};

/// The user's signed-in sessions, newest first, this one marked.
pub async fn list(ctx: &RequestCtx, user: &User) -> ServerResult<Vec<DeviceItem>> {
    let sessions = ctx
        .state
        .sessions
        .list_for_user(user.id)
        .await
        .map_err(|e| ServerError::internal("listing sessions", e))?;
    let current = current_handle(ctx).await?;
    let now = ctx.state.clock.unix();
    Ok(sessions
        .into_iter()
        .map(|s| (current.as_deref() == Some(s.handle.as_str()), s))
        .map(|(is_current, s)| DeviceItem {
            current: is_current,
            device: s
                .user_agent
                .as_deref()
                .map_or_else(|| "An unknown browser".into(), user_agent::describe),
            client: s.client,
            signed_in: relative(now - s.started_at),
            signed_in_at: format_utc(s.started_at),
            last_seen: relative(now - s.last_seen_at),
            remembered: s.remembered,
            // This session is ended with "Log out", not by handle.
            handle: if is_current { String::new() } else { s.handle },
        })
        .collect())
}

/// The device handle of this session.
async fn current_handle(ctx: &RequestCtx) -> ServerResult<Option<String>> {
    Ok(ctx.sign_in().await?.as_ref().map(handle_of))
}

/// Ends one other session of the user. This session cannot end itself here
/// (that is what "Log out" is for).
pub async fn sign_out(ctx: &RequestCtx, user: &User, handle: &str) -> ServerResult<Flash> {
    if current_handle(ctx).await?.as_deref() == Some(handle) {
        return Err(AppError::BadRequest.into());
    }
    let ended = ctx
        .state
        .sessions
        .end_session(user.id, handle, EndReason::Revoked)
        .await
        .map_err(|e| ServerError::internal("ending a session", e))?;
    if ended {
        audit::record(
            &ctx.state,
            &ctx.actor(),
            EventKind::SessionRevoked,
            Some(user.id),
            None,
        )
        .await;
    }
    Ok(Flash::SessionRevoked)
}

/// Ends every session of the user except this one.
pub async fn sign_out_others(ctx: &RequestCtx, user: &User) -> ServerResult<Flash> {
    let ended = ctx
        .state
        .sessions
        .end_user_sessions(user.id, ctx.sign_in().await?.as_ref(), EndReason::Revoked)
        .await
        .map_err(|e| ServerError::internal("ending sessions", e))?;
    let detail = format!("{ended} sessions");
    audit::record(
        &ctx.state,
        &ctx.actor(),
        EventKind::OtherSessionsRevoked,
        Some(user.id),
        Some(&detail),
    )
    .await;
    Ok(Flash::OtherSessionsRevoked)
}
