//! The axum-login backend: how a session's user id becomes a [`User`].
//!
//! Only that: a login checks the password in [`crate::server::account::check_login`]
//! (throttle, constant work for unknown addresses) and then calls axum-login's
//! `login`, so this backend takes no credentials at all.

use std::convert::Infallible;

use axum_login::AuthnBackend;

use crate::server::{error::ServerError, state::AppState, users::User};

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
    type Credentials = Infallible;
    type Error = ServerError;

    async fn authenticate(&self, creds: Infallible) -> Result<Option<User>, ServerError> {
        match creds {}
    }

    async fn get_user(&self, user_id: &i64) -> Result<Option<User>, ServerError> {
        self.state.users.by_id(*user_id).await
    }
}

/// The per-request authentication handle.
pub type AuthSession = axum_login::AuthSession<Backend>;
