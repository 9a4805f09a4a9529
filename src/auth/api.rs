//! The server functions: stable endpoints under `/api/`, taking
//! `application/x-www-form-urlencoded` fields. Each one only checks the CSRF
//! token, validates, calls a service in `crate::server` and redirects; the
//! rules live in the services.

use leptos::prelude::*;

use super::{Access, SessionView};
use crate::error::AppError;

/// The current session as a page needs it (user, CSRF token, notice).
#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session(access: Access) -> Result<SessionView, AppError> {
    use crate::server::{request::RequestCtx, session_view};

    let ctx = RequestCtx::current().await?;
    session_view::for_page(&ctx, access).await
}

/// Creates an account and signs it in; lands on the dashboard.
#[server(prefix = "/api", endpoint = "signup")]
pub async fn signup(
    email: String,
    password: String,
    confirm_password: String,
    csrf_token: String,
) -> Result<(), AppError> {
    use super::{validation::SignupInput, DASHBOARD_PATH};
    use crate::server::{
        accounts,
        request::RequestCtx,
        sign_in::{self, SignInKind},
    };

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let input = SignupInput {
        email,
        password,
        confirm_password,
    }
    .validate(ctx.state.settings.password_min_length)
    .map_err(AppError::Invalid)?;
    let user = accounts::register(&ctx.state, input).await?;
    sign_in::start(&mut ctx, &user, SignInKind::Signup).await?;
    leptos_axum::redirect(DASHBOARD_PATH);
    Ok(())
}

/// Signs in; lands on `next` when it is a path on this site, else the dashboard.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    csrf_token: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{next_path::safe_next, request::RequestCtx, sign_in};

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    sign_in::log_in(&mut ctx, &email, &password).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Ends this session only; other devices stay signed in.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout(csrf_token: String) -> Result<(), AppError> {
    use super::LOGGED_OUT_PATH;
    use crate::server::{request::RequestCtx, sign_in};

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    sign_in::end(&mut ctx).await?;
    leptos_axum::redirect(LOGGED_OUT_PATH);
    Ok(())
}
