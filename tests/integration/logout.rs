//! Logout ends exactly one session, server side.

use crate::support::*;

#[tokio::test]
async fn logout_deletes_the_session_expires_the_cookie_and_says_so() {
    let app = spawn_app().await;
    let browser = app.signed_up("bye@example.com").await;
    assert_eq!(app.signed_in_session_count().await, 1);
    let response = browser.logout().await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/login?notice=logged_out");
    let cookies = set_cookies(&response);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("gatehouse=;") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    assert_eq!(app.signed_in_session_count().await, 0);
    let html = browser.page("/login?notice=logged_out").await;
    assert!(html.contains("You have been logged out."));
    assert!(!browser.is_signed_in().await);
}

#[tokio::test]
async fn a_replayed_cookie_is_anonymous_after_logout() {
    let app = spawn_app().await;
    let browser = app.signed_up("replay@example.com").await;
    let cookie = browser.session_cookie().unwrap();
    browser.logout().await;
    let replay = get_with_cookie(&app.base, "/dashboard", &cookie).await;
    assert_eq!(replay.status(), 302);
    assert_eq!(location(&replay), "/login?next=%2Fdashboard");
}

#[tokio::test]
async fn logout_leaves_other_devices_signed_in() {
    let app = spawn_app().await;
    let laptop = app.signed_up("two-devices@example.com").await;
    let phone = app.browser();
    assert_eq!(
        phone
            .login("two-devices@example.com", PASSWORD)
            .await
            .status(),
        302
    );
    assert_ne!(laptop.session_cookie(), phone.session_cookie());
    laptop.logout().await;
    assert!(!laptop.is_signed_in().await);
    assert!(phone.is_signed_in().await);
}

#[tokio::test]
async fn logout_without_the_token_changes_nothing() {
    let app = spawn_app().await;
    let browser = app.signed_up("keep@example.com").await;
    let response = browser.with_js().with_csrf_token("").logout().await;
    assert_eq!(response.status(), 403);
    assert!(browser.is_signed_in().await);
}

#[tokio::test]
async fn logout_by_get_is_not_possible() {
    let app = spawn_app().await;
    let browser = app.signed_up("get-logout@example.com").await;
    let response = browser.get("/api/logout").await;
    assert!(response.status().is_client_error(), "{}", response.status());
    assert!(browser.is_signed_in().await);
}

#[tokio::test]
async fn authenticated_pages_are_never_stored_by_the_browser() {
    let app = spawn_app().await;
    let browser = app.signed_up("no-store@example.com").await;
    let response = browser.get("/dashboard").await;
    assert_eq!(response.headers()["cache-control"], "no-store");
}
