//! What a server function works with: the state, the auth session and the
//! client, pulled out of the Leptos request context in one call.

use axum::http::request::Parts;
use leptos::prelude::use_context;
use tower_sessions::Session;

use crate::error::AppError;
use crate::server::{
    account::auth_backend::AuthSession,
    audit::Actor,
    config::settings::EmailVerification,
    error::{ServerError, ServerResult},
    protection::client::Client,
    protection::csrf,
    session::store::{AuthMeta, AUTH_META_KEY},
    state::AppState,
    users::User,
};

/// One request's view of the server.
pub struct RequestCtx {
    pub state: AppState,
    pub auth: AuthSession,
    pub client: Client,
}

impl RequestCtx {
    /// The context of the server function being run.
    pub async fn current() -> ServerResult<RequestCtx> {
        let state = use_context::<AppState>()
            .ok_or_else(|| ServerError::internal("reading app state", "not provided"))?;
        let auth = leptos_axum::extract::<AuthSession>()
            .await
            .map_err(|e| ServerError::internal("reading the auth session", e))?;
        let client = use_context::<Parts>()
            .map(|parts| Client::from_parts(&parts))
            .unwrap_or_default();
        Ok(RequestCtx {
            state,
            auth,
            client,
        })
    }

    pub fn session(&self) -> &Session {
        &self.auth.session
    }

    /// The sign-in facts of this request's session, if someone is signed in.
    pub async fn sign_in(&self) -> ServerResult<Option<AuthMeta>> {
        Ok(self.session().get(AUTH_META_KEY).await?)
    }

    /// Who is acting, for the security log.
    pub fn actor(&self) -> Actor {
        Actor::new(self.client.clone(), Some(self.session()))
    }

    /// The signed-in user, or `Unauthorized`; and when addresses must be
    /// confirmed, a confirmed one (the pages redirect such accounts to
    /// `/verify-email`, and the API must not do more than the pages).
    pub fn require_user(&self) -> Result<User, AppError> {
        let user = self.require_signed_in()?;
        if user.email_verified_at.is_none()
            && self.state.settings.verification.email_verification == EmailVerification::Required
        {
            return Err(AppError::EmailNotVerified);
        }
        Ok(user)
    }

    /// The signed-in user, confirmed or not.
    pub fn require_signed_in(&self) -> Result<User, AppError> {
        self.auth.user.clone().ok_or(AppError::Unauthorized)
    }

    /// Fails unless `submitted` is this session's CSRF token.
    pub async fn require_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if csrf::verify(self.session(), submitted).await {
            return Ok(());
        }
        tracing::warn!(
            event = "csrf_rejected",
            client = %self.client,
            user_id = self.auth.user.as_ref().map(|u| u.id),
            "form submitted without this session's CSRF token"
        );
        Err(AppError::CsrfRejected)
    }
}
