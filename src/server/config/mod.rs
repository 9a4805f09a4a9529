//! The settings (file, then environment) and the server secret.

pub mod secrets;
pub mod settings;
pub mod values;
