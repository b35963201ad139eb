#!/usr/bin/env bash
# pinholed deciding every query with 20 profiles and 1,000,000 list entries
# (hosts format) against the same build with policy off, side by side
# (scripts/bench-ab.sh). Attribution is on in both. The bench's names
# (*.bench.test) are in no list, so every answer is the upstream's.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apps.d" "$work/lists"
for i in $(seq 1 19); do
    printf 'mode = "enforce"\nallow = ["app%d.example"]\nlists = ["big"]\n[match]\nunit = "app-%d.scope"\n' "$i" "$i" >"$work/apps.d/app$i.toml"
done
# The 20th: the default profile, which the bench's dnsperf (no unit) gets.
printf 'mode = "block-listed"\nlists = ["big"]\ndeny = ["denied.example"]\n' >"$work/apps.d/default.toml"
python3 - "$work/lists/big.hosts" <<'PY'
import random, sys
random.seed(7)
tlds = ["com", "net", "org", "io", "example"]
with open(sys.argv[1], "w") as f:
    for i in range(1_000_000):
        f.write("0.0.0.0 t%d.%x.%s\n" % (i, random.getrandbits(32), random.choice(tlds)))
PY
printf '[policy]\nenabled = true\nprofiles_dir = "%s"\nlists_dir = "%s"\n' "$work/apps.d" "$work/lists" >"$work/on.toml"
printf '[policy]\nenabled = false\n' >"$work/off.toml"
RESULTS_DIR=${RESULTS_DIR:-$PWD/bench-results/policy-$(date +%Y%m%d-%H%M%S)} \
    scripts/bench-ab.sh policy-on "$work/on.toml" policy-off "$work/off.toml"
