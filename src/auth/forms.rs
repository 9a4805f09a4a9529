//! Typed form inputs, compiled into both builds. Each form's fields parse
//! into one struct that validates in one place: the server function builds
//! it from what was posted and the service validates through it, and the
//! page uses the same methods for its live messages. The new-password rule
//! exists once, in [`NewPasswordInput::validate`].

use std::fmt;

use super::validation::{
    canonical_email, check_confirmation, check_email, check_email_to_look_up, check_password, nfkc,
    MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS,
};
use crate::error::{Field, FieldErrors};

/// An email address in its canonical form (trimmed, NFKC, lower case,
/// Unicode domain): the form accounts are unique on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalEmail(String);

impl CanonicalEmail {
    /// An address for a new account or a new address: one mail can reach.
    pub fn parse(raw: &str) -> Result<CanonicalEmail, String> {
        let email = canonical_email(raw);
        check_email(&email)?;
        Ok(CanonicalEmail(email))
    }

    /// An address used to find an existing account: only its size and an
    /// `@`, so accounts older than today's rules can still be reached.
    pub fn parse_to_look_up(raw: &str) -> Result<CanonicalEmail, String> {
        let email = canonical_email(raw);
        check_email_to_look_up(&email)?;
        Ok(CanonicalEmail(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CanonicalEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password as typed twice.
#[derive(Debug, Clone, Default)]
pub struct NewPasswordInput {
    pub password: String,
    pub confirmation: String,
}

/// A new password that passed the rule, NFKC-normalised.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

impl NewPasswordInput {
    /// The new-password rule for the account `email`: the policy on the
    /// first field, the repetition on the second; all messages at once.
    /// (The breached-password list, too big for the browser, is checked on
    /// the server after this.)
    pub fn validate(
        &self,
        email: &str,
        min_chars: usize,
        (field, confirm_field): (Field, Field),
    ) -> Result<NewPassword, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Err(message) = self.password_message(email, min_chars) {
            errors.add(field, message);
        }
        if let Err(message) = self.confirmation_message() {
            errors.add(confirm_field, message);
        }
        if errors.is_empty() {
            Ok(NewPassword(nfkc(&self.password)))
        } else {
            Err(errors)
        }
    }

    /// The policy alone, for the password field's live message.
    pub fn password_message(&self, email: &str, min_chars: usize) -> Result<(), String> {
        check_password(&nfkc(&self.password), email, min_chars)
    }

    /// The repetition alone, for the confirmation field's live message.
    pub fn confirmation_message(&self) -> Result<(), String> {
        check_confirmation(&nfkc(&self.password), &nfkc(&self.confirmation))
    }
}

/// The signup form as typed.
#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    pub email: String,
    pub password: NewPasswordInput,
}

/// A signup that passed every rule the browser can check.
#[derive(Debug, Clone)]
pub struct Signup {
    pub email: CanonicalEmail,
    pub password: NewPassword,
}

impl SignupInput {
    /// Every field checked, all messages at once.
    pub fn validate(&self, min_password_chars: usize) -> Result<Signup, FieldErrors> {
        let email = CanonicalEmail::parse(&self.email);
        let canonical = canonical_email(&self.email);
        let password = self.password.validate(
            &canonical,
            min_password_chars,
            (Field::Password, Field::ConfirmPassword),
        );
        match (email, password) {
            (Ok(email), Ok(password)) => Ok(Signup { email, password }),
            (email, password) => {
                let mut errors = FieldErrors::default();
                if let Err(message) = email {
                    errors.add(Field::Email, message);
                }
                if let Err(more) = password {
                    errors.0.extend(more.0);
                }
                Err(errors)
            }
        }
    }
}

/// The login form as typed.
#[derive(Clone)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

impl LoginInput {
    /// The canonical address to look up, or `None` when the input cannot
    /// match any account (too long), so it is refused before any hashing.
    pub fn attempt(&self) -> Option<CanonicalEmail> {
        let email = canonical_email(&self.email);
        let fits = email.chars().count() <= MAX_EMAIL_CHARS
            && self.password.chars().count() <= MAX_PASSWORD_CHARS;
        fits.then_some(CanonicalEmail(email))
    }
}

impl fmt::Debug for LoginInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginInput")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// The email-change form's new address as typed.
#[derive(Debug, Clone, Default)]
pub struct EmailChangeInput {
    pub new_email: String,
}

impl EmailChangeInput {
    /// The new address, which must differ from `current`.
    pub fn validate(&self, current: &str) -> Result<CanonicalEmail, FieldErrors> {
        let mut errors = FieldErrors::default();
        match CanonicalEmail::parse(&self.new_email) {
            Ok(email) if email.as_str() == current => {
                errors.add(Field::NewEmail, "That is already your address.")
            }
            Ok(email) => return Ok(email),
            Err(message) => errors.add(Field::NewEmail, message),
        }
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signup_reports_every_field() {
        let input = SignupInput {
            email: "nope".into(),
            password: NewPasswordInput {
                password: "short".into(),
                confirmation: "other".into(),
            },
        };
        let errors = input.validate(15).unwrap_err();
        assert!(errors.get(Field::Email).is_some());
        assert!(errors.get(Field::Password).is_some());
        assert!(errors.get(Field::ConfirmPassword).is_some());
    }

    #[test]
    fn a_valid_signup_is_canonical() {
        let input = SignupInput {
            email: "  Ada@Example.COM ".into(),
            password: NewPasswordInput {
                password: "correct horse battery".into(),
                confirmation: "correct horse battery".into(),
            },
        };
        let signup = input.validate(15).unwrap();
        assert_eq!(signup.email.as_str(), "ada@example.com");
        assert_eq!(signup.password.as_str(), "correct horse battery");
    }

    #[test]
    fn the_new_password_rule_names_the_fields_it_is_given() {
        let input = NewPasswordInput {
            password: "ada-in-a-long-password".into(),
            confirmation: "x".into(),
        };
        let errors = input
            .validate(
                "ada@example.com",
                15,
                (Field::NewPassword, Field::ConfirmNewPassword),
            )
            .unwrap_err();
        assert_eq!(
            errors.get(Field::NewPassword),
            Some("Don't use your email address in your password.")
        );
        assert!(errors.get(Field::ConfirmNewPassword).is_some());
    }

    #[test]
    fn an_over_long_login_is_no_attempt() {
        let input = LoginInput {
            email: "a@b.c".into(),
            password: "x".repeat(MAX_PASSWORD_CHARS + 1),
        };
        assert!(input.attempt().is_none());
    }

    #[test]
    fn an_email_change_needs_a_different_address() {
        let input = EmailChangeInput {
            new_email: "Ada@example.com".into(),
        };
        let errors = input.validate("ada@example.com").unwrap_err();
        assert_eq!(
            errors.get(Field::NewEmail),
            Some("That is already your address.")
        );
    }
}
