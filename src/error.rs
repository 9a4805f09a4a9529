//! The one error type the browser sees.
//!
//! Every server function returns `Result<_, AppError>`. Its `Display` text is
//! what the user reads, so no variant carries internal detail: server code logs
//! the cause and maps it to one of these.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A form field that can carry its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Email,
    Password,
    ConfirmPassword,
    CurrentPassword,
    NewPassword,
    ConfirmNewPassword,
    NewEmail,
}

/// One message attached to one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// The messages of a form that failed validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Adds a message to a field (the first message per field wins).
    pub fn add(&mut self, field: Field, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when no field has a message, otherwise the errors as an [`AppError`].
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

/// What can go wrong, in the words the user sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please correct the highlighted fields.")]
    Invalid(FieldErrors),
    #[error("Invalid email or password.")]
    InvalidCredentials,
    #[error("This form has expired. Please reload the page and try again.")]
    CsrfRejected,
    #[error("Please log in to continue.")]
    Unauthorized,
    #[error("Please confirm your email address first: open the link we sent you.")]
    EmailNotVerified,
    #[error("The request could not be read. Please reload the page and try again.")]
    BadRequest,
    #[error("Too many attempts from your network. Please try again {}.", wait_text(*.retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    #[error("Too many failed sign-in attempts for this account. Please try again {}.", wait_text(*.retry_after_secs))]
    LoginThrottled { retry_after_secs: u64 },
    #[error("This account is locked after too many failed sign-in attempts. Reset your password to unlock it.")]
    LoginLocked,
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

impl AppError {
    /// The HTTP status an API client receives for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::InvalidCredentials | AppError::Unauthorized => 401,
            AppError::CsrfRejected | AppError::EmailNotVerified => 403,
            AppError::RateLimited { .. }
            | AppError::LoginThrottled { .. }
            | AppError::LoginLocked => 429,
            AppError::BadRequest => 400,
            AppError::Network => 502,
            AppError::Internal => 500,
        }
    }

    /// Seconds until trying again can succeed, for `Retry-After`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs }
            | AppError::LoginThrottled { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The message for one field, when this is a validation error.
    pub fn field(&self, field: Field) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors.get(field).map(str::to_owned),
            _ => None,
        }
    }

    /// A message for the whole form: everything except per-field messages.
    pub fn form_message(&self) -> Option<String> {
        match self {
            AppError::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }
}

/// "in 1 second", "in 45 seconds", "in 3 minutes".
pub fn wait_text(secs: u64) -> String {
    match secs {
        0 | 1 => "in 1 second".into(),
        2..=119 => format!("in {secs} seconds"),
        _ => format!("in {} minutes", secs.div_ceil(60)),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server this is an unreadable request body (e.g. invalid
            // UTF-8); in the browser, an unreadable response.
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => AppError::BadRequest,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Response(_) => AppError::Internal,
        }
    }
}
