#!/usr/bin/env bash
# Fuzzes DNSWire's parsers and editors with libFuzzer + AddressSanitizer.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60)
# Exits non-zero when the fuzzer finds a crash (the crashing input is left in
# Fuzz/corpus-run/artifacts/).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/Fuzz"

cd "$fuzz"
# -parse-as-library: libFuzzer supplies main (see FuzzerMain.swift).
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
binary="$(swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --show-bin-path)/DNSWireFuzz"

seeds="$(mktemp -d "${TMPDIR:-/tmp}/dnswire-seeds.XXXXXX")"
trap 'rm -rf "$seeds"' EXIT
DNSWIRE_FUZZ_SEEDS="$seeds" "$binary"

# New inputs go to corpus-run/ (git-ignored) so later runs start from them.
mkdir -p "$fuzz/corpus-run/queue" "$fuzz/corpus-run/artifacts"
"$binary" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$fuzz/corpus-run/artifacts/" \
    "$fuzz/corpus-run/queue" "$seeds"
