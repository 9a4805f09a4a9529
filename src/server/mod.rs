//! Server-only code: settings, storage, sessions, security middleware. Each
//! module has one job; none of it is compiled into the browser bundle.

pub mod account_settings;
pub mod accounts;
pub mod api_status;
pub mod auth_backend;
pub mod client;
pub mod clock;
pub mod common_passwords;
pub mod csrf;
pub mod db;
pub mod email_verification;
pub mod flash;
pub mod hash_pool;
pub mod links;
pub mod mail;
pub mod next_path;
pub mod password_reset;
pub mod passwords;
pub mod request;
pub mod router;
pub mod secrets;
pub mod security_headers;
pub mod serve;
pub mod session_guard;
pub mod session_layer;
pub mod session_store;
pub mod session_view;
pub mod settings;
pub mod sign_in;
pub mod state;
pub mod tokens;
pub mod users;
