#!/usr/bin/env bash
# Runs every fuzz_* target in BUILD_DIR for SECONDS each. The parser targets are seeded with
# the golden inputs (one line per seed file); fuzz_http with the raw requests in http_seeds/
# and the dictionary http.dict. Exit non-zero on the first finding; the reproducer stays in
# the artifact directory that is printed. Optional third argument: run only that target.
set -euo pipefail
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-30}
ONLY=${3:-}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SEEDS=$(mktemp -d /tmp/siem-fuzz-seeds-XXXXXX)
ARTIFACTS=${FUZZ_ARTIFACTS:-$BUILD/fuzz-artifacts}
mkdir -p "$ARTIFACTS"
python3 - "$SRC/tests/parsers/golden" "$SEEDS" <<'PY'
import pathlib, re, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
# Golden lines write long runs as @@fill(N,C)@@ (tests/parsers/golden_fill.hpp): a seed gets
# the run itself, at most 4 KiB of it, so that long values are in the corpus but short.
fill = re.compile(rb"@@fill\((\d+),(.)\)@@", re.S)
for f in sorted(src.glob("*/*.input")):
    for line in f.read_bytes().split(b"\n"):
        line = fill.sub(lambda m: m.group(2) * min(int(m.group(1)), 4096), line)
        if line and len(line) < 65536:
            (out / f"seed{n:05d}").write_bytes(line)
            n += 1
print(f"{n} seeds from the golden inputs")
PY
status=0
for t in "$BUILD"/tests/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  if [ -n "$ONLY" ] && [ "$name" != "$ONLY" ]; then
    continue
  fi
  work=$(mktemp -d /tmp/siem-fuzz-corpus-XXXXXX)
  # Scratch space of targets that need files (fuzz_http's store), removed even after a finding.
  scratch=$(mktemp -d /dev/shm/siem-fuzz-tmp-XXXXXX 2>/dev/null \
    || mktemp -d /tmp/siem-fuzz-tmp-XXXXXX)
  seeds=$SEEDS
  extra=(-max_len=65536)
  if [ "$name" = fuzz_http ]; then
    seeds=$SRC/tests/fuzz/http_seeds
    extra=(-max_len=16384 -dict="$SRC/tests/fuzz/http.dict")
  fi
  echo "=== $name: ${SECONDS_EACH}s"
  if ! SIEM_FUZZ_TMPDIR=$scratch "$t" "$work" "$seeds" -max_total_time="$SECONDS_EACH" "${extra[@]}" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$name-" \
      >"$ARTIFACTS/$name.log" 2>&1; then
    echo "FINDING in $name (log and reproducer in $ARTIFACTS):"
    tail -40 "$ARTIFACTS/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov: " "$ARTIFACTS/$name.log" | tail -2
  fi
  rm -rf "$work" "$scratch"
done
rm -rf "$SEEDS"
exit $status
