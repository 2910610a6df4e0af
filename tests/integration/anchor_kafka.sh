#!/usr/bin/env bash
# Checkpoint heads published to Kafka (store.anchor_kafka) as well as to the anchor file:
# librdkafka's mock cluster holds the topic, kcat reads it back, and the copy from Kafka is
# line for line the anchor file and verifies the store (`siem verify --anchor`). An altered
# copy of a head fails. A broken anchor_kafka config is refused naming the key.
SIEM=$1
MOCK=$2
source "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null || { echo "skip: kcat is not installed"; exit 77; }

DATA=$WORK/data
MOCK_PID=""
stop_helpers() {
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null
  cleanup
}
trap stop_helpers EXIT

start_mock_cluster --brokers 1 --topic siem-anchors:1
pass "mock cluster at $BOOT"

python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(5000):
        f.write(f"<38>Nov 26 10:{(i // 60) % 60:02d}:{i % 60:02d} web sshd[{1000 + i}]: Failed password for u{i % 50} from 198.51.100.{i % 250 + 1} port {1024 + i} ssh2\n")
' "$WORK/in.log"

cat >"$WORK/config.yml" <<YML
data: $DATA
api: {listen: "127.0.0.1:$(free_port)"}
pipeline: {sync_batches: 1}  # a group commit per batch of 500: a checkpoint every 1000 records
store:
  checkpoint_records: 1000
  anchor_kafka: {brokers: "$BOOT", topic: siem-anchors}
sources:
  - {name: f, type: file, path: $WORK/in.log, follow: false, format: auto, batch_records: 500}
YML
"$SIEM" run --config "$WORK/config.yml" --once >"$WORK/engine.log" 2>&1 || fail "engine: $(tail -5 "$WORK/engine.log")"
grep -q "not delivered\|cannot queue\|still queued" "$WORK/engine.log" && fail "undelivered heads: $(cat "$WORK/engine.log")"
FILE_LINES=$(wc -l <"$DATA/anchors.jsonl")
[ "$FILE_LINES" -ge 4 ] || fail "expected about 5 checkpoints for 5000 records, got $FILE_LINES"

kcat -C -b "$BOOT" -t siem-anchors -o beginning -e -q -f '%k\t%s\n' >"$WORK/kafka.tsv" 2>"$WORK/kcat.log" \
  || fail "kcat: $(cat "$WORK/kcat.log")"
cut -f2- "$WORK/kafka.tsv" >"$WORK/kafka.jsonl"
cmp -s "$WORK/kafka.jsonl" "$DATA/anchors.jsonl" || fail "the topic differs from the anchor file: $(diff "$WORK/kafka.jsonl" "$DATA/anchors.jsonl" | head -5)"
[ "$(cut -f1 "$WORK/kafka.tsv" | sort -u)" = default ] || fail "record keys are not the engagement: $(cut -f1 "$WORK/kafka.tsv" | sort -u)"
pass "$FILE_LINES signed heads on the topic, identical to the anchor file, keyed by engagement"

"$SIEM" verify --data "$DATA" --anchor "$WORK/kafka.jsonl" >"$WORK/verify.out" || fail "verify against Kafka's copy: $(cat "$WORK/verify.out")"
grep -Eq "intact, 5000 records verified, [0-9]+ signed checkpoints, $FILE_LINES published anchors" "$WORK/verify.out" \
  || fail "verify output: $(cat "$WORK/verify.out")"
python3 - "$WORK/kafka.jsonl" "$WORK/forged.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
d = json.loads(lines[1])
d["head"] = ("0" if d["head"][0] != "0" else "1") + d["head"][1:]
lines[1] = json.dumps(d, separators=(",", ":"))
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
if "$SIEM" verify --data "$DATA" --anchor "$WORK/forged.jsonl" >"$WORK/verify.out"; then
  fail "an altered head from the topic verified"
fi
pass "verify --anchor with the topic's copy: intact; with one head altered: fails"

# Kafka unreachable: ingestion goes on, the heads stay in the anchor file, and each head the
# producer gives up on is reported.
cat >"$WORK/down.yml" <<YML
data: $WORK/down
api: {listen: "127.0.0.1:$(free_port)"}
pipeline: {sync_batches: 1}
store:
  checkpoint_records: 1000
  anchor_kafka:
    brokers: "127.0.0.1:$(free_port)"
    topic: siem-anchors
    properties: {message.timeout.ms: "1500"}
sources:
  - {name: f, type: file, path: $WORK/in.log, follow: false, format: auto, batch_records: 500}
YML
T0=$SECONDS
timeout 60 "$SIEM" run --config "$WORK/down.yml" --once >"$WORK/down.log" 2>&1 || fail "engine with Kafka down: $(tail -5 "$WORK/down.log")"
[ "$("$SIEM" stats --data "$WORK/down" | json 'd["raw_records"]')" = 5000 ] || fail "records lost with Kafka down"
DOWN_LINES=$(wc -l <"$WORK/down/anchors.jsonl")
[ "$DOWN_LINES" -ge 4 ] || fail "anchor file has $DOWN_LINES heads with Kafka down"
grep -q "was not delivered" "$WORK/down.log" || fail "undelivered heads not reported: $(tail -5 "$WORK/down.log")"
pass "Kafka unreachable: 5000 records stored, $DOWN_LINES heads in the file, undelivered heads reported ($((SECONDS - T0)) s)"

cat >"$WORK/bad.yml" <<YML
data: $WORK/bad
store:
  anchor_kafka: {brokers: "$BOOT"}
YML
if "$SIEM" run --config "$WORK/bad.yml" --once 2>"$WORK/err"; then fail "anchor_kafka without topic accepted"; fi
grep -q "store.anchor_kafka" "$WORK/err" || fail "error does not name the key: $(cat "$WORK/err")"
pass "anchor_kafka without a topic refused, naming store.anchor_kafka"
