//! Checks that involve more than one key, run once every key has a value.

use super::{MailTransport, Origin, Settings, SettingsError, SmtpSecurity};

/// Refuses combinations that would leak sessions, links or mail.
pub(super) fn check(settings: &Settings) -> Result<(), SettingsError> {
    check_origin(settings)?;
    check_smtp(settings)?;
    check_mail(settings)
}

fn refused(key: &str, message: String) -> SettingsError {
    SettingsError {
        key: key.into(),
        source_name: "settings".into(),
        message,
    }
}

fn check_origin(settings: &Settings) -> Result<(), SettingsError> {
    let site = &settings.site;
    let origin = site
        .public_origin
        .clone()
        .unwrap_or_else(|| Origin::for_addr(site.site_addr));
    if !origin.is_https() && !origin.is_loopback() && !site.allow_insecure_http {
        return Err(refused(
            "public_origin",
            format!(
                "{origin} is plain http on a non-local host, so session cookies would travel \
                 unencrypted; use https, or set allow_insecure_http = true to accept that"
            ),
        ));
    }
    Ok(())
}

/// The log transport writes sign-in and reset links into the log: fine
/// on a developer's machine, not where the site is served over https.
fn check_mail(settings: &Settings) -> Result<(), SettingsError> {
    let https = settings
        .site
        .public_origin
        .as_ref()
        .is_some_and(Origin::is_https);
    if settings.mail.mail_transport == MailTransport::Log && https {
        return Err(refused(
            "mail_transport",
            "\"log\" would write live sign-in and reset links into the server log \
             of an https site; use smtp (or file, for a test deployment)"
                .into(),
        ));
    }
    Ok(())
}

fn check_smtp(settings: &Settings) -> Result<(), SettingsError> {
    let mail = &settings.mail;
    let local = Origin {
        scheme: "http".into(),
        host: mail.smtp_host.clone(),
        port: None,
    }
    .is_loopback();
    if mail.mail_transport == MailTransport::Smtp
        && mail.smtp_security == SmtpSecurity::None
        && !local
    {
        return Err(refused(
            "smtp_security",
            format!(
                "\"none\" would send mail (with sign-in links) unencrypted to {}; use starttls \
                 or tls, or a relay on this machine",
                mail.smtp_host
            ),
        ));
    }
    Ok(())
}
