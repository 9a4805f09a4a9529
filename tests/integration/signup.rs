//! Signup: validation, canonical emails, duplicates, concurrency.

use crate::support::*;

#[tokio::test]
async fn signup_creates_the_account_and_asks_to_confirm_the_address() {
    let app = spawn_app().await;
    let browser = app.browser();
    let response = browser.signup("new@example.com", PASSWORD).await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/check-email");
    browser
        .assert_shows("/check-email", "Check your inbox")
        .await;
    assert_eq!(app.user_count().await, 1);
    assert!(
        !browser.is_signed_in().await,
        "not signed in before confirming"
    );
    let mail = app.mail("new@example.com", "verify_email").await;
    assert!(
        mail.subject.contains("Confirm your email address"),
        "{}",
        mail.subject
    );
}

#[tokio::test]
async fn with_optional_verification_signup_signs_in_and_lands_on_the_dashboard() {
    let app = spawn_optional_verification().await;
    let browser = app.browser();
    let response = browser.signup("optional@example.com", PASSWORD).await;
    assert_eq!(location(&response), "/dashboard");
    let html = browser.page("/dashboard").await;
    assert!(html.contains("optional@example.com"));
    assert!(
        html.contains("Resend verification email"),
        "a banner asks to confirm"
    );
    app.mail("optional@example.com", "verify_email").await;
}

#[tokio::test]
async fn signup_from_the_hydrated_app_answers_with_a_client_side_redirect() {
    let app = spawn_app().await;
    let response = app
        .browser_with_js()
        .signup("fetch@example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(location(&response), "/check-email");
    assert!(response.headers().contains_key("serverfnredirect"));
}

#[tokio::test]
async fn emails_are_stored_trimmed_normalised_and_lower_case() {
    let app = spawn_app().await;
    app.signed_up("  ＡLICE@Example.COM ").await;
    let stored: String = app.scalar("SELECT email FROM users").await;
    assert_eq!(stored, "alice@example.com");
    app.assert_can_log_in("alice@example.com", PASSWORD).await;
}

#[tokio::test]
async fn with_optional_verification_a_duplicate_email_gets_a_message_on_the_email_field() {
    let app = spawn_optional_verification().await;
    app.browser().signup("taken@example.com", PASSWORD).await;
    let response = app
        .browser_with_js()
        .signup("Taken@Example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("\"Email\""), "{body}");
    assert!(body.contains("already exists"), "{body}");
    assert_eq!(app.user_count().await, 1);
}

/// `bücher.de` and its ASCII form `xn--bcher-kva.de` are one mailbox, so
/// one account: either spelling is the same address.
#[tokio::test]
async fn both_spellings_of_an_internationalised_domain_are_one_address() {
    let app = spawn_optional_verification().await;
    app.browser().signup("hans@bücher.de", PASSWORD).await;
    let response = app
        .browser_with_js()
        .signup("Hans@XN--BCHER-KVA.de", PASSWORD)
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("already exists"));
    assert_eq!(app.user_count().await, 1);
    let response = app.browser().login("hans@xn--bcher-kva.de", PASSWORD).await;
    assert_eq!(location(&response), "/dashboard");
}

/// Accounts stored with the ASCII form before it was canonical are moved to
/// the canonical form at startup, so both spellings find them.
#[tokio::test]
async fn stored_ascii_domains_are_made_canonical_at_startup() {
    let app = spawn_optional_verification().await;
    app.browser().signup("old@xn--bcher-kva.de", PASSWORD).await;
    sqlx::query("UPDATE users SET email = 'old@xn--bcher-kva.de'")
        .execute(&app.state().pool)
        .await
        .unwrap();
    assert_eq!(app.state().users.canonicalize_emails().await.unwrap(), 1);
    let email: String = app.scalar("SELECT email FROM users").await;
    assert_eq!(email, "old@bücher.de");
    for spelling in ["old@bücher.de", "old@xn--bcher-kva.de"] {
        let response = app.browser().login(spelling, PASSWORD).await;
        assert_eq!(location(&response), "/dashboard", "{spelling}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_signups_for_one_email_create_one_account() {
    let app = spawn_app().await;
    let mut browsers = Vec::new();
    for _ in 0..20 {
        let browser = app.browser();
        let token = browser.csrf_token("/signup").await;
        browsers.push(browser.with_js().with_csrf_token(&token));
    }
    let attempts = browsers
        .iter()
        .map(|browser| browser.signup("race@example.com", PASSWORD));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    // Every attempt gets the same answer; the UNIQUE constraint lets one win.
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(app.user_count().await, 1);
    app.mail("race@example.com", "verify_email").await;
}

async fn signup_error(app: &TestApp, email: &str, password: &str, confirm: &str) -> String {
    let response = app
        .browser_with_js()
        .signup_with_confirmation(email, password, confirm)
        .await;
    assert_eq!(
        response.status(),
        422,
        "signup with {email:?} should be refused"
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn invalid_input_is_refused_with_a_specific_message_per_field() {
    let app = spawn_app().await;
    // The last two are ones a mail server would not take: no account may get
    // an address its confirmation mail cannot be sent to.
    for email in ["not-an-email", "a..b@example.com", "a.@example.com"] {
        let body = signup_error(&app, email, PASSWORD, PASSWORD).await;
        assert!(body.contains("Enter a valid email address"), "{body}");
    }
    let long = format!("{}@example.com", "a".repeat(250));
    let body = signup_error(&app, &long, PASSWORD, PASSWORD).await;
    assert!(body.contains("at most 254 characters"), "{body}");
    let body = signup_error(&app, "x@example.com", "short pass", "short pass").await;
    assert!(body.contains("Use at least 15 characters"), "{body}");
    let body = signup_error(&app, "x@example.com", PASSWORD, "something else entirely").await;
    assert!(body.contains("don't match"), "{body}");
    let body = signup_error(
        &app,
        "rumpelstiltskin@example.com",
        "i am rumpelstiltskin ok",
        "i am rumpelstiltskin ok",
    )
    .await;
    assert!(body.contains("email address in your password"), "{body}");
    assert_eq!(app.user_count().await, 0);
}

#[tokio::test]
async fn breached_passwords_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let body = signup_error(&app, "x@example.com", "123456789012345", "123456789012345").await;
    assert!(body.contains("appeared in a data breach"), "{body}");
}

#[tokio::test]
async fn the_minimum_length_is_configurable() {
    let app = spawn_with(|s| s.passwords.password_min_length = 8).await;
    let response = app.browser().signup("eight@example.com", "tulip-87x").await;
    assert_eq!(response.status(), 302);
}

#[tokio::test]
async fn long_unicode_passwords_are_accepted_and_work() {
    let app = spawn_app().await;
    let password: String = "密码🔑é".repeat(64); // 256 characters, 640 bytes
    assert_eq!(password.chars().count(), 256);
    let response = app.browser().signup("unicode@example.com", &password).await;
    assert_eq!(response.status(), 302);
    app.assert_can_log_in("unicode@example.com", &password)
        .await;
}

#[tokio::test]
async fn without_javascript_validation_errors_are_rendered_in_the_form() {
    let app = spawn_app().await;
    let browser = app.browser();
    let response = browser.signup("nope", "short").await;
    assert_eq!(response.status(), 302);
    let html = follow(&browser, response).await;
    assert!(html.contains("Enter a valid email address"), "{html}");
    assert!(html.contains("Use at least 15 characters"));
}
