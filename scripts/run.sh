#!/usr/bin/env bash
# Sets everything up, builds a release, and serves Gatehouse on
# http://127.0.0.1:3000 with its SQLite database in ./data (created on first
# run, with a generated secret key). Settings: Leptos.toml and GATEHOUSE_*.
set -euo pipefail
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/setup.sh"

step "Building a release and serving http://127.0.0.1:3000 (Ctrl-C stops it)"
note "the first build takes a few minutes; later ones seconds"
exec cargo leptos serve --release --precompress
