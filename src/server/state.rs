//! Everything a request handler may need, shared behind one `Arc`.

use std::{ops::Deref, sync::Arc};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::server::{
    credentials::passwords::Passwords, mail::Mailer, platform::core::Core,
    protection::csrf::AllowedOrigins, protection::rate_limit::RateLimits,
    session::store::SessionStore, users::Users,
};

/// The application's shared state.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

/// The parts of [`AppState`].
pub struct AppInner {
    pub core: Core,
    pub allowed_origins: AllowedOrigins,
    pub users: Users,
    pub passwords: Passwords,
    pub sessions: SessionStore,
    pub mailer: Mailer,
    pub rate_limits: Arc<RateLimits>,
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

impl Deref for AppInner {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}
