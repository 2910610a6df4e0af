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
cmake --build "$BUILD" -j2 --target siem simdjson_floor >/dev/null
DATA=${BENCH_DATA:-/tmp/siem-bench}
mkdir -p "$DATA"
"$BUILD/siem" version | sed -n 2p
# user and sys are those of the fastest run: sys is mostly the kernel copying the output into
# the page cache, which on this VM costs 0.3-1.1 s per GB from run to run.
printf '%-10s %10s %10s %12s %10s %8s %8s\n' kind lines seconds lines/s MB/s user sys
for kind in suricata sshd fw; do
  f=$DATA/$kind.$LINES.log
  [ -f "$f" ] || python3 "$GEN" "$kind" "$LINES" "$f" --seed 42
  bytes=$(stat -L -c %s "$f")
  cat "$f" >/dev/null  # page cache
  best="999999 0 0"
  for _ in 1 2 3; do
    # Start each run with no dirty pages from the last one: writeback of the previous
    # output otherwise throttles this run's writes (seen as +-30% on this VM).
    rm -f "$DATA/$kind.out"
    sync
    TIMEFORMAT='%R %U %S'
    run=$({ time "$BUILD/siem" normalize --format auto "$f" >"$DATA/$kind.out" 2>"$DATA/$kind.err"; } 2>&1)
    best=$(python3 -c "a, b = '$best'.split(), '$run'.split(); print(' '.join(min(a, b, key=lambda t: float(t[0]))))")
  done
  n=$(wc -l <"$DATA/$kind.out")
  [ "$n" = "$LINES" ] || { echo "$kind: $n output lines for $LINES input lines"; exit 1; }
  read -r wall user sys <<<"$best"
  python3 -c "print('%-10s %10d %10.2f %12.0f %10.1f %8.2f %8.2f' % ('$kind', $LINES, $wall, $LINES / $wall, $bytes / $wall / 1e6, $user, $sys))"
done
# The floor under EVE: simdjson's DOM parse of each line with nothing else done (no mapping,
# no output). On the 2-core AMD host this alone runs at 1.06-1.39 M lines/s.
echo "simdjson alone on the EVE file (bench/simdjson_floor.cpp):"
"$BUILD/bench/simdjson_floor" "$DATA/suricata.$LINES.log" | sed 1d
