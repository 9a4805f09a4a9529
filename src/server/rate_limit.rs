//! Per-address rate limits (token buckets, `governor`) on the endpoints an
//! attacker would hammer: login, signup, password reset, resend
//! verification and the password check; and on new sessions, since every
//! first page view stores one server-side. Over the limit: 429 with
//! `Retry-After`, a JSON error for the app and a short page for a browser.

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr},
    num::NonZeroU32,
    sync::Mutex,
    time::Duration,
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{clock::Clock as _, DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::{
    audit::{self, Actor, EventKind},
    client::Client,
    settings::Settings,
    state::AppState,
};
use crate::error::AppError;

/// The bucket for page views that start a session (a browser starts one and
/// keeps its cookie; a client that never keeps it would grow the session
/// table without bound).
pub const NEW_SESSION: &str = "new session";

/// The limited endpoints and their buckets.
pub struct RateLimits {
    limiters: HashMap<&'static str, DefaultKeyedRateLimiter<IpAddr>>,
    /// When each address was last logged as limited, so a flood writes one
    /// security event a minute, not one per request.
    logged: Mutex<HashMap<IpAddr, i64>>,
}

impl RateLimits {
    pub fn new(settings: &Settings) -> RateLimits {
        let per_minute = |n: u32| {
            RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN),
            ))
        };
        let limiters = HashMap::from([
            (
                "/api/login",
                per_minute(settings.rate_limit_login_per_minute),
            ),
            (
                "/api/signup",
                per_minute(settings.rate_limit_signup_per_minute),
            ),
            (
                "/api/request_password_reset",
                per_minute(settings.rate_limit_password_reset_per_minute),
            ),
            (
                "/api/resend_verification",
                per_minute(settings.rate_limit_resend_verification_per_minute),
            ),
            (
                "/api/check_password",
                per_minute(settings.rate_limit_password_check_per_minute),
            ),
            (
                NEW_SESSION,
                per_minute(settings.rate_limit_new_sessions_per_minute),
            ),
        ]);
        RateLimits {
            limiters,
            logged: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok`, or how many seconds until `addr` may call `path` (or start a
    /// session, [`NEW_SESSION`]) again.
    pub fn check(&self, path: &str, addr: IpAddr) -> Result<(), u64> {
        let Some(limiter) = self.limiters.get(path) else {
            return Ok(());
        };
        limiter.check_key(&addr).map_err(|not_until| {
            let wait: Duration =
                not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets addresses whose buckets are full again (memory stays bounded).
    pub fn forget_idle(&self, now: i64) {
        for limiter in self.limiters.values() {
            limiter.retain_recent();
        }
        if let Ok(mut logged) = self.logged.lock() {
            logged.retain(|_, at| now - *at < 60);
        }
    }

    fn should_log(&self, addr: IpAddr, now: i64) -> bool {
        let Ok(mut logged) = self.logged.lock() else {
            return false;
        };
        match logged.get(&addr) {
            Some(at) if now - *at < 60 => false,
            _ => {
                logged.insert(addr, now);
                true
            }
        }
    }
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
