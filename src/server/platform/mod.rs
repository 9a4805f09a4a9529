//! What every subsystem stands on: the database pool, the clock, and
//! [`core::Core`] holding both with the settings.

pub mod clock;
pub mod core;
pub mod db;
