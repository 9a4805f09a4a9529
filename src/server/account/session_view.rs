//! Builds the [`SessionView`] every page renders from.

use crate::auth::{Access, CurrentUser, SessionView};
use crate::routes::page;
use crate::server::{
    account::password_reset,
    account::request::RequestCtx,
    config::settings::EmailVerification,
    error::{ServerError, ServerResult},
    platform::clock::format_utc,
    protection::csrf,
    session::flash,
    session::store::{AuthMeta, AUTH_META_KEY},
    users::User,
};

/// The session as the page for `access` should see it. A notice is handed
/// out only to a page that will render, not to one about to redirect.
pub async fn for_page(ctx: &RequestCtx, access: Access) -> ServerResult<SessionView> {
    let session = ctx.session();
    let csrf_token = csrf::ensure_token(session)
        .await
        .map_err(|e| ServerError::internal("creating a CSRF token", e))?;
    let user = match &ctx.auth.user {
        Some(user) => Some(current_user(ctx, user).await?),
        None => None,
    };
    let mut view = SessionView {
        user,
        csrf_token,
        flash: None,
        password_min_length: ctx.state.settings.passwords.password_min_length,
        email_verification_required: ctx.state.settings.verification.email_verification
            == EmailVerification::Required,
        reset_pending: access == Access::Anyone && password_reset::is_pending(ctx).await,
    };
    if view.redirect_for(access, page::HOME).is_none() {
        view.flash = flash::take(session)
            .await
            .map_err(|e| ServerError::internal("reading notices", e))?;
    }
    Ok(view)
}

async fn current_user(ctx: &RequestCtx, user: &User) -> ServerResult<CurrentUser> {
    let meta: Option<AuthMeta> = ctx
        .session()
        .get(AUTH_META_KEY)
        .await
        .map_err(|e| ServerError::internal("reading the session", e))?;
    Ok(CurrentUser {
        email: user.email.clone(),
        account_created: format_utc(user.created_at),
        session_started: meta.map_or_else(|| "unknown".into(), |m| format_utc(m.authenticated_at)),
        previous_sign_in: user.previous_sign_in_at.map(format_utc),
        email_verified: user.email_verified_at.is_some(),
    })
}
