//! The persisted mail queue.

use std::sync::Arc;

use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{watch, Notify};

use super::{Mail, Outgoing};
use crate::server::platform::clock::Clock;

/// Failed deliveries before a message is given up on: with the delay
/// doubling from a minute to an hour, about 15 hours of trying.
pub const MAX_ATTEMPTS: i64 = 20;

/// Puts messages in the queue and wakes the delivery worker.
#[derive(Clone)]
pub struct Mailer {
    pool: SqlitePool,
    clock: Clock,
    origin: String,
    wake: Arc<Notify>,
    activity: Arc<watch::Sender<MailActivity>>,
}

/// Delivery attempts so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailActivity {
    pub delivered: u64,
    pub failed: u64,
}

/// A queued message the worker should deliver now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Queued {
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i64,
}

impl Mailer {
    /// `origin` is the configured public origin every link is built from.
    pub fn new(pool: SqlitePool, clock: Clock, origin: String) -> Mailer {
        Mailer {
            pool,
            clock,
            origin,
            wake: Arc::new(Notify::new()),
            activity: Arc::new(watch::Sender::new(MailActivity::default())),
        }
    }

    /// The configured public origin, e.g. `https://gatehouse.example`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// An absolute link to `path` on the public origin.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Renders and queues a message on its own.
    pub async fn send(&self, mail: &Mail, to: &str) -> Result<(), sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        self.queue_in(&mut conn, mail, to).await?;
        self.wake();
        Ok(())
    }

    /// Renders and queues a message inside the caller's transaction, so it
    /// exists exactly when the change it announces does. Call [`Mailer::wake`]
    /// after committing.
    pub async fn queue_in(
        &self,
        conn: &mut SqliteConnection,
        mail: &Mail,
        to: &str,
    ) -> Result<(), sqlx::Error> {
        let Outgoing {
            kind,
            to,
            subject,
            text,
            html,
        } = mail.render(to, &self.origin);
        let now = self.clock.unix();
        sqlx::query(
            "INSERT INTO mail_queue (kind, to_address, subject, text_body, html_body, next_attempt_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(kind)
        .bind(to)
        .bind(subject)
        .bind(text)
        .bind(html)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Tells the worker there is something to send.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Delivery counts that change with each attempt, so a caller (a test,
    /// a health check) can wait for mail without polling.
    pub fn activity(&self) -> watch::Receiver<MailActivity> {
        self.activity.subscribe()
    }

    pub(super) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Up to `limit` messages whose time has come, oldest first.
    pub(super) async fn due(&self, limit: i64) -> Result<Vec<Queued>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, kind, to_address, subject, text_body, html_body, attempts FROM mail_queue \
             WHERE sent_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= ? \
             ORDER BY id LIMIT ?",
        )
        .bind(self.clock.unix())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Seconds until the next undelivered message is due, if any is waiting.
    pub(super) async fn seconds_to_next(&self) -> Result<Option<i64>, sqlx::Error> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM mail_queue \
                 WHERE sent_at IS NULL AND abandoned_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(next.map(|at| (at - self.clock.unix()).max(0)))
    }

    /// Delivered: keep the record, drop the body (it may hold a live link).
    pub(super) async fn mark_sent(&self, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE mail_queue SET sent_at = ?, text_body = '', html_body = '', last_error = NULL \
             WHERE id = ?",
        )
        .bind(self.clock.unix())
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.activity.send_modify(|a| a.delivered += 1);
        Ok(())
    }

    /// Not delivered: try again after a delay that doubles, up to an hour;
    /// after [`MAX_ATTEMPTS`], give up (`None`) and erase the body.
    pub(super) async fn mark_failed(
        &self,
        message: &Queued,
        error: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        let attempts = message.attempts + 1;
        let delay = (60_i64 << (attempts - 1).clamp(0, 6)).min(3600);
        let now = self.clock.unix();
        let give_up = attempts >= MAX_ATTEMPTS;
        sqlx::query(
            "UPDATE mail_queue SET attempts = ?, next_attempt_at = ?, last_error = ?, \
             abandoned_at = CASE WHEN ? THEN ? END, \
             text_body = CASE WHEN ? THEN '' ELSE text_body END, \
             html_body = CASE WHEN ? THEN '' ELSE html_body END \
             WHERE id = ?",
        )
        .bind(attempts)
        .bind(now + delay)
        .bind(error.chars().take(500).collect::<String>())
        .bind(give_up)
        .bind(now)
        .bind(give_up)
        .bind(give_up)
        .bind(message.id)
        .execute(&self.pool)
        .await?;
        self.activity.send_modify(|a| a.failed += 1);
        Ok((!give_up).then_some(delay))
    }
}
