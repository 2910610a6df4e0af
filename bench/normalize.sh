#!/usr/bin/env bash
# Normalizer throughput, one thread, Release build: `siem normalize FILE > OUT` on the files
# ../shared/bench-peer/gen_logs.py generates (the same files the syslog-ng baseline uses).
# usage: bench/normalize.sh [LINES] [BUILD_DIR]   (default 1000000 lines, build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-1000000}
BUILD=${2:-build-bench}
GEN=../shared/bench-peer/gen_logs.py
[ -f "$GEN" ] || { echo "need $GEN (the shared bench-peer folder)"; exit 1; }
# Always (re)configure as Release and bring the binary up to date: a stale or -O2 binary
# measures something else.
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSIEM_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target siem >/dev/null
DATA=${BENCH_DATA:-/tmp/siem-bench}
mkdir -p "$DATA"
"$BUILD/siem" version | sed -n 2p
printf '%-10s %10s %10s %12s %10s\n' kind lines seconds lines/s MB/s
for kind in suricata sshd fw; do
  f=$DATA/$kind.$LINES.log
  [ -f "$f" ] || python3 "$GEN" "$kind" "$LINES" "$f" --seed 42
  bytes=$(stat -L -c %s "$f")
  cat "$f" >/dev/null  # page cache
  best=999999
  for _ in 1 2 3; do
    # Start each run with no dirty pages from the last one: writeback of the previous
    # output otherwise throttles this run's writes (seen as +-30% on this VM).
    rm -f "$DATA/$kind.out"
    sync
    start=$(date +%s.%N)
    "$BUILD/siem" normalize --format auto "$f" >"$DATA/$kind.out"
    end=$(date +%s.%N)
    best=$(python3 -c "print(min($best, $end - $start))")
  done
  n=$(wc -l <"$DATA/$kind.out")
  [ "$n" = "$LINES" ] || { echo "$kind: $n output lines for $LINES input lines"; exit 1; }
  python3 -c "print('%-10s %10d %10.2f %12.0f %10.1f' % ('$kind', $LINES, $best, $LINES / $best, $bytes / $best / 1e6))"
done
