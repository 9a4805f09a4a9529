//! Settings: change password, change email, delete account.

use crate::support::*;

const NEW_PASSWORD: &str = "a brand new passphrase today";

/// Asks, from the settings of the signed-in `browser`, to move its account
/// to `new_email`; returns the confirmation link mailed there.
async fn request_email_change(app: &TestApp, browser: &Browser, new_email: &str) -> String {
    let response = browser.with_js().change_email(PASSWORD, new_email).await;
    assert_eq!(location(&response), "/settings?notice=email_change_sent");
    let to = gatehouse::auth::validation::canonical_email(new_email);
    app.link_in_mail(&to, "confirm_new_email").await
}

#[tokio::test]
async fn the_settings_page_needs_a_signed_in_user() {
    let app = spawn_app().await;
    let response = app.browser().get("/settings").await;
    assert_eq!(location(&response), "/login?next=%2Fsettings");
    let html = app
        .signed_up("settings@example.com")
        .await
        .page("/settings")
        .await;
    for text in [
        "Change password",
        "Change email",
        "Delete account",
        "Current password",
        "New password",
        "Confirm new password",
        "New email",
    ] {
        assert!(html.contains(text), "{text}");
    }
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let app = spawn_app().await;
    let browser = app.signed_up("current@example.com").await.with_js();
    let response = browser
        .change_password("not my password at all", NEW_PASSWORD)
        .await;
    assert_eq!(response.status(), 422);
    assert!(body(response)
        .await
        .contains("That is not your current password."));
    app.assert_can_log_in("current@example.com", PASSWORD).await;
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_keeps_this_one_with_a_new_id_and_mails_a_notice()
{
    let app = spawn_app().await;
    let here = app.signed_up("change@example.com").await.with_js();
    let elsewhere = app.signed_in("change@example.com").await;
    let before = here.session_cookie().unwrap();
    let response = here.change_password(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(location(&response), "/settings?notice=password_changed");
    assert_ne!(here.session_cookie().unwrap(), before, "a new session id");
    assert!(here.is_signed_in().await);
    assert!(!elsewhere.is_signed_in().await);
    elsewhere
        .assert_shows(
            "/login",
            "Your password was changed, so you were signed out.",
        )
        .await;
    assert_eq!(
        get_with_cookie(&app.base, "/dashboard", &before)
            .await
            .status(),
        302
    );
    app.assert_can_log_in("change@example.com", NEW_PASSWORD)
        .await;
    app.mail("change@example.com", "password_changed").await;
}

#[tokio::test]
async fn changing_the_email_waits_for_the_new_address_to_confirm() {
    let app = spawn_app().await;
    let browser = app.signed_up("old@example.com").await;
    let link = request_email_change(&app, &browser, "New@Example.com").await;
    app.mail("old@example.com", "email_change_requested").await;
    assert!(
        browser.page("/settings").await.contains("old@example.com"),
        "unchanged until confirmed"
    );
    assert_eq!(
        browser.redirect_from(&link).await,
        "/settings?notice=email_changed"
    );
    browser.assert_shows("/dashboard", "new@example.com").await;
    app.assert_can_log_in("new@example.com", PASSWORD).await;
    app.assert_cannot_log_in("old@example.com", PASSWORD).await;
    assert_eq!(
        browser.redirect_from(&link).await,
        "/settings?notice=link_invalid",
        "once only"
    );
}

#[tokio::test]
async fn a_password_change_cancels_a_pending_email_change() {
    let app = spawn_app().await;
    // A stranger who has the password asks to move the account to their address.
    let stranger = app.signed_up("owner@example.com").await;
    let link = request_email_change(&app, &stranger, "stranger@example.com").await;
    // The owner, warned by mail, changes the password.
    let owner = app.signed_in("owner@example.com").await;
    let response = owner
        .with_js()
        .change_password(PASSWORD, NEW_PASSWORD)
        .await;
    assert_eq!(location(&response), "/settings?notice=password_changed");
    assert!(app
        .browser()
        .redirect_from(&link)
        .await
        .ends_with("notice=link_invalid"));
    app.assert_can_log_in("owner@example.com", NEW_PASSWORD)
        .await;
}

#[tokio::test]
async fn reset_links_sent_to_the_old_address_die_with_it() {
    let app = spawn_app().await;
    let browser = app.signed_up("before@example.com").await;
    app.browser_with_js()
        .request_password_reset("before@example.com")
        .await;
    let reset = app
        .link_in_mail("before@example.com", "reset_password")
        .await;
    let change = request_email_change(&app, &browser, "after@example.com").await;
    assert_eq!(
        browser.redirect_from(&change).await,
        "/settings?notice=email_changed"
    );
    let reset_lands_on = app.browser().redirect_from(&reset).await;
    assert_eq!(reset_lands_on, "/forgot-password?notice=link_invalid");
}

#[tokio::test]
async fn changing_to_a_taken_address_answers_the_same_and_tells_that_address() {
    let app = spawn_app().await;
    app.signed_up("taken@example.com").await;
    let browser = app.signed_up("mover@example.com").await;
    let response = browser
        .with_js()
        .change_email(PASSWORD, "taken@example.com")
        .await;
    assert_eq!(location(&response), "/settings?notice=email_change_sent");
    app.mail("taken@example.com", "email_in_use").await;
    app.mail("mover@example.com", "email_change_requested")
        .await;
    assert!(app.outbox().iter().all(|m| m.kind != "confirm_new_email"));
}

#[tokio::test]
async fn changing_the_email_needs_the_current_password_and_a_valid_new_address() {
    let app = spawn_app().await;
    let browser = app.signed_up("guard@example.com").await.with_js();
    let response = browser.change_email("wrong", "x@example.com").await;
    assert!(body(response)
        .await
        .contains("That is not your current password."));
    let response = browser.change_email(PASSWORD, "nope").await;
    let error = body(response).await;
    assert!(error.contains("Enter a valid email address"), "{error}");
}

#[tokio::test]
async fn deleting_the_account_removes_everything_and_signs_out_every_device() {
    let app = spawn_app().await;
    let browser = app.signed_up("bye@example.com").await.with_js();
    let phone = app.signed_in("bye@example.com").await;
    let response = browser.delete_account("wrong").await;
    assert_eq!(response.status(), 422);
    assert_eq!(app.user_count().await, 1);

    let response = browser.delete_account(PASSWORD).await;
    assert_eq!(location(&response), "/?notice=account_deleted");
    browser
        .assert_shows("/?notice=account_deleted", "Your account has been deleted.")
        .await;
    assert_eq!(app.user_count().await, 0);
    let leftovers: i64 = app
        .scalar(
            "SELECT (SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL) \
             + (SELECT COUNT(*) FROM tokens)",
        )
        .await;
    assert_eq!(leftovers, 0);
    assert!(!browser.is_signed_in().await);
    assert!(!phone.is_signed_in().await);
    app.assert_cannot_log_in("bye@example.com", PASSWORD).await;
    app.mail("bye@example.com", "account_deleted").await;
}

#[tokio::test]
async fn a_device_of_a_deleted_account_can_sign_in_to_another_one() {
    let app = spawn_app().await;
    app.signed_up("other@example.com").await;
    let laptop = app.signed_up("gone@example.com").await;
    let phone = app.signed_in("gone@example.com").await;
    assert!(phone.is_signed_in().await, "its session is now cached");
    laptop.with_js().delete_account(PASSWORD).await;
    assert!(!phone.is_signed_in().await);
    let response = phone.login("other@example.com", PASSWORD).await;
    assert_eq!(location(&response), "/dashboard");
    assert!(phone.is_signed_in().await, "the sign-in was kept");
}

#[tokio::test]
async fn an_account_that_reuses_a_deleted_id_inherits_nothing() {
    let app = spawn_app().await;
    let old = app.signed_up("old@example.com").await;
    let id_of = |email: &'static str| {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = ?")
            .bind(email)
            .fetch_one(&app.state().pool)
    };
    let old_id = id_of("old@example.com").await.unwrap();
    // A session that ended leaves a record naming its user.
    app.signed_in("old@example.com").await;
    old.with_js().change_password(PASSWORD, NEW_PASSWORD).await;
    old.with_js().delete_account(NEW_PASSWORD).await;
    assert_eq!(app.user_count().await, 0);
    let linked: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM auth_events WHERE user_id = ?1) \
         + (SELECT COUNT(*) FROM session_ends WHERE user_id = ?1)",
    )
    .bind(old_id)
    .fetch_one(&app.state().pool)
    .await
    .unwrap();
    assert_eq!(linked, 0);
    app.signed_up("new@example.com").await;
    assert_eq!(
        id_of("new@example.com").await.unwrap(),
        old_id,
        "SQLite reuses the highest id once it is deleted"
    );
}

#[tokio::test]
async fn an_email_change_link_expires() {
    let app = spawn_with(|s| s.sessions.session_idle_timeout_secs = 3 * 24 * 3600).await;
    let browser = app.signed_up("slow@example.com").await;
    let link = request_email_change(&app, &browser, "slower@example.com").await;
    app.clock.advance(24 * 3600 + 1);
    assert_eq!(
        browser.redirect_from(&link).await,
        "/login?notice=link_invalid"
    );
    app.assert_can_log_in("slow@example.com", PASSWORD).await;
}
