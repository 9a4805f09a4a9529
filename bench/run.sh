#!/usr/bin/env bash
# Benchmarks Gatehouse against the Flask demo on this machine (see bench/run.py);
# with --compare OLD_BINARY, an older release build against this one.
# Installs what it needs: oha (crates.io), the Flask peer's virtualenv (PyPI),
# and a release build with precompressed assets.
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"

"$ROOT/scripts/setup.sh"

step "oha (load generator)"
if command -v oha >/dev/null; then note "already installed"; else cargo install --locked oha; fi

PEER="${FLASK_PEER:-$ROOT/../shared/peers/flask_auth_demo}"
VENV="${FLASK_VENV:-${TMPDIR:-/tmp}/flask_peer_venv}"
step "Flask peer virtualenv in $VENV"
if [ -x "$VENV/bin/gunicorn" ]; then
    note "already installed"
else
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -r "$PEER/requirements.txt"
fi

step "Release build"
cargo leptos build --release --precompress
RUSTFLAGS="--cfg erase_components" cargo build --release --locked --features ssr --example abuse_overhead --example hello_axum --example leptos_floor

if [ "${1:-}" = "--compare" ]; then
    # ./bench/run.sh --compare OLD_BINARY: the dashboard of an older release
    # build beside this one, in alternating rounds (build the old one from a
    # worktree of its commit with `cargo leptos build --release`).
    step "Dashboard A/B: $2 against this build"
    exec python3 "$ROOT/bench/run.py" --compare "$2"
fi

step "Benchmarks (several minutes)"
FLASK_PEER="$PEER" FLASK_VENV="$VENV" python3 "$ROOT/bench/run.py"
