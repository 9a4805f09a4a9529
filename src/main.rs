//! The Gatehouse server binary: load settings, build the app, serve.
//!
//! `gatehouse measure-bcrypt [COST]` instead times one password verification
//! at a cost on this machine, to choose `bcrypt_cost` (and for the benchmarks).

// Server rendering allocates many small, short-lived objects across threads;
// jemalloc handles that pattern far better than glibc's malloc.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's `malloc_conf`, read before its first allocation: two arenas
/// (it defaults to four per core), and unused pages handed back to the OS
/// within a second by a background thread, which keeps the server near 25 MB.
#[cfg(feature = "ssr")]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static JEMALLOC_CONF: ConfString =
    ConfString(c"narenas:2,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr());

/// A C string pointer that may live in a `static` (it points at a literal).
#[cfg(feature = "ssr")]
#[repr(transparent)]
pub struct ConfString(*const std::ffi::c_char);

// SAFETY: the pointer targets an immutable 'static literal.
#[cfg(feature = "ssr")]
unsafe impl Sync for ConfString {}

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("measure-bcrypt") => {
            gatehouse::server::credentials::passwords::measure_cli(args.get(1).map(String::as_str))
                .await
        }
        _ => gatehouse::server::http::serve::run_from_environment().await,
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle has no binary; cargo-leptos builds the library for it.
}
