//! Each per-address limit holds on its own endpoint: one call is allowed at
//! a limit of one a minute, the next is refused with 429 and `Retry-After`,
//! and the other endpoints are not affected.

use crate::support::*;

/// Sends two calls to `endpoint` with its limit at one a minute and returns
/// the second's status and `Retry-After`, plus the status of a call to a
/// different limited endpoint made afterwards.
async fn second_call(
    endpoint: &str,
    configure: impl FnOnce(&mut gatehouse::server::config::settings::Settings),
) -> (u16, bool, u16) {
    let app = spawn_with(configure).await;
    let browser = app.browser();
    let path = format!("/api/{endpoint}");
    browser.post_fetch(&path, "/", &[]).await;
    let refused = browser.post_fetch(&path, "/", &[]).await;
    let other = if endpoint == "check_password" {
        "/api/login"
    } else {
        "/api/check_password"
    };
    let unaffected = browser.post_fetch(other, "/", &[]).await;
    (
        refused.status().as_u16(),
        refused.headers().contains_key("retry-after"),
        unaffected.status().as_u16(),
    )
}

/// The second call is refused with 429 and `Retry-After`; the other endpoint is not.
async fn assert_limited(
    endpoint: &str,
    configure: impl FnOnce(&mut gatehouse::server::config::settings::Settings),
) {
    let (status, retry_after, other) = second_call(endpoint, configure).await;
    assert_eq!((status, retry_after), (429, true), "{endpoint}");
    assert_ne!(other, 429, "{endpoint} limited another endpoint");
}

#[tokio::test]
async fn login_is_limited_per_address() {
    assert_limited("login", |s| s.throttles.rate_limit_login_per_minute = 1).await;
}

#[tokio::test]
async fn signup_is_limited_per_address() {
    assert_limited("signup", |s| s.throttles.rate_limit_signup_per_minute = 1).await;
}

#[tokio::test]
async fn password_reset_requests_are_limited_per_address() {
    assert_limited("request_password_reset", |s| {
        s.throttles.rate_limit_password_reset_per_minute = 1
    })
    .await;
}

#[tokio::test]
async fn resending_verification_is_limited_per_address() {
    assert_limited("resend_verification", |s| {
        s.throttles.rate_limit_resend_verification_per_minute = 1
    })
    .await;
}

#[tokio::test]
async fn the_breached_password_check_is_limited_per_address() {
    assert_limited("check_password", |s| {
        s.throttles.rate_limit_password_check_per_minute = 1
    })
    .await;
}

#[tokio::test]
async fn endpoints_without_a_limit_are_never_refused_for_volume() {
    let app = spawn_with(|s| s.throttles.rate_limit_login_per_minute = 1).await;
    let browser = app.browser();
    for _ in 0..5 {
        let status = browser
            .post_fetch("/api/session", "/", &[("access", "Anyone")])
            .await
            .status();
        assert_ne!(status, 429);
    }
}
