#!/usr/bin/env bash
# Store throughput per profile: ~500-byte records appended in ledger batches of 512 with the
# default group commit (fsync every 16 batches), one normalized event stored per record with
# its postings, then the chain verified and indexed searches timed. Release build, one thread,
# data on local disk. Each profile runs twice: on one thread, and pipelined like the engine
# (writer thread appending, worker thread storing events).
# usage: bench/store.sh [RECORDS] [BUILD_DIR]   (default 1000000 records, build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-1000000}
BUILD=${2:-build-bench}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSIEM_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target store_bench >/dev/null
DATA=${BENCH_DATA:-/tmp/siem-bench}/store
for profile in performance compliance; do
  for mode in single pipelined; do
    sync
    "$BUILD/bench/store_bench" "$DATA-$profile" "$profile" "$RECORDS" "$mode"
    rm -rf "$DATA-$profile"
  done
done
