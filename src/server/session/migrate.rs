//! The startup step that gives sign-ins stored before sign-ins had ids an
//! id of their own, so each is a device of its own and renewals keep naming
//! it the same way.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    codec::parse_hex,
    meta::{auth_meta, AuthMeta, AUTH_META_KEY},
    store::SessionStore,
};

/// A stored session's data given a sign-in id, if it is a sign-in without one.
fn with_sign_in_id(blob: &[u8]) -> Option<Vec<u8>> {
    let mut data: HashMap<String, Value> = serde_json::from_slice(blob).ok()?;
    let mut meta = auth_meta(&data).filter(|m| m.sign_in_id.is_empty())?;
    meta.sign_in_id = AuthMeta::new_sign_in_id();
    data.insert(AUTH_META_KEY.to_owned(), serde_json::to_value(&meta).ok()?);
    serde_json::to_vec(&data).ok()
}

impl SessionStore {
    /// Gives every stored sign-in from before sign-ins had ids an id of its
    /// own (see `meta::sign_in_key`). Run at startup. Returns how many it
    /// named.
    pub async fn name_unnamed_sign_ins(&self) -> Result<u64, sqlx::Error> {
        let _guard = self.inner.write_lock.lock().await;
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT id_hash, data FROM sessions WHERE user_id IS NOT NULL")
                .fetch_all(&self.inner.pool)
                .await?;
        let mut named = 0;
        for (id_hash, blob) in rows {
            let (Some(blob), Some(key)) = (with_sign_in_id(&blob), parse_hex(&id_hash)) else {
                continue;
            };
            sqlx::query("UPDATE sessions SET data = ? WHERE id_hash = ?")
                .bind(blob)
                .bind(&id_hash)
                .execute(&self.inner.pool)
                .await?;
            self.inner.cache.remove(&key);
            named += 1;
        }
        Ok(named)
    }
}

#[cfg(test)]
mod tests {
    use tower_sessions::SessionStore as _;

    use crate::server::session::{meta::auth_meta, testing::Fixture};

    /// Sessions stored before sign-ins had ids get one at startup, so each is a
    /// device of its own.
    #[tokio::test]
    async fn sign_ins_from_before_sign_in_ids_are_named_at_startup() {
        let fx = Fixture::new().await;
        let user_id = fx.user("legacy-session@example.com").await;
        let legacy = fx.meta(user_id);
        let legacy = fx
            .create(&crate::server::session::meta::AuthMeta {
                sign_in_id: String::new(),
                ..legacy
            })
            .await;
        // A sign-in that has an id already keeps it.
        let named = fx.sign_in(user_id).await;

        let store = &fx.store;
        assert_eq!(store.name_unnamed_sign_ins().await.unwrap(), 1);
        assert_eq!(store.name_unnamed_sign_ins().await.unwrap(), 0);
        let record = store.load(&legacy.id).await.unwrap().unwrap();
        assert_eq!(auth_meta(&record.data).unwrap().sign_in_id.len(), 32);
        let record = store.load(&named.id).await.unwrap().unwrap();
        assert_eq!(auth_meta(&record.data), auth_meta(&named.data));
        assert_eq!(store.list_for_user(user_id).await.unwrap().len(), 2);
    }
}
