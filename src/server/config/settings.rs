//! Runtime settings: `Leptos.toml` at the top of the project, each key
//! overridable by an environment variable `GATEHOUSE_<KEY>`.
//!
//! cargo-leptos reads its build settings from `Cargo.toml` only, so this file
//! holds what the running server needs. An unknown key or an invalid value
//! stops startup with a message naming the key and where it came from.
//!
//! The keys are the field names of the groups below and stay flat in the
//! file and the environment: groups only sort them for the code. A group's
//! derived `Deserialize` is its parser, and the key list is read off it, so a
//! key is declared once, with its default; a numeric key also needs its
//! range in [`BOUNDS`] (a test refuses a number without one).

mod de;
mod fields;
mod policy;
mod sources;
#[cfg(test)]
mod tests;

use std::{net::SocketAddr, path::PathBuf, sync::LazyLock};

use serde::Deserialize;

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

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// The range every numeric key accepts, inclusive: `(key, min, max)`.
pub const BOUNDS: &[(&str, i64, i64)] = &[
    ("session_idle_timeout_secs", 1, 366 * DAY),
    ("session_absolute_timeout_secs", 1, 366 * DAY),
    ("session_remember_secs", MINUTE, 400 * DAY),
    ("sudo_mode_secs", 1, DAY),
    ("session_cleanup_interval_secs", 1, DAY),
    ("bcrypt_cost", MIN_BCRYPT_COST as i64, 20),
    ("password_min_length", LOWEST_MIN_PASSWORD_CHARS as i64, 64),
    ("password_reset_ttl_secs", MINUTE, DAY),
    ("password_reset_requests_per_hour", 1, 1000),
    ("email_verification_ttl_secs", MINUTE, 30 * DAY),
    ("smtp_port", 1, 65535),
    ("login_free_failures", 1, 50),
    ("login_max_delay_secs", 1, DAY),
    ("login_lockout_failures", 2, 100),
    ("rate_limit_login_per_minute", 1, 100_000),
    ("rate_limit_signup_per_minute", 1, 100_000),
    ("rate_limit_password_reset_per_minute", 1, 100_000),
    ("rate_limit_resend_verification_per_minute", 1, 100_000),
    ("rate_limit_password_check_per_minute", 1, 100_000),
    ("rate_limit_new_sessions_per_minute", 1, 100_000),
    ("security_log_retention_days", 1, 3650),
];

/// The server's settings after parsing and validation, sorted by subject.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Where the server listens, how it is reached, what it keeps where.
    pub site: SiteSettings,
    /// Session lifetimes.
    pub sessions: SessionSettings,
    /// Password hashing, length and resets.
    pub passwords: PasswordSettings,
    /// Email address confirmation.
    pub verification: VerificationSettings,
    /// Outgoing mail.
    pub mail: MailSettings,
    /// The per-account login throttle and the per-address rate limits.
    pub throttles: ThrottleSettings,
    /// The server log and the security log.
    pub logging: LogSettings,
}

/// Every key the settings file may hold, group by group.
pub fn keys() -> &'static [&'static str] {
    static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        [
            de::keys_of::<SiteSettings>(),
            de::keys_of::<SessionSettings>(),
            de::keys_of::<PasswordSettings>(),
            de::keys_of::<VerificationSettings>(),
            de::keys_of::<MailSettings>(),
            de::keys_of::<ThrottleSettings>(),
            de::keys_of::<LogSettings>(),
        ]
        .concat()
    });
    &KEYS
}

/// Declares a group whose fields carry their defaults, so that the struct,
/// its `Default` and (through serde) its keys cannot drift apart.
macro_rules! group {
    ($(#[$attr:meta])* pub struct $name:ident {
        $($(#[$field_attr:meta])* $field:ident: $ty:ty = $default:expr,)*
    }) => {
        $(#[$attr])*
        #[derive(Clone, Debug, Deserialize)]
        #[serde(default)]
        pub struct $name {
            $($(#[$field_attr])* pub $field: $ty,)*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }
    };
}

group! {
    /// Where the server listens, how users reach it and where it keeps its data.
    pub struct SiteSettings {
        /// Address the server listens on.
        #[serde(deserialize_with = "fields::socket_addr")]
        site_addr: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 3000)),
        /// The origin users reach the site at (`scheme://host[:port]`). `None`
        /// means "http://" plus the address actually bound.
        public_origin: Option<Origin> = None,
        /// Folder for the SQLite file, the generated secret key and the outbox.
        #[serde(deserialize_with = "fields::non_empty_path")]
        data_dir: PathBuf = PathBuf::from("data"),
        /// sqlx SQLite URL; `None` means `sqlite://<data_dir>/gatehouse.db`.
        #[serde(deserialize_with = "fields::sqlite_url")]
        database_url: Option<String> = None,
        /// Allow a plain-http public origin that is not localhost (cookies lose `Secure`).
        allow_insecure_http: bool = false,
        /// Proxies whose `X-Forwarded-For` is believed (addresses or CIDR blocks).
        #[serde(deserialize_with = "fields::trusted_proxies")]
        trusted_proxies: Vec<IpNet> = Vec::new(),
        /// Base64 secret from `GATEHOUSE_SECRET_KEY`; otherwise one is generated
        /// into the data folder on first run.
        #[serde(skip)]
        secret_key: Option<Secret> = None,
    }
}

group! {
    /// How long sessions and sudo mode last.
    pub struct SessionSettings {
        /// A session unused for this long ends (seconds).
        session_idle_timeout_secs: i64 = 30 * MINUTE,
        /// A session ends this long after sign-in, however active (seconds).
        session_absolute_timeout_secs: i64 = 12 * HOUR,
        /// How long a "remember me" sign-in lasts, however idle (seconds).
        session_remember_secs: i64 = 30 * DAY,
        /// How long after entering the password sensitive actions need no new one.
        sudo_mode_secs: i64 = 10 * MINUTE,
        /// How often expired sessions are deleted (seconds).
        session_cleanup_interval_secs: u64 = 60,
    }
}

group! {
    /// Password hashing, minimum length and reset links.
    pub struct PasswordSettings {
        /// bcrypt work factor for new hashes; older hashes are upgraded at login.
        bcrypt_cost: u32 = 12,
        /// Minimum password length in characters.
        password_min_length: usize = DEFAULT_MIN_PASSWORD_CHARS,
        /// How long a password-reset link works (seconds).
        password_reset_ttl_secs: i64 = 30 * MINUTE,
        /// Reset emails sent per address per hour, at most.
        password_reset_requests_per_hour: i64 = 5,
    }
}

group! {
    /// Whether and for how long new addresses are confirmed.
    pub struct VerificationSettings {
        /// Whether a new account must confirm its address before using the app.
        email_verification: EmailVerification = EmailVerification::Required,
        /// How long verification and email-change links work (seconds).
        email_verification_ttl_secs: i64 = DAY,
    }
}

group! {
    /// How mail leaves the server, and as whom.
    pub struct MailSettings {
        /// How mail leaves the server.
        mail_transport: MailTransport = MailTransport::File,
        /// The `From` of every message; empty means `Gatehouse <no-reply@host>`.
        #[serde(deserialize_with = "fields::mailbox")]
        mail_from: String = String::new(),
        /// The SMTP server's host name, for `mail_transport = "smtp"`.
        smtp_host: String = "localhost".into(),
        /// The SMTP server's port.
        smtp_port: u16 = 587,
        /// How the SMTP connection is protected.
        smtp_security: SmtpSecurity = SmtpSecurity::StartTls,
        /// From `GATEHOUSE_SMTP_USERNAME` / `GATEHOUSE_SMTP_PASSWORD` only.
        #[serde(skip)]
        smtp_credentials: Option<(String, Secret)> = None,
    }
}

group! {
    /// The per-account login throttle and the per-address rate limits.
    pub struct ThrottleSettings {
        /// Failed logins per account before delays start.
        login_free_failures: i64 = 5,
        /// The longest delay between failed logins of one account (seconds).
        login_max_delay_secs: i64 = 15 * MINUTE,
        /// After this many consecutive failures an account accepts no login until
        /// its password is reset.
        login_lockout_failures: i64 = 100,
        /// Logins per client address and minute (a token bucket of that size).
        rate_limit_login_per_minute: u32 = 20,
        /// Signups per client address and minute.
        rate_limit_signup_per_minute: u32 = 5,
        /// Password-reset requests per client address and minute.
        rate_limit_password_reset_per_minute: u32 = 5,
        /// Verification-mail resends per client address and minute.
        rate_limit_resend_verification_per_minute: u32 = 3,
        /// Breached-password checks per client address and minute.
        rate_limit_password_check_per_minute: u32 = 60,
        /// Page views that start a new session, per address and minute.
        rate_limit_new_sessions_per_minute: u32 = 60,
    }
}

group! {
    /// What the server log shows and how long the security log keeps events.
    pub struct LogSettings {
        /// `tracing` filter, e.g. `info` or `gatehouse=debug,info`.
        #[serde(deserialize_with = "fields::log_filter")]
        log_level: String = "info".into(),
        /// How long security-log events are kept (days).
        security_log_retention_days: i64 = 90,
    }
}

/// `email_verification`: must new accounts confirm their address first?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailVerification {
    /// No dashboard until the address is confirmed; signup reveals nothing.
    Required,
    /// A banner until confirmed; signup says when an address is taken.
    Optional,
}

/// `mail_transport`: where messages go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// `.eml` files in `<data_dir>/outbox/`.
    File,
    /// An SMTP server.
    Smtp,
    /// The log (development): links are printed.
    Log,
}

/// `smtp_security`: how the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (`starttls`).
    StartTls,
    /// TLS from the first byte (`tls`).
    Tls,
    /// Plain text; only accepted for a server on this machine.
    None,
}

/// A setting that could not be used; startup stops with this message.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting `{key}` (from {source_name}): {message}")]
pub struct SettingsError {
    pub key: String,
    pub source_name: String,
    pub message: String,
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
        let raw = sources::merge(file_text, file_name, env)?;
        let mut settings = Settings {
            site: de::group(&raw)?,
            sessions: de::group(&raw)?,
            passwords: de::group(&raw)?,
            verification: de::group(&raw)?,
            mail: de::group(&raw)?,
            throttles: de::group(&raw)?,
            logging: de::group(&raw)?,
        };
        let env_value = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        settings.site.secret_key = env_value("GATEHOUSE_SECRET_KEY").map(Secret);
        settings.mail.smtp_credentials = env_value("GATEHOUSE_SMTP_USERNAME").map(|user| {
            (
                user,
                Secret(env_value("GATEHOUSE_SMTP_PASSWORD").unwrap_or_default()),
            )
        });
        policy::check(&settings)?;
        Ok(settings)
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.site.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.site.data_dir.join("gatehouse.db").display()
            )
        })
    }
}
