#!/usr/bin/env bash
# Sets everything up and runs every check: formatting, clippy on both builds,
# the Rust unit and integration tests, and the Playwright browser tests on a
# debug build and on a release build (release is the only place a broken
# wasm optimiser shows).
set -euo pipefail
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/setup.sh" --browser

# cargo-leptos builds with this flag; using it here too shares one build.
export RUSTFLAGS="--cfg erase_components"

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy, server build (-D warnings)"
cargo clippy --locked --features ssr --all-targets -- -D warnings

step "clippy, browser build (-D warnings)"
cargo clippy --locked --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "Rust unit and integration tests"
cargo test --locked --features ssr

if curl -s -o /dev/null "http://127.0.0.1:3000/"; then
    echo "Something already listens on 127.0.0.1:3000; stop it so the browser tests can use the port." >&2
    exit 1
fi

unset RUSTFLAGS # cargo-leptos sets its own

browser_tests() {
    local data="$ROOT/target/e2e-data"
    rm -rf "$data"
    # A fresh database per run; bcrypt at its lowest production cost keeps it
    # quick. Every test browser is 127.0.0.1, so lift the per-address limits
    # (the per-account throttle stays as it ships).
    GATEHOUSE_DATA_DIR="$data" GATEHOUSE_BCRYPT_COST=10 GATEHOUSE_LOG_LEVEL=warn \
        GATEHOUSE_RATE_LIMIT_LOGIN_PER_MINUTE=10000 GATEHOUSE_RATE_LIMIT_SIGNUP_PER_MINUTE=10000 \
        GATEHOUSE_RATE_LIMIT_PASSWORD_RESET_PER_MINUTE=10000 \
        GATEHOUSE_RATE_LIMIT_RESEND_VERIFICATION_PER_MINUTE=10000 \
        GATEHOUSE_RATE_LIMIT_PASSWORD_CHECK_PER_MINUTE=10000 \
        GATEHOUSE_RATE_LIMIT_NEW_SESSIONS_PER_MINUTE=10000 \
        cargo leptos end-to-end "$@"
}

step "Browser tests (Playwright + Debian Chromium), debug build"
browser_tests

step "Browser tests, release build"
browser_tests --release

step "Benchmark harness, against the release build (no load; figures come from bench/run.sh)"
BENCH_BCRYPT_COST=10 python3 "$ROOT/bench/run.py" --check

step "All checks passed"
