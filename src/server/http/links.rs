//! The links Gatehouse mails out, followed with a plain GET:
//! `/verify-email?token=`, `/reset-password?token=` and `/confirm-email?token=`.
//! Each is handled here before any page renders, then redirects, so the
//! token never stays in the address bar or reaches a page.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::auth::Flash;
use crate::routes::{endpoint, link, page, with_notice};
use crate::server::{
    account::auth_backend::AuthSession, account::changes as account_settings,
    account::password_reset, account::request::RequestCtx,
    account::verification as email_verification, protection::client::Client, state::AppState,
};

/// The reset form's path; its responses never send a `Referer` onwards.
const RESET_PATH: &str = page::RESET_PASSWORD;

pub async fn token_links(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() == Method::POST && path == endpoint::path::<endpoint::ResetPassword>() {
        restore_referer(&state, &mut request);
        return next.run(request).await;
    }
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let Some(token) = token_param(&request) else {
        let mut response = next.run(request).await;
        if path == RESET_PATH {
            no_referrer(&mut response);
        }
        return response;
    };
    let Some(auth) = request.extensions().get::<AuthSession>().cloned() else {
        return next.run(request).await;
    };
    let ctx = RequestCtx {
        client: Client::new(request.headers(), request.extensions()),
        state,
        auth,
    };
    match path.as_str() {
        page::VERIFY_EMAIL => verify_email(&ctx, &token).await,
        RESET_PATH => reset_link(&ctx, &token).await,
        link::CONFIRM_EMAIL => confirm_email(&ctx, &token).await,
        _ => next.run(request).await,
    }
}

fn token_param(request: &Request) -> Option<String> {
    url::form_urlencoded::parse(request.uri().query()?.as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
}

fn redirect(to: String) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(&to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn no_referrer(response: &mut Response) {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

async fn verify_email(ctx: &RequestCtx, token: &str) -> Response {
    let signed_in = ctx.auth.user.as_ref().map(|u| u.id);
    match email_verification::confirm(ctx, token).await {
        Ok(Some(user)) if signed_in == Some(user.id) => {
            redirect(with_notice(page::DASHBOARD, Flash::EmailVerified))
        }
        Ok(Some(_)) => redirect(with_notice(page::LOGIN, Flash::EmailVerified)),
        Ok(None) => redirect(with_notice(page::VERIFY_EMAIL, Flash::LinkInvalid)),
        Err(e) => {
            tracing::error!(error = %e, "could not confirm an email address");
            redirect(with_notice(page::VERIFY_EMAIL, Flash::LinkInvalid))
        }
    }
}

async fn reset_link(ctx: &RequestCtx, token: &str) -> Response {
    let target = match password_reset::accept_link(ctx, token).await {
        Ok(true) => RESET_PATH.to_owned(),
        _ => with_notice(page::FORGOT_PASSWORD, Flash::LinkInvalid),
    };
    let mut response = redirect(target);
    no_referrer(&mut response);
    response
}

async fn confirm_email(ctx: &RequestCtx, token: &str) -> Response {
    let signed_in = ctx.auth.user.is_some();
    let home = if signed_in {
        page::SETTINGS
    } else {
        page::LOGIN
    };
    match account_settings::confirm_email_change(ctx, token).await {
        Ok(Some(_)) => redirect(with_notice(home, Flash::EmailChanged)),
        Ok(None) => redirect(with_notice(home, Flash::LinkInvalid)),
        Err(e) => {
            tracing::error!(error = %e, "could not confirm an email change");
            redirect(with_notice(home, Flash::LinkInvalid))
        }
    }
}

/// The reset page sends no `Referer` (its policy is `no-referrer`), but a
/// form posted without JavaScript is answered by redirecting back to the
/// `Referer` with any error; without one the error would be lost. The form
/// has one address, so supply it.
fn restore_referer(state: &AppState, request: &mut Request) {
    if request.headers().contains_key(header::REFERER) {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&format!("{}{RESET_PATH}", state.origin)) {
        request.headers_mut().insert(header::REFERER, value);
    }
}
