//! The Gatehouse server binary: load settings, build the app, serve.
//!
//! `gatehouse measure-bcrypt [COST]` instead times one password verification
//! at a cost on this machine, to choose `bcrypt_cost` (and for the benchmarks).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("measure-bcrypt") => {
            gatehouse::server::passwords::measure_cli(args.get(1).map(String::as_str)).await
        }
        _ => gatehouse::server::serve::run_from_environment().await,
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle has no binary; cargo-leptos builds the library for it.
}
