#!/usr/bin/env bash
# The query-log store with 10,000,000 synthetic rows, release build: bytes
# per row, the CLI's reads, the writer's sustained rate and a paced
# 50,000 rows/s run (Benchmarks/QueryLogBench). Needs ~2 GiB free in $TMPDIR
# and a few minutes; run nothing else heavy beside it.
# Extra arguments go to the bench (--rows N --rate R --seconds S --runs K --path FILE --keep).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pinhole-querylog-bench
exec .build/release/pinhole-querylog-bench "$@"
