//! Gatehouse: multi-user authentication as a full-stack Leptos app.
//!
//! One crate, two builds: `ssr` (the axum server) and `hydrate` (the browser
//! bundle). Code that both sides need lives in plain modules; server-only code
//! lives under [`server`].

pub mod app;
pub mod auth;
pub mod error;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: attaches the reactive app to the server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
