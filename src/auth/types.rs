//! Small serializable views of the signed-in user and the session.
//!
//! These are the only user data that reach the browser; the server's user
//! record (with its password hash) never does.

use serde::{Deserialize, Serialize};

use crate::routes::{self, page};

/// The signed-in user as the pages show them. Times are pre-formatted in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub email: String,
    pub account_created: String,
    pub session_started: String,
    /// The sign-in before this one, if there was one.
    pub previous_sign_in: Option<String>,
    /// Whether the owner has confirmed the address.
    pub email_verified: bool,
}

/// A one-time notice shown on the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flash {
    LoggedOut,
    SessionExpired,
    SignedOutPasswordChanged,
    EmailVerified,
    VerificationSent,
    LinkInvalid,
    ResetSent,
    PasswordReset,
    PasswordChanged,
    EmailChangeSent,
    EmailChanged,
    AccountDeleted,
    SignedOutElsewhere,
    SessionRevoked,
    OtherSessionsRevoked,
}

impl Flash {
    const ALL: [Flash; 15] = [
        Flash::LoggedOut,
        Flash::SessionExpired,
        Flash::SignedOutPasswordChanged,
        Flash::EmailVerified,
        Flash::VerificationSent,
        Flash::LinkInvalid,
        Flash::ResetSent,
        Flash::PasswordReset,
        Flash::PasswordChanged,
        Flash::EmailChangeSent,
        Flash::EmailChanged,
        Flash::AccountDeleted,
        Flash::SignedOutElsewhere,
        Flash::SessionRevoked,
        Flash::OtherSessionsRevoked,
    ];

    /// The value of the `notice` query parameter that shows this notice.
    pub fn param(self) -> &'static str {
        match self {
            Flash::LoggedOut => "logged_out",
            Flash::SessionExpired => "expired",
            Flash::SignedOutPasswordChanged => "password_changed_elsewhere",
            Flash::EmailVerified => "email_verified",
            Flash::VerificationSent => "verification_sent",
            Flash::LinkInvalid => "link_invalid",
            Flash::ResetSent => "reset_sent",
            Flash::PasswordReset => "password_reset",
            Flash::PasswordChanged => "password_changed",
            Flash::EmailChangeSent => "email_change_sent",
            Flash::EmailChanged => "email_changed",
            Flash::AccountDeleted => "account_deleted",
            Flash::SignedOutElsewhere => "signed_out_elsewhere",
            Flash::SessionRevoked => "session_revoked",
            Flash::OtherSessionsRevoked => "other_sessions_revoked",
        }
    }

    /// The notice a `notice` query parameter asks for.
    pub fn from_param(value: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.param() == value)
    }

    /// The sentence the user reads.
    pub fn message(self) -> &'static str {
        match self {
            Flash::LoggedOut => "You have been logged out.",
            Flash::SessionExpired => "Your session has expired. Please log in again.",
            Flash::SignedOutPasswordChanged => {
                "Your password was changed, so you were signed out. Please log in again."
            }
            Flash::EmailVerified => "Your email address is confirmed.",
            Flash::VerificationSent => "We sent a new confirmation link. Check your inbox.",
            Flash::LinkInvalid => "This link is invalid, has expired or was already used.",
            Flash::ResetSent => {
                "If an account uses that address, a link to reset its password is on its way. Check your inbox."
            }
            Flash::PasswordReset => "Your password has been reset. Log in with your new password.",
            Flash::PasswordChanged => "Your password has been changed. Your other devices were signed out.",
            Flash::EmailChangeSent => {
                "We sent a confirmation link to the new address. Your address changes when you open it."
            }
            Flash::EmailChanged => "Your email address has been changed.",
            Flash::AccountDeleted => "Your account has been deleted.",
            Flash::SignedOutElsewhere => "You were signed out from another device.",
            Flash::SessionRevoked => "That device has been signed out.",
            Flash::OtherSessionsRevoked => "All your other devices have been signed out.",
        }
    }
}

/// One line of the activity page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    /// "Signed in from Firefox on Linux, 127.0.0.1".
    pub text: String,
    /// "3 minutes ago".
    pub when: String,
    /// The exact time, UTC.
    pub at: String,
}

/// A page of the user's own security events, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    pub page: u32,
    pub has_more: bool,
}

/// One signed-in session, as the "your devices" page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceItem {
    /// Names the session in a "Sign out" form; not the session id.
    pub handle: String,
    /// "Firefox on Linux".
    pub device: String,
    /// The address it signed in from.
    pub client: Option<String>,
    /// "3 minutes ago".
    pub signed_in: String,
    /// The exact sign-in time, UTC.
    pub signed_in_at: String,
    /// "just now": updated at most once a minute.
    pub last_seen: String,
    /// Signed in with "Remember me".
    pub remembered: bool,
    /// The session this page was requested with.
    pub current: bool,
}

/// Who may see a page; the server uses it to decide whether a flash message
/// is shown on this page or kept for the page the visitor is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    Anyone,
    GuestOnly,
    SignedIn,
}

/// Everything a page needs to know about the current session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub user: Option<CurrentUser>,
    /// The per-session token every form posts back as `csrf_token`.
    pub csrf_token: String,
    pub flash: Option<Flash>,
    /// The server's minimum password length, so the browser checks the same rule.
    pub password_min_length: usize,
    /// Unconfirmed accounts see only the confirmation page.
    pub email_verification_required: bool,
    /// This session followed a password-reset link that still works.
    pub reset_pending: bool,
}

impl SessionView {
    /// Where this page sends the visitor instead of rendering, if anywhere.
    pub fn redirect_for(&self, access: Access, here: &str) -> Option<String> {
        match (access, &self.user) {
            (Access::SignedIn, None) => Some(routes::login_with_next(here)),
            (Access::SignedIn, Some(user))
                if !user.email_verified && self.email_verification_required =>
            {
                Some(page::VERIFY_EMAIL.to_owned())
            }
            (Access::GuestOnly, Some(_)) => Some(page::DASHBOARD.to_owned()),
            _ => None,
        }
    }
}
