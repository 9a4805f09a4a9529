//! Sessions and devices: the devices page, signing other devices out,
//! "remember me", sudo mode, session-id rotation and logout's
//! `Clear-Site-Data`.

use tower_sessions::{
    session::{Id, Record},
    SessionStore as _,
};

use crate::support::*;

const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) \
     AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// The devices page's rows, as text, in page order.
fn rows(html: &str) -> Vec<String> {
    html.split("data-testid=\"session\"")
        .skip(1)
        .map(|row| row[..row.find("</li>").unwrap()].replace("<!>", ""))
        .collect()
}

/// `email` signed in on three browsers, one second apart: laptop, desktop, phone.
async fn three_devices(app: &TestApp, email: &str) -> (Browser, Browser, Browser) {
    let laptop = app.browser_as(FIREFOX_LINUX);
    laptop.signup(email, PASSWORD).await;
    let link = app.link_in_mail(email, "verify_email").await;
    laptop.get(&link).await;
    let mut devices = Vec::new();
    for (browser, _) in [
        (laptop, FIREFOX_LINUX),
        (app.browser_as(CHROME_WINDOWS), CHROME_WINDOWS),
        (app.browser_as(SAFARI_IPHONE), SAFARI_IPHONE),
    ] {
        app.clock.advance(1);
        let response = browser.login(email, PASSWORD).await;
        assert_eq!(location(&response), "/dashboard");
        devices.push(browser);
    }
    let phone = devices.pop().unwrap();
    let desktop = devices.pop().unwrap();
    let laptop = devices.pop().unwrap();
    (laptop, desktop, phone)
}

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
async fn last_seen_moves_with_use() {
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

#[tokio::test]
async fn a_signed_out_device_is_anonymous_on_its_next_request_and_is_told_why() {
    let app = spawn_app().await;
    let (laptop, desktop, phone) = three_devices(&app, "revoke@example.com").await;
    let handles = laptop.other_device_handles().await;
    // Newest first: the phone, then the desktop.
    let response = laptop.revoke_session(&handles[0]).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=session_revoked"
    );
    let html = follow(&laptop, response).await;
    assert!(html.contains("That device has been signed out."), "{html}");
    assert_eq!(rows(&html).len(), 2);

    let response = phone.get("/dashboard").await;
    assert_eq!(location(&response), "/login?next=%2Fdashboard");
    let html = phone.page("/login?next=%2Fdashboard").await;
    assert!(
        html.contains("You were signed out from another device."),
        "{html}"
    );
    assert!(laptop.is_signed_in().await);
    assert!(desktop.is_signed_in().await);
    assert_eq!(app.signed_in_session_count().await, 2);
}

/// The id of a browser's session and the session as the store holds it, as a
/// request in flight would have read it.
async fn stored_session(app: &TestApp, browser: &Browser) -> (Id, Record) {
    let cookie = browser.session_cookie().unwrap();
    let id: Id = cookie.trim_start_matches("gatehouse=").parse().unwrap();
    let record = app.state().sessions.load(&id).await.unwrap().unwrap();
    (id, record)
}

/// Renewing a session's id (on confirming the password) deletes the old row at
/// once and creates the new one when the response is saved. A session signed
/// out from another device while its request runs, before or after the old
/// row went, must not come back under the new id.
#[tokio::test]
async fn a_session_signed_out_while_renewing_its_id_stays_signed_out() {
    for signed_out_before_the_old_row_went in [true, false] {
        signed_out_during_renewal(signed_out_before_the_old_row_went).await;
    }
}

async fn signed_out_during_renewal(before_delete: bool) {
    use gatehouse::server::session::store::{auth_meta, EndReason};

    let app = spawn_app().await;
    let phone = app.signed_up("renewal@example.com").await;
    let store = &app.state().sessions;
    // The phone's request has read its session; it renews the id as
    // tower-sessions does (delete, later create) while the laptop signs the
    // phone out.
    let (id, mut record) = stored_session(&app, &phone).await;
    let user_id = auth_meta(&record.data).unwrap().user_id;
    let sign_out = || store.end_user_sessions(user_id, None, EndReason::Revoked);
    if before_delete {
        assert_eq!(sign_out().await.unwrap(), 1);
        store.delete(&id).await.unwrap();
    } else {
        store.delete(&id).await.unwrap();
        assert_eq!(sign_out().await.unwrap(), 1, "the renewal counts");
    }
    record.id = Id::default();
    store.create(&mut record).await.unwrap();

    assert!(store.load(&record.id).await.unwrap().is_none());
    let renewed = format!("gatehouse={}", record.id);
    let response = get_with_cookie(&phone.base, "/dashboard", &renewed).await;
    assert_eq!(location(&response), "/login?next=%2Fdashboard");
    let anonymous = set_cookies(&response)[0]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let login = get_with_cookie(&phone.base, "/login", &anonymous).await;
    let html = login.text().await.unwrap();
    assert!(
        html.contains("You were signed out from another device."),
        "{html}"
    );
    assert_eq!(app.signed_in_session_count().await, 0);
}

/// Logging out in one tab while another tab of the same browser renews the
/// session id (confirming the password) must not sign the browser back in.
#[tokio::test]
async fn a_logout_is_not_undone_by_a_renewal_in_another_tab() {
    use gatehouse::server::session::store::auth_meta;

    let app = spawn_app().await;
    let browser = app.signed_up("two-tabs@example.com").await;
    let store = &app.state().sessions;
    // Tab B has read the session and is about to renew its id...
    let (id, mut record) = stored_session(&app, &browser).await;
    // ...when tab A logs out.
    assert_eq!(browser.logout().await.status(), 302);
    // Nothing of it is left for another device to sign out.
    let user_id = auth_meta(&record.data).unwrap().user_id;
    let ended = store
        .end_user_sessions(
            user_id,
            None,
            gatehouse::server::session::store::EndReason::Revoked,
        )
        .await
        .unwrap();
    assert_eq!(ended, 0);
    // Tab B's renewal lands afterwards.
    store.delete(&id).await.unwrap();
    record.id = Id::default();
    store.create(&mut record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());
    assert!(auth_meta(&record.data).is_some());
    assert_eq!(app.signed_in_session_count().await, 0);
}

/// Signing out "all other devices" keeps every session of this sign-in
/// (two tabs renewing at once can briefly leave it two).
#[tokio::test]
async fn signing_out_others_keeps_this_sign_in_whatever_its_id() {
    use gatehouse::server::session::store::{auth_meta, EndReason};

    let app = spawn_app().await;
    let browser = app.signed_up("twin@example.com").await;
    let store = &app.state().sessions;
    let (_, mut twin) = stored_session(&app, &browser).await;
    let meta = auth_meta(&twin.data).unwrap();
    twin.id = Id::default();
    store.create(&mut twin).await.unwrap();
    let ended = store
        .end_user_sessions(meta.user_id, Some(&meta), EndReason::Revoked)
        .await
        .unwrap();
    assert_eq!(ended, 0);
    assert_eq!(app.signed_in_session_count().await, 2);
    assert!(browser.is_signed_in().await);
}

/// Sessions stored before sign-ins had ids get one at startup, so each is a
/// device of its own.
#[tokio::test]
async fn sign_ins_from_before_sign_in_ids_are_named_at_startup() {
    use gatehouse::server::session::store::{auth_meta, AUTH_META_KEY};

    let app = spawn_app().await;
    let browser = app.signed_up("legacy-session@example.com").await;
    let pool = &app.state().pool;
    let (id_hash, blob): (String, Vec<u8>) = sqlx::query_as("SELECT id_hash, data FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap();
    let mut data: std::collections::HashMap<String, serde_json::Value> =
        serde_json::from_slice(&blob).unwrap();
    data.get_mut(AUTH_META_KEY)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("sign_in_id");
    sqlx::query("UPDATE sessions SET data = ? WHERE id_hash = ?")
        .bind(serde_json::to_vec(&data).unwrap())
        .bind(&id_hash)
        .execute(pool)
        .await
        .unwrap();

    let store = &app.state().sessions;
    assert_eq!(store.name_unnamed_sign_ins().await.unwrap(), 1);
    assert_eq!(store.name_unnamed_sign_ins().await.unwrap(), 0);
    let (_, record) = stored_session(&app, &browser).await;
    assert_eq!(auth_meta(&record.data).unwrap().sign_in_id.len(), 32);
    assert!(browser.is_signed_in().await);
}

/// A device's handle names its sign-in, so a list loaded before the device
/// renewed its session id still signs it out.
#[tokio::test]
async fn a_device_that_renewed_its_session_id_can_still_be_signed_out() {
    let app = spawn_app().await;
    let (laptop, _desktop, phone) = three_devices(&app, "stable@example.com").await;
    let handles = laptop.other_device_handles().await;
    let phone_cookie = phone.session_cookie();
    let response = phone.confirm_password(PASSWORD, "/settings").await;
    assert_eq!(location(&response), "/settings");
    assert_ne!(phone.session_cookie(), phone_cookie, "the id was renewed");
    assert_eq!(laptop.other_device_handles().await, handles);

    laptop.revoke_session(&handles[0]).await; // newest first: the phone
    assert!(!phone.is_signed_in().await);
    assert!(laptop.is_signed_in().await);
}

#[tokio::test]
async fn sign_out_of_all_other_devices_keeps_only_this_one() {
    let app = spawn_app().await;
    let (laptop, desktop, phone) = three_devices(&app, "others@example.com").await;
    let response = laptop.revoke_other_sessions().await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=other_sessions_revoked"
    );
    let html = follow(&laptop, response).await;
    assert!(html.contains("All your other devices have been signed out."));
    assert_eq!(rows(&html).len(), 1);
    assert!(!html.contains("Sign out of all other devices"));
    for device in [&desktop, &phone] {
        assert!(!device.is_signed_in().await);
        assert!(device
            .page("/login")
            .await
            .contains("You were signed out from another device."));
    }
    assert!(laptop.is_signed_in().await);
}

#[tokio::test]
async fn a_handle_from_another_account_signs_nothing_out() {
    let app = spawn_app().await;
    let victim = app.signed_up("victim@example.com").await;
    let victim_laptop = app.browser();
    victim_laptop.login("victim@example.com", PASSWORD).await;
    let victim_handle = victim.other_device_handles().await.remove(0);
    let attacker = app.signed_up("attacker@example.com").await;
    let response = attacker.revoke_session(&victim_handle).await;
    assert_eq!(response.status(), 302);
    assert!(victim.is_signed_in().await);
    assert!(victim_laptop.is_signed_in().await);
    // Malformed handles are harmless too.
    for handle in ["", "zz", "%", &"f".repeat(5000)] {
        let response = attacker.revoke_session(handle).await;
        assert!(response.status() == 302 || response.status() == 413);
    }
    assert!(victim_laptop.is_signed_in().await);
}

#[tokio::test]
async fn this_device_cannot_be_signed_out_from_the_devices_list() {
    let app = spawn_app().await;
    let browser = app.signed_up("self@example.com").await;
    let html = browser.page("/settings/sessions").await;
    let own = app
        .state()
        .sessions
        .list_for_user(1)
        .await
        .unwrap()
        .remove(0)
        .handle;
    assert!(!html.contains(&own));
    let token = csrf_token_in(&html);
    let response = browser
        .post_fetch(
            "/api/revoke_session",
            "/settings/sessions",
            &[("handle", &own), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(browser.is_signed_in().await);
}

#[tokio::test]
async fn signing_out_other_devices_needs_a_csrf_token_and_same_origin() {
    let app = spawn_app().await;
    let (laptop, desktop, _phone) = three_devices(&app, "csrf-devices@example.com").await;
    let response = laptop
        .post_form("/api/revoke_other_sessions", "/settings/sessions", &[])
        .await;
    assert!(response.status().is_client_error() || location(&response).contains("__err"));
    let token = laptop.csrf_token("/settings/sessions").await;
    let response = laptop
        .client
        .post(laptop.url("/api/revoke_other_sessions"))
        .header("origin", "https://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(desktop.is_signed_in().await);
}

async fn short_sudo() -> TestApp {
    spawn_with(|s| s.sessions.sudo_mode_secs = 300).await
}

#[tokio::test]
async fn after_the_sudo_window_signing_out_asks_for_the_password_then_finishes() {
    let app = short_sudo().await;
    let (laptop, desktop, phone) = three_devices(&app, "sudo@example.com").await;
    let handles = laptop.other_device_handles().await;
    app.clock.advance(300);

    let response = laptop.revoke_session(&handles[1]).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response),
        "/confirm-password?next=%2Fsettings%2Fsessions"
    );
    assert!(
        desktop.is_signed_in().await,
        "nothing happens before the password"
    );
    let html = follow(&laptop, response).await;
    assert!(html.contains("Confirm your password"), "{html}");
    assert!(html.contains("autocomplete=\"current-password\""));

    // A wrong password: a message on the field, and still nothing happens.
    let response = laptop
        .confirm_password("not my password at all", "/settings/sessions")
        .await;
    let html = follow(&laptop, response).await;
    assert!(
        html.contains("That is not your current password."),
        "{html}"
    );
    assert!(desktop.is_signed_in().await);

    // The right one finishes the sign-out that was asked for.
    let response = laptop
        .confirm_password(PASSWORD, "/settings/sessions")
        .await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=session_revoked"
    );
    assert!(!desktop.is_signed_in().await);
    assert!(phone.is_signed_in().await);
    // The window is open again: the next sign-out needs no password.
    let response = laptop.revoke_other_sessions().await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=other_sessions_revoked"
    );
    assert!(!phone.is_signed_in().await);
}

#[tokio::test]
async fn an_action_waiting_for_a_password_does_not_survive_a_change_of_account() {
    let app = short_sudo().await;
    let (shared, _desktop, phone) = three_devices(&app, "first@example.com").await;
    app.clock.advance(300);
    let response = shared.revoke_other_sessions().await;
    assert!(location(&response).starts_with("/confirm-password"));
    // Someone else signs in on the same browser, without logging out first.
    let other_device = app.signed_up("second@example.com").await;
    let token = shared.csrf_token("/dashboard").await;
    let response = shared
        .post_form(
            "/api/login",
            "/dashboard",
            &[
                ("email", "second@example.com"),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(location(&response), "/dashboard");
    // Their own password confirmation must not run the first user's action.
    let response = shared.confirm_password(PASSWORD, "/settings").await;
    assert_eq!(location(&response), "/settings");
    assert!(other_device.is_signed_in().await);
    assert!(phone.is_signed_in().await);
}

#[tokio::test]
async fn the_hydrated_app_is_sent_to_confirm_the_password_too() {
    let app = short_sudo().await;
    let (laptop, desktop, _phone) = three_devices(&app, "sudo-js@example.com").await;
    app.clock.advance(300);
    let token = laptop.csrf_token("/settings/sessions").await;
    let response = laptop
        .post_fetch(
            "/api/revoke_other_sessions",
            "/settings/sessions",
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("serverfnredirect"));
    assert_eq!(
        location(&response),
        "/confirm-password?next=%2Fsettings%2Fsessions"
    );
    assert!(desktop.is_signed_in().await);
}

#[tokio::test]
async fn the_sudo_window_is_open_just_before_it_closes() {
    let app = short_sudo().await;
    let (laptop, desktop, _phone) = three_devices(&app, "edge@example.com").await;
    // The laptop signed in 2 seconds before the other two.
    app.clock.advance(297);
    let response = laptop.revoke_other_sessions().await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=other_sessions_revoked"
    );
    assert!(!desktop.is_signed_in().await);
}

#[tokio::test]
async fn a_confirmed_password_returns_to_next_when_nothing_waits() {
    let app = short_sudo().await;
    let browser = app.signed_up("next@example.com").await;
    let response = browser.confirm_password(PASSWORD, "/settings").await;
    assert_eq!(location(&response), "/settings");
    let response = browser.confirm_password(PASSWORD, "//evil.example").await;
    assert_eq!(location(&response), "/dashboard");
}

#[tokio::test]
async fn password_guesses_on_the_confirm_page_count_against_the_login_throttle() {
    let app = short_sudo().await;
    let browser = app.signed_up("guess@example.com").await;
    let free = app.state().settings.throttles.login_free_failures;
    // The attempt after the free ones still goes through (then waits 1 s).
    for _ in 0..=free {
        browser
            .confirm_password("a wrong guess here", "/settings")
            .await;
    }
    let page = "/confirm-password?next=%2Fsettings";
    let token = browser.csrf_token(page).await;
    let response = browser
        .post_fetch(
            "/api/confirm_password",
            page,
            &[("password", "another wrong guess"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    // The same counter guards the login form.
    let response = app.browser().login("guess@example.com", PASSWORD).await;
    assert_ne!(location(&response), "/dashboard");
}

#[tokio::test]
async fn forms_that_ask_for_the_current_password_need_no_separate_confirmation() {
    let app = short_sudo().await;
    let browser = app.signed_up("inline@example.com").await;
    app.clock.advance(600);
    let token = browser.csrf_token("/settings").await;
    let response = browser
        .post_form(
            "/api/change_email",
            "/settings",
            &[
                ("current_password", PASSWORD),
                ("new_email", "inline2@example.com"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(location(&response), "/settings?notice=email_change_sent");
    // Entering it there opened the window.
    let phone = app.browser();
    phone.login("inline@example.com", PASSWORD).await;
    let handle = browser.other_device_handles().await.remove(0);
    let response = browser.revoke_session(&handle).await;
    assert_eq!(
        location(&response),
        "/settings/sessions?notice=session_revoked"
    );
}

/// Runs `change` and checks the session id changed: the old cookie is
/// anonymous now and the browser is still signed in.
async fn assert_rotates<F: std::future::Future<Output = reqwest::Response>>(
    app: &TestApp,
    browser: &Browser,
    what: &str,
    change: F,
) {
    let before = browser.session_cookie().unwrap();
    let response = change.await;
    assert_eq!(response.status(), 302, "{what}");
    let after = browser.session_cookie().unwrap();
    assert_ne!(before, after, "{what} kept the session id");
    let replay = get_with_cookie(&app.base, "/dashboard", &before).await;
    assert_eq!(
        replay.status(),
        302,
        "the id from before {what} still works"
    );
    assert!(
        browser.is_signed_in().await,
        "{what} signed this browser out"
    );
}

#[tokio::test]
async fn session_ids_rotate_on_every_privilege_change() {
    let app = spawn_app().await;
    let browser = app.signed_up("rotate@example.com").await;
    browser.logout().await;
    browser.page("/login").await;
    assert_rotates(
        &app,
        &browser,
        "login",
        browser.login("rotate@example.com", PASSWORD),
    )
    .await;
    assert_rotates(
        &app,
        &browser,
        "confirming the password",
        browser.confirm_password(PASSWORD, "/settings"),
    )
    .await;
    let token = browser.csrf_token("/settings").await;
    let new_password = "a brand new passphrase here";
    assert_rotates(
        &app,
        &browser,
        "changing the password",
        browser.post_form(
            "/api/change_password",
            "/settings",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_new_password", new_password),
                ("csrf_token", &token),
            ],
        ),
    )
    .await;
}

fn session_set_cookie(response: &reqwest::Response) -> String {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with("gatehouse="))
        .expect("the session cookie is set")
}

#[tokio::test]
async fn without_remember_me_the_cookie_dies_with_the_browser() {
    let app = spawn_app().await;
    let browser = app.signed_up("session-cookie@example.com").await;
    browser.logout().await;
    let response = browser.login("session-cookie@example.com", PASSWORD).await;
    let cookie = session_set_cookie(&response).to_ascii_lowercase();
    assert!(
        !cookie.contains("max-age") && !cookie.contains("expires"),
        "{cookie}"
    );
}

#[tokio::test]
async fn remember_me_sets_a_persistent_cookie_for_the_configured_time() {
    let app = spawn_app().await;
    let browser = app.signed_up("remember@example.com").await;
    browser.logout().await;
    let response = browser
        .login_remembered("remember@example.com", PASSWORD)
        .await;
    assert_eq!(location(&response), "/dashboard");
    let cookie = session_set_cookie(&response);
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    // A later cookie for the same sign-in counts down from the sign-in.
    app.clock.advance(86400);
    let response = browser.confirm_password(PASSWORD, "/settings").await;
    let cookie = session_set_cookie(&response);
    assert!(cookie.contains("Max-Age=2505600"), "{cookie}");
    // The devices page says so.
    let html = browser.page("/settings/sessions").await;
    assert!(html.contains("remembered"), "{html}");
}

#[tokio::test]
async fn a_remembered_session_outlives_the_idle_timeout_but_not_its_lifetime() {
    let app = spawn_with(|s| {
        s.sessions.session_idle_timeout_secs = 600;
        s.sessions.session_absolute_timeout_secs = 3600;
        s.sessions.session_remember_secs = 7 * 86400;
    })
    .await;
    let browser = app.signed_up("long@example.com").await;
    browser.logout().await;
    browser.login_remembered("long@example.com", PASSWORD).await;
    let plain = app.browser();
    plain.login("long@example.com", PASSWORD).await;
    // A day without a request: the plain session is gone, this one is not.
    app.clock.advance(86400);
    assert!(!plain.is_signed_in().await);
    assert!(browser.is_signed_in().await);
    // It ends at its own lifetime, not the absolute one of plain sessions.
    app.clock.advance(6 * 86400 - 10);
    assert!(browser.is_signed_in().await);
    app.clock.advance(10);
    let response = browser.get("/dashboard").await;
    assert_eq!(location(&response), "/login?next=%2Fdashboard");
    assert!(browser
        .page("/login")
        .await
        .contains("Your session has expired. Please log in again."));
}

#[tokio::test]
async fn a_remembered_session_can_be_signed_out_from_another_device() {
    let app = spawn_app().await;
    let laptop = app.signed_up("remembered-revoke@example.com").await;
    let phone = app.browser();
    phone
        .login_remembered("remembered-revoke@example.com", PASSWORD)
        .await;
    let handle = laptop.other_device_handles().await.remove(0);
    laptop.revoke_session(&handle).await;
    assert!(!phone.is_signed_in().await);
}

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
