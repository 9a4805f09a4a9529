//! A user's sign-ins as the devices page sees them: listing them, and ending
//! one or all but one from another device.
//!
//! A device is named by its sign-in's handle, not by a session id, so a list
//! loaded before a device renewed its id still signs it out, and a sign-in
//! briefly held under two ids (two tabs renewing at once) is one device.

use std::sync::atomic::Ordering;

use super::{
    codec::parse_hex,
    ended::{record_end, EndReason},
    meta::{handle_of, meta_in, AuthMeta},
    store::SessionStore,
};
use crate::server::platform::db;

#[derive(sqlx::FromRow)]
struct DeviceRow {
    id_hash: String,
    data: Vec<u8>,
    started_at: i64,
    last_seen_at: i64,
    client: Option<String>,
    user_agent: Option<String>,
    remembered: bool,
}

/// A signed-in session, as the devices page lists it.
#[derive(Debug, Clone)]
pub struct DeviceSession {
    /// An opaque handle for revoking it: 16 hex digits of a hash of the
    /// sign-in's name.
    pub handle: String,
    /// When the user signed in there (Unix seconds).
    pub started_at: i64,
    /// Its latest request (Unix seconds).
    pub last_seen_at: i64,
    /// The address it signed in from.
    pub client: Option<String>,
    /// The browser's `User-Agent` at sign-in.
    pub user_agent: Option<String>,
    /// Whether "remember me" was ticked.
    pub remembered: bool,
}

/// Which of a user's sessions to end.
enum Ending<'a> {
    /// The one with this device handle.
    Device(&'a str),
    /// All but those with this device handle (one sign-in).
    AllBut(Option<String>),
}

impl Ending<'_> {
    fn selects(&self, handle: &str) -> bool {
        match self {
            Ending::Device(wanted) => handle == *wanted,
            Ending::AllBut(keep) => keep.as_deref() != Some(handle),
        }
    }
}

impl SessionStore {
    /// The signed-in sessions of a user, newest first (within one second, the
    /// row inserted last). "Last seen" and expiry
    /// come from the cache when the session is there, since SQLite may lag
    /// them by up to a minute.
    pub async fn list_for_user(&self, user_id: i64) -> Result<Vec<DeviceSession>, sqlx::Error> {
        let rows: Vec<DeviceRow> = sqlx::query_as(
            "SELECT id_hash, data, started_at, last_seen_at, client, user_agent, remembered \
             FROM sessions WHERE user_id = ? ORDER BY started_at DESC, rowid DESC",
        )
        .bind(user_id)
        .fetch_all(&self.inner.pool)
        .await?;
        let now = self.inner.clock.unix();
        let policy = self.inner.policy;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let cached = parse_hex(&row.id_hash).and_then(|key| self.inner.cache.get(&key));
                let (last_seen, expires_at) = match &cached {
                    Some(c) => (c.last_seen.load(Ordering::Acquire), c.expires_at(policy)),
                    None => (
                        row.last_seen_at,
                        policy.expiry(row.remembered, row.started_at, row.last_seen_at),
                    ),
                };
                if expires_at <= now {
                    return None;
                }
                Some(DeviceSession {
                    handle: handle_of(&meta_in(&row.data)?),
                    started_at: row.started_at,
                    last_seen_at: last_seen,
                    client: row.client,
                    user_agent: row.user_agent,
                    remembered: row.remembered,
                })
            })
            .collect())
    }

    /// Ends one session of `user_id`, by device handle. Returns whether one
    /// ended.
    pub async fn end_session(
        &self,
        user_id: i64,
        handle: &str,
        reason: EndReason,
    ) -> Result<bool, sqlx::Error> {
        let ended = self
            .end_where(user_id, Ending::Device(handle), reason)
            .await?;
        Ok(ended > 0)
    }

    /// Ends every session of `user_id` except those of the sign-in `keep`,
    /// recording why so each browser is told on its next request. Returns how
    /// many ended.
    pub async fn end_user_sessions(
        &self,
        user_id: i64,
        keep: Option<&AuthMeta>,
        reason: EndReason,
    ) -> Result<u64, sqlx::Error> {
        let keep = keep.map(handle_of);
        self.end_where(user_id, Ending::AllBut(keep), reason).await
    }

    /// Ends the sessions of `user_id` that `ending` selects, leaving a
    /// tombstone for each, and any of them caught renewing its id.
    async fn end_where(
        &self,
        user_id: i64,
        ending: Ending<'_>,
        reason: EndReason,
    ) -> Result<u64, sqlx::Error> {
        let now = self.inner.clock.unix();
        let mut renewals = self.inner.write_lock.lock().await;
        let mut tx = db::write_tx(&self.inner.pool).await?;
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT id_hash, data FROM sessions WHERE user_id = ?")
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
        let mut ended = Vec::new();
        for (id_hash, data) in rows {
            // A row without readable sign-in facts has no handle: only an
            // "all but" ending selects it.
            let meta = meta_in(&data);
            if !ending.selects(&meta.as_ref().map(handle_of).unwrap_or_default()) {
                continue;
            }
            record_end(&mut tx, &id_hash, user_id, reason, now).await?;
            sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
                .bind(&id_hash)
                .execute(&mut *tx)
                .await?;
            ended.push((id_hash, meta));
        }
        tx.commit().await?;
        for meta in ended.iter().filter_map(|(_, meta)| meta.as_ref()) {
            renewals.ended(meta, Some(reason), now);
        }
        let renewing = renewals.end_renewing(user_id, |handle| ending.selects(handle), reason, now);
        self.forget(ended.iter().map(|(id_hash, _)| id_hash));
        Ok(ended.len() as u64 + renewing)
    }
}

#[cfg(test)]
mod tests {
    use tower_sessions::{session::Id, SessionStore as _};

    use super::*;
    use crate::server::session::{meta::auth_meta, testing::Fixture};

    #[tokio::test]
    async fn a_users_devices_are_listed_newest_first_even_within_one_second() {
        let fx = Fixture::new().await;
        let user_id = fx.user("devices@example.com").await;
        let stranger = fx.user("stranger@example.com").await;
        let first = fx.meta(user_id);
        fx.create(&first).await;
        fx.clock.advance(1);
        let second = fx.meta(user_id);
        fx.create(&second).await;
        let third = fx.meta(user_id);
        fx.create(&third).await;
        fx.sign_in(stranger).await;
        let handles: Vec<String> = fx
            .store
            .list_for_user(user_id)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.handle)
            .collect();
        assert_eq!(
            handles,
            [handle_of(&third), handle_of(&second), handle_of(&first)]
        );
    }

    /// Signing out "all other devices" keeps every session of this sign-in
    /// (two tabs renewing at once can briefly leave it two).
    #[tokio::test]
    async fn signing_out_others_keeps_this_sign_in_whatever_its_id() {
        let fx = Fixture::new().await;
        let user_id = fx.user("twin@example.com").await;
        let this = fx.sign_in(user_id).await;
        let mut twin = fx.store.load(&this.id).await.unwrap().unwrap();
        let meta = auth_meta(&twin.data).unwrap();
        twin.id = Id::default();
        fx.store.create(&mut twin).await.unwrap();
        let ended = fx
            .store
            .end_user_sessions(meta.user_id, Some(&meta), EndReason::Revoked)
            .await
            .unwrap();
        assert_eq!(ended, 0);
        assert_eq!(fx.signed_in_rows().await, 2);
        assert!(fx.store.load(&this.id).await.unwrap().is_some());
        assert!(fx.store.load(&twin.id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn signing_out_others_ends_every_other_sign_in_and_tells_each_why() {
        let fx = Fixture::new().await;
        let user_id = fx.user("others@example.com").await;
        let this = fx.meta(user_id);
        let kept = fx.create(&this).await.id;
        let others = [fx.sign_in(user_id).await.id, fx.sign_in(user_id).await.id];
        let ended = fx
            .store
            .end_user_sessions(user_id, Some(&this), EndReason::Revoked)
            .await
            .unwrap();
        assert_eq!(ended, 2);
        assert!(fx.store.load(&kept).await.unwrap().is_some());
        for id in others {
            assert!(fx.store.load(&id).await.unwrap().is_none());
            let told = fx.store.ended(&id.to_string()).await.unwrap();
            assert_eq!(told.reason, EndReason::Revoked);
        }
    }

    /// A device's handle names its sign-in, so a list loaded before the device
    /// renewed its session id still signs it out.
    #[tokio::test]
    async fn a_device_that_renewed_its_session_id_keeps_its_handle() {
        let fx = Fixture::new().await;
        let user_id = fx.user("stable@example.com").await;
        let mut record = fx.sign_in(user_id).await;
        let listed = fx.store.list_for_user(user_id).await.unwrap();
        fx.store.delete(&record.id).await.unwrap();
        record.id = Id::default();
        fx.store.create(&mut record).await.unwrap();
        let relisted = fx.store.list_for_user(user_id).await.unwrap();
        assert_eq!(relisted[0].handle, listed[0].handle);
        let ended = fx
            .store
            .end_session(user_id, &listed[0].handle, EndReason::Revoked)
            .await
            .unwrap();
        assert!(ended);
        assert!(fx.store.load(&record.id).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_handle_of_another_users_device_ends_nothing() {
        let fx = Fixture::new().await;
        let victim = fx.user("victim@example.com").await;
        let attacker = fx.user("attacker@example.com").await;
        let id = fx.sign_in(victim).await.id;
        let handle = fx.store.list_for_user(victim).await.unwrap()[0]
            .handle
            .clone();
        for handle in [handle.as_str(), "", "zz"] {
            let ended = fx
                .store
                .end_session(attacker, handle, EndReason::Revoked)
                .await
                .unwrap();
            assert!(!ended);
        }
        assert!(fx.store.load(&id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn an_expired_session_is_no_longer_listed() {
        let fx = Fixture::new().await;
        let user_id = fx.user("listed@example.com").await;
        fx.sign_in(user_id).await;
        fx.clock
            .advance(crate::server::session::testing::POLICY.idle_secs);
        assert!(fx.store.list_for_user(user_id).await.unwrap().is_empty());
    }
}
