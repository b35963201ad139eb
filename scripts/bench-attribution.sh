#!/usr/bin/env bash
# pinholed with attribution on and off, side by side (scripts/bench-ab.sh);
# policy off in both, so only attribution differs.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '[attribution]\nenabled = true\n[policy]\nenabled = false\n' >"$work/on.toml"
printf '[attribution]\nenabled = false\n[policy]\nenabled = false\n' >"$work/off.toml"
RESULTS_DIR=${RESULTS_DIR:-$PWD/bench-results/attribution-$(date +%Y%m%d-%H%M%S)} \
    scripts/bench-ab.sh attribution-on "$work/on.toml" attribution-off "$work/off.toml"
