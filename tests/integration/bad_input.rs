//! Malformed and hostile input gets a clear 4xx, never a 500.

use reqwest::header::{ACCEPT, CONTENT_TYPE, ORIGIN};

use crate::support::*;

#[tokio::test]
async fn a_one_megabyte_body_is_refused_before_any_hashing() {
    let app = spawn_app().await;
    let browser = app.browser();
    let before = app.state().passwords.counts();
    let huge = "a".repeat(1024 * 1024);
    let response = browser.with_js().login("x@example.com", &huge).await;
    assert_eq!(response.status(), 413);
    assert_eq!(app.state().passwords.counts(), before);
}

#[tokio::test]
async fn missing_fields_get_400_from_the_api() {
    let app = spawn_app().await;
    let response = app.browser_with_js().submit("login", "/login", &[]).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("BadRequest"));
}

#[tokio::test]
async fn missing_fields_in_a_plain_form_post_show_a_message() {
    let app = spawn_app().await;
    let browser = app.browser();
    let response = browser.submit("login", "/login", &[]).await;
    assert_eq!(response.status(), 302);
    let html = follow(&browser, response).await;
    assert!(html.contains("The request could not be read"), "{html}");
}

#[tokio::test]
async fn invalid_utf8_and_garbage_bodies_get_400() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.page("/login").await;
    for body in [
        b"email=%FF%FE&password=x&csrf_token=y".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x01],
        b"%%%%&&&===".to_vec(),
    ] {
        let response = browser
            .client
            .post(browser.url("/api/login"))
            .header(ORIGIN, &app.base)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
    }
}

#[tokio::test]
async fn oversized_fields_get_a_form_message_not_an_error_page() {
    let app = spawn_app().await;
    let email = format!("{}@example.com", "e".repeat(1000));
    let password = "p".repeat(2000);
    let response = app.browser_with_js().signup(&email, &password).await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("at most 254"), "{body}");
    assert!(body.contains("at most 1024"), "{body}");
}

#[tokio::test]
async fn unknown_server_functions_and_wrong_methods_are_client_errors() {
    let app = spawn_app().await;
    let browser = app.browser();
    let response = browser.post_fetch("/api/nope", "/", &[]).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let response = browser.get("/api/login").await;
    assert!(response.status().is_client_error(), "{}", response.status());
}
