//! Defences in front of the services: CSRF (token and origin), per-address
//! rate limits, the per-account login throttle, the client's address, and
//! safe `next` paths.

pub mod client;
pub mod csrf;
pub mod login_throttle;
pub mod next_path;
pub mod rate_limit;
