//! Sudo mode: sensitive actions after the window closes wait for the
//! password, then finish.

use crate::{devices::three_devices, support::*};

/// A server whose sudo window closes after five minutes.
async fn short_sudo() -> TestApp {
    spawn_with(|s| s.sessions.sudo_mode_secs = 300).await
}

#[tokio::test]
async fn after_the_sudo_window_signing_out_asks_for_the_password_then_finishes() {
    let app = short_sudo().await;
    let (laptop, desktop, phone) = three_devices(&app, "sudo@example.com").await;
    let handles = laptop.other_device_handles().await;
    app.clock.advance(300);

    let response = laptop.revoke_session(&handles[1]).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response),
        "/confirm-password?next=%2Fsettings%2Fsessions"
    );
    assert!(
        desktop.is_signed_in().await,
        "nothing happens before the password"
    );
    let html = follow(&laptop, response).await;
    assert!(html.contains("Confirm your password"), "{html}");
    assert!(html.contains("autocomplete=\"current-password\""));

    // A wrong password: a message on the field, and still nothing happens.
    let response = laptop
        .confirm_password("not my password at all", "/settings/sessions")
        .await;
    let html = follow(&laptop, response).await;
    assert!(
        html.contains("That is not your current password."),
        "{html}"
    );
    assert!(desktop.is_signed_in().await);

    // The right one finishes the sign-out that was asked for.
    let response = laptop
        .confirm_password(PASSWORD, "/settings/sessions")
        .await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=session_revoked"
    );
    assert!(!desktop.is_signed_in().await);
    assert!(phone.is_signed_in().await);
    // The window is open again: the next sign-out needs no password.
    let response = laptop.revoke_other_sessions().await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=other_sessions_revoked"
    );
    assert!(!phone.is_signed_in().await);
}

#[tokio::test]
async fn an_action_waiting_for_a_password_does_not_survive_a_change_of_account() {
    let app = short_sudo().await;
    let (shared, _desktop, phone) = three_devices(&app, "first@example.com").await;
    app.clock.advance(300);
    let response = shared.revoke_other_sessions().await;
    assert!(location(&response).starts_with("/confirm-password"));
    // Someone else signs in on the same browser, without logging out first.
    let other_device = app.signed_up("second@example.com").await;
    let token = shared.csrf_token("/dashboard").await;
    let response = shared
        .post_form(
            "/api/login",
            "/dashboard",
            &[
                ("email", "second@example.com"),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(location(&response), "/dashboard");
    // Their own password confirmation must not run the first user's action.
    let response = shared.confirm_password(PASSWORD, "/settings").await;
    assert_eq!(location(&response), "/settings");
    assert!(other_device.is_signed_in().await);
    assert!(phone.is_signed_in().await);
}

#[tokio::test]
async fn the_hydrated_app_is_sent_to_confirm_the_password_too() {
    let app = short_sudo().await;
    let (laptop, desktop, _phone) = three_devices(&app, "sudo-js@example.com").await;
    app.clock.advance(300);
    let token = laptop.csrf_token("/settings/sessions").await;
    let response = laptop
        .post_fetch(
            "/api/revoke_other_sessions",
            "/settings/sessions",
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("serverfnredirect"));
    assert_eq!(
        location(&response),
        "/confirm-password?next=%2Fsettings%2Fsessions"
    );
    assert!(desktop.is_signed_in().await);
}

#[tokio::test]
async fn the_sudo_window_is_open_just_before_it_closes() {
    let app = short_sudo().await;
    let (laptop, desktop, _phone) = three_devices(&app, "edge@example.com").await;
    // The laptop signed in 2 seconds before the other two.
    app.clock.advance(297);
    let response = laptop.revoke_other_sessions().await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=other_sessions_revoked"
    );
    assert!(!desktop.is_signed_in().await);
}

#[tokio::test]
async fn a_confirmed_password_returns_to_next_when_nothing_waits() {
    let app = short_sudo().await;
    let browser = app.signed_up("next@example.com").await;
    let response = browser.confirm_password(PASSWORD, "/settings").await;
    assert_eq!(location(&response), "/settings");
    let response = browser.confirm_password(PASSWORD, "//evil.example").await;
    assert_eq!(location(&response), "/dashboard");
}

#[tokio::test]
async fn password_guesses_on_the_confirm_page_count_against_the_login_throttle() {
    let app = short_sudo().await;
    let browser = app.signed_up("guess@example.com").await;
    let free = app.state().settings.throttles.login_free_failures;
    // The attempt after the free ones still goes through (then waits 1 s).
    for _ in 0..=free {
        browser
            .confirm_password("a wrong guess here", "/settings")
            .await;
    }
    let page = "/confirm-password?next=%2Fsettings";
    let token = browser.csrf_token(page).await;
    let response = browser
        .post_fetch(
            "/api/confirm_password",
            page,
            &[("password", "another wrong guess"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    // The same counter guards the login form.
    let response = app.browser().login("guess@example.com", PASSWORD).await;
    assert_ne!(location(&response), "/dashboard");
}

#[tokio::test]
async fn forms_that_ask_for_the_current_password_need_no_separate_confirmation() {
    let app = short_sudo().await;
    let browser = app.signed_up("inline@example.com").await;
    app.clock.advance(600);
    let token = browser.csrf_token("/settings").await;
    let response = browser
        .post_form(
            "/api/change_email",
            "/settings",
            &[
                ("current_password", PASSWORD),
                ("new_email", "inline2@example.com"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(location(&response), "/settings?notice=email_change_sent");
    // Entering it there opened the window.
    let phone = app.browser();
    phone.login("inline@example.com", PASSWORD).await;
    let handle = browser.other_device_handles().await.remove(0);
    let response = browser.revoke_session(&handle).await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=session_revoked"
    );
}
