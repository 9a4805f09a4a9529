//! The Gatehouse server binary: load settings, build the app, serve.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    gatehouse::server::serve::run_from_environment().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle has no binary; cargo-leptos builds the library for it.
}
