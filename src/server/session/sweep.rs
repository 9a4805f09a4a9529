//! The periodic sweep: sessions past their expiry that no request came back
//! for, and tombstones past their retention, deleted in one pass.

use super::{cached::TOUCH_INTERVAL_SECS, ended, store::SessionStore};
use crate::server::platform::db;

impl SessionStore {
    /// Deletes every expired session (recording why, for signed-in ones) and
    /// old end records. Returns the users whose signed-in sessions ended.
    pub async fn delete_expired(&self) -> Result<Vec<i64>, sqlx::Error> {
        let now = self.inner.clock.unix();
        // The stored expiry can lag the in-memory one by up to a touch
        // interval, so only rows past that margin are certainly expired.
        let cutoff = now - TOUCH_INTERVAL_SECS;
        let _guard = self.inner.write_lock.lock().await;
        let mut tx = db::write_tx(&self.inner.pool).await?;
        ended::record_expired(&mut tx, cutoff, now).await?;
        let ended: Vec<(String, Option<i64>)> =
            sqlx::query_as("DELETE FROM sessions WHERE expires_at <= ? RETURNING id_hash, user_id")
                .bind(cutoff)
                .fetch_all(&mut *tx)
                .await?;
        ended::forget_old(&mut tx, now).await?;
        tx.commit().await?;
        self.forget(ended.iter().map(|(id_hash, _)| id_hash));
        let policy = self.inner.policy;
        self.inner
            .anonymous
            .retain(|_, cached| cached.expires_at(policy) > now);
        Ok(ended
            .into_iter()
            .filter_map(|(_, user_id)| user_id)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use tower_sessions::SessionStore as _;

    use crate::server::session::{
        ended::EndReason,
        testing::{Fixture, POLICY},
    };

    #[tokio::test]
    async fn the_sweep_deletes_expired_sessions_and_names_their_users() {
        let fx = Fixture::new().await;
        let idle = fx.user("swept@example.com").await;
        let busy = fx.user("kept@example.com").await;
        let swept = fx.sign_in(idle).await.id;
        fx.visit().await;
        fx.clock.advance(POLICY.idle_secs / 2);
        let kept = fx.sign_in(busy).await.id;
        // Past the stored expiry by more than the "last seen" lag it allows for.
        fx.clock.advance(POLICY.idle_secs / 2 + 61);
        assert_eq!(fx.store.delete_expired().await.unwrap(), vec![idle]);
        assert_eq!(fx.store.anonymous_count(), 0);
        assert!(fx.store.load(&kept).await.unwrap().is_some());
        let told = fx.store.ended(&swept.to_string()).await.unwrap();
        assert_eq!(told.reason, EndReason::Expired);
    }
}
