//! Logging out tells the browser to drop what it cached for the site.

use crate::support::*;

#[tokio::test]
async fn logout_tells_the_browser_to_clear_site_data() {
    let app = spawn_app().await;
    let browser = app.signed_up("clear@example.com").await;
    let response = browser.logout().await;
    assert_eq!(location(&response), "/login?notice=logged_out");
    assert_eq!(
        response.headers()["clear-site-data"],
        "\"cache\", \"storage\""
    );
    // And from the hydrated app.
    browser.login("clear@example.com", PASSWORD).await;
    let token = browser.csrf_token("/dashboard").await;
    let response = browser
        .post_fetch("/api/logout", "/dashboard", &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["clear-site-data"],
        "\"cache\", \"storage\""
    );
}
