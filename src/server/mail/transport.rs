//! Where delivered mail goes: an SMTP server, `.eml` files, or the log.

use std::{
    os::unix::fs::{DirBuilderExt, OpenOptionsExt},
    path::PathBuf,
    time::Duration,
};

use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::queue::Queued;
use crate::server::config::settings::{MailTransport, Settings, SmtpSecurity};

/// A configured way out.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this folder.
    File(PathBuf),
    Log,
}

/// The transport could not be set up from the settings.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("SMTP settings: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot create the outbox folder {path}: {source}")]
    Outbox {
        path: String,
        source: std::io::Error,
    },
    #[error("mail_from is not a mailbox: {0}")]
    From(String),
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> Result<Transport, TransportError> {
        Ok(match settings.mail.mail_transport {
            MailTransport::Log => Transport::Log,
            MailTransport::File => {
                let dir = settings.site.data_dir.join("outbox");
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&dir)
                    .map_err(|source| TransportError::Outbox {
                        path: dir.display().to_string(),
                        source,
                    })?;
                Transport::File(dir)
            }
            MailTransport::Smtp => {
                let host = settings.mail.smtp_host.as_str();
                let builder = match settings.mail.smtp_security {
                    SmtpSecurity::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    }
                };
                let mut builder = builder
                    .port(settings.mail.smtp_port)
                    .timeout(Some(Duration::from_secs(20)));
                if let Some((user, password)) = &settings.mail.smtp_credentials {
                    builder =
                        builder.credentials(Credentials::new(user.clone(), password.0.clone()));
                }
                Transport::Smtp(builder.build())
            }
        })
    }

    /// Delivers one message.
    pub async fn deliver(&self, from: &Mailbox, queued: &Queued) -> Result<(), String> {
        let message = build(from, queued)?;
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::File(dir) => {
                let path = dir.join(format!("{:08}-{}.eml", queued.id, queued.kind));
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || {
                    use std::io::Write;
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .mode(0o600)
                        .open(&path)?;
                    file.write_all(&bytes)
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())
            }
            Transport::Log => {
                tracing::info!(
                    event = "mail_logged",
                    to = %queued.to_address,
                    subject = %queued.subject,
                    "mail (log transport):\n{}",
                    queued.text_body
                );
                Ok(())
            }
        }
    }
}

fn build(from: &Mailbox, queued: &Queued) -> Result<Message, String> {
    let to: Mailbox = queued
        .to_address
        .parse()
        .map_err(|e| format!("bad recipient: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(queued.subject.clone())
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(queued.text_body.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(queued.html_body.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}

/// The `From` mailbox: `mail_from`, or `Gatehouse <no-reply@host>`.
pub fn sender(settings: &Settings, origin_host: &str) -> Result<Mailbox, TransportError> {
    let text = if settings.mail.mail_from.is_empty() {
        let host =
            if origin_host.parse::<std::net::IpAddr>().is_ok() || origin_host.starts_with('[') {
                "localhost"
            } else {
                origin_host
            };
        format!("{} <no-reply@{host}>", super::message::PRODUCT)
    } else {
        settings.mail.mail_from.clone()
    };
    text.parse().map_err(|_| TransportError::From(text))
}
