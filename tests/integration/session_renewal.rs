//! Session-id renewal seen from the browser: ids change on every privilege
//! change, and a renewal refused by the store (its sign-in ended while the
//! request ran) leaves the browser signed out and told why. The races
//! themselves are unit tests next to the session store; these check what
//! the server does around them.

use gatehouse::server::session::store::{auth_meta, EndReason};
use tower_sessions::{session::Id, SessionStore as _};

use crate::{devices::stored_session, support::*};

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

/// A session signed out from another device while its request renews its id
/// (before or after the old row went) is anonymous on its next request, and
/// the login page it is sent to says why.
#[tokio::test]
async fn a_browser_whose_renewal_was_refused_is_told_it_was_signed_out_elsewhere() {
    for signed_out_before_the_old_row_went in [true, false] {
        signed_out_during_renewal(signed_out_before_the_old_row_went).await;
    }
}

async fn signed_out_during_renewal(before_delete: bool) {
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
/// session id (confirming the password) must not sign the browser back in:
/// the logout handler marks the sign-in ended before its row goes.
#[tokio::test]
async fn a_logout_in_one_tab_is_not_undone_by_a_renewal_in_another() {
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
        .end_user_sessions(user_id, None, EndReason::Revoked)
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
