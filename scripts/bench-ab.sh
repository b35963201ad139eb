#!/usr/bin/env bash
# Two pinholed configurations of the same build side by side: ROUNDS rounds,
# each running the ../shared/bench harness once per configuration (A, B,
# interleaved so machine noise hits both alike), then the medians and the
# A/B ratios. Each run's query log and control socket go into the results
# folder (the defaults are the host's /var/lib/pinhole and /run/pinhole).
#   scripts/bench-ab.sh NAME_A CONFIG_A NAME_B CONFIG_B
#   ROUNDS=5 WORKLOADS="hot lat" scripts/bench-ab.sh on on.toml off off.toml
set -euo pipefail
cd "$(dirname "$0")/.."
(($# == 4)) || { echo "usage: $0 NAME_A CONFIG_A NAME_B CONFIG_B" >&2; exit 2; }
BENCH=${BENCH:-../shared/bench}
ROUNDS=${ROUNDS:-3}
WORKLOADS=${WORKLOADS:-hot lat}
DURATION=${DURATION:-10}
BIN=${BIN:-$PWD/.build/release/pinholed}
OUT=${RESULTS_DIR:-$PWD/bench-results/ab-$1-$3-$(date +%Y%m%d-%H%M%S)}
[[ -x $BIN ]] || { echo "no pinholed at $BIN (swift build -c release)" >&2; exit 1; }
mkdir -p "$OUT"
names=("$1" "$3")
configs=("$2" "$4")

for round in $(seq 1 "$ROUNDS"); do
    for index in 0 1; do
        name=${names[$index]} config=${configs[$index]}
        echo "round $round/$ROUNDS: $name" >&2
        RESULTS_DIR=$OUT/$name-$round PEERS= MEASURE_UPSTREAM=0 WORKLOADS=$WORKLOADS REPS=1 DURATION=$DURATION \
            CANDIDATE=127.0.0.153:53 CANDIDATE_NAME=$name \
            CANDIDATE_CMD="$BIN --config $config --query-log $OUT/$name-$round.sqlite --control-socket $OUT/$name-$round.sock --listen \$CANDIDATE_ADDR:\$CANDIDATE_PORT --upstream \$UPSTREAM_ADDR:\$UPSTREAM_PORT --log-level warning" \
            "$BENCH/run-peers.sh" >"$OUT/$name-$round.log" 2>&1 || { tail -20 "$OUT/$name-$round.log" >&2; exit 1; }
    done
done

python3 - "$OUT" "${names[0]}" "${names[1]}" <<'PY' | tee "$OUT/summary.txt"
import csv, glob, os, statistics, sys
out, a, b = sys.argv[1:4]
rows = {}
for path in glob.glob(os.path.join(out, "*-*", "results.tsv")):
    for r in csv.DictReader(open(path), delimiter="\t"):
        if r["rc"] != "0" or r["target"] not in (a, b):
            continue
        completed = float(r["completed"] or 0)
        cpu = float(r["tgt_cpu_s"]) * 1e6 / completed if completed and r["tgt_cpu_s"] else None
        rows.setdefault(r["workload"], {}).setdefault(r["target"], []).append(
            {"qps": float(r["qps"]), "cpu": cpu, "p50": r["p50_us"], "p99": r["p99_us"]})
def med(values):
    values = [float(v) for v in values if v not in (None, "")]
    return statistics.median(values) if values else float("nan")
rounds = len([d for d in glob.glob(os.path.join(out, a + "-*")) if os.path.isdir(d)])
print("%s vs %s, medians of %d rounds (interleaved)" % (a, b, rounds))
print("%-8s %-16s %12s %12s %10s %10s" % ("workload", "config", "qps", "cpu us/q", "p50 us", "p99 us"))
for workload, modes in sorted(rows.items()):
    for mode in (a, b):
        runs = modes.get(mode, [])
        print("%-8s %-16s %12.0f %12.2f %10.1f %10.1f" % (workload, mode, med(r["qps"] for r in runs),
              med(r["cpu"] for r in runs), med(r["p50"] for r in runs), med(r["p99"] for r in runs)))
    if modes.get(a) and modes.get(b):
        print("%-8s %s/%s qps ratio %.3f, cpu/q ratio %.3f" % (workload, a, b, med(r["qps"] for r in modes[a]) / med(r["qps"] for r in modes[b]),
              med(r["cpu"] for r in modes[a]) / med(r["cpu"] for r in modes[b])))
PY
echo "results: $OUT" >&2
