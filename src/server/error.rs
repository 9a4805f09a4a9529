//! The one error type every service returns, and its one conversion to the
//! [`AppError`] the browser sees.
//!
//! A service says what went wrong in its own terms: a refusal the user should
//! read (`Refused`, `EmailTaken`, `LinkInvalid`) or a failure of the machinery
//! (database, session store, anything else). The conversion below is the only
//! place a failure is logged, once, with its cause; the user reads only
//! "Something went wrong".

use std::error::Error as StdError;

use crate::error::{AppError, Field, FieldErrors};

/// What a service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A refusal shown to the user as it is: bad input, a wrong password,
    /// a throttle, not signed in.
    #[error("refused: {0}")]
    Refused(AppError),
    /// The address belongs to another account (the UNIQUE constraint said so).
    #[error("an account with this email already exists")]
    EmailTaken,
    /// A mailed link that is unknown, used or expired.
    #[error("the link is invalid, used or expired")]
    LinkInvalid,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("session store: {0}")]
    Session(#[from] tower_sessions::session::Error),
    /// Anything else that should not happen; `context` says what was being done.
    #[error("{context}: {source}")]
    Internal {
        context: &'static str,
        source: Box<dyn StdError + Send + Sync>,
    },
}

impl ServerError {
    /// An unexpected failure while doing `context`.
    pub fn internal(context: &'static str, source: impl ToString) -> ServerError {
        ServerError::Internal {
            context,
            source: source.to_string().into(),
        }
    }

    /// A refusal naming one form field.
    pub fn field(field: Field, message: impl Into<String>) -> ServerError {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        ServerError::Refused(AppError::Invalid(errors))
    }

    /// The current password given in a form was wrong.
    pub fn wrong_password() -> ServerError {
        ServerError::field(Field::CurrentPassword, "That is not your current password.")
    }

    /// `error`, or [`ServerError::EmailTaken`] when it is a UNIQUE violation.
    pub fn unique_email(error: sqlx::Error) -> ServerError {
        if is_unique_violation(&error) {
            ServerError::EmailTaken
        } else {
            ServerError::Database(error)
        }
    }
}

/// Whether a database error is a UNIQUE constraint refusing a duplicate.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl From<AppError> for ServerError {
    fn from(error: AppError) -> ServerError {
        ServerError::Refused(error)
    }
}

impl From<FieldErrors> for ServerError {
    fn from(errors: FieldErrors) -> ServerError {
        ServerError::Refused(AppError::Invalid(errors))
    }
}

impl From<ServerError> for AppError {
    fn from(error: ServerError) -> AppError {
        match error {
            ServerError::Refused(shown) => shown,
            ServerError::EmailTaken => {
                let mut fields = FieldErrors::default();
                fields.add(
                    Field::Email,
                    "An account with this email already exists. Log in instead?",
                );
                AppError::Invalid(fields)
            }
            ServerError::LinkInvalid => AppError::BadRequest,
            failure => {
                tracing::error!(error = %failure, "request failed");
                AppError::Internal
            }
        }
    }
}

/// A service's result.
pub type ServerResult<T> = Result<T, ServerError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reaches_the_user_as_it_is() {
        let shown = AppError::from(ServerError::from(AppError::InvalidCredentials));
        assert_eq!(shown, AppError::InvalidCredentials);
    }

    #[test]
    fn a_failure_reaches_the_user_without_its_cause() {
        let shown = AppError::from(ServerError::internal("testing", "secret detail"));
        assert_eq!(shown, AppError::Internal);
        assert!(!shown.to_string().contains("secret"));
    }

    #[test]
    fn a_taken_address_is_a_message_on_the_email_field() {
        let shown = AppError::from(ServerError::EmailTaken);
        assert!(shown
            .field(Field::Email)
            .is_some_and(|m| m.contains("already exists")));
    }
}
