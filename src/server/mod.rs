//! Server-only code, one folder per subsystem. Lower folders never use higher
//! ones: config, platform, credentials, mail, session, protection, audit,
//! users, then `state` (the handles they all share), then account (the
//! services), then http (the router, middleware and startup).

pub mod account;
pub mod audit;
pub mod config;
pub mod credentials;
pub mod error;
pub mod http;
pub mod mail;
pub mod platform;
pub mod protection;
pub mod session;
pub mod state;
pub mod users;
