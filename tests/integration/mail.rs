//! Mail: the transports, links built from the configured origin, the queue.

use gatehouse::server::config::settings::{MailTransport, Origin, SmtpSecurity};
use reqwest::header::{HOST, ORIGIN};

use crate::{smtp_server::SmtpServer, support::*};

#[tokio::test]
async fn the_file_outbox_holds_each_message_as_an_eml_file() {
    let app = spawn_app().await;
    app.browser().signup("outbox@example.com", PASSWORD).await;
    let mail = app.mail("outbox@example.com", "verify_email").await;
    assert!(mail.text.contains("Content-Type: text/plain"));
    assert!(mail.text.contains("Content-Type: text/html"));
    assert!(mail.text.contains("Gatehouse"));
    let files: Vec<_> = std::fs::read_dir(app.data_dir.join("outbox"))
        .unwrap()
        .collect();
    assert!(files
        .iter()
        .all(|f| f.as_ref().unwrap().path().extension().unwrap() == "eml"));
}

#[tokio::test]
async fn the_smtp_transport_delivers_to_a_real_smtp_server() {
    let smtp = SmtpServer::start().await;
    let app = spawn_with(|s| {
        s.mail.mail_transport = MailTransport::Smtp;
        s.mail.smtp_host = "127.0.0.1".into();
        s.mail.smtp_port = smtp.port;
        s.mail.smtp_security = SmtpSecurity::None;
    })
    .await;
    app.browser().signup("smtp@example.com", PASSWORD).await;
    let mut activity = app.state().mailer.activity();
    let message = smtp.message(1).await;
    assert!(message.contains("To: smtp@example.com"), "{message}");
    assert!(message.contains("/verify-email?token="), "{message}");
    activity.wait_for(|a| a.delivered >= 1).await.unwrap();
    let sent: Option<i64> = app.scalar("SELECT sent_at FROM mail_queue").await;
    assert!(sent.is_some());
}

#[tokio::test]
async fn links_use_the_configured_origin_whatever_the_request_claims() {
    let app = spawn_with(|s| {
        s.site.public_origin = Some(Origin::parse("https://gatehouse.example").unwrap())
    })
    .await;
    let browser = app.browser();
    browser.page("/forgot-password").await;
    let token = browser.csrf_token("/forgot-password").await;
    let response = browser
        .client
        .post(browser.url("/api/request_password_reset"))
        .header(HOST, "evil.test")
        .header("x-forwarded-host", "evil.test")
        .header(ORIGIN, "https://gatehouse.example")
        .header("accept", "application/json")
        .form(&[("email", "anyone@example.com"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mail = app.mail("anyone@example.com", "reset_unknown").await;
    assert!(mail.text.contains("https://gatehouse.example/signup"));
    assert!(!mail.text.contains("evil.test"));
}

/// An app whose SMTP server is not there: every delivery fails.
async fn spawn_with_dead_smtp() -> TestApp {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = unused.local_addr().unwrap().port();
    drop(unused);
    spawn_with(|s| {
        s.mail.mail_transport = MailTransport::Smtp;
        s.mail.smtp_host = "127.0.0.1".into();
        s.mail.smtp_port = dead_port;
        s.mail.smtp_security = SmtpSecurity::None;
    })
    .await
}

#[tokio::test]
async fn a_queued_message_survives_a_restart_and_an_smtp_outage() {
    let first = spawn_with_dead_smtp().await;
    let mut activity = first.state().mailer.activity();
    first.browser().signup("outage@example.com", PASSWORD).await;
    let data_dir = first.data_dir.clone();
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        activity.wait_for(|a| a.failed >= 1),
    )
    .await
    .expect("a delivery attempt")
    .unwrap();
    let attempts: i64 = first.scalar("SELECT attempts FROM mail_queue").await;
    assert_eq!(attempts, 1, "the failed delivery was recorded for a retry");
    first.stop().await;

    let second = spawn_with(|s| s.site.data_dir = data_dir).await;
    second.clock.advance(61); // past the retry delay
    second.state().mailer.wake();
    let mail = second.mail("outage@example.com", "verify_email").await;
    assert!(mail.text.contains("/verify-email?token="));
}

#[tokio::test]
async fn a_message_that_never_goes_through_is_given_up_on() {
    use gatehouse::server::mail::queue::MAX_ATTEMPTS;
    let app = spawn_with_dead_smtp().await;
    let mut activity = app.state().mailer.activity();
    app.browser().signup("nowhere@example.com", PASSWORD).await;
    for attempt in 1..=MAX_ATTEMPTS as u64 {
        tokio::time::timeout(
            std::time::Duration::from_secs(30),
            activity.wait_for(|a| a.failed >= attempt),
        )
        .await
        .expect("a delivery attempt")
        .unwrap();
        app.clock.advance(3600);
        app.state().mailer.wake();
    }
    let (attempts, abandoned, body): (i64, Option<i64>, String) =
        sqlx::query_as("SELECT attempts, abandoned_at, text_body FROM mail_queue")
            .fetch_one(&app.state().pool)
            .await
            .unwrap();
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert!(abandoned.is_some());
    assert_eq!(body, "", "the link it held is erased");
    let due: Option<i64> = app
        .scalar(
            "SELECT MIN(next_attempt_at) FROM mail_queue \
             WHERE sent_at IS NULL AND abandoned_at IS NULL",
        )
        .await;
    assert_eq!(due, None, "nothing is left to retry");
}
