//! The devices page: every sign-in of the account, newest first, this one
//! marked.

use crate::{devices::*, support::*};

#[tokio::test]
async fn the_devices_page_lists_every_session_newest_first_and_marks_this_one() {
    let app = spawn_app().await;
    let (laptop, _desktop, _phone) = three_devices(&app, "devices@example.com").await;
    // Someone else's session never shows.
    app.signed_up("stranger@example.com").await;
    let html = laptop.page("/settings/sessions").await;
    let rows = rows(&html);
    assert_eq!(rows.len(), 3, "{html}");
    assert!(rows[0].contains("Safari on iOS"), "{}", rows[0]);
    assert!(rows[1].contains("Chrome on Windows"), "{}", rows[1]);
    assert!(rows[2].contains("Firefox on Linux"), "{}", rows[2]);
    for row in &rows {
        assert!(row.contains("127.0.0.1"), "{row}");
        assert!(row.contains("last active"), "{row}");
    }
    assert!(rows[2].contains("This device") && rows[2].contains("data-current=\"true\""));
    assert!(!rows[0].contains("This device") && !rows[1].contains("This device"));
    // Every other device has a "Sign out" button; this one has none.
    assert!(!rows[2].contains("name=\"handle\""));
    assert_eq!(laptop.other_device_handles().await.len(), 2);
    assert!(html.contains("Sign out of all other devices"));
    // The handle is not the session id.
    let cookie = laptop.session_cookie().unwrap();
    assert!(!html.contains(cookie.trim_start_matches("gatehouse=")));
}

#[tokio::test]
async fn sign_ins_within_one_second_are_still_listed_newest_first() {
    let app = spawn_app().await;
    let first = app.signed_up("same-second@example.com").await;
    for agent in [CHROME_WINDOWS, SAFARI_IPHONE] {
        app.browser_as(agent)
            .login("same-second@example.com", PASSWORD)
            .await;
    }
    let rows = rows(&first.page("/settings/sessions").await);
    assert!(rows[0].contains("Safari on iOS"), "{}", rows[0]);
    assert!(rows[1].contains("Chrome on Windows"), "{}", rows[1]);
    assert!(rows[2].contains("This device"), "{}", rows[2]);
}

#[tokio::test]
async fn the_devices_page_needs_a_signed_in_user() {
    let app = spawn_app().await;
    let response = app.browser().get("/settings/sessions").await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/login?next=%2Fsettings%2Fsessions");
    let response = app
        .browser()
        .post_fetch("/api/sessions", "/settings/sessions", &[])
        .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_devices_last_active_time_moves_with_use() {
    let app = spawn_app().await;
    let (laptop, desktop, _phone) = three_devices(&app, "seen@example.com").await;
    app.clock.advance(600);
    desktop.page("/dashboard").await;
    let html = laptop.page("/settings/sessions").await;
    let rows = rows(&html);
    assert!(rows[1].contains("last active just now"), "{}", rows[1]);
    assert!(
        rows[0].contains("last active 10 minutes ago"),
        "{}",
        rows[0]
    );
}
