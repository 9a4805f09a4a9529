//! Sessions: the two-tier store (signed-in in SQLite behind a cache,
//! anonymous in memory), their timeouts, ended sign-ins and renewals, and
//! the one-time notice kept in the session.

pub mod flash;
pub mod renewal;
pub mod store;
