//! The tower-sessions and axum-login layers, configured secure by default.

use axum::{
    extract::{Request, State},
    http::{header::SET_COOKIE, HeaderValue},
    middleware::Next,
    response::Response,
};
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use crate::server::{
    account::auth_backend::Backend, config::settings::Origin, session::store::SessionStore,
    state::AppState,
};

/// The session cookie's name: `__Host-` prefixed whenever the site is https,
/// which makes browsers insist on `Secure`, `Path=/` and no `Domain`.
pub fn cookie_name(origin: &Origin) -> &'static str {
    if origin.is_https() {
        "__Host-gatehouse"
    } else {
        "gatehouse"
    }
}

/// Sessions (HttpOnly, SameSite=Lax, Secure on https, gone when the browser
/// closes) plus axum-login on top.
pub fn auth_layer(state: &AppState) -> AuthManagerLayer<Backend, SessionStore> {
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(cookie_name(&state.origin))
        .with_secure(state.origin.is_https())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnSessionEnd);
    AuthManagerLayerBuilder::new(Backend::new(state.clone()), sessions).build()
}

/// Gives every session `Set-Cookie` the full attribute set. tower-sessions
/// builds its removal cookie from the incoming cookie, which carries no
/// attributes; a browser ignores a `__Host-` cookie without `Secure`, so
/// without this, logout could not expire the cookie on https.
pub async fn harden_cookies(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let persist = response
        .extensions()
        .get::<PersistentCookie>()
        .map(|p| p.max_age);
    let name = cookie_name(&state.origin);
    let prefix = format!("{name}=");
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers.get_all(SET_COOKIE).iter().cloned().collect();
    if !cookies
        .iter()
        .any(|c| c.to_str().is_ok_and(|c| c.starts_with(&prefix)))
    {
        return response;
    }
    headers.remove(SET_COOKIE);
    for cookie in cookies {
        let value = match cookie.to_str() {
            Ok(text) if text.starts_with(&prefix) => {
                harden(text, state.origin.is_https(), persist).unwrap_or(cookie)
            }
            _ => cookie,
        };
        headers.append(SET_COOKIE, value);
    }
    response
}

/// Response marker: the session cookie being set should persist this many
/// seconds ("remember me") instead of dying with the browser.
#[derive(Clone, Copy, Debug)]
pub struct PersistentCookie {
    pub max_age: i64,
}

fn harden(cookie: &str, secure: bool, persist: Option<i64>) -> Option<HeaderValue> {
    let mut text = cookie.to_owned();
    // A cookie being set (not removed) for a remembered session persists.
    if let Some(max_age) = persist {
        let removal = text.contains("Max-Age=0");
        if !removal && !text.to_ascii_lowercase().contains("max-age") {
            text.push_str(&format!("; Max-Age={max_age}"));
        }
    }
    let has = |text: &str, attribute: &str| {
        text.split(';')
            .any(|part| part.trim().to_ascii_lowercase().starts_with(attribute))
    };
    if !has(&text, "httponly") {
        text.push_str("; HttpOnly");
    }
    if !has(&text, "samesite") {
        text.push_str("; SameSite=Lax");
    }
    if !has(&text, "path") {
        text.push_str("; Path=/");
    }
    if secure && !has(&text, "secure") {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).ok()
}
