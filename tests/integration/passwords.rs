//! Password storage: no truncation, normalisation, upgrades.

use crate::support::*;

#[tokio::test]
async fn a_long_password_is_not_truncated_at_72_bytes() {
    let app = spawn_app().await;
    let password = format!(
        "{}{}",
        "x7Q!".repeat(18),
        "the part after seventy-two bytes"
    );
    assert!(password.len() > 72);
    app.browser().signup("long@example.com", &password).await;
    let same_prefix = format!("{}{}", &password[..72], "something else entirely here");
    let refused = app.browser().login("long@example.com", &same_prefix).await;
    assert!(
        location(&refused).contains("__err"),
        "a 72-byte prefix match must fail"
    );
    app.assert_can_log_in("long@example.com", &password).await;
}

#[tokio::test]
async fn equivalent_unicode_spellings_of_a_password_match() {
    let app = spawn_app().await;
    let composed = "Åland islands are lovely in june";
    let decomposed = "A\u{030A}land islands are lovely in june";
    app.browser().signup("nfkc@example.com", composed).await;
    app.assert_can_log_in("nfkc@example.com", decomposed).await;
}

#[tokio::test]
async fn hashes_are_tagged_peppered_bcrypt_at_the_configured_cost() {
    let app = spawn_app().await;
    app.signed_up("stored@example.com").await;
    let hash: String = app.scalar("SELECT password_hash FROM users").await;
    assert!(hash.starts_with("gh1$$2b$04$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[tokio::test]
async fn a_plain_bcrypt_hash_from_the_flask_demo_works_and_is_upgraded() {
    let app = spawn_app().await;
    let legacy = bcrypt::hash("flask era password 2024", 4).unwrap();
    sqlx::query(
        "INSERT INTO users (email, password_hash, security_stamp, created_at) VALUES (?, ?, 'stamp', 0)",
    )
    .bind("legacy@example.com")
    .bind(&legacy)
    .execute(&app.state().pool)
    .await
    .unwrap();
    let response = app
        .browser()
        .login("legacy@example.com", "flask era password 2024")
        .await;
    assert_eq!(location(&response), "/dashboard");
    let hash: String = app.scalar("SELECT password_hash FROM users").await;
    assert!(
        hash.starts_with("gh1$"),
        "upgraded to the current scheme: {hash}"
    );
    app.assert_can_log_in("legacy@example.com", "flask era password 2024")
        .await;
}

#[tokio::test]
async fn a_changed_cost_is_applied_at_the_next_login_without_signing_anyone_out() {
    let first = spawn_app().await;
    let data_dir = first.data_dir.clone();
    first.signed_up("cost-change@example.com").await;
    first.stop().await;
    let second = spawn_with(|s| {
        s.site.data_dir = data_dir;
        s.passwords.bcrypt_cost = 5;
    })
    .await;
    let device = second.browser();
    assert_eq!(
        location(&device.login("cost-change@example.com", PASSWORD).await),
        "/dashboard"
    );
    let hash: String = second.scalar("SELECT password_hash FROM users").await;
    assert!(hash.starts_with("gh1$$2b$05$"), "{hash}");
    assert!(device.is_signed_in().await, "a rehash keeps the session");
}
