//! The handles the lowest subsystems work with: settings, the public origin,
//! the database and the clock. [`AppState`](crate::server::state::AppState)
//! dereferences to it, so a service passes `&state` where a `&Core` is asked.

use sqlx::SqlitePool;

use super::clock::Clock;
use crate::server::config::settings::{Origin, Settings};

/// Settings, origin, database and clock.
pub struct Core {
    pub settings: Settings,
    /// The origin users reach the site at, resolved once the port is known.
    pub origin: Origin,
    pub pool: SqlitePool,
    pub clock: Clock,
}
