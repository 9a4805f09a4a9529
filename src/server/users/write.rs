//! Writes to accounts inside a transaction. The cache promise of `users` is
//! kept here, in code: every row a [`UsersTx`] changes is dropped from the
//! cache before the write, and again when the transaction commits or is
//! dropped, so no request can keep the old row cached. The row writers exist
//! only as methods of this type.

use std::ops::{Deref, DerefMut};

use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::{new_security_stamp, Users};
use crate::server::{
    error::{ServerError, ServerResult},
    platform::db,
};

/// A write transaction that keeps the user cache honest.
pub struct UsersTx {
    // Dropped in this order: the transaction ends before the rows it
    // touched are forgotten once more.
    tx: Transaction<'static, Sqlite>,
    touched: Touched,
}

/// The rows a transaction changed; forgotten from the cache when dropped.
struct Touched {
    users: Users,
    ids: Vec<i64>,
}

impl Drop for Touched {
    fn drop(&mut self) {
        for id in &self.ids {
            self.users.invalidate(*id);
        }
    }
}

impl Users {
    /// Opens a write transaction (see [`UsersTx`]).
    pub async fn begin(&self) -> ServerResult<UsersTx> {
        Ok(UsersTx {
            tx: db::write_tx(&self.pool).await?,
            touched: Touched {
                users: self.clone(),
                ids: Vec::new(),
            },
        })
    }
}

impl UsersTx {
    /// Commits, then drops the changed rows from the cache once more.
    pub async fn commit(self) -> ServerResult<()> {
        let UsersTx { tx, touched } = self;
        tx.commit().await?;
        drop(touched);
        Ok(())
    }

    fn touch(&mut self, id: i64) {
        self.touched.users.invalidate(id);
        self.touched.ids.push(id);
    }

    /// Records that the address was confirmed (first time only).
    pub async fn mark_verified(&mut self, id: i64, now: i64) -> ServerResult<()> {
        self.touch(id);
        let conn = &mut *self.tx;
        sqlx::query(
            "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?",
        )
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Sets a new password hash and a new security stamp, which ends every
    /// session that recorded the old stamp.
    pub async fn set_password(&mut self, id: i64, password_hash: &str) -> ServerResult<()> {
        self.touch(id);
        let conn = &mut *self.tx;
        sqlx::query("UPDATE users SET password_hash = ?, security_stamp = ? WHERE id = ?")
            .bind(password_hash)
            .bind(new_security_stamp())
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Changes the address (already confirmed by its owner).
    pub async fn set_email(&mut self, id: i64, email: &str, now: i64) -> ServerResult<()> {
        self.touch(id);
        let conn = &mut *self.tx;
        sqlx::query("UPDATE users SET email = ?, email_verified_at = ? WHERE id = ?")
            .bind(email)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await
            .map_err(ServerError::unique_email)?;
        Ok(())
    }

    /// Deletes an account; its sessions and tokens go with it (foreign keys).
    pub async fn delete(&mut self, id: i64) -> ServerResult<()> {
        self.touch(id);
        let conn = &mut *self.tx;
        // Ids can be reused once the highest is deleted: nothing recorded
        // against this one may reach a later account. The security log keeps
        // its events (for incident response, until they age out) unlinked.
        sqlx::query("DELETE FROM session_ends WHERE user_id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE auth_events SET user_id = NULL WHERE user_id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }
}

impl Deref for UsersTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for UsersTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}
