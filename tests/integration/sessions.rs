//! Session lifetime: idle and absolute timeouts, cleanup, devices, cookies.

use crate::support::*;

async fn short_timeouts() -> TestApp {
    spawn_with(|s| {
        s.sessions.session_idle_timeout_secs = 600;
        s.sessions.session_absolute_timeout_secs = 3600;
    })
    .await
}

#[tokio::test]
async fn an_idle_session_expires_and_the_next_page_says_so() {
    let app = short_timeouts().await;
    let browser = app.signed_up("idle@example.com").await;
    app.clock.advance(601);
    let response = browser.get("/dashboard").await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/login?next=%2Fdashboard");
    let html = browser.page("/login?next=%2Fdashboard").await;
    assert!(
        html.contains("Your session has expired. Please log in again."),
        "{html}"
    );
    // The notice is shown once.
    assert!(!browser
        .page("/login")
        .await
        .contains("Your session has expired"));
}

#[tokio::test]
async fn a_replayed_expired_cookie_is_told_and_logged_once() {
    let app = short_timeouts().await;
    let browser = app.signed_up("replayed@example.com").await;
    let cookie = browser.session_cookie().unwrap();
    app.clock.advance(601);
    for _ in 0..3 {
        let replay = get_with_cookie(&app.base, "/dashboard", &cookie).await;
        assert_eq!(replay.status(), 302);
    }
    let logged: i64 = app
        .scalar("SELECT COUNT(*) FROM auth_events WHERE kind = 'session_expired'")
        .await;
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn activity_keeps_a_session_alive_past_the_idle_timeout() {
    let app = short_timeouts().await;
    let browser = app.signed_up("active@example.com").await;
    for _ in 0..3 {
        app.clock.advance(400);
        assert!(browser.is_signed_in().await);
    }
}

#[tokio::test]
async fn an_active_session_still_ends_at_the_absolute_lifetime() {
    let app = short_timeouts().await;
    let browser = app.signed_up("absolute@example.com").await;
    for _ in 0..8 {
        app.clock.advance(400);
        assert!(browser.is_signed_in().await, "still inside the lifetime");
    }
    app.clock.advance(400); // 3600 s after sign-in
    assert!(!browser.is_signed_in().await);
    browser
        .assert_shows("/login", "Your session has expired. Please log in again.")
        .await;
}

#[tokio::test]
async fn expiry_survives_a_restart_because_it_is_stored() {
    let first = short_timeouts().await;
    let data_dir = first.data_dir.clone();
    let browser = first.signed_up("restart@example.com").await;
    let cookie = browser.session_cookie().unwrap();
    first.stop().await;
    let second = spawn_with(|s| {
        s.site.data_dir = data_dir;
        s.sessions.session_idle_timeout_secs = 600;
    })
    .await;
    let replay = get_with_cookie(&second.base, "/dashboard", &cookie).await;
    assert_eq!(replay.status(), 200, "a live session outlives a restart");
    second.clock.advance(601);
    let replay = get_with_cookie(&second.base, "/dashboard", &cookie).await;
    assert_eq!(replay.status(), 302);
}

#[tokio::test]
async fn the_cleanup_task_deletes_expired_sessions() {
    let app = short_timeouts().await;
    app.signed_up("cleanup@example.com").await;
    assert_eq!(app.signed_in_session_count().await, 1);
    app.clock.advance(700);
    let ended = app.state().sessions.delete_expired().await.unwrap();
    assert_eq!(ended.len(), 1, "one signed-in session ended");
    assert_eq!(app.signed_in_session_count().await, 0);
}

#[tokio::test]
async fn several_devices_have_independent_sessions() {
    let app = spawn_app().await;
    app.signed_up("devices@example.com").await;
    let devices: Vec<Browser> = futures::future::join_all((0..3).map(|_| async {
        let device = app.browser();
        assert_eq!(
            device.login("devices@example.com", PASSWORD).await.status(),
            302
        );
        device
    }))
    .await;
    for device in &devices {
        device
            .assert_shows("/dashboard", "devices@example.com")
            .await;
    }
    devices[1].logout().await;
    assert!(devices[0].is_signed_in().await);
    assert!(!devices[1].is_signed_in().await);
    assert!(devices[2].is_signed_in().await);
}

#[tokio::test]
async fn session_cookies_are_http_only_lax_and_host_wide() {
    let app = spawn_app().await;
    let response = app.browser().get("/login").await;
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("gatehouse="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        !cookie.contains("Max-Age"),
        "a browser-session cookie: {cookie}"
    );
}

#[tokio::test]
async fn on_https_the_cookie_is_secure_and_host_prefixed() {
    let app = spawn_with(|s| {
        s.site.public_origin = Some(
            gatehouse::server::config::settings::Origin::parse("https://gatehouse.test").unwrap(),
        )
    })
    .await;
    let response = app.browser().get("/login").await;
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("__Host-gatehouse="))
        .expect("a __Host- session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

/// Anonymous sessions (a CSRF token, a notice) live in memory only: page
/// views by visitors, or by a flood of cookie-less clients, write nothing.
#[tokio::test]
async fn visitors_sessions_are_never_written_to_the_database() {
    let app = spawn_app().await;
    app.signed_up("visitor@example.com").await;
    let rows = || async { app.scalar::<i64>("SELECT COUNT(*) FROM sessions").await };
    assert_eq!(rows().await, 1);
    let visitor = app.browser();
    for path in ["/", "/login", "/signup", "/forgot-password"] {
        assert_eq!(visitor.get(path).await.status(), 200);
    }
    assert_eq!(rows().await, 1, "the visitor's session is not stored");
    let held = app.state().sessions.anonymous_count();
    assert!(held >= 1);
    // Its CSRF token works, and signing in stores the (new) session.
    let response = visitor.login("visitor@example.com", PASSWORD).await;
    assert_eq!(location(&response), "/dashboard");
    assert!(visitor.is_signed_in().await);
    assert_eq!(rows().await, 2);
    assert_eq!(app.state().sessions.anonymous_count(), held - 1);
}

#[tokio::test]
async fn idle_visitor_sessions_are_dropped() {
    let app = spawn_with(|s| s.sessions.session_idle_timeout_secs = 600).await;
    let visitor = app.browser();
    let token = visitor.csrf_token("/login").await;
    app.clock.advance(601);
    app.state().sessions.delete_expired().await.unwrap();
    assert_eq!(app.state().sessions.anonymous_count(), 0);
    assert_ne!(visitor.csrf_token("/login").await, token, "a new session");
}

#[tokio::test]
async fn the_database_holds_no_usable_session_ids() {
    let app = spawn_app().await;
    let browser = app.signed_up("hashed@example.com").await;
    let cookie = browser.session_cookie().unwrap();
    let id = cookie.trim_start_matches("gatehouse=");
    let stored: Vec<String> = app.column("SELECT id_hash FROM sessions").await;
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|s| !s.contains(id)));
}

#[tokio::test]
async fn a_tampered_cookie_is_anonymous() {
    let app = spawn_app().await;
    let browser = app.signed_up("tamper@example.com").await;
    let cookie = browser.session_cookie().unwrap();
    let mut bytes = cookie.into_bytes();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let response = get_with_cookie(&app.base, "/dashboard", &tampered).await;
    assert_eq!(response.status(), 302);
}
