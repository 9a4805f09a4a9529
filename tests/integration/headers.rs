//! Security headers on every response.

use crate::support::*;

fn assert_common_headers(response: &reqwest::Response, what: &str) {
    let h = response.headers();
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(
        !h.contains_key("strict-transport-security"),
        "{what}: no HSTS on http"
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let browser = app.browser();
    assert_common_headers(&browser.get("/").await, "page");
    assert_common_headers(&browser.get("/dashboard").await, "redirect");
    assert_common_headers(&browser.get("/nowhere").await, "404");
    assert_common_headers(
        &reqwest::get(format!("{}/healthz", app.base)).await.unwrap(),
        "healthz",
    );
    let api = browser.with_js().session(Access::Anyone).await;
    assert_common_headers(&api, "server function");
}

#[tokio::test]
async fn pages_allow_only_their_own_nonce_for_inline_script() {
    let app = spawn_app().await;
    let response = app.browser().get("/login").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce")
        .to_owned();
    let html = response.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        scripts,
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        "every script carries the nonce"
    );
    // A new response gets a new nonce.
    let again = app.browser().get("/login").await;
    assert!(!again.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains(&nonce));
}

#[tokio::test]
async fn https_deployments_send_hsts() {
    let app = spawn_with(|s| {
        s.site.public_origin = Some(
            gatehouse::server::config::settings::Origin::parse("https://gatehouse.test").unwrap(),
        )
    })
    .await;
    let response = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age=31536000"));
}
