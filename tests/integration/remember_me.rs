//! "Remember me": a cookie that outlives the browser and a session with no
//! idle timeout, still bounded and still revocable.

use crate::support::*;

/// The session cookie a response sets.
fn session_set_cookie(response: &reqwest::Response) -> String {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with("gatehouse="))
        .expect("the session cookie is set")
}

#[tokio::test]
async fn without_remember_me_the_cookie_dies_with_the_browser() {
    let app = spawn_app().await;
    let browser = app.signed_up("session-cookie@example.com").await;
    browser.logout().await;
    let response = browser.login("session-cookie@example.com", PASSWORD).await;
    let cookie = session_set_cookie(&response).to_ascii_lowercase();
    assert!(
        !cookie.contains("max-age") && !cookie.contains("expires"),
        "{cookie}"
    );
}

#[tokio::test]
async fn remember_me_sets_a_persistent_cookie_for_the_configured_time() {
    let app = spawn_app().await;
    let browser = app.signed_up("remember@example.com").await;
    browser.logout().await;
    let response = browser
        .login_remembered("remember@example.com", PASSWORD)
        .await;
    assert_eq!(location(&response), "/dashboard");
    let cookie = session_set_cookie(&response);
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    // A later cookie for the same sign-in counts down from the sign-in.
    app.clock.advance(86400);
    let response = browser.confirm_password(PASSWORD, "/settings").await;
    let cookie = session_set_cookie(&response);
    assert!(cookie.contains("Max-Age=2505600"), "{cookie}");
    // The devices page says so.
    let html = browser.page("/settings/sessions").await;
    assert!(html.contains("remembered"), "{html}");
}

#[tokio::test]
async fn a_remembered_session_outlives_the_idle_timeout_but_not_its_lifetime() {
    let app = spawn_with(|s| {
        s.sessions.session_idle_timeout_secs = 600;
        s.sessions.session_absolute_timeout_secs = 3600;
        s.sessions.session_remember_secs = 7 * 86400;
    })
    .await;
    let browser = app.signed_up("long@example.com").await;
    browser.logout().await;
    browser.login_remembered("long@example.com", PASSWORD).await;
    let plain = app.browser();
    plain.login("long@example.com", PASSWORD).await;
    // A day without a request: the plain session is gone, this one is not.
    app.clock.advance(86400);
    assert!(!plain.is_signed_in().await);
    assert!(browser.is_signed_in().await);
    // It ends at its own lifetime, not the absolute one of plain sessions.
    app.clock.advance(6 * 86400 - 10);
    assert!(browser.is_signed_in().await);
    app.clock.advance(10);
    let response = browser.get("/dashboard").await;
    assert_eq!(location(&response), "/login?next=%2Fdashboard");
    assert!(browser
        .page("/login")
        .await
        .contains("Your session has expired. Please log in again."));
}

#[tokio::test]
async fn a_remembered_session_can_be_signed_out_from_another_device() {
    let app = spawn_app().await;
    let laptop = app.signed_up("remembered-revoke@example.com").await;
    let phone = app.browser();
    phone
        .login_remembered("remembered-revoke@example.com", PASSWORD)
        .await;
    let handle = laptop.other_device_handles().await.remove(0);
    laptop.revoke_session(&handle).await;
    assert!(!phone.is_signed_in().await);
}
