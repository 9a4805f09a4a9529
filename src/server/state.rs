//! Everything a request handler may need, shared behind one `Arc`.

use std::{ops::Deref, sync::Arc};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use super::{
    clock::Clock,
    csrf::AllowedOrigins,
    mail::Mailer,
    passwords::Passwords,
    rate_limit::RateLimits,
    session_store::SessionStore,
    settings::{Origin, Settings},
    users::Users,
};

/// The application's shared state.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

/// The parts of [`AppState`].
pub struct AppInner {
    pub settings: Settings,
    /// The origin users reach the site at, resolved once the port is known.
    pub origin: Origin,
    pub allowed_origins: AllowedOrigins,
    pub pool: SqlitePool,
    pub users: Users,
    pub passwords: Passwords,
    pub sessions: SessionStore,
    pub mailer: Mailer,
    pub rate_limits: Arc<RateLimits>,
    pub clock: Clock,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    pub fn new(inner: AppInner) -> AppState {
        AppState(Arc::new(inner))
    }
}

impl Deref for AppState {
    type Target = AppInner;

    fn deref(&self) -> &AppInner {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}
