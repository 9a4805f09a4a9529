//! Cross-site request forgery: origin checks and per-session tokens.

use reqwest::header::{ACCEPT, ORIGIN};

use crate::support::*;

fn signup_fields<'a>(email: &'a str, token: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("email", email),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
        ("csrf_token", token),
    ]
}

#[tokio::test]
async fn a_form_without_the_token_is_refused() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.page("/signup").await;
    let response = browser
        .with_js()
        .with_csrf_token("")
        .signup("a@example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), 403);
    // The same form with no token field at all.
    let no_token: Vec<_> = signup_fields("a@example.com", "")
        .into_iter()
        .filter(|(name, _)| *name != "csrf_token")
        .collect();
    let response = browser
        .post_fetch("/api/signup", "/signup", &no_token)
        .await;
    assert!(response.status().is_client_error());
    assert_eq!(app.user_count().await, 0);
}

#[tokio::test]
async fn another_sessions_token_is_refused_including_at_login() {
    let app = spawn_app().await;
    app.signed_up("victim@example.com").await;
    let attacker = app.browser();
    let attacker_token = attacker.csrf_token("/login").await;
    let victim = app.browser();
    victim.page("/login").await;
    // Login CSRF: the victim's browser posts the attacker's token.
    let response = victim
        .with_js()
        .with_csrf_token(&attacker_token)
        .login("victim@example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), 403);
    assert!(!victim.is_signed_in().await);
}

#[tokio::test]
async fn a_cross_origin_post_gets_403_even_with_a_valid_token() {
    let app = spawn_app().await;
    let browser = app.browser();
    let token = browser.csrf_token("/signup").await;
    for (header, value) in [
        ("origin", "http://evil.test"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("referer", "http://evil.test/form"),
    ] {
        let response = browser
            .client
            .post(browser.url("/api/signup"))
            .header(ACCEPT, "text/html")
            .header(header, value)
            .form(&signup_fields("cross@example.com", &token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{header}: {value}");
    }
    assert_eq!(app.user_count().await, 0);
}

#[tokio::test]
async fn a_same_origin_post_with_the_token_passes() {
    let app = spawn_app().await;
    let browser = app.browser();
    let token = browser.csrf_token("/signup").await;
    let response = browser
        .client
        .post(browser.url("/api/signup"))
        .header(ACCEPT, "text/html")
        .header(ORIGIN, &app.base)
        .header("sec-fetch-site", "same-origin")
        .form(&signup_fields("same@example.com", &token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
}

#[tokio::test]
async fn every_form_on_every_page_carries_the_token() {
    let app = spawn_app().await;
    let anonymous = app.browser();
    for path in ["/login", "/signup"] {
        let html = anonymous.page(path).await;
        assert_eq!(
            html.matches("<form").count(),
            html.matches("name=\"csrf_token\"").count(),
            "{path}"
        );
    }
    let signed_in = app.signed_up("forms@example.com").await;
    for path in ["/", "/dashboard"] {
        let html = signed_in.page(path).await;
        assert!(html.contains("<form"), "{path} has the logout form");
        assert_eq!(
            html.matches("<form").count(),
            html.matches("name=\"csrf_token\"").count(),
            "{path}"
        );
    }
}
