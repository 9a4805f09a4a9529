//! Abuse resistance: per-account login throttling, per-address rate limits,
//! trusted proxies, breached passwords, the security log.

use std::collections::HashSet;

use gatehouse::server::{audit::EventKind, config::settings::IpNet};
use reqwest::header::{ACCEPT, ORIGIN};

use crate::support::*;

type EventRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A login from a new browser running the app, as an observer sees it.
async fn attempt(app: &TestApp, email: &str, password: &str) -> Observed {
    observe(app.browser_with_js().login(email, password).await).await
}

#[tokio::test]
async fn failed_logins_slow_an_account_down_and_a_success_resets_the_count() {
    let app = spawn_app().await;
    app.signed_up("victim@example.com").await;
    for n in 1..=5 {
        assert_eq!(
            attempt(&app, "victim@example.com", "wrong").await.status,
            401,
            "failure {n} is free"
        );
    }
    assert_eq!(
        attempt(&app, "victim@example.com", "wrong").await.status,
        401,
        "the 6th is checked"
    );
    for expected_wait in [1, 2, 4, 8] {
        let seen = attempt(&app, "victim@example.com", "wrong").await;
        assert_eq!(seen.status, 429, "{}", seen.body);
        assert_eq!(
            seen.retry_after.as_deref(),
            Some(expected_wait.to_string().as_str())
        );
        assert!(seen.body.contains("LoginThrottled"), "{}", seen.body);
        app.clock.advance(expected_wait);
        assert_eq!(
            attempt(&app, "victim@example.com", "wrong").await.status,
            401
        );
    }
    // Even the right password waits its turn, then succeeds and clears the count.
    assert_eq!(
        attempt(&app, "victim@example.com", PASSWORD).await.status,
        429
    );
    app.clock.advance(16);
    assert_eq!(
        attempt(&app, "victim@example.com", PASSWORD).await.status,
        200
    );
    for _ in 1..=5 {
        assert_eq!(
            attempt(&app, "victim@example.com", "wrong").await.status,
            401
        );
    }
}

#[tokio::test]
async fn the_delay_is_capped() {
    let app = spawn_with(|s| s.throttles.login_max_delay_secs = 60).await;
    for _ in 0..20 {
        app.clock.advance(3600);
        attempt(&app, "capped@example.com", "wrong").await;
    }
    let seen = attempt(&app, "capped@example.com", "wrong").await;
    assert_eq!(seen.status, 429);
    assert_eq!(seen.retry_after.as_deref(), Some("60"));
}

#[tokio::test]
async fn a_throttled_attempt_costs_no_bcrypt_work() {
    let app = spawn_app().await;
    for _ in 0..6 {
        attempt(&app, "busy@example.com", "wrong").await;
    }
    let before = app.state().passwords.counts();
    assert_eq!(attempt(&app, "busy@example.com", "wrong").await.status, 429);
    assert_eq!(app.state().passwords.counts(), before);
}

#[tokio::test]
async fn throttled_answers_are_the_same_for_known_and_unknown_addresses() {
    let app = spawn_app().await;
    app.signed_up("exists@example.com").await;
    for email in ["exists@example.com", "ghost@example.com"] {
        for _ in 0..6 {
            attempt(&app, email, "wrong").await;
        }
    }
    let known = attempt(&app, "exists@example.com", "wrong").await;
    let unknown = attempt(&app, "ghost@example.com", "wrong").await;
    assert_eq!(known, unknown);
    assert_eq!(known.status, 429);
}

#[tokio::test]
async fn too_many_failures_lock_the_account_until_a_password_reset() {
    let app = spawn_with(|s| {
        s.throttles.login_free_failures = 2;
        s.throttles.login_lockout_failures = 4;
    })
    .await;
    app.signed_up("locked@example.com").await;
    for _ in 0..4 {
        app.clock.advance(3600);
        attempt(&app, "locked@example.com", "wrong").await;
    }
    app.clock.advance(3600);
    let seen = attempt(&app, "locked@example.com", PASSWORD).await;
    assert_eq!(seen.status, 429);
    assert!(seen.body.contains("LoginLocked"), "{}", seen.body);
    // The owner's way back: a password reset.
    let browser = app.browser();
    browser.request_password_reset("locked@example.com").await;
    let link = app
        .link_in_mail("locked@example.com", "reset_password")
        .await;
    browser.get(&link).await;
    let fresh = "a fresh passphrase after the lockout";
    browser.reset_password(fresh).await;
    assert_eq!(attempt(&app, "locked@example.com", fresh).await.status, 200);
}

#[tokio::test]
async fn the_throttle_message_says_when_to_try_again_without_javascript() {
    let app = spawn_app().await;
    for _ in 0..6 {
        attempt(&app, "nojs-throttle@example.com", "wrong").await;
    }
    let browser = app.browser();
    let response = browser.login("nojs-throttle@example.com", "wrong").await;
    let html = follow(&browser, response).await;
    assert!(
        html.contains(
            "Too many failed sign-in attempts for this account. Please try again in 1 second."
        ),
        "{html}"
    );
}

#[tokio::test]
async fn an_address_over_its_limit_gets_429_with_retry_after() {
    let app = spawn_with(|s| s.throttles.rate_limit_login_per_minute = 3).await;
    for _ in 0..3 {
        assert_ne!(attempt(&app, "many@example.com", "wrong").await.status, 429);
    }
    let seen = attempt(&app, "another@example.com", "wrong").await;
    assert_eq!(
        seen.status, 429,
        "credential stuffing across accounts is slowed too"
    );
    let retry: u64 = seen.retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert!(seen.body.contains("RateLimited"));
    // A plain form post gets a page that says so.
    assert_too_many_attempts_page(app.browser().login("x@example.com", "x").await).await;
}

/// The page an address over its limit gets: a 429 that says when to retry.
async fn assert_too_many_attempts_page(response: reqwest::Response) {
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let page = body(response).await;
    assert!(
        page.contains("Too many attempts from your network. Please try again in"),
        "{page}"
    );
}

#[tokio::test]
async fn signup_reset_and_resend_are_limited_per_address_too() {
    let app = spawn_with(|s| {
        s.throttles.rate_limit_signup_per_minute = 1;
        s.throttles.rate_limit_password_reset_per_minute = 1;
        s.throttles.rate_limit_resend_verification_per_minute = 1;
    })
    .await;
    let browser = app.browser();
    for endpoint in ["signup", "request_password_reset", "resend_verification"] {
        let path = format!("/api/{endpoint}");
        browser.post_fetch(&path, "/", &[]).await;
        assert_eq!(
            browser.post_fetch(&path, "/", &[]).await.status(),
            429,
            "{endpoint}"
        );
    }
}

/// Sessions held anywhere: stored rows and anonymous ones in memory.
async fn sessions_held(app: &TestApp) -> i64 {
    let rows: i64 = app.scalar("SELECT COUNT(*) FROM sessions").await;
    rows + app.state().sessions.anonymous_count() as i64
}

#[tokio::test]
async fn cookieless_page_views_cannot_grow_the_sessions_without_bound() {
    let app = spawn_with(|s| s.throttles.rate_limit_new_sessions_per_minute = 3).await;
    // A person's browser starts one session and keeps its cookie.
    let person = app.browser();
    let token = person.csrf_token("/login").await;
    // A client that drops its cookie starts a new session with every view.
    for _ in 0..2 {
        assert_eq!(app.browser().get("/login").await.status(), 200);
    }
    assert_too_many_attempts_page(app.browser().get("/login").await).await;
    assert_eq!(
        sessions_held(&app).await,
        3,
        "the refused view started nothing"
    );
    // The person's browser is not affected: it already has its session.
    assert_eq!(person.get("/signup").await.status(), 200);
    assert_eq!(person.csrf_token("/login").await, token);
    let kinds: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT kind, detail FROM auth_events WHERE kind = 'rate_limited'")
            .fetch_all(&app.state().pool)
            .await
            .unwrap();
    assert_eq!(
        kinds,
        [("rate_limited".to_owned(), Some("new session".to_owned()))]
    );
}

#[tokio::test]
async fn the_new_session_limit_has_no_way_around() {
    let app = spawn_with(|s| s.throttles.rate_limit_new_sessions_per_minute = 1).await;
    assert_eq!(app.browser().get("/").await.status(), 200);
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", app.base);
    // Not asking for HTML, an invented session cookie, reading the session
    // through its server function: each would have started a session.
    let any = client.get(url("/login")).header(ACCEPT, "*/*").send();
    let junk = client
        .get(url("/login"))
        .header(ACCEPT, "text/html")
        .header("cookie", "gatehouse=made-up-session-id")
        .send();
    let read = client
        .post(url("/api/session"))
        .header(ACCEPT, "application/json")
        .form(&[("access", "Anyone")])
        .send();
    for (what, response) in [("any", any), ("junk", junk), ("read", read)] {
        assert_eq!(response.await.unwrap().status(), 429, "{what}");
    }
    assert_eq!(sessions_held(&app).await, 1);
}

async fn spoofed_attempts(app: &TestApp) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 0..4 {
        let browser = app.browser();
        let token = browser.csrf_token("/login").await;
        let response = browser
            .client
            .post(browser.url("/api/login"))
            .header(ORIGIN, &app.base)
            .header(ACCEPT, "application/json")
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .form(&[
                ("email", "xff@example.com"),
                ("password", "x"),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn x_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let app = spawn_with(|s| s.throttles.rate_limit_login_per_minute = 2).await;
    let statuses = spoofed_attempts(&app).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        2,
        "{statuses:?}"
    );
    let clients: Vec<Option<String>> = app
        .column("SELECT client FROM auth_events WHERE kind = 'login_failed'")
        .await;
    assert!(
        clients.iter().all(|c| c.as_deref() == Some("127.0.0.1")),
        "{clients:?}"
    );
}

#[tokio::test]
async fn x_forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = spawn_with(|s| {
        s.throttles.rate_limit_login_per_minute = 2;
        s.site.trusted_proxies = vec![IpNet::parse("127.0.0.1").unwrap()];
        s.throttles.login_free_failures = 50;
    })
    .await;
    let statuses = spoofed_attempts(&app).await;
    assert!(
        statuses.iter().all(|s| *s == 401),
        "each client has its own bucket: {statuses:?}"
    );
    let clients: HashSet<Option<String>> = app
        .column("SELECT client FROM auth_events WHERE kind = 'login_failed'")
        .await
        .into_iter()
        .collect();
    assert!(
        clients.contains(&Some("198.51.100.3".to_owned())),
        "{clients:?}"
    );
}

#[tokio::test]
async fn a_breached_password_is_refused_at_signup_and_at_password_change() {
    let app = spawn_app().await;
    let response = app
        .browser_with_js()
        .signup("breach@example.com", "123456789012345")
        .await;
    assert!(body(response).await.contains("appeared in a data breach"));
    let signed_in = app.signed_up("change-breach@example.com").await;
    let response = signed_in
        .with_js()
        .change_password(PASSWORD, "qwertyuiopasdfgh")
        .await;
    assert_eq!(response.status(), 422);
    assert!(body(response).await.contains("appeared in a data breach"));
}

#[tokio::test]
async fn the_browser_can_ask_whether_a_password_is_breached() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.page("/signup").await;
    for (password, breached) in [
        ("123456789012345", "true"),
        ("correct horse battery staple", "false"),
    ] {
        let response = browser.with_js().check_password(password).await;
        assert_eq!(body(response).await, breached, "{password}");
    }
}

#[tokio::test]
async fn every_event_kind_lands_in_the_security_log_without_secrets() {
    let app = spawn_with(|s| s.throttles.rate_limit_signup_per_minute = 3).await;
    // signup, verification, login, logout...
    let browser = app.signed_up("log@example.com").await;
    let cookie = browser.session_cookie().unwrap();
    let csrf = browser.csrf_token("/dashboard").await;
    browser.logout().await;
    attempt(&app, "log@example.com", "a wrong password").await;
    for _ in 0..6 {
        attempt(&app, "log@example.com", "a wrong password").await;
    }
    app.clock.advance(3600);
    // ...a taken-address signup, a resend, a reset...
    app.browser().signup("log@example.com", PASSWORD).await;
    let other = app.unconfirmed("unverified@example.com").await;
    app.clock.advance(61);
    other.resend_verification().await;
    other.request_password_reset("log@example.com").await;
    let reset_link = app.link_in_mail("log@example.com", "reset_password").await;
    other.get(&reset_link).await;
    let reset_token = reset_link.split("token=").nth(1).unwrap().to_owned();
    let new_password = "second secret passphrase here";
    other.reset_password(new_password).await;
    // ...a password and an email change, an expiry, a deletion, a rate limit.
    let browser = app.browser();
    let response = browser.login("log@example.com", new_password).await;
    assert_eq!(location(&response), "/dashboard", "login after the reset");
    // ...signing out other devices, with and without sudo mode...
    let phone = app.browser();
    phone.login("log@example.com", new_password).await;
    let handle = browser.other_device_handles().await.remove(0);
    browser.revoke_session(&handle).await;
    phone.login("log@example.com", new_password).await;
    app.clock
        .advance(app.state().settings.sessions.sudo_mode_secs);
    browser.revoke_other_sessions().await;
    browser
        .confirm_password(new_password, "/settings/sessions")
        .await;
    let third = "third secret passphrase here";
    browser.change_password(new_password, third).await;
    browser.change_email(third, "log2@example.com").await;
    let link = app
        .link_in_mail("log2@example.com", "confirm_new_email")
        .await;
    browser.get(&link).await;
    app.clock.advance(2 * 3600);
    browser.get("/dashboard").await;
    browser.login("log2@example.com", third).await;
    browser.delete_account(third).await;
    for _ in 0..4 {
        app.browser()
            .post_fetch("/api/signup", "/signup", &[])
            .await;
    }

    let rows: Vec<EventRow> =
        sqlx::query_as("SELECT kind, client, user_agent, session_ref, detail FROM auth_events")
            .fetch_all(&app.state().pool)
            .await
            .unwrap();
    let kinds: HashSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for kind in EventKind::ALL {
        assert!(
            kinds.contains(kind.as_str()),
            "no {} event in {kinds:?}",
            kind.as_str()
        );
    }
    let secrets = [
        PASSWORD,
        new_password,
        third,
        "a wrong password",
        csrf.as_str(),
        cookie.trim_start_matches("gatehouse="),
        reset_token.as_str(),
    ];
    for row in &rows {
        let columns = [
            Some(&row.0),
            row.1.as_ref(),
            row.2.as_ref(),
            row.3.as_ref(),
            row.4.as_ref(),
        ];
        for value in columns.into_iter().flatten() {
            for secret in secrets {
                assert!(!value.contains(secret), "{:?} holds a secret", row);
            }
        }
    }
}

#[tokio::test]
async fn the_activity_page_lists_the_users_own_events_in_words() {
    let app = spawn_app().await;
    let browser = app.signed_up("activity@example.com").await;
    attempt(&app, "activity@example.com", "wrong guess").await;
    app.signed_up("someone-else@example.com").await;
    let html = browser.page("/settings/activity").await;
    assert!(html.contains("Signed in from"), "{html}");
    assert!(html.contains("Failed sign-in attempt"), "{html}");
    assert!(html.contains("Created the account"), "{html}");
    assert!(html.contains("127.0.0.1"), "{html}");
    assert!(html.contains("just now"), "{html}");
    let response = app.browser().get("/settings/activity").await;
    assert_eq!(location(&response), "/login?next=%2Fsettings%2Factivity");
    let api = app.browser_with_js().activity(0).await;
    assert_eq!(
        api.status(),
        401,
        "the server function checks the session itself"
    );
}

#[tokio::test]
async fn old_events_are_pruned() {
    let app = spawn_app().await;
    app.signed_up("old-events@example.com").await;
    app.clock.advance(91 * 86400);
    let pruned = gatehouse::server::audit::prune(app.state()).await.unwrap();
    assert!(pruned >= 3, "{pruned}");
}
