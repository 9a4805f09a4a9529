//! The messages Gatehouse sends and how each is rendered.

/// A message to render. Links are built by the caller from the configured
/// public origin, never from request headers.
#[derive(Debug, Clone)]
pub enum Mail {
    VerifyEmail {
        link: String,
        ttl_secs: i64,
    },
    /// Signup with an address that already has an account.
    SignupExisting,
    ResetPassword {
        link: String,
        ttl_secs: i64,
    },
    /// A reset was requested for an address without an account.
    ResetUnknown,
    PasswordResetDone,
    PasswordChanged,
    /// To the new address: the link that makes the change.
    ConfirmNewEmail {
        link: String,
        new_email: String,
        ttl_secs: i64,
    },
    /// To the old address: a change was requested.
    EmailChangeRequested {
        new_email: String,
    },
    /// To an address that already has an account, instead of a confirmation.
    EmailInUse,
    AccountDeleted,
}

/// A rendered message, ready for the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The product name in every message.
pub const PRODUCT: &str = "Gatehouse";

impl Mail {
    fn template(&self) -> (&'static str, &'static str, &'static str) {
        macro_rules! t {
            ($name:literal) => {
                (
                    $name,
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/templates/email/",
                        $name,
                        ".txt"
                    )),
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/templates/email/",
                        $name,
                        ".html"
                    )),
                )
            };
        }
        match self {
            Mail::VerifyEmail { .. } => t!("verify_email"),
            Mail::SignupExisting => t!("signup_existing"),
            Mail::ResetPassword { .. } => t!("reset_password"),
            Mail::ResetUnknown => t!("reset_unknown"),
            Mail::PasswordResetDone => t!("password_reset_done"),
            Mail::PasswordChanged => t!("password_changed"),
            Mail::ConfirmNewEmail { .. } => t!("confirm_new_email"),
            Mail::EmailChangeRequested { .. } => t!("email_change_requested"),
            Mail::EmailInUse => t!("email_in_use"),
            Mail::AccountDeleted => t!("account_deleted"),
        }
    }

    fn variables(&self) -> Vec<(&'static str, String)> {
        match self {
            Mail::VerifyEmail { link, ttl_secs } | Mail::ResetPassword { link, ttl_secs } => {
                vec![
                    ("link", link.clone()),
                    ("ttl", describe_duration(*ttl_secs)),
                ]
            }
            Mail::ConfirmNewEmail {
                link,
                new_email,
                ttl_secs,
            } => vec![
                ("link", link.clone()),
                ("new_email", new_email.clone()),
                ("ttl", describe_duration(*ttl_secs)),
            ],
            Mail::EmailChangeRequested { new_email } => vec![("new_email", new_email.clone())],
            _ => Vec::new(),
        }
    }

    /// Renders the plain-text and HTML versions for `to`.
    pub fn render(&self, to: &str, origin: &str) -> Outgoing {
        const LAYOUT: &str = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/email/layout.html"
        ));
        let (kind, text_template, html_template) = self.template();
        let mut variables = self.variables();
        variables.push(("email", to.to_owned()));
        variables.push(("origin", origin.to_owned()));
        variables.push(("product", PRODUCT.to_owned()));
        let (subject, text_body) = text_template
            .split_once('\n')
            .unwrap_or((text_template, ""));
        let subject = fill(subject, &variables, false);
        let content = fill(html_template, &variables, true);
        variables.push(("subject", subject.clone()));
        let html = fill(LAYOUT, &variables, true).replace("{{content}}", &content);
        Outgoing {
            kind,
            to: to.to_owned(),
            subject,
            text: fill(text_body, &variables, false),
            html,
        }
    }
}

fn fill(template: &str, variables: &[(&str, String)], html: bool) -> String {
    let mut out = template.to_owned();
    for (name, value) in variables {
        let value = if html {
            escape_html(value)
        } else {
            value.clone()
        };
        out = out.replace(&format!("{{{{{name}}}}}"), &value);
    }
    out
}

fn escape_html(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// "30 minutes", "24 hours", "2 days".
pub fn describe_duration(secs: i64) -> String {
    let (value, unit) = if secs % 86400 == 0 && secs >= 2 * 86400 {
        (secs / 86400, "day")
    } else if secs % 3600 == 0 {
        (secs / 3600, "hour")
    } else {
        ((secs + 59) / 60, "minute")
    };
    format!("{value} {unit}{}", if value == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_renders_without_leftover_placeholders() {
        let link = "https://gatehouse.test/x?token=abc".to_string();
        for mail in [
            Mail::VerifyEmail {
                link: link.clone(),
                ttl_secs: 86400,
            },
            Mail::SignupExisting,
            Mail::ResetPassword {
                link: link.clone(),
                ttl_secs: 1800,
            },
            Mail::ResetUnknown,
            Mail::PasswordResetDone,
            Mail::PasswordChanged,
            Mail::ConfirmNewEmail {
                link: link.clone(),
                new_email: "new@example.com".into(),
                ttl_secs: 86400,
            },
            Mail::EmailChangeRequested {
                new_email: "new@example.com".into(),
            },
            Mail::EmailInUse,
            Mail::AccountDeleted,
        ] {
            let out = mail.render("a@example.com", "https://gatehouse.test");
            for part in [&out.subject, &out.text, &out.html] {
                assert!(!part.contains("{{"), "{}: {part}", out.kind);
            }
            assert!(out.text.contains("Gatehouse") || out.subject.contains("Gatehouse"));
        }
    }

    #[test]
    fn values_are_escaped_in_html() {
        let out = Mail::EmailChangeRequested {
            new_email: "<b>x</b>@example.com".into(),
        }
        .render("a@example.com", "https://gatehouse.test");
        assert!(out.html.contains("&lt;b&gt;"));
        assert!(out.text.contains("<b>x</b>"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(describe_duration(1800), "30 minutes");
        assert_eq!(describe_duration(86400), "24 hours");
        assert_eq!(describe_duration(3600), "1 hour");
        assert_eq!(describe_duration(172800), "2 days");
    }
}
