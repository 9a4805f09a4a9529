//! Runtime settings: `Leptos.toml` at the top of the project, each key
//! overridable by an environment variable `GATEHOUSE_<KEY>`.
//!
//! cargo-leptos reads its build settings from `Cargo.toml` only, so this file
//! holds what the running server needs. An unknown key or an invalid value
//! stops startup with a message naming the key and where it came from.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf};

pub use super::values::{IpNet, Origin, Secret};

use crate::auth::validation::{DEFAULT_MIN_PASSWORD_CHARS, LOWEST_MIN_PASSWORD_CHARS};

/// The file read when `GATEHOUSE_CONFIG` does not name another.
pub const DEFAULT_SETTINGS_FILE: &str = "Leptos.toml";
/// Environment variables that override a key start with this.
pub const ENV_PREFIX: &str = "GATEHOUSE_";
/// Variables read from the environment only, never from the file.
const ENV_ONLY: [&str; 4] = [
    "GATEHOUSE_CONFIG",
    "GATEHOUSE_SECRET_KEY",
    "GATEHOUSE_SMTP_USERNAME",
    "GATEHOUSE_SMTP_PASSWORD",
];

/// The lowest bcrypt cost `Leptos.toml` or the environment may ask for.
pub const MIN_BCRYPT_COST: u32 = 10;

/// The server's settings after parsing and validation.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Address the server listens on.
    pub site_addr: SocketAddr,
    /// The origin users reach the site at (`scheme://host[:port]`). `None`
    /// means "http://" plus the address actually bound.
    pub public_origin: Option<Origin>,
    /// Folder for the SQLite file, the generated secret key and the outbox.
    pub data_dir: PathBuf,
    /// sqlx SQLite URL; `None` means `sqlite://<data_dir>/gatehouse.db`.
    pub database_url: Option<String>,
    /// A session unused for this long ends (seconds).
    pub session_idle_timeout_secs: i64,
    /// A session ends this long after sign-in, however active (seconds).
    pub session_absolute_timeout_secs: i64,
    /// How often expired sessions are deleted (seconds).
    pub session_cleanup_interval_secs: u64,
    /// bcrypt work factor for new hashes; older hashes are upgraded at login.
    pub bcrypt_cost: u32,
    /// Minimum password length in characters.
    pub password_min_length: usize,
    /// `tracing` filter, e.g. `info` or `gatehouse=debug,info`.
    pub log_level: String,
    /// Allow a plain-http public origin that is not localhost (cookies lose `Secure`).
    pub allow_insecure_http: bool,
    /// Base64 secret from `GATEHOUSE_SECRET_KEY`; otherwise one is generated
    /// into the data folder on first run.
    pub secret_key: Option<Secret>,
    /// Whether a new account must confirm its address before using the app.
    pub email_verification: EmailVerification,
    /// How long verification and email-change links work (seconds).
    pub email_verification_ttl_secs: i64,
    /// How long a password-reset link works (seconds).
    pub password_reset_ttl_secs: i64,
    /// Reset emails sent per address per hour, at most.
    pub password_reset_requests_per_hour: i64,
    /// How mail leaves the server.
    pub mail_transport: MailTransport,
    /// The `From` of every message; empty means `Gatehouse <no-reply@host>`.
    pub mail_from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    /// From `GATEHOUSE_SMTP_USERNAME` / `GATEHOUSE_SMTP_PASSWORD` only.
    pub smtp_credentials: Option<(String, Secret)>,
    /// Proxies whose `X-Forwarded-For` is believed (addresses or CIDR blocks).
    pub trusted_proxies: Vec<IpNet>,
    /// Failed logins per account before delays start.
    pub login_free_failures: i64,
    /// The longest delay between failed logins of one account (seconds).
    pub login_max_delay_secs: i64,
    /// After this many consecutive failures an account accepts no login until
    /// its password is reset.
    pub login_lockout_failures: i64,
    /// Per client address, requests per minute (a token bucket of that size).
    pub rate_limit_login_per_minute: u32,
    pub rate_limit_signup_per_minute: u32,
    pub rate_limit_password_reset_per_minute: u32,
    pub rate_limit_resend_verification_per_minute: u32,
    pub rate_limit_password_check_per_minute: u32,
    /// Page views that start a new session, per address and minute.
    pub rate_limit_new_sessions_per_minute: u32,
    /// How long security-log events are kept (days).
    pub security_log_retention_days: i64,
    /// How long a "remember me" sign-in lasts, however idle (seconds).
    pub session_remember_secs: i64,
    /// How long after entering the password sensitive actions need no new one.
    pub sudo_mode_secs: i64,
}

/// `email_verification`: must new accounts confirm their address first?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailVerification {
    /// No dashboard until the address is confirmed; signup reveals nothing.
    Required,
    /// A banner until confirmed; signup says when an address is taken.
    Optional,
}

/// `mail_transport`: where messages go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// `.eml` files in `<data_dir>/outbox/`.
    File,
    /// An SMTP server.
    Smtp,
    /// The log (development): links are printed.
    Log,
}

/// `smtp_security`: how the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    /// Plain text; only accepted for a server on this machine.
    None,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_origin: None,
            data_dir: PathBuf::from("data"),
            database_url: None,
            session_idle_timeout_secs: 30 * 60,
            session_absolute_timeout_secs: 12 * 60 * 60,
            session_cleanup_interval_secs: 60,
            bcrypt_cost: 12,
            password_min_length: DEFAULT_MIN_PASSWORD_CHARS,
            log_level: "info".into(),
            allow_insecure_http: false,
            secret_key: None,
            email_verification: EmailVerification::Required,
            email_verification_ttl_secs: 24 * 3600,
            password_reset_ttl_secs: 30 * 60,
            password_reset_requests_per_hour: 5,
            mail_transport: MailTransport::File,
            mail_from: String::new(),
            smtp_host: "localhost".into(),
            smtp_port: 587,
            smtp_security: SmtpSecurity::StartTls,
            smtp_credentials: None,
            trusted_proxies: Vec::new(),
            login_free_failures: 5,
            login_max_delay_secs: 15 * 60,
            login_lockout_failures: 100,
            rate_limit_login_per_minute: 20,
            rate_limit_signup_per_minute: 5,
            rate_limit_password_reset_per_minute: 5,
            rate_limit_resend_verification_per_minute: 3,
            rate_limit_password_check_per_minute: 60,
            rate_limit_new_sessions_per_minute: 60,
            security_log_retention_days: 90,
            session_remember_secs: 30 * 86400,
            sudo_mode_secs: 10 * 60,
        }
    }
}

/// A setting that could not be used; startup stops with this message.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting `{key}` (from {source_name}): {message}")]
pub struct SettingsError {
    pub key: String,
    pub source_name: String,
    pub message: String,
}

/// Where a raw value came from, for error messages.
#[derive(Clone)]
struct Raw {
    value: toml::Value,
    source_name: String,
}

impl Settings {
    /// Reads the settings file (`GATEHOUSE_CONFIG` or `Leptos.toml`) and the
    /// environment.
    pub fn load() -> Result<Settings, SettingsError> {
        let explicit = std::env::var("GATEHOUSE_CONFIG").ok();
        let path = explicit
            .clone()
            .unwrap_or_else(|| DEFAULT_SETTINGS_FILE.to_owned());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => None,
            Err(e) => {
                return Err(SettingsError {
                    key: "GATEHOUSE_CONFIG".into(),
                    source_name: "environment".into(),
                    message: format!("cannot read {path}: {e}"),
                })
            }
        };
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        Settings::from_sources(text.as_deref(), &path, &env)
    }

    /// Builds settings from a file's text and `GATEHOUSE_*` variables.
    pub fn from_sources(
        file_text: Option<&str>,
        file_name: &str,
        env: &[(String, String)],
    ) -> Result<Settings, SettingsError> {
        let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
        if let Some(text) = file_text {
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| SettingsError {
                key: "(file)".into(),
                source_name: file_name.into(),
                message: e.message().to_owned(),
            })?;
            for (key, value) in table {
                if !KEYS.contains(&key.as_str()) {
                    return Err(SettingsError {
                        key,
                        source_name: file_name.into(),
                        message: format!("unknown key; known keys are: {}", KEYS.join(", ")),
                    });
                }
                raw.insert(
                    key,
                    Raw {
                        value,
                        source_name: file_name.into(),
                    },
                );
            }
        }
        for (name, value) in env {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            if !KEYS.contains(&key.as_str()) {
                if ENV_ONLY.contains(&name.as_str()) {
                    continue;
                }
                // A misspelt variable would otherwise leave a default (maybe
                // a weaker one) in force without a word.
                return Err(SettingsError {
                    key: name.clone(),
                    source_name: "environment".into(),
                    message: format!(
                        "unknown variable; known: {} (GATEHOUSE_ + any settings key in capitals)",
                        ENV_ONLY.join(", ")
                    ),
                });
            }
            raw.insert(
                key,
                Raw {
                    value: toml::Value::String(value.clone()),
                    source_name: format!("environment variable {name}"),
                },
            );
        }
        let mut settings = Settings::default();
        let get = |key: &str| raw.get(key).cloned();
        if let Some(v) = get("site_addr") {
            settings.site_addr = parse_with(&v, "site_addr", |s| {
                s.parse::<SocketAddr>()
                    .map_err(|_| "expected host:port, like 127.0.0.1:3000".into())
            })?;
        }
        if let Some(v) = get("public_origin") {
            let text = string(&v, "public_origin")?;
            settings.public_origin = if text.is_empty() {
                None
            } else {
                Some(Origin::parse(&text).map_err(|m| error("public_origin", &v, m))?)
            };
        }
        if let Some(v) = get("data_dir") {
            let text = string(&v, "data_dir")?;
            if text.is_empty() {
                return Err(error("data_dir", &v, "must not be empty".into()));
            }
            settings.data_dir = PathBuf::from(text);
        }
        if let Some(v) = get("database_url") {
            let text = string(&v, "database_url")?;
            if !text.is_empty() && !text.starts_with("sqlite:") {
                return Err(error(
                    "database_url",
                    &v,
                    "only sqlite: URLs are supported".into(),
                ));
            }
            settings.database_url = (!text.is_empty()).then_some(text);
        }
        if let Some(v) = get("session_idle_timeout_secs") {
            settings.session_idle_timeout_secs =
                integer(&v, "session_idle_timeout_secs", 1, 366 * 24 * 3600)?;
        }
        if let Some(v) = get("session_absolute_timeout_secs") {
            settings.session_absolute_timeout_secs =
                integer(&v, "session_absolute_timeout_secs", 1, 366 * 24 * 3600)?;
        }
        if let Some(v) = get("session_cleanup_interval_secs") {
            settings.session_cleanup_interval_secs =
                integer(&v, "session_cleanup_interval_secs", 1, 24 * 3600)? as u64;
        }
        if let Some(v) = get("bcrypt_cost") {
            settings.bcrypt_cost = integer(&v, "bcrypt_cost", MIN_BCRYPT_COST as i64, 20)? as u32;
        }
        if let Some(v) = get("password_min_length") {
            settings.password_min_length = integer(
                &v,
                "password_min_length",
                LOWEST_MIN_PASSWORD_CHARS as i64,
                64,
            )? as usize;
        }
        if let Some(v) = get("log_level") {
            let text = string(&v, "log_level")?;
            text.parse::<tracing_subscriber::filter::Targets>()
                .map_err(|e| error("log_level", &v, format!("not a log filter ({e})")))?;
            settings.log_level = text;
        }
        if let Some(v) = get("allow_insecure_http") {
            settings.allow_insecure_http = boolean(&v, "allow_insecure_http")?;
        }
        if let Some(v) = get("email_verification") {
            settings.email_verification = parse_with(&v, "email_verification", |s| match s {
                "required" => Ok(EmailVerification::Required),
                "optional" => Ok(EmailVerification::Optional),
                _ => Err("expected \"required\" or \"optional\"".into()),
            })?;
        }
        if let Some(v) = get("email_verification_ttl_secs") {
            settings.email_verification_ttl_secs =
                integer(&v, "email_verification_ttl_secs", 60, 30 * 24 * 3600)?;
        }
        if let Some(v) = get("password_reset_ttl_secs") {
            settings.password_reset_ttl_secs =
                integer(&v, "password_reset_ttl_secs", 60, 24 * 3600)?;
        }
        if let Some(v) = get("password_reset_requests_per_hour") {
            settings.password_reset_requests_per_hour =
                integer(&v, "password_reset_requests_per_hour", 1, 1000)?;
        }
        if let Some(v) = get("mail_transport") {
            settings.mail_transport = parse_with(&v, "mail_transport", |s| match s {
                "file" => Ok(MailTransport::File),
                "smtp" => Ok(MailTransport::Smtp),
                "log" => Ok(MailTransport::Log),
                _ => Err("expected \"file\", \"smtp\" or \"log\"".into()),
            })?;
        }
        if let Some(v) = get("mail_from") {
            let from = string(&v, "mail_from")?;
            if !from.is_empty() && from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(error(
                    "mail_from",
                    &v,
                    format!("not a mailbox, got {from:?}"),
                ));
            }
            settings.mail_from = from;
        }
        if let Some(v) = get("smtp_host") {
            settings.smtp_host = string(&v, "smtp_host")?;
        }
        if let Some(v) = get("smtp_port") {
            settings.smtp_port = integer(&v, "smtp_port", 1, 65535)? as u16;
        }
        if let Some(v) = get("smtp_security") {
            settings.smtp_security = parse_with(&v, "smtp_security", |s| match s {
                "starttls" => Ok(SmtpSecurity::StartTls),
                "tls" => Ok(SmtpSecurity::Tls),
                "none" => Ok(SmtpSecurity::None),
                _ => Err("expected \"starttls\", \"tls\" or \"none\"".into()),
            })?;
        }
        if let Some(v) = get("trusted_proxies") {
            settings.trusted_proxies = networks(&v, "trusted_proxies")?;
        }
        if let Some(v) = get("login_free_failures") {
            settings.login_free_failures = integer(&v, "login_free_failures", 1, 50)?;
        }
        if let Some(v) = get("login_max_delay_secs") {
            settings.login_max_delay_secs = integer(&v, "login_max_delay_secs", 1, 24 * 3600)?;
        }
        if let Some(v) = get("login_lockout_failures") {
            settings.login_lockout_failures = integer(&v, "login_lockout_failures", 2, 100)?;
        }
        for (key, field) in [
            (
                "rate_limit_login_per_minute",
                &mut settings.rate_limit_login_per_minute,
            ),
            (
                "rate_limit_signup_per_minute",
                &mut settings.rate_limit_signup_per_minute,
            ),
            (
                "rate_limit_password_reset_per_minute",
                &mut settings.rate_limit_password_reset_per_minute,
            ),
            (
                "rate_limit_resend_verification_per_minute",
                &mut settings.rate_limit_resend_verification_per_minute,
            ),
            (
                "rate_limit_password_check_per_minute",
                &mut settings.rate_limit_password_check_per_minute,
            ),
            (
                "rate_limit_new_sessions_per_minute",
                &mut settings.rate_limit_new_sessions_per_minute,
            ),
        ] {
            if let Some(v) = get(key) {
                *field = integer(&v, key, 1, 100_000)? as u32;
            }
        }
        if let Some(v) = get("session_remember_secs") {
            settings.session_remember_secs = integer(&v, "session_remember_secs", 60, 400 * 86400)?;
        }
        if let Some(v) = get("sudo_mode_secs") {
            settings.sudo_mode_secs = integer(&v, "sudo_mode_secs", 1, 24 * 3600)?;
        }
        if let Some(v) = get("security_log_retention_days") {
            settings.security_log_retention_days =
                integer(&v, "security_log_retention_days", 1, 3650)?;
        }
        let env_value = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        settings.secret_key = env_value("GATEHOUSE_SECRET_KEY").map(Secret);
        settings.smtp_credentials = env_value("GATEHOUSE_SMTP_USERNAME").map(|user| {
            (
                user,
                Secret(env_value("GATEHOUSE_SMTP_PASSWORD").unwrap_or_default()),
            )
        });
        settings.check_origin_policy()?;
        settings.check_smtp_policy()?;
        settings.check_mail_policy()?;
        Ok(settings)
    }

    fn check_origin_policy(&self) -> Result<(), SettingsError> {
        let origin = self
            .public_origin
            .clone()
            .unwrap_or_else(|| Origin::for_addr(self.site_addr));
        if !origin.is_https() && !origin.is_loopback() && !self.allow_insecure_http {
            return Err(SettingsError {
                key: "public_origin".into(),
                source_name: "settings".into(),
                message: format!(
                    "{origin} is plain http on a non-local host, so session cookies would travel \
                     unencrypted; use https, or set allow_insecure_http = true to accept that"
                ),
            });
        }
        Ok(())
    }

    /// The log transport writes sign-in and reset links into the log: fine
    /// on a developer's machine, not where the site is served over https.
    fn check_mail_policy(&self) -> Result<(), SettingsError> {
        let https = self.public_origin.as_ref().is_some_and(Origin::is_https);
        if self.mail_transport == MailTransport::Log && https {
            return Err(SettingsError {
                key: "mail_transport".into(),
                source_name: "settings".into(),
                message: "\"log\" would write live sign-in and reset links into the server log \
                          of an https site; use smtp (or file, for a test deployment)"
                    .into(),
            });
        }
        Ok(())
    }

    fn check_smtp_policy(&self) -> Result<(), SettingsError> {
        let local = Origin {
            scheme: "http".into(),
            host: self.smtp_host.clone(),
            port: None,
        }
        .is_loopback();
        if self.mail_transport == MailTransport::Smtp
            && self.smtp_security == SmtpSecurity::None
            && !local
        {
            return Err(SettingsError {
                key: "smtp_security".into(),
                source_name: "settings".into(),
                message: format!(
                    "\"none\" would send mail (with sign-in links) unencrypted to {}; use starttls \
                     or tls, or a relay on this machine",
                    self.smtp_host
                ),
            });
        }
        Ok(())
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("gatehouse.db").display()))
    }
}

/// Every key `Leptos.toml` may hold.
pub const KEYS: &[&str] = &[
    "site_addr",
    "public_origin",
    "data_dir",
    "database_url",
    "session_idle_timeout_secs",
    "session_absolute_timeout_secs",
    "session_cleanup_interval_secs",
    "bcrypt_cost",
    "password_min_length",
    "log_level",
    "allow_insecure_http",
    "email_verification",
    "email_verification_ttl_secs",
    "password_reset_ttl_secs",
    "password_reset_requests_per_hour",
    "mail_transport",
    "mail_from",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "trusted_proxies",
    "login_free_failures",
    "login_max_delay_secs",
    "login_lockout_failures",
    "rate_limit_login_per_minute",
    "rate_limit_signup_per_minute",
    "rate_limit_password_reset_per_minute",
    "rate_limit_resend_verification_per_minute",
    "rate_limit_password_check_per_minute",
    "rate_limit_new_sessions_per_minute",
    "security_log_retention_days",
    "session_remember_secs",
    "sudo_mode_secs",
];

fn error(key: &str, raw: &Raw, message: String) -> SettingsError {
    SettingsError {
        key: key.into(),
        source_name: raw.source_name.clone(),
        message,
    }
}

fn string(raw: &Raw, key: &str) -> Result<String, SettingsError> {
    match &raw.value {
        toml::Value::String(s) => Ok(s.trim().to_owned()),
        other => Err(error(
            key,
            raw,
            format!("expected a string, got {}", other.type_str()),
        )),
    }
}

fn parse_with<T>(
    raw: &Raw,
    key: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, SettingsError> {
    let text = string(raw, key)?;
    parse(&text).map_err(|m| error(key, raw, format!("{m}, got {text:?}")))
}

fn integer(raw: &Raw, key: &str, min: i64, max: i64) -> Result<i64, SettingsError> {
    let value = match &raw.value {
        toml::Value::Integer(i) => *i,
        toml::Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| error(key, raw, format!("expected a whole number, got {s:?}")))?,
        other => {
            return Err(error(
                key,
                raw,
                format!("expected a whole number, got {}", other.type_str()),
            ))
        }
    };
    if value < min || value > max {
        return Err(error(
            key,
            raw,
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(value)
}

/// A list of networks: a TOML array of strings, or (from the environment) a
/// comma-separated string.
fn networks(raw: &Raw, key: &str) -> Result<Vec<IpNet>, SettingsError> {
    let items: Vec<String> = match &raw.value {
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(s) => Ok(s.clone()),
                other => Err(error(
                    key,
                    raw,
                    format!("expected strings, got {}", other.type_str()),
                )),
            })
            .collect::<Result<_, _>>()?,
        toml::Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        other => {
            return Err(error(
                key,
                raw,
                format!("expected a list of addresses, got {}", other.type_str()),
            ))
        }
    };
    items
        .iter()
        .map(|item| match IpNet::parse(item) {
            Ok(net) if net.prefix == 0 => Err(error(
                key,
                raw,
                format!("{item} would trust every peer to name its own address"),
            )),
            parsed => parsed.map_err(|m| error(key, raw, m)),
        })
        .collect()
}

fn boolean(raw: &Raw, key: &str) -> Result<bool, SettingsError> {
    match &raw.value {
        toml::Value::Boolean(b) => Ok(*b),
        toml::Value::String(s) => match s.trim() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            other => Err(error(
                key,
                raw,
                format!("expected true or false, got {other:?}"),
            )),
        },
        other => Err(error(
            key,
            raw,
            format!("expected true or false, got {}", other.type_str()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let s = Settings::from_sources(None, "Leptos.toml", &[]).unwrap();
        assert_eq!(s.bcrypt_cost, 12);
        assert_eq!(s.session_idle_timeout_secs, 1800);
        assert_eq!(s.password_min_length, 15);
    }

    #[test]
    fn environment_overrides_the_file() {
        let s = Settings::from_sources(
            Some("bcrypt_cost = 11\n"),
            "Leptos.toml",
            &env(&[("GATEHOUSE_BCRYPT_COST", "13")]),
        )
        .unwrap();
        assert_eq!(s.bcrypt_cost, 13);
    }

    #[test]
    fn invalid_values_name_the_key_and_source() {
        let err =
            Settings::from_sources(None, "Leptos.toml", &env(&[("GATEHOUSE_BCRYPT_COST", "4")]))
                .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("bcrypt_cost"), "{text}");
        assert!(text.contains("GATEHOUSE_BCRYPT_COST"), "{text}");

        let err = Settings::from_sources(Some("colour = 1\n"), "Leptos.toml", &[]).unwrap_err();
        assert!(err.to_string().contains("colour"));
    }

    #[test]
    fn trusted_proxies_accept_addresses_and_blocks() {
        let s = Settings::from_sources(
            Some("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n"),
            "Leptos.toml",
            &[],
        )
        .unwrap();
        assert!(s.trusted_proxies[0].contains("10.1.2.3".parse().unwrap()));
        assert!(!s.trusted_proxies[0].contains("11.0.0.1".parse().unwrap()));
        assert!(s.trusted_proxies[1].contains("::1".parse().unwrap()));
        let s = Settings::from_sources(
            None,
            "Leptos.toml",
            &env(&[("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1, 192.168.0.0/16")]),
        )
        .unwrap();
        assert_eq!(s.trusted_proxies.len(), 2);
        assert!(
            Settings::from_sources(Some("trusted_proxies = [\"nope\"]\n"), "Leptos.toml", &[])
                .is_err()
        );
        for everyone in ["0.0.0.0/0", "::/0"] {
            let err = Settings::from_sources(
                None,
                "Leptos.toml",
                &env(&[("GATEHOUSE_TRUSTED_PROXIES", everyone)]),
            )
            .unwrap_err();
            assert!(err.to_string().contains("trusted_proxies"), "{err}");
        }
    }

    #[test]
    fn a_misspelt_variable_stops_startup() {
        let err = Settings::from_sources(
            None,
            "Leptos.toml",
            &env(&[("GATEHOUSE_BCRYPT_CSOT", "14")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("GATEHOUSE_BCRYPT_CSOT"), "{err}");
        let fine = env(&[
            ("GATEHOUSE_CONFIG", "/dev/null"),
            ("GATEHOUSE_SECRET_KEY", "x"),
            ("GATEHOUSE_SMTP_USERNAME", "u"),
            ("GATEHOUSE_SMTP_PASSWORD", "p"),
            ("GATEHOUSE_BCRYPT_COST", "12"),
        ]);
        assert!(Settings::from_sources(None, "Leptos.toml", &fine).is_ok());
    }

    #[test]
    fn the_log_mail_transport_is_refused_for_an_https_site() {
        let err = Settings::from_sources(
            Some("public_origin = \"https://auth.example\"\nmail_transport = \"log\"\n"),
            "Leptos.toml",
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("mail_transport"), "{err}");
        assert!(
            Settings::from_sources(Some("mail_transport = \"log\"\n"), "Leptos.toml", &[]).is_ok()
        );
    }

    #[test]
    fn plain_http_is_refused_off_localhost() {
        let err = Settings::from_sources(
            Some("public_origin = \"http://example.com\"\n"),
            "Leptos.toml",
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("public_origin"));
        assert!(Settings::from_sources(
            Some("public_origin = \"https://example.com\"\n"),
            "Leptos.toml",
            &[]
        )
        .is_ok());
    }
}
