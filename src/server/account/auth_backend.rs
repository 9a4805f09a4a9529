//! The axum-login backend: how a session's user id becomes a [`User`].

use axum_login::AuthnBackend;

use crate::server::{
    account as accounts,
    account::{AccountError, LoginOutcome},
    state::AppState,
    users::User,
};

/// What a login form submits. `Debug` hides the password.
#[derive(Clone)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Looks users up through the state's cached [`crate::server::users::Users`].
#[derive(Clone)]
pub struct Backend {
    state: AppState,
}

impl Backend {
    pub fn new(state: AppState) -> Backend {
        Backend { state }
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = AccountError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, AccountError> {
        Ok(
            match accounts::check_login(&self.state, &creds.email, &creds.password).await? {
                LoginOutcome::Accepted(user) => Some(user),
                LoginOutcome::Refused { .. } | LoginOutcome::Throttled { .. } => None,
            },
        )
    }

    async fn get_user(&self, user_id: &i64) -> Result<Option<User>, AccountError> {
        Ok(self.state.users.by_id(*user_id).await?)
    }
}

/// The per-request authentication handle.
pub type AuthSession = axum_login::AuthSession<Backend>;
