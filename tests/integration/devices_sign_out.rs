//! Signing other devices out from the devices page, one or all, and what
//! those devices are told on their next request.

use crate::{devices::*, support::*};

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
async fn signing_out_all_other_devices_keeps_only_this_one() {
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
