//! The ceiling for this machine: a bare axum "hello world" with none of
//! Gatehouse's work (no session, no rendering, no security layers). The
//! benchmark measures it in the same run as the two apps, so the dashboard
//! figures can be read against what the web stack alone can do here.
//!
//! Run by bench/run.sh:
//!   cargo run --release --features ssr --example hello_axum -- 127.0.0.1:3200

use axum::{routing::get, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3200".into());
    let app = Router::new().route("/", get(|| async { "Hello, world!" }));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await
}
