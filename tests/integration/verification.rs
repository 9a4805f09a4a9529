//! Email verification and enumeration-proof signup.

use crate::support::*;

#[tokio::test]
async fn an_unconfirmed_account_sees_only_the_confirmation_page() {
    let app = spawn_app().await;
    // Signing in lands on the dashboard, which sends it on.
    let browser = app.unconfirmed("pending@example.com").await;
    let response = browser.get("/dashboard").await;
    assert_eq!(location(&response), "/verify-email");
    let html = browser.page("/verify-email").await;
    assert!(html.contains("Resend verification email"));
    assert!(html.contains("pending@example.com"));
}

#[tokio::test]
async fn an_unconfirmed_account_can_do_no_more_through_the_api_than_its_pages() {
    let app = spawn_app().await;
    let browser = app.unconfirmed("api@example.com").await;
    // Its pages redirect to the confirmation page, so the token is read there.
    let token = browser.csrf_token("/verify-email").await;
    let app_js = browser.with_js().with_csrf_token(&token);
    for (endpoint, response) in [
        (
            "change_email",
            app_js.change_email(PASSWORD, "elsewhere@example.com").await,
        ),
        (
            "change_password",
            app_js
                .change_password(PASSWORD, "another long passphrase here")
                .await,
        ),
        ("sessions", app_js.sessions().await),
        (
            "revoke_other_sessions",
            app_js.revoke_other_sessions().await,
        ),
    ] {
        assert_eq!(response.status(), 403, "{endpoint}");
        assert!(
            response.text().await.unwrap().contains("EmailNotVerified"),
            "{endpoint}"
        );
    }
    assert!(app.outbox().iter().all(|m| m.kind != "confirm_new_email"));
    // What the confirmation page offers still works.
    let response = browser.with_js().resend_verification().await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_verification_link_works_once() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.signup("once@example.com", PASSWORD).await;
    let link = app.link_in_mail("once@example.com", "verify_email").await;
    assert_eq!(
        browser.redirect_from(&link).await,
        "/login?notice=email_verified"
    );
    assert_eq!(
        browser.redirect_from(&link).await,
        "/verify-email?notice=link_invalid"
    );
    browser.login("once@example.com", PASSWORD).await;
    assert!(browser.is_signed_in().await);
}

#[tokio::test]
async fn a_verification_link_expires() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.signup("late@example.com", PASSWORD).await;
    let link = app.link_in_mail("late@example.com", "verify_email").await;
    app.clock.advance(24 * 3600 + 1);
    assert_eq!(
        browser.redirect_from(&link).await,
        "/verify-email?notice=link_invalid"
    );
}

#[tokio::test]
async fn following_the_link_while_signed_in_goes_straight_to_the_dashboard() {
    let app = spawn_app().await;
    let browser = app.unconfirmed("signed-in@example.com").await;
    let link = app
        .link_in_mail("signed-in@example.com", "verify_email")
        .await;
    assert_eq!(
        browser.redirect_from(&link).await,
        "/dashboard?notice=email_verified"
    );
    browser
        .assert_shows(
            "/dashboard?notice=email_verified",
            "Your email address is confirmed.",
        )
        .await;
}

#[tokio::test]
async fn resend_sends_a_new_link_at_most_once_a_minute() {
    let app = spawn_app().await;
    let browser = app.unconfirmed("resend@example.com").await;
    app.mail("resend@example.com", "verify_email").await;
    for _ in 0..2 {
        let response = browser.resend_verification().await;
        assert_eq!(
            location(&response),
            "/verify-email?notice=verification_sent"
        );
    }
    app.clock.advance(61);
    browser.resend_verification().await;
    let mut activity = app.state().mailer.activity();
    activity.wait_for(|a| a.delivered >= 2).await.unwrap();
    let links: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|m| m.kind == "verify_email" && m.to == "resend@example.com")
        .collect();
    assert_eq!(links.len(), 2, "the signup link and one resend");
}

/// What someone watching the signup form learns.
async fn signup_observation(app: &TestApp, email: &str) -> Observed {
    observe(app.browser_with_js().signup(email, PASSWORD).await).await
}

#[tokio::test]
async fn signup_with_a_taken_address_looks_exactly_like_a_new_one_and_tells_the_owner() {
    let app = spawn_app().await;
    app.signed_up("owner@example.com").await;
    let taken = signup_observation(&app, "owner@example.com").await;
    let fresh = signup_observation(&app, "someone-new@example.com").await;
    assert_eq!(taken, fresh);
    assert_eq!(taken.location, "/check-email");
    assert_eq!(
        app.user_count().await,
        2,
        "no second account for the taken address"
    );
    let notice = app.mail("owner@example.com", "signup_existing").await;
    assert!(notice.text.contains("already has an account"));
    assert!(notice.text.contains("/forgot-password"));
    // The no-JS form lands on the same page in both cases too.
    for email in ["owner@example.com", "another-new@example.com"] {
        assert_eq!(
            location(&app.browser().signup(email, PASSWORD).await),
            "/check-email"
        );
    }
}
