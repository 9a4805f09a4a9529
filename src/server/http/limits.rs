//! Applies the per-address limits of `protection::rate_limit` before any
//! other work: over the limit, 429 with `Retry-After`, a JSON error for the
//! app and a short page for a browser. Also resolves the client address once
//! per request, for everything after it.

use std::net::{IpAddr, Ipv4Addr};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::AppError;
use crate::server::{
    audit::{self, Actor, EventKind},
    protection::client::Client,
    state::AppState,
};

/// Resolves the client once per request, for everything after it.
pub async fn resolve_client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = Client::resolve(
        request.headers(),
        request.extensions(),
        &state.settings.site.trusted_proxies,
    );
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// Refuses requests over their address's limit before any other work.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    match check(&state, Caller::of(&request), &path).await {
        Some(refusal) => refusal,
        None => next.run(request).await,
    }
}

/// What a refusal needs to know about the request.
pub struct Caller {
    client: Client,
    wants_page: bool,
}

impl Caller {
    pub fn of(request: &Request) -> Caller {
        Caller {
            client: Client::new(request.headers(), request.extensions()),
            wants_page: request
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html")),
        }
    }
}

/// `None` if the caller's address is within its `bucket`; otherwise the 429
/// to answer with (and a security event, at most one a minute per address).
pub async fn check(state: &AppState, caller: Caller, bucket: &str) -> Option<Response> {
    let addr = caller
        .client
        .addr
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let retry_after_secs = state.rate_limits.check(bucket, addr).err()?;
    if state.rate_limits.should_log(addr, state.clock.unix()) {
        let actor = Actor::new(caller.client, None);
        audit::record(state, &actor, EventKind::RateLimited, None, Some(bucket)).await;
    }
    Some(too_many(retry_after_secs, caller.wants_page))
}

fn too_many(retry_after_secs: u64, wants_page: bool) -> Response {
    let error = AppError::RateLimited { retry_after_secs };
    let mut response = if wants_page {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Too many attempts · Gatehouse</title><link rel=\"stylesheet\" href=\"/pkg/gatehouse.css\"></head>\
             <body><main class=\"page\"><div class=\"card\"><h1>Too many attempts</h1><p role=\"alert\">{error}</p>\
             <p><a href=\"/\">Back to Gatehouse</a></p></div></main></body></html>"
        );
        let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        );
        response
    } else {
        let body = serde_json::to_string(&error).unwrap_or_default();
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
