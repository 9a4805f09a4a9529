//! The binary as an operator runs it: settings, secrets, logs.

use std::{
    io::{BufRead, BufReader},
    os::unix::fs::PermissionsExt,
    process::{Command, Stdio},
};

use crate::support::*;

fn gatehouse() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATEHOUSE_CONFIG", "/dev/null");
    command
}

#[test]
fn an_invalid_setting_stops_startup_naming_the_key() {
    let output = gatehouse()
        .env("GATEHOUSE_BCRYPT_COST", "4")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bcrypt_cost"), "{stderr}");
    assert!(stderr.contains("GATEHOUSE_BCRYPT_COST"), "{stderr}");

    let output = gatehouse()
        .env("GATEHOUSE_SESSION_IDLE_TIMEOUT_SECS", "soon")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("session_idle_timeout_secs"));
}

#[test]
fn an_unknown_key_in_the_settings_file_stops_startup() {
    let dir = fresh_data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("settings.toml");
    std::fs::write(&file, "bcrypt_costt = 12\n").unwrap();
    let output = gatehouse().env("GATEHOUSE_CONFIG", &file).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bcrypt_costt"));
}

#[tokio::test]
async fn the_generated_secret_is_readable_by_the_owner_only() {
    let app = spawn_app().await;
    let secret = app.data_dir.join("secret.key");
    let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(&app.data_dir)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
}

/// Runs the real binary on port 0, drives signup, a failed login, a login
/// and a logout, and checks what it logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_events_are_logged_without_secrets() {
    let data_dir = fresh_data_dir();
    let mut child = gatehouse()
        .env("GATEHOUSE_SITE_ADDR", "127.0.0.1:0")
        .env("GATEHOUSE_DATA_DIR", &data_dir)
        .env("GATEHOUSE_BCRYPT_COST", "10")
        .env("GATEHOUSE_EMAIL_VERIFICATION", "optional")
        .env("GATEHOUSE_MAIL_TRANSPORT", "log")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("the server logs its address").unwrap();
        if let Some(rest) = line.split("Gatehouse is serving ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let browser = Browser::new(&base);
    assert_eq!(
        browser.signup("logs@example.com", PASSWORD).await.status(),
        302
    );
    let signup_cookie = browser.session_cookie().unwrap();
    let token = browser.csrf_token("/dashboard").await;
    browser.logout().await;
    let failed = browser
        .login("logs@example.com", "wrong password for logs")
        .await;
    assert!(location(&failed).contains("__err"));
    browser.login("logs@example.com", PASSWORD).await;
    let login_cookie = browser.session_cookie().unwrap();
    // SIGTERM: a graceful stop that flushes the log.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().unwrap();
    let log: String = lines.map_while(Result::ok).collect::<Vec<_>>().join("\n");
    for event in [
        "event=\"signup\"",
        "event=\"logout\"",
        "event=\"login_failed\"",
        "event=\"login_succeeded\"",
    ] {
        assert!(log.contains(event), "missing {event} in:\n{log}");
    }
    assert!(log.contains("client=127.0.0.1"), "{log}");
    // The log transport prints each message, link included (development).
    assert!(log.contains("/verify-email?token="), "{log}");
    assert!(log.contains("user_id=1"), "{log}");
    for secret in [
        PASSWORD,
        "wrong password for logs",
        &token,
        signup_cookie.trim_start_matches("gatehouse="),
        login_cookie.trim_start_matches("gatehouse="),
    ] {
        assert!(!log.contains(secret), "the log leaks {secret:?}");
    }
}
