//! Secrets users hold: passwords (peppered bcrypt on its own thread pool,
//! the breached list) and the single-use tokens of mailed links.

pub mod breached_passwords;
pub mod hash_pool;
pub mod passwords;
pub mod tokens;
