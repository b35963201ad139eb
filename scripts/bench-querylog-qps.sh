#!/usr/bin/env bash
# The query log's cost to answering (issue 6's performance targets):
# 1. hot-cache QPS with the query log on vs off, side by side
#    (scripts/bench-ab.sh, ../shared/bench; target: on >= 0.9x off);
# 2. entries dropped at a sustained fixed rate (default 50,000 q/s for 60 s,
#    dnsperf -Q) with the log on, read from pinholed's control socket.
# Attribution and policy are on (defaults) in every run. The databases and
# control sockets live in a temporary folder, never /var/lib or /run/pinhole.
#   scripts/bench-querylog-qps.sh            # both parts
#   RATE=20000 SECONDS_AT_RATE=30 SKIP_AB=1 scripts/bench-querylog-qps.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build/release/pinholed}
RATE=${RATE:-50000}
SECONDS_AT_RATE=${SECONDS_AT_RATE:-60}
OUT=${RESULTS_DIR:-$PWD/bench-results/querylog-qps-$(date +%Y%m%d-%H%M%S)}
[[ -x $BIN ]] || { echo "no pinholed at $BIN (swift build -c release --product pinholed)" >&2; exit 1; }
command -v dnsperf >/dev/null || { echo "dnsperf not installed" >&2; exit 1; }
mkdir -p "$OUT"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

printf '[querylog]\nenabled = true\npath = "%s/on.sqlite"\n[control]\nsocket = "%s/on.sock"\n' "$work" "$work" >"$work/on.toml"
printf '[querylog]\nenabled = false\n[control]\nsocket = "%s/off.sock"\n' "$work" >"$work/off.toml"

if [[ -z ${SKIP_AB:-} ]]; then
    RESULTS_DIR=$OUT/ab WORKLOADS=${WORKLOADS:-hot} scripts/bench-ab.sh log-on "$work/on.toml" log-off "$work/off.toml"
fi

# 2. Sustained rate. A trivial upstream (every A query: 198.18.0.1, TTL 3600);
# after the warm-up every answer comes from pinholed's cache.
python3 - 127.0.0.2 5300 >"$work/upstream.log" 2>&1 <<'PY' &
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    q, peer = s.recvfrom(4096)
    end = 12
    while q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    header = q[:2] + b"\x81\x80" + b"\x00\x01\x00\x01\x00\x00\x00\x00"
    answer = b"\xc0\x0c\x00\x01\x00\x01" + struct.pack(">IH", 3600, 4) + bytes([198, 18, 0, 1])
    s.sendto(header + question + answer, peer)
PY
pids+=($!)
printf '[querylog]\nenabled = true\npath = "%s/rate.sqlite"\n[control]\nsocket = "%s/rate.sock"\n' "$work" "$work" >"$work/rate.toml"
"$BIN" --config "$work/rate.toml" --listen 127.0.0.153:5301 --upstream 127.0.0.2:5300 --log-level notice 2>"$OUT/rate-pinholed.log" &
daemon=$!
pids+=("$daemon")
for _ in $(seq 100); do grep -q ready "$OUT/rate-pinholed.log" && break; sleep 0.1; done
for i in $(seq 0 999); do echo "h$i.bench.test A"; done >"$work/names"
dnsperf -s 127.0.0.153 -p 5301 -d "$work/names" -n 2 -c 4 >/dev/null  # warm the cache
status() {
    python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"{\"op\":\"status\"}\n")
data = b""
while not data.endswith(b"\n"):
    data += s.recv(65536)
print(data.decode().strip())' "$work/rate.sock"
}
before=$(status)
dnsperf -s 127.0.0.153 -p 5301 -d "$work/names" -Q "$RATE" -l "$SECONDS_AT_RATE" -c 8 -q 2000 >"$OUT/rate-dnsperf.txt"
sleep 1
after=$(status)
kill -TERM "$daemon"
wait "$daemon" || true
python3 - "$before" "$after" "$OUT/rate-dnsperf.txt" "$RATE" "$SECONDS_AT_RATE" <<'PY' | tee "$OUT/rate-summary.txt"
import json, re, sys
before, after = json.loads(sys.argv[1]), json.loads(sys.argv[2])
text = open(sys.argv[3]).read()
def grab(label):
    m = re.search(label + r":\s+([\d.]+)", text)
    return float(m.group(1)) if m else float("nan")
print("sustained %s q/s for %s s (dnsperf -Q), query log on:" % (sys.argv[4], sys.argv[5]))
print("  dnsperf: %d sent, %d completed, %d lost, %.0f q/s achieved" % (grab("Queries sent"), grab("Queries completed"), grab("Queries lost"), grab("Queries per second")))
for key in ("written", "dropped", "failed", "queued"):
    print("  log %-8s %d" % (key, after["log"][key] - (before["log"][key] if key != "queued" else 0)))
print("  pinholed answered %d queries during the run" % (after["queries"] - before["queries"]))
PY
grep "query log closed" "$OUT/rate-pinholed.log" || true
echo "results: $OUT" >&2
