//! Outgoing mail: messages rendered from the templates in `templates/email/`,
//! queued in SQLite in the same transaction as the change they announce, and
//! delivered by a background worker ([`worker`]) that retries with backoff.
//! A request never waits for delivery, and a crash or an SMTP outage loses
//! no message.

pub mod message;
pub mod queue;
pub mod transport;
pub mod worker;

pub use message::{Mail, Outgoing};
pub use queue::Mailer;
