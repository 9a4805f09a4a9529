//! "Forgot password".

use crate::support::*;

/// Asks for a reset link for `email` from a new browser running the app;
/// what an observer sees of the answer.
async fn request_reset(app: &TestApp, email: &str) -> Observed {
    observe(app.browser_with_js().request_password_reset(email).await).await
}

/// Following a link that no longer works leads back to the form.
async fn assert_link_is_dead(app: &TestApp, link: &str) {
    let target = app.browser().redirect_from(link).await;
    assert_eq!(target, "/forgot-password?notice=link_invalid", "{link}");
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer() {
    let app = spawn_app().await;
    app.signed_up("known@example.com").await;
    let known = request_reset(&app, "known@example.com").await;
    let unknown = request_reset(&app, "unknown@example.com").await;
    assert_eq!(known, unknown);
    assert_eq!(known.location, "/forgot-password?notice=reset_sent");
    app.mail("known@example.com", "reset_password").await;
    app.mail("unknown@example.com", "reset_unknown").await;
}

/// An account whose address predates today's stricter address rules (here
/// an underscore in the host name) can still reset its password.
#[tokio::test]
async fn an_account_with_an_older_style_address_can_still_reset() {
    let app = spawn_app().await;
    let address = "ops@mail_relay.example.com";
    sqlx::query(
        "INSERT INTO users (email, password_hash, security_stamp, created_at, email_verified_at) \
         VALUES (?, 'gh1$unused', 'stamp', 0, 0)",
    )
    .bind(address)
    .execute(&app.state().pool)
    .await
    .unwrap();
    let seen = request_reset(&app, address).await;
    assert_eq!(
        (seen.status, seen.location.as_str()),
        (200, "/forgot-password?notice=reset_sent")
    );
    app.mail(address, "reset_password").await;
}

/// Requests a link, follows it, and returns the browser holding the reset.
async fn follow_reset_link(app: &TestApp, email: &str) -> (Browser, String) {
    request_reset(app, email).await;
    let link = app.link_in_mail(email, "reset_password").await;
    let browser = app.browser();
    browser.page("/forgot-password").await;
    let response = browser.get(&link).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response),
        "/reset-password",
        "the token leaves the URL"
    );
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    (browser, link)
}

const NEW_PASSWORD: &str = "a brand new passphrase today";

#[tokio::test]
async fn a_reset_sets_the_password_ends_every_session_and_does_not_sign_in() {
    let app = spawn_app().await;
    let laptop = app.signed_up("reset@example.com").await;
    let (browser, _) = follow_reset_link(&app, "reset@example.com").await;
    let page = browser.get("/reset-password").await;
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.text().await.unwrap().contains("Confirm new password"));

    let response = browser.reset_password(NEW_PASSWORD).await;
    assert_eq!(location(&response), "/login?notice=password_reset");
    assert!(!browser.is_signed_in().await, "a reset does not sign in");
    assert!(!laptop.is_signed_in().await, "other sessions end");
    laptop
        .assert_shows(
            "/login",
            "Your password was changed, so you were signed out.",
        )
        .await;
    app.assert_cannot_log_in("reset@example.com", PASSWORD)
        .await;
    app.assert_can_log_in("reset@example.com", NEW_PASSWORD)
        .await;
    app.mail("reset@example.com", "password_reset_done").await;
}

#[tokio::test]
async fn a_reset_link_works_once() {
    let app = spawn_app().await;
    app.signed_up("single@example.com").await;
    let (browser, link) = follow_reset_link(&app, "single@example.com").await;
    browser.reset_password(NEW_PASSWORD).await;
    assert_link_is_dead(&app, &link).await;
}

#[tokio::test]
async fn a_reset_link_expires_after_thirty_minutes() {
    let app = spawn_with(|s| s.sessions.session_idle_timeout_secs = 3600).await;
    app.signed_up("expiry@example.com").await;
    let (browser, link) = follow_reset_link(&app, "expiry@example.com").await;
    app.clock.advance(30 * 60 + 1);
    let response = browser.reset_password(NEW_PASSWORD).await;
    assert_eq!(location(&response), "/forgot-password?notice=link_invalid");
    assert_link_is_dead(&app, &link).await;
}

#[tokio::test]
async fn a_password_change_invalidates_outstanding_reset_links() {
    let app = spawn_app().await;
    let browser = app.signed_up("changed@example.com").await;
    request_reset(&app, "changed@example.com").await;
    let link = app
        .link_in_mail("changed@example.com", "reset_password")
        .await;
    let response = browser.change_password(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(location(&response), "/settings?notice=password_changed");
    assert_link_is_dead(&app, &link).await;
}

#[tokio::test]
async fn the_new_password_must_meet_the_policy_and_errors_come_back_to_the_form() {
    let app = spawn_app().await;
    app.signed_up("policy@example.com").await;
    let (browser, _) = follow_reset_link(&app, "policy@example.com").await;
    let response = browser.reset_password("short").await;
    // The page sends no Referer; the error still comes back to the form.
    let target = location(&response);
    assert!(target.contains("/reset-password?__path="), "{target}");
    let html = follow(&browser, response).await;
    assert!(html.contains("Use at least 15 characters"), "{html}");
    let response = browser.reset_password(NEW_PASSWORD).await;
    assert_eq!(
        location(&response),
        "/login?notice=password_reset",
        "the link still works"
    );
}

#[tokio::test]
async fn requests_are_throttled_per_address_without_changing_the_answer() {
    let app = spawn_app().await;
    app.signed_up("throttle@example.com").await;
    let first = request_reset(&app, "throttle@example.com").await;
    for _ in 0..6 {
        assert_eq!(request_reset(&app, "throttle@example.com").await, first);
    }
    let queued: i64 = app
        .scalar("SELECT COUNT(*) FROM mail_queue WHERE kind = 'reset_password'")
        .await;
    assert_eq!(queued, 5, "five per hour by default");
}

#[tokio::test]
async fn a_reset_revokes_every_other_outstanding_link() {
    let app = spawn_app().await;
    app.signed_up("two-links@example.com").await;
    request_reset(&app, "two-links@example.com").await;
    let first = app
        .link_in_mail("two-links@example.com", "reset_password")
        .await;
    app.clock.advance(1);
    request_reset(&app, "two-links@example.com").await;
    let mails = app
        .nth_mail("two-links@example.com", "reset_password", 2)
        .await;
    let second = app.link_in(&mails[1]);
    assert_ne!(first, second);
    let browser = app.browser();
    browser.page("/forgot-password").await;
    browser.get(&second).await;
    assert_eq!(
        location(&browser.reset_password(NEW_PASSWORD).await),
        "/login?notice=password_reset"
    );
    assert_link_is_dead(&app, &first).await;
}

#[tokio::test]
async fn concurrent_requests_all_get_the_answer_while_mail_goes_out() {
    // Each request reads the recent count and then writes; with the mail
    // worker and other requests writing meanwhile, none may fail.
    let app = spawn_app().await;
    app.signed_up("busy@example.com").await;
    let requests = (0..24).map(|i| {
        let app = &app;
        async move {
            let email = if i % 2 == 0 {
                "busy@example.com".to_owned()
            } else {
                format!("nobody-{i}@example.com")
            };
            request_reset(app, &email).await.status
        }
    });
    let statuses = futures::future::join_all(requests).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}
