//! Delivers queued mail in the background, retrying failures with backoff.

use std::time::Duration;

use lettre::message::Mailbox;
use tokio::{sync::oneshot, task::JoinHandle};

use super::{queue::Mailer, transport::Transport};

/// How long the worker sleeps when nothing is queued (it is woken sooner
/// whenever a message is queued).
const IDLE_POLL: Duration = Duration::from_secs(30);

/// Starts the worker. When `stop` fires it delivers what is due, then ends.
pub fn spawn(
    mailer: Mailer,
    transport: Transport,
    from: Mailbox,
    mut stop: oneshot::Receiver<()>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            deliver_due(&mailer, &transport, &from).await;
            let wait = match mailer.seconds_to_next().await {
                Ok(Some(secs)) => Duration::from_secs(secs as u64).min(IDLE_POLL),
                _ => IDLE_POLL,
            };
            tokio::select! {
                _ = mailer.woken() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = &mut stop => {
                    deliver_due(&mailer, &transport, &from).await;
                    return;
                }
            }
        }
    })
}

/// Delivers every message whose time has come.
async fn deliver_due(mailer: &Mailer, transport: &Transport, from: &Mailbox) {
    loop {
        match mailer.due(20).await {
            Ok(batch) if !batch.is_empty() => {
                for message in batch {
                    deliver(mailer, transport, from, &message).await;
                }
            }
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the mail queue");
                return;
            }
        }
    }
}

async fn deliver(
    mailer: &Mailer,
    transport: &Transport,
    from: &Mailbox,
    message: &super::queue::Queued,
) {
    match transport.deliver(from, message).await {
        Ok(()) => {
            if let Err(e) = mailer.mark_sent(message.id).await {
                tracing::warn!(error = %e, "sent a message but could not record it");
            }
            tracing::info!(event = "mail_sent", kind = %message.kind, mail_id = message.id);
        }
        Err(error) => match mailer.mark_failed(message, &error).await {
            Ok(None) => tracing::error!(
                event = "mail_abandoned",
                kind = %message.kind,
                mail_id = message.id,
                attempts = message.attempts + 1,
                error = %error,
                "gave up on a message after every attempt failed"
            ),
            Ok(Some(delay)) => tracing::warn!(
                event = "mail_failed",
                kind = %message.kind,
                mail_id = message.id,
                attempts = message.attempts + 1,
                retry_in_secs = delay,
                error = %error,
                "could not send a message; will retry"
            ),
            Err(e) => tracing::error!(error = %e, "could not record a failed delivery"),
        },
    }
}
