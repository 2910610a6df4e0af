#!/usr/bin/env bash
# The Kafka source against librdkafka's mock cluster (3 brokers, a 6-partition topic), fed by
# kcat: the engine is SIGKILLed twice while records are being produced and ingested, and a
# broker is taken down and brought back; at the end `siem raw` holds exactly the produced
# lines (same multiset, no duplicates), the chain verifies, the group's committed offsets
# cover everything, and /metrics shows the per-partition lag.
SIEM=$1
MOCK=$2
source "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null || { echo "skip: kcat is not installed"; exit 77; }

N_A=${KAFKA_RECORDS_A:-20000}  # produced while the engine starts, is killed and restarted
N_B=${KAFKA_RECORDS_B:-10000}  # produced while broker 2 is down, then the engine is killed again
N=$((N_A + N_B))
RATE=${KAFKA_RATE:-4000}       # lines/s: slow enough that the kills land mid-ingest
DATA=$WORK/data
API_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT
GROUP=siem-it

MOCK_PID=""
PRODUCER_PID=""
stop_helpers() {
  for p in $PRODUCER_PID $MOCK_PID; do kill "$p" 2>/dev/null || true; done
  cleanup
}
trap stop_helpers EXIT

# --- mock cluster, driven through a FIFO ("down 2", "up 2")
start_mock_cluster --brokers 3 --topic logs:6
mock() {  # mock COMMAND: send it and wait for its "ok"
  local before
  before=$(grep -c '^ok$' "$WORK/mock.out" || true)
  echo "$1" >&3
  oks_beyond() { [ "$(grep -c '^ok$' "$WORK/mock.out")" -gt "$1" ]; }
  WAIT_SECONDS=5 wait_for oks_beyond "$before" \
    || fail "mock cluster: '$1' got no ok: $(tail -1 "$WORK/mock.out")"
}
pass "mock cluster at $BOOT"

# --- N distinctive lines (a sequence number in each, a few formats)
python3 - "$WORK" "$N_A" "$N_B" <<'PY'
import sys
work, n_a, n_b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def line(i):
    ip = f"198.51.{(i // 250) % 250}.{i % 250 + 1}"
    if i % 3 == 0:
        return f"<38>Nov 26 10:{(i // 60) % 60:02d}:{i % 60:02d} web{i % 7} sshd[{1000 + i % 5000}]: Failed password for user{i % 97} from {ip} port {1024 + i % 60000} ssh2 kafka-seq={i}"
    if i % 3 == 1:
        return '{"timestamp":"2026-11-26T10:00:00.%06d+0000","event_type":"flow","src_ip":"%s","dest_ip":"10.0.0.1","dest_port":443,"proto":"TCP","kafka_seq":%d}' % (i, ip, i)
    return f"kafka line {i}: not a log format, \u00e9t\u00e9 \u6d4b\u8bd5"
with open(f"{work}/a.txt", "w") as f:
    f.writelines(line(i) + "\n" for i in range(n_a))
with open(f"{work}/b.txt", "w") as f:
    f.writelines(line(i) + "\n" for i in range(n_a, n_a + n_b))
PY

# produce FILE: kcat reads the lines at $RATE per second (in the background).
produce() {
  python3 -c '
import sys, time
rate, step = int(sys.argv[1]), 200
lines = open(sys.argv[2], "rb").readlines()
for i in range(0, len(lines), step):
    sys.stdout.buffer.writelines(lines[i:i + step]); sys.stdout.flush(); time.sleep(step / rate)
' "$RATE" "$1" | kcat -P -b "$BOOT" -t logs -X message.timeout.ms=60000 2>>"$WORK/kcat.log" &
  PRODUCER_PID=$!
}

cat >"$WORK/config.yml" <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
pipeline: {progress_interval: 1s}
sources:
  - name: kafka-it
    type: kafka
    brokers: "$BOOT"
    topics: [logs]
    group_id: $GROUP
    session_timeout_ms: 6000
    batch_records: 500
    format: auto
YML

kill_engine() {
  kill -9 "$ENGINE_PID" 2>/dev/null || true
  wait "$ENGINE_PID" 2>/dev/null || true
  ENGINE_PID=""
}
stored() { "$SIEM" stats --data "$DATA" 2>/dev/null | json 'd["raw_records"]' 2>/dev/null || echo 0; }
stored_at_least() { [ "$(stored)" -ge "$1" ]; }

T0=$SECONDS
# --- phase A: produce once the engine has its partitions; SIGKILL it mid-ingest, restart
start_engine
assigned() { grep -q 'kafka source kafka-it: assigned' "$WORK/engine.log"; }
WAIT_SECONDS=30 wait_for assigned || fail "no partitions assigned after 30 s"
produce "$WORK/a.txt"
WAIT_SECONDS=30 wait_for stored_at_least 2000 || fail "no records stored after 30 s"
kill_engine
kill -0 "$PRODUCER_PID" 2>/dev/null || fail "the producer was done before the first kill (raise KAFKA_RECORDS_A)"
pass "SIGKILL 1 mid-ingest at $(stored) of $N_A stored ($((SECONDS - T0)) s)"
start_engine
wait "$PRODUCER_PID" || fail "kcat failed: $(tail -3 "$WORK/kcat.log")"
PRODUCER_PID=""
WAIT_SECONDS=40 wait_for stored_at_least "$N_A" || fail "phase A: $(stored) of $N_A stored"
pass "phase A: $N_A stored after the restart ($((SECONDS - T0)) s)"

# --- phase B: broker 2 down while producing; up again; SIGKILL mid-ingest, restart
mock "down 2"
produce "$WORK/b.txt"
sleep 2
mock "up 2"
pass "broker 2 was down for 2 s while producing"
WAIT_SECONDS=30 wait_for stored_at_least $((N_A + N_B / 4)) || fail "phase B: $(stored) stored"
kill_engine
pass "SIGKILL 2 mid-ingest at $(stored) of $N stored ($((SECONDS - T0)) s)"
start_engine
wait "$PRODUCER_PID" || fail "kcat failed: $(tail -3 "$WORK/kcat.log")"
PRODUCER_PID=""
WAIT_SECONDS=40 wait_for stored_at_least "$N" || fail "phase B: $(stored) of $N stored"
pass "all $N stored ($((SECONDS - T0)) s)"

# --- lag per partition (refreshed every second) drops to 0 on all six; then a clean stop
# after the last commits (every 200 ms)
caught_up() {
  curl -sf "$API/metrics" >"$WORK/metrics" &&
    [ "$(grep -c '^siem_source_kafka_lag_records{source="kafka-it",engagement="default",topic="logs",partition="[0-5]"} 0$' "$WORK/metrics")" = 6 ]
}
WAIT_SECONDS=10 wait_for caught_up || fail "lag series: $(grep kafka_lag "$WORK/metrics")"
pass "lag 0 on all 6 partitions in /metrics"
sleep 1
kill -TERM "$ENGINE_PID"
wait "$ENGINE_PID" || fail "engine exited with an error"
ENGINE_PID=""
[ "$(stored)" = "$N" ] || fail "stored $(stored) records after the stop, expected $N"

"$SIEM" raw --data "$DATA" >"$WORK/raw.jsonl"
python3 - "$WORK" <<'PY' || fail "siem raw differs from the produced lines"
import collections, json, sys
work = sys.argv[1]
want = collections.Counter()
for name in ("a.txt", "b.txt"):
    with open(f"{work}/{name}", encoding="utf-8") as f:
        want.update(l.rstrip("\n") for l in f)
rows = [json.loads(l) for l in open(f"{work}/raw.jsonl", encoding="utf-8")]
got = collections.Counter(r["raw"] for r in rows)
positions = collections.Counter(r["position"] for r in rows)
dup = [p for p, n in positions.items() if n > 1]
if dup:
    sys.exit(f"{len(dup)} Kafka positions stored twice, e.g. {dup[:3]}")
if got != want:
    missing, extra = want - got, got - want
    sys.exit(f"stored {len(rows)}, produced {sum(want.values())}; missing {sum(missing.values())} "
             f"(e.g. {list(missing)[:2]}), extra {sum(extra.values())} (e.g. {list(extra)[:2]})")
parts = collections.Counter(r["position"].split("/")[1] for r in rows)
print(f"  {len(rows)} records over partitions {dict(sorted(parts.items()))}")
PY
pass "siem raw holds exactly the $N produced lines, each once, keyed topic/partition/offset"
"$SIEM" verify --data "$DATA" >"$WORK/verify.out" || fail "verify: $(cat "$WORK/verify.out")"
pass "chain verifies"

# The group's committed offsets cover everything stored: a consumer of the same group
# finds nothing left to read.
timeout 30 kcat -C -b "$BOOT" -G "$GROUP" -X auto.offset.reset=earliest -e -q -f '%o\n' logs \
  >"$WORK/left.txt" 2>>"$WORK/kcat.log" || true
[ ! -s "$WORK/left.txt" ] || fail "$(wc -l <"$WORK/left.txt") records were not committed to Kafka"
pass "committed offsets cover all $N records ($((SECONDS - T0)) s in all)"
