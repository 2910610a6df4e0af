#!/usr/bin/env bash
# Retention in the running engine: a ledger holding blocks received 10 days ago, an engine with
# store.retention_days: 1. Its retention thread expires every old block but the newest (which
# holds the chain head) at start, logs it, and the engine goes on ingesting; verify reports the
# expiry and checks the chain from there. retention_days: 0 is refused, naming the key.
SIEM=$1
OLD_LEDGER=$2
source "$(dirname "$0")/lib.sh"

"$OLD_LEDGER" "$WORK/data" 10 4 500 || fail "old_ledger"
PORT=$(free_port)
API_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT
cat >"$WORK/config.yml" <<YML
data: $WORK/data
api: {listen: "127.0.0.1:$API_PORT"}
store: {retention_days: 1}
sources:
  - {name: tcp, type: syslog, listen: "127.0.0.1:$PORT", protocol: tcp}
YML
start_engine
wait_for grep -q "siem: retention: engagement default: records through 1500 expired" "$WORK/engine.log" \
  || fail "no expiry logged"
pass "the retention thread expired records 1..1500 at start (the newest old block stays)"

for i in 1 2 3; do
  logger --tcp --server 127.0.0.1 --port "$PORT" --octet-count -t app "after expiry $i"
done
wait_for_output 503 metric siem_raw_records_total \
  || fail "expected 500 + 3 records stored, /metrics: $(metric siem_raw_records_total)"
kill -TERM "$ENGINE_PID"
wait "$ENGINE_PID" || fail "engine exit"
pass "ingestion goes on: 500 old + 3 new records"

"$SIEM" verify --data "$WORK/data" >"$WORK/verify" 2>&1 || fail "verify: $(cat "$WORK/verify")"
grep -q "intact, 503 records verified.*records 1\.\.1500 expired (signed expiry checkpoint)" "$WORK/verify" \
  || fail "verify does not report the expiry: $(cat "$WORK/verify")"
first=$("$SIEM" raw --data "$WORK/data" --limit 1 | json 'd["seq"]')
[ "$first" = 1501 ] || fail "first stored record is $first, not 1501"
pass "verify reports the expiry; the ledger starts at record 1501"

sed -i 's/retention_days: 1/retention_days: 0/' "$WORK/config.yml"
if "$SIEM" run --config "$WORK/config.yml" 2>"$WORK/err"; then fail "retention_days: 0 accepted"; fi
grep -q "store.retention_days" "$WORK/err" || fail "retention_days: 0 not named: $(cat "$WORK/err")"
pass "retention_days: 0 is refused, naming the key"
