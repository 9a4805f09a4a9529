//! The pages, their access rules and the 404.

use crate::support::*;

#[tokio::test]
async fn home_page_invites_visitors_to_sign_up_or_log_in() {
    let app = spawn_app().await;
    let html = app.browser().page("/").await;
    assert!(html.contains("Create an account"));
    assert!(html.contains("href=\"/login\""));
    assert!(!html.contains("Go to your dashboard"));
}

#[tokio::test]
async fn home_page_links_signed_in_users_to_their_dashboard() {
    let app = spawn_app().await;
    let browser = app.signed_up("home@example.com").await;
    let html = browser.page("/").await;
    assert!(html.contains("Go to your dashboard"));
    assert!(
        html.contains("home@example.com"),
        "the nav shows who is signed in"
    );
    assert!(html.contains("Log out"));
}

#[tokio::test]
async fn the_nav_marks_the_section_being_shown() {
    let app = spawn_app().await;
    let browser = app.signed_up("nav@example.com").await;
    let current = |html: &str, href: &str| {
        html.contains(&format!("<a href=\"{href}\" aria-current=\"page\">"))
    };
    let dashboard = browser.page("/dashboard").await;
    assert!(current(&dashboard, "/dashboard"));
    assert!(!current(&dashboard, "/settings"));
    let devices = browser.page("/settings/sessions").await;
    assert!(current(&devices, "/settings"), "a page under Settings");
    assert!(!current(&devices, "/dashboard"));
    let home = browser.page("/").await;
    assert!(!home.contains("aria-current"));
}

#[tokio::test]
async fn unknown_paths_get_a_real_404_page() {
    let app = spawn_app().await;
    let response = app.browser().get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn anonymous_dashboard_load_is_redirected_to_login() {
    let app = spawn_app().await;
    let response = app.browser().get("/dashboard").await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/login?next=%2Fdashboard");
}

#[tokio::test]
async fn the_session_function_reports_no_user_to_anonymous_callers() {
    let app = spawn_app().await;
    let response = app.browser_with_js().session(Access::SignedIn).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains("\"user\":null"), "{body}");
}

#[tokio::test]
async fn signed_in_users_are_sent_from_login_and_signup_to_the_dashboard() {
    let app = spawn_app().await;
    let browser = app.signed_up("guest-pages@example.com").await;
    for path in ["/login", "/signup"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), 302, "{path}");
        assert_eq!(location(&response), "/dashboard", "{path}");
    }
}

#[tokio::test]
async fn the_dashboard_shows_the_account_and_session_facts() {
    let app = spawn_app().await;
    let browser = app.signed_up("facts@example.com").await;
    let html = browser.page("/dashboard").await;
    assert!(html.contains("Signed in as "));
    assert!(html.contains("facts@example.com"));
    assert!(html.contains("Account created"));
    assert!(html.contains("This session started"));
    assert!(html.contains("This is your first sign-in."));

    // A second sign-in shows when the first one was.
    let other = app.browser();
    assert_eq!(
        other.login("facts@example.com", PASSWORD).await.status(),
        302
    );
    let html = other.page("/dashboard").await;
    assert!(!html.contains("This is your first sign-in."));
    assert!(html.contains(" UTC"));
}

#[tokio::test]
async fn healthz_answers_ok_while_the_database_answers() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(response.status(), 200);
    app.state().pool.close().await;
    let response = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(response.status(), 503);
}
