#!/usr/bin/env bash
# What enforcement costs, all of it inside private network + mount
# namespaces (the host's ruleset is never touched):
#  1. pinhole-enforcement-bench: pin latency (new pin: text vs netlink vs
#     the batching thread; already pinned), sustained RATE new pins/s for
#     SECONDS s with zero loss (the kernel's element count), live elements;
#  2. hot-cache QPS of pinholed with [enforcement] enabled = true vs false,
#     side by side in one run (scripts/bench-ab.sh, ../shared/bench), then
#     a short extra run that keeps the table (fail_closed) to show the "on"
#     configuration really pinned the answers.
# Root, release build (make bench-enforcement).
#   ROUNDS=3 WORKLOADS="hot lat" DURATION=10 RATE=20000 SECONDS_SUSTAINED=10 scripts/bench-enforcement.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $EUID -eq 0 ]] || { echo "run as root (nftables, namespaces, cgroups)" >&2; exit 1; }
BENCH=${BENCH:-../shared/bench}
OUT=${RESULTS_DIR:-$PWD/bench-results/enforcement-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

if [[ ${PINHOLE_BENCH_ENFORCEMENT_NS:-} != 1 ]]; then
    echo "== pin latency and rate (pinhole-enforcement-bench, own namespace)" | tee "$OUT/pins.txt"
    .build/release/pinhole-enforcement-bench --rate "${RATE:-20000}" --seconds "${SECONDS_SUSTAINED:-10}" | tee -a "$OUT/pins.txt"
    # The rest in a namespace of its own: lo only, cgroup2 at /sys/fs/cgroup.
    PINHOLE_BENCH_ENFORCEMENT_NS=1 RESULTS_DIR=$OUT exec unshare --net --mount --propagation private -- "$0" "$@"
fi

ip link set lo up
mount -t cgroup2 none /sys/fs/cgroup
work=$(mktemp -d)
# The load generator, the upstream and pinholed run in a cgroup of their
# own (not the root cgroup, where nothing can be pinned), removed at the end.
origin=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
group=/sys/fs/cgroup/pinhole-bench-ab-$$.scope
mkdir "$group"
echo $$ >"$group/cgroup.procs"
cleanup() {
    echo $$ >"/sys/fs/cgroup${origin}/cgroup.procs" || true
    rmdir "$group" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Policy off in both: every answer is allowed, so every answer pins (the
# first time; after that the pin is fresh and skipped, as in real use).
# The query log is off in both: this measures enforcement alone.
printf '[policy]\nenabled = false\n[querylog]\nenabled = false\n[enforcement]\nenabled = true\n' >"$work/on.toml"
printf '[policy]\nenabled = false\n[querylog]\nenabled = false\n[enforcement]\nenabled = false\n' >"$work/off.toml"
echo "== hot-cache QPS, enforcement on vs off (cgroup ${group#/sys/fs/cgroup/})" | tee "$OUT/qps.txt"
RESULTS_DIR=$OUT/ab BENCH=$BENCH WORKLOADS=${WORKLOADS:-hot lat} ROUNDS=${ROUNDS:-3} \
    scripts/bench-ab.sh enforcement-on "$work/on.toml" enforcement-off "$work/off.toml" | tee -a "$OUT/qps.txt"

# Proof the "on" runs pinned: one short run that keeps the table afterwards.
printf '[policy]\nenabled = false\n[querylog]\nenabled = false\n[control]\nsocket = "%s/check.sock"\n[enforcement]\nenabled = true\nfail_closed = true\n' "$work" >"$work/check.toml"
RESULTS_DIR=$OUT/check PEERS= MEASURE_UPSTREAM=0 WORKLOADS=hot REPS=1 DURATION=2 \
    CANDIDATE=127.0.0.153:53 CANDIDATE_NAME=check \
    CANDIDATE_CMD="$PWD/.build/release/pinholed --config $work/check.toml --listen \$CANDIDATE_ADDR:\$CANDIDATE_PORT --upstream \$UPSTREAM_ADDR:\$UPSTREAM_PORT --log-level warning" \
    "$BENCH/run-peers.sh" >"$OUT/check.log" 2>&1 || { tail -20 "$OUT/check.log" >&2; exit 1; }
pins=$(nft list set inet pinhole pin4 2>/dev/null | grep -o '198\.18\.[0-9.]*' | sort -u | wc -l)
nft delete table inet pinhole 2>/dev/null || true
echo "check: after a 2 s hot run with enforcement on, pin4 held $pins distinct bench addresses (the hot set has 1000)" | tee -a "$OUT/qps.txt"
echo "results: $OUT" >&2
