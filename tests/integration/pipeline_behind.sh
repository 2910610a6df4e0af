#!/usr/bin/env bash
# The processing stage may fall behind the ledger: the writer does not wait for it (ingestion
# runs at the ledger's pace), and the stage reads what it was not handed back from the ledger.
# With a queue of one batch and a burst of 60,000 lines in batches of 100, most batches are
# read back (siem_pipeline_deferred_records_total > 0), and every record ends up as exactly
# one event, in ledger order: the SSH brute force inside the burst still builds its incident.
# Then a small engine with pipeline.processing_priority: background: its processing thread is
# in the idle scheduling class, the ledger writer in the normal one, and its events arrive.
# (The burst runs at normal priority: under a parallel test run an idle-class stage could
# take minutes for 60,000 lines.)
SIEM=$1
source "$(dirname "$0")/lib.sh"

DATA=$WORK/data
API_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT
python3 - "$WORK/burst.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(60000):
        if i % 2000 == 0 and i // 2000 < 12:
            f.write(f"<38>Nov 27 10:00:{i // 2000:02d} web sshd[77]: Failed password for root from 198.51.100.66 port {40000 + i // 2000} ssh2\n")
        else:
            f.write(f"<13>Nov 27 10:00:00 host{i % 7} app[{i}]: burst line {i}\n")
PY
cat >"$WORK/config.yml" <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
pipeline: {queue_batches: 1}
sources:
  - {name: burst, type: file, path: $WORK/burst.log, follow: false, batch_records: 100}
YML
start_engine
wait_for curl -sf "$API/healthz" || fail "engine did not become healthy"
all_events() { [ "$(metric siem_events_total)" = 60000 ]; }
WAIT_SECONDS=120 wait_for all_events || fail "events: $(metric siem_events_total) of 60000"
sleep 1
[ "$(metric siem_events_total)" = 60000 ] || fail "more than one event per record: $(metric siem_events_total)"
[ "$(metric siem_raw_records_total)" = 60000 ] || fail "raw records: $(metric siem_raw_records_total)"
DEFERRED=$(metric siem_pipeline_deferred_records_total)
[ "${DEFERRED:-0}" -gt 0 ] || fail "nothing was deferred (queue of one batch): the test did not exercise the read-back"
[ "$(metric siem_incidents_total)" = 1 ] || fail "incidents: $(metric siem_incidents_total)"
kill -TERM "$ENGINE_PID"; wait "$ENGINE_PID" || fail "engine exit"; ENGINE_PID=""
"$SIEM" events --data "$DATA" --limit 10000 host.hostname=host3 >"$WORK/host3.jsonl" || fail "siem events"
N3=$(wc -l <"$WORK/host3.jsonl")
[ "$N3" = 8569 ] || fail "host3 events: $N3 (expected 8569, one per line)"
"$SIEM" verify --data "$DATA" >/dev/null || fail "verify"
# Each event points at its own record: the reference and chain hash of the ledger record
# whose line it came from, also for the records read back in chunks.
"$SIEM" raw --data "$DATA" >"$WORK/raw.jsonl" || fail "siem raw"
"$SIEM" events --data "$DATA" --limit 60000 >"$WORK/all.jsonl" || fail "siem events (all)"
python3 - "$WORK/raw.jsonl" "$WORK/all.jsonl" <<'PY' || fail "events do not match their records"
import json, sys
raw = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    raw[r["ref"]] = (r["hash"], r["raw"])
seen = set()
for line in open(sys.argv[2]):
    e = json.loads(line)
    ref, digest = e["siem"]["raw_ref"], e["siem"]["raw_hash"]
    if ref not in raw or raw[ref][0] != digest or not raw[ref][1].endswith(e["message"]):
        sys.exit(f"event {ref} {digest} {e['message']!r} does not match its record {raw.get(ref)}")
    seen.add(ref)
if len(seen) != 60000 or len(raw) != 60000:
    sys.exit(f"{len(seen)} events for {len(raw)} records")
PY
pass "60000 records, $DEFERRED read back from the ledger by the processing stage, 60000 events (8569 for host3), each with its record's reference and hash, 1 incident"

# processing_priority: background, on a small input (the policy, not the speed, is tested).
DATA2=$WORK/data2
API_PORT2=$(free_port)
API2=http://127.0.0.1:$API_PORT2
head -n 100 "$WORK/burst.log" >"$WORK/small.log"
cat >"$WORK/config2.yml" <<YML
data: $DATA2
api: {listen: "127.0.0.1:$API_PORT2"}
pipeline: {processing_priority: background}
sources:
  - {name: small, type: file, path: $WORK/small.log, follow: false}
YML
start_engine "$WORK/config2.yml" "$WORK/engine2.log"
wait_for curl -sf "$API2/healthz" || fail "background engine did not become healthy"
policy_of() {  # the scheduling policy of the engine's thread named $1
  local t
  for t in /proc/"$ENGINE_PID"/task/*; do
    if [ "$(cat "$t/comm" 2>/dev/null)" = "$1" ]; then
      chrt -p "${t##*/}" | sed -n 's/.*scheduling policy: //p'
      return
    fi
  done
  echo "no thread named $1"
}
[ "$(policy_of processing)" = SCHED_IDLE ] || fail "processing thread: $(policy_of processing)"
[ "$(policy_of ledger-writer)" = SCHED_OTHER ] || fail "ledger writer: $(policy_of ledger-writer)"
WAIT_SECONDS=120 wait_for_output 100 metric siem_events_total "$API2" \
  || fail "background engine events: $(metric siem_events_total "$API2") of 100"
kill -TERM "$ENGINE_PID"; wait "$ENGINE_PID" || fail "background engine exit"; ENGINE_PID=""
pass "processing_priority background: processing thread SCHED_IDLE, ledger writer SCHED_OTHER, 100 of 100 events"
