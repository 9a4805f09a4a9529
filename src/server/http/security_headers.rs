//! Security headers on every response, and the page Content-Security-Policy.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

use crate::server::state::AppState;

/// The policy for responses that are not pages (API answers, files, errors).
const NON_PAGE_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The policy for a rendered page. Scripts run only from our origin or with
/// this response's nonce (the hydration script); `'wasm-unsafe-eval'` lets the
/// browser compile our WebAssembly, and nothing allows inline script.
pub fn page_policy(nonce: &str, live_reload: Option<u32>) -> String {
    let connect = match live_reload {
        // cargo-leptos watch reloads the page over a websocket on its own port.
        Some(port) => format!("'self' ws://127.0.0.1:{port} ws://localhost:{port}"),
        None => "'self'".into(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src {connect}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the headers below to every response, keeping any a handler set.
pub async fn apply(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    set_default(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_default(headers, header::REFERRER_POLICY, "same-origin");
    set_default(headers, header::X_FRAME_OPTIONS, "DENY");
    set_default(headers, header::CONTENT_SECURITY_POLICY, NON_PAGE_POLICY);
    set_default(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set_default(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set_default(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    // Pages carry per-session data (user details, CSRF tokens): never store
    // them, so Back after logout cannot show them. Assets revalidate.
    set_default(
        headers,
        header::CACHE_CONTROL,
        if is_asset { "no-cache" } else { "no-store" },
    );
    if state.origin.is_https() {
        set_default(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}
