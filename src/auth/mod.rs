//! What the browser and the server agree on: session and user views, the
//! validation rules, and the server functions (thin wrappers over
//! `crate::server`).

pub mod api;
pub mod forms;
pub mod types;
pub mod validation;

pub use types::*;
