#!/usr/bin/env bash
# Runs every fuzz_* target in BUILD_DIR for SECONDS each, seeded with the golden inputs (one
# line per seed file). Exit non-zero on the first finding; the reproducer stays in the
# artifact directory that is printed.
set -euo pipefail
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-30}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SEEDS=$(mktemp -d /tmp/siem-fuzz-seeds-XXXXXX)
ARTIFACTS=${FUZZ_ARTIFACTS:-$BUILD/fuzz-artifacts}
mkdir -p "$ARTIFACTS"
python3 - "$SRC/tests/parsers/golden" "$SEEDS" <<'PY'
import pathlib, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
for f in sorted(src.glob("*/*.input")):
    for line in f.read_bytes().split(b"\n"):
        if line and len(line) < 65536:
            (out / f"seed{n:05d}").write_bytes(line)
            n += 1
print(f"{n} seeds from the golden inputs")
PY
status=0
for t in "$BUILD"/tests/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  work=$(mktemp -d /tmp/siem-fuzz-corpus-XXXXXX)
  echo "=== $name: ${SECONDS_EACH}s"
  if ! "$t" "$work" "$SEEDS" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$name-" \
      >"$ARTIFACTS/$name.log" 2>&1; then
    echo "FINDING in $name (log and reproducer in $ARTIFACTS):"
    tail -40 "$ARTIFACTS/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov: " "$ARTIFACTS/$name.log" | tail -2
  fi
  rm -rf "$work"
done
rm -rf "$SEEDS"
exit $status
