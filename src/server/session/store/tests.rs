//! The store as tower-sessions drives it, with the races a request in flight
//! can run into: its session signed out elsewhere, or logged out in another
//! tab, while it renews the session id.

use tower_sessions::{
    session::{Id, Record},
    SessionStore as _,
};

use crate::server::session::{
    ended::{EndReason, EndedSession},
    meta::auth_meta,
    testing::{Fixture, POLICY},
};

/// The session as a request in flight has read it.
async fn read(fx: &Fixture, id: &Id) -> Record {
    fx.store
        .load(id)
        .await
        .unwrap()
        .expect("the session is stored")
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
    let fx = Fixture::new().await;
    let user_id = fx.user("renewal@example.com").await;
    let id = fx.sign_in(user_id).await.id;
    let store = &fx.store;
    // The phone's request has read its session; it renews the id as
    // tower-sessions does (delete, later create) while the laptop signs the
    // phone out.
    let mut record = read(&fx, &id).await;
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
    // What the password confirmation checks before going on.
    assert!(!store.exists(&record.id).await.unwrap());
    // The renewed cookie's next request is told why, once.
    let told = EndedSession {
        reason: EndReason::Revoked,
        user_id: Some(user_id),
    };
    assert_eq!(store.ended(&record.id.to_string()).await, Some(told));
    assert_eq!(store.ended(&record.id.to_string()).await, None);
    assert_eq!(fx.signed_in_rows().await, 0);
}

/// Logging out in one tab while another tab of the same browser renews the
/// session id (confirming the password) must not sign the browser back in.
#[tokio::test]
async fn a_logout_is_not_undone_by_a_renewal_in_another_tab() {
    let fx = Fixture::new().await;
    let user_id = fx.user("two-tabs@example.com").await;
    let id = fx.sign_in(user_id).await.id;
    let store = &fx.store;
    // Tab B has read the session and is about to renew its id...
    let mut record = read(&fx, &id).await;
    // ...when tab A logs out, as the logout handler does: the sign-in is
    // over, then axum-login deletes the session.
    let meta = auth_meta(&record.data).unwrap();
    store.end_sign_in(&meta).await;
    store.delete(&id).await.unwrap();
    // Nothing of it is left for another device to sign out.
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
    assert_eq!(fx.signed_in_rows().await, 0);
    // A logout on its own browser leaves nothing to tell.
    assert_eq!(store.ended(&record.id.to_string()).await, None);
}

#[tokio::test]
async fn a_renewal_nobody_interrupts_keeps_the_browser_signed_in() {
    let fx = Fixture::new().await;
    let user_id = fx.user("renewed@example.com").await;
    let id = fx.sign_in(user_id).await.id;
    let mut record = read(&fx, &id).await;
    fx.store.delete(&id).await.unwrap();
    record.id = Id::default();
    fx.store.create(&mut record).await.unwrap();
    assert!(fx.store.exists(&record.id).await.unwrap());
    let renewed = read(&fx, &record.id).await;
    assert_eq!(auth_meta(&renewed.data), auth_meta(&record.data));
    assert!(fx.store.load(&id).await.unwrap().is_none());
    assert_eq!(fx.signed_in_rows().await, 1);
}

/// An account deleted while a request renewed its session's id: the insert
/// finds no user, and the session stays ended.
#[tokio::test]
async fn a_session_whose_account_went_while_renewing_its_id_stays_ended() {
    let fx = Fixture::new().await;
    let user_id = fx.user("gone@example.com").await;
    let id = fx.sign_in(user_id).await.id;
    let mut record = read(&fx, &id).await;
    fx.store.delete(&id).await.unwrap();
    sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(user_id)
        .execute(&fx.pool)
        .await
        .unwrap();
    fx.store.forget_user(user_id);
    record.id = Id::default();
    fx.store.create(&mut record).await.unwrap();
    assert!(!fx.store.exists(&record.id).await.unwrap());
    assert_eq!(fx.signed_in_rows().await, 0);
}

/// A save at the end of a request whose session was signed out meanwhile
/// updates nothing: it never puts the row back.
#[tokio::test]
async fn a_save_does_not_bring_back_a_session_ended_while_its_request_ran() {
    let fx = Fixture::new().await;
    let user_id = fx.user("late-save@example.com").await;
    let id = fx.sign_in(user_id).await.id;
    let mut record = read(&fx, &id).await;
    let ended = fx
        .store
        .end_user_sessions(user_id, None, EndReason::PasswordChanged)
        .await
        .unwrap();
    assert_eq!(ended, 1);
    record
        .data
        .insert("gh.flash".into(), serde_json::json!("saved"));
    fx.store.save(&record).await.unwrap();
    assert!(fx.store.load(&id).await.unwrap().is_none());
    assert_eq!(fx.signed_in_rows().await, 0);
}

#[tokio::test]
async fn an_anonymous_session_lives_in_memory_and_never_in_sqlite() {
    let fx = Fixture::new().await;
    let record = fx.visit().await;
    assert_eq!(fx.store.anonymous_count(), 1);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&fx.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(read(&fx, &record.id).await.data, record.data);
    fx.store.delete(&record.id).await.unwrap();
    assert_eq!(fx.store.anonymous_count(), 0);
}

/// Signing in always renews the id; an anonymous id saved as signed in is
/// dropped rather than trusted.
#[tokio::test]
async fn an_anonymous_session_saved_as_signed_in_is_dropped() {
    let fx = Fixture::new().await;
    let user_id = fx.user("no-renewal@example.com").await;
    let mut record = fx.visit().await;
    let signed_in = fx.sign_in(user_id).await;
    record.data = signed_in.data;
    fx.store.save(&record).await.unwrap();
    assert!(fx.store.load(&record.id).await.unwrap().is_none());
    assert_eq!(fx.store.anonymous_count(), 0);
}

#[tokio::test]
async fn an_idle_session_expires_on_its_next_load_and_its_browser_is_told() {
    let fx = Fixture::new().await;
    let user_id = fx.user("idle@example.com").await;
    let id = fx.sign_in(user_id).await.id;
    fx.clock.advance(POLICY.idle_secs - 1);
    assert!(fx.store.load(&id).await.unwrap().is_some());
    fx.clock.advance(POLICY.idle_secs);
    assert!(fx.store.load(&id).await.unwrap().is_none());
    assert_eq!(fx.signed_in_rows().await, 0);
    let told = fx.store.ended(&id.to_string()).await.unwrap();
    assert_eq!(told.reason, EndReason::Expired);
}

#[tokio::test]
async fn a_remembered_session_outlives_the_idle_timeout_but_not_its_lifetime() {
    let fx = Fixture::new().await;
    let user_id = fx.user("long@example.com").await;
    let remembered = crate::server::session::meta::AuthMeta {
        remember: true,
        ..fx.meta(user_id)
    };
    let id = fx.create(&remembered).await.id;
    fx.clock.advance(POLICY.absolute_secs);
    assert!(fx.store.load(&id).await.unwrap().is_some());
    fx.clock
        .advance(POLICY.remember_secs - POLICY.absolute_secs - 1);
    assert!(fx.store.load(&id).await.unwrap().is_some());
    fx.clock.advance(1);
    assert!(fx.store.load(&id).await.unwrap().is_none());
}
