//! Cross-site request forgery defences (Leptos has none built in).
//!
//! Two independent checks: every unsafe request must come from our own origin
//! (Fetch Metadata / `Origin` / `Referer`), and every form carries a
//! per-session token that each mutating server function compares in constant
//! time. The token travels as an ordinary hidden field, so forms work the same
//! with and without JavaScript.

use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use super::client::Client;

use crate::server::config::settings::Origin;

/// Session key of the CSRF token.
pub const TOKEN_KEY: &str = "gh.csrf";

/// The origins a browser may post from: the public origin, plus its loopback
/// aliases when it is a local development address.
#[derive(Clone, Debug)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    pub fn for_origin(origin: &Origin) -> AllowedOrigins {
        let mut allowed = vec![origin.to_string()];
        if origin.is_loopback() {
            for host in ["localhost", "127.0.0.1", "[::1]"] {
                let alias = Origin {
                    host: host.into(),
                    ..origin.clone()
                }
                .to_string();
                if !allowed.contains(&alias) {
                    allowed.push(alias);
                }
            }
        }
        AllowedOrigins(allowed)
    }

    fn contains(&self, origin: &str) -> bool {
        self.0
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }

    fn contains_url_of(&self, url: &str) -> bool {
        url::Url::parse(url)
            .map(|u| self.contains(&u.origin().ascii_serialization()))
            .unwrap_or(false)
    }
}

/// Methods that never change state, so need no origin check.
pub fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether an unsafe request demonstrably comes from our own pages.
///
/// Fetch Metadata first: browsers set `Sec-Fetch-Site` themselves and pages
/// cannot forge it. (`Origin` alone is not enough: a form posted from a page
/// with `Referrer-Policy: no-referrer` says `Origin: null`.) Without it,
/// `Origin`, then `Referer`, must name our origin. A request with none of
/// them (curl, very old clients) is let through to the token check, which it
/// cannot pass without a session of its own.
pub fn same_origin(headers: &HeaderMap, allowed: &AllowedOrigins) -> bool {
    let text = |name: header::HeaderName| headers.get(name).map(HeaderValue::to_str);
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    match text(header::ORIGIN) {
        Some(Ok(origin)) => return allowed.contains(origin),
        Some(Err(_)) => return false,
        None => {}
    }
    match text(header::REFERER) {
        Some(Ok(referer)) => allowed.contains_url_of(referer),
        Some(Err(_)) => false,
        None => true,
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The session's token, created if the session has none yet.
pub async fn ensure_token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(token) = session.get::<String>(TOKEN_KEY).await? {
        return Ok(token);
    }
    rotate(session).await
}

/// Replaces the session's token (after sign-in, so a token seen before
/// authentication is worthless after it).
pub async fn rotate(session: &Session) -> Result<String, tower_sessions::session::Error> {
    let token = new_token();
    session.insert(TOKEN_KEY, &token).await?;
    Ok(token)
}

/// Whether `submitted` is this session's token (constant-time comparison).
pub async fn verify(session: &Session, submitted: &str) -> bool {
    match session.get::<String>(TOKEN_KEY).await {
        Ok(Some(expected)) => {
            !expected.is_empty()
                && expected.len() == submitted.len()
                && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
        }
        _ => false,
    }
}

/// Refuses unsafe requests that do not come from our own pages (403).
pub async fn require_same_origin(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe_method(request.method()) || same_origin(request.headers(), &allowed) {
        return next.run(request).await;
    }
    let (parts, _) = request.into_parts();
    tracing::warn!(
        event = "cross_origin_rejected",
        client = %Client::from_parts(&parts),
        path = %parts.uri.path(),
        "refused a cross-origin request"
    );
    (
        axum::http::StatusCode::FORBIDDEN,
        "Cross-origin request refused.\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn allowed() -> AllowedOrigins {
        AllowedOrigins::for_origin(&Origin::parse("http://127.0.0.1:3000").unwrap())
    }

    #[test]
    fn same_origin_posts_pass() {
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            &allowed()
        ));
        assert!(same_origin(
            &headers(&[("origin", "http://localhost:3000")]),
            &allowed()
        ));
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &allowed()
        ));
        assert!(same_origin(&headers(&[]), &allowed()));
    }

    #[test]
    fn foreign_posts_fail() {
        assert!(!same_origin(
            &headers(&[("origin", "http://evil.test")]),
            &allowed()
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), &allowed()));
        assert!(!same_origin(
            &headers(&[("origin", "http://127.0.0.1:3001")]),
            &allowed()
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &allowed()
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            &allowed()
        ));
        assert!(!same_origin(
            &headers(&[("referer", "http://evil.test/x")]),
            &allowed()
        ));
    }
}
