//! Login: no enumeration, session fixation, `next`.

use crate::support::*;

#[tokio::test]
async fn login_with_the_right_password_lands_on_the_dashboard() {
    let app = spawn_app().await;
    app.signed_up("right@example.com").await;
    let browser = app.browser();
    let response = browser.login("Right@Example.com", PASSWORD).await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/dashboard");
    browser
        .assert_shows("/dashboard", "right@example.com")
        .await;
}

/// What an observer sees of a failed login, with or without JavaScript.
async fn failed_login_observation(app: &TestApp, email: &str, fetch: bool) -> Observed {
    let browser = if fetch {
        app.browser_with_js()
    } else {
        app.browser()
    };
    observe(browser.login(email, "wrong password, sorry").await).await
}

#[tokio::test]
async fn unknown_email_and_wrong_password_look_identical() {
    let app = spawn_app().await;
    app.signed_up("known@example.com").await;
    for fetch in [false, true] {
        let known = failed_login_observation(&app, "known@example.com", fetch).await;
        let unknown = failed_login_observation(&app, "unknown@example.com", fetch).await;
        assert_eq!(known, unknown, "fetch = {fetch}");
        if fetch {
            assert_eq!(known.status, 401);
            assert!(known.body.contains("InvalidCredentials"));
        } else {
            assert_eq!(known.status, 302);
            let html = app
                .browser()
                .page(known.location.strip_prefix(&app.base).unwrap())
                .await;
            assert!(html.contains("Invalid email or password."));
        }
    }
}

#[tokio::test]
async fn an_unknown_email_still_costs_one_bcrypt_verification() {
    let app = spawn_app().await;
    app.signed_up("cost@example.com").await;
    let passwords = &app.state().passwords;
    for email in ["cost@example.com", "nobody@example.com"] {
        let before = passwords.counts().verifications;
        app.browser().login(email, "not the password at all").await;
        assert_eq!(passwords.counts().verifications, before + 1, "{email}");
    }
}

#[tokio::test]
async fn login_replaces_the_session_and_the_pre_login_cookie_is_dead() {
    let app = spawn_app().await;
    app.signed_up("fixation@example.com").await;
    let browser = app.browser();
    browser.page("/login").await;
    let before = browser
        .session_cookie()
        .expect("the login page sets a session cookie");
    assert_eq!(
        browser
            .login("fixation@example.com", PASSWORD)
            .await
            .status(),
        302
    );
    let after = browser.session_cookie().unwrap();
    assert_ne!(before, after, "the session id must change at login");
    assert!(browser.is_signed_in().await);
    let replay = get_with_cookie(&app.base, "/dashboard", &before).await;
    assert_eq!(
        replay.status(),
        302,
        "the pre-login id must not be signed in"
    );
}

#[tokio::test]
async fn login_rotates_the_csrf_token() {
    let app = spawn_app().await;
    app.signed_up("rotate@example.com").await;
    let browser = app.browser();
    let before = browser.csrf_token("/login").await;
    browser.login("rotate@example.com", PASSWORD).await;
    let after = browser.csrf_token("/dashboard").await;
    assert_ne!(before, after);
    let response = browser.with_js().with_csrf_token(&before).logout().await;
    assert_eq!(response.status(), 403, "the pre-login token is worthless");
    assert!(browser.is_signed_in().await);
}

#[tokio::test]
async fn login_follows_a_local_next_path() {
    let app = spawn_app().await;
    app.signed_up("next@example.com").await;
    let response = app
        .browser()
        .login_with_next("next@example.com", PASSWORD, "/dashboard?tab=security")
        .await;
    assert_eq!(location(&response), "/dashboard?tab=security");
}

#[tokio::test]
async fn login_never_follows_next_off_the_site() {
    let app = spawn_app().await;
    app.signed_up("open-redirect@example.com").await;
    for next in [
        "//evil.test",
        "/\\evil.test",
        "https://evil.test/",
        "http:evil.test",
        "javascript:alert(1)",
        "%2F%2Fevil.test",
        "/%2F%2Fevil.test",
        "%5C%5Cevil.test",
        "/%5Cevil.test",
        "%252F%252Fevil.test",
        "\\\\evil.test",
        "/..//evil.test",
        "/.//evil.test",
        "/%2e%2e//evil.test",
    ] {
        let response = app
            .browser()
            .login_with_next("open-redirect@example.com", PASSWORD, next)
            .await;
        assert_eq!(response.status(), 302);
        assert_eq!(location(&response), "/dashboard", "next = {next:?}");
    }
}

#[tokio::test]
async fn the_login_page_carries_next_into_the_form() {
    let app = spawn_app().await;
    let html = app.browser().page("/login?next=%2Fdashboard").await;
    assert!(
        html.contains("name=\"next\" value=\"/dashboard\""),
        "{html}"
    );
}
