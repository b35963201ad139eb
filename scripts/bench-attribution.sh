#!/usr/bin/env bash
# pinholed with attribution on and off, side by side: ROUNDS rounds, each
# running the ../shared/bench harness once per mode (on, off, interleaved so
# machine noise hits both alike), then the medians and the on/off ratios.
#   scripts/bench-attribution.sh                 # after `swift build -c release`
#   ROUNDS=5 WORKLOADS="hot lat" scripts/bench-attribution.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-../shared/bench}
ROUNDS=${ROUNDS:-3}
WORKLOADS=${WORKLOADS:-hot lat}
DURATION=${DURATION:-10}
BIN=${BIN:-$PWD/.build/release/pinholed}
OUT=${RESULTS_DIR:-$PWD/bench-results/attribution-$(date +%Y%m%d-%H%M%S)}
[[ -x $BIN ]] || { echo "no pinholed at $BIN (swift build -c release)" >&2; exit 1; }
mkdir -p "$OUT"

for round in $(seq 1 "$ROUNDS"); do
    for mode in on off; do
        config=$OUT/attribution-$mode.toml
        printf '[attribution]\nenabled = %s\n' "$([[ $mode == on ]] && echo true || echo false)" >"$config"
        echo "round $round/$ROUNDS: attribution $mode" >&2
        RESULTS_DIR=$OUT/$mode-$round PEERS= MEASURE_UPSTREAM=0 WORKLOADS=$WORKLOADS REPS=1 DURATION=$DURATION \
            CANDIDATE=127.0.0.153:53 CANDIDATE_NAME=attribution-$mode \
            CANDIDATE_CMD="$BIN --config $config --listen \$CANDIDATE_ADDR:\$CANDIDATE_PORT --upstream \$UPSTREAM_ADDR:\$UPSTREAM_PORT --log-level warning" \
            "$BENCH/run-peers.sh" >"$OUT/$mode-$round.log" 2>&1 || { tail -20 "$OUT/$mode-$round.log" >&2; exit 1; }
    done
done

python3 - "$OUT" <<'PY' | tee "$OUT/summary.txt"
import csv, glob, os, statistics, sys
out = sys.argv[1]
rows = {}
for path in glob.glob(os.path.join(out, "*-*", "results.tsv")):
    for r in csv.DictReader(open(path), delimiter="\t"):
        if r["rc"] != "0" or not r["target"].startswith("attribution-"):
            continue
        mode = r["target"].split("-", 1)[1]
        completed = float(r["completed"] or 0)
        cpu = float(r["tgt_cpu_s"]) * 1e6 / completed if completed and r["tgt_cpu_s"] else None
        rows.setdefault(r["workload"], {}).setdefault(mode, []).append(
            {"qps": float(r["qps"]), "cpu": cpu, "p50": r["p50_us"], "p99": r["p99_us"]})
def med(values):
    values = [float(v) for v in values if v not in (None, "")]
    return statistics.median(values) if values else float("nan")
rounds = len([d for d in glob.glob(os.path.join(out, "on-*")) if os.path.isdir(d)])
print("attribution on vs off, medians of %d rounds (interleaved)" % rounds)
print("%-8s %-4s %12s %12s %10s %10s" % ("workload", "mode", "qps", "cpu us/q", "p50 us", "p99 us"))
for workload, modes in sorted(rows.items()):
    for mode in ("on", "off"):
        runs = modes.get(mode, [])
        print("%-8s %-4s %12.0f %12.2f %10.1f %10.1f" % (workload, mode, med(r["qps"] for r in runs),
              med(r["cpu"] for r in runs), med(r["p50"] for r in runs), med(r["p99"] for r in runs)))
    on, off = modes.get("on", []), modes.get("off", [])
    if on and off:
        print("%-8s on/off qps ratio %.3f, cpu/q ratio %.3f" % (workload, med(r["qps"] for r in on) / med(r["qps"] for r in off),
              med(r["cpu"] for r in on) / med(r["cpu"] for r in off)))
PY
echo "results: $OUT" >&2
