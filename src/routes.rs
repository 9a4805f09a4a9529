//! The route table: every page path, the links that carry a notice, and the
//! server-function endpoints, by name. Nothing else spells a path, so a
//! rename is one edit here (and anything keyed by an endpoint, such as the
//! rate limits, uses the server function's compile-time `PATH`).

use crate::auth::Flash;

/// Page paths (each one a route of the app, checked by a test of the router).
pub mod page {
    pub const HOME: &str = "/";
    pub const SIGNUP: &str = "/signup";
    pub const LOGIN: &str = "/login";
    /// Where a signup lands while its confirmation link is in the mail.
    pub const CHECK_EMAIL: &str = "/check-email";
    /// Where an account that must confirm its address waits; also the
    /// mailed confirmation link (`?token=`).
    pub const VERIFY_EMAIL: &str = "/verify-email";
    pub const FORGOT_PASSWORD: &str = "/forgot-password";
    /// The reset form; also the mailed reset link (`?token=`).
    pub const RESET_PASSWORD: &str = "/reset-password";
    /// Where signed-in users land by default.
    pub const DASHBOARD: &str = "/dashboard";
    pub const SETTINGS: &str = "/settings";
    pub const ACTIVITY: &str = "/settings/activity";
    /// The "your devices" page.
    pub const SESSIONS: &str = "/settings/sessions";
    /// Where sudo mode asks for the password again.
    pub const CONFIRM_PASSWORD: &str = "/confirm-password";

    /// Every page above.
    pub const ALL: [&str; 12] = [
        HOME,
        SIGNUP,
        LOGIN,
        CHECK_EMAIL,
        VERIFY_EMAIL,
        FORGOT_PASSWORD,
        RESET_PASSWORD,
        DASHBOARD,
        SETTINGS,
        ACTIVITY,
        SESSIONS,
        CONFIRM_PASSWORD,
    ];
}

/// Paths that are not pages.
pub mod link {
    /// The mailed link that confirms a new email address (`?token=`).
    pub const CONFIRM_EMAIL: &str = "/confirm-email";
    /// 200 while the database answers.
    pub const HEALTHZ: &str = "/healthz";
}

/// The server functions, by name: `<Login as ServerFn>::PATH` is `/api/login`.
pub mod endpoint {
    pub use crate::auth::api::{
        ChangeEmail, ChangePassword, CheckPassword, ConfirmPassword, DeleteAccount, GetActivity,
        GetSession, ListSessions, Login, Logout, RequestPasswordReset, ResendVerification,
        ResetPassword, RevokeOtherSessions, RevokeSession, Signup,
    };
    pub use leptos::server_fn::ServerFn;

    /// The compile-time path of a server function.
    pub const fn path<F: ServerFn>() -> &'static str {
        F::PATH
    }
}

/// `path` showing `flash` as its notice: `/settings?notice=password_changed`.
pub fn with_notice(path: &str, flash: Flash) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}notice={}", flash.param())
}

/// `path?next=<next>`, with `next` percent-encoded.
pub fn with_next(path: &str, next: &str) -> String {
    format!("{path}?next={}", percent_encode_component(next))
}

/// `/login?next=<here>`.
pub fn login_with_next(here: &str) -> String {
    with_next(page::LOGIN, here)
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn percent_encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_path_encodes_the_return_path() {
        assert_eq!(login_with_next("/dashboard"), "/login?next=%2Fdashboard");
        assert_eq!(
            login_with_next("/a b?x=1&y=é"),
            "/login?next=%2Fa%20b%3Fx%3D1%26y%3D%C3%A9"
        );
    }

    #[test]
    fn a_notice_joins_an_existing_query() {
        assert_eq!(
            with_notice(page::LOGIN, Flash::LoggedOut),
            "/login?notice=logged_out"
        );
        assert_eq!(
            with_notice("/login?next=%2Fx", Flash::LoggedOut),
            "/login?next=%2Fx&notice=logged_out"
        );
    }

    #[test]
    fn endpoints_keep_their_paths() {
        assert_eq!(endpoint::path::<endpoint::Login>(), "/api/login");
        assert_eq!(
            endpoint::path::<endpoint::CheckPassword>(),
            "/api/check_password"
        );
    }
}
