#!/usr/bin/env bash
# The Kafka sink (sinks.kafka): every incident version, keyed by incident id (for a compacted
# topic), and every alert, keyed by alert id. librdkafka's mock cluster holds the topics, an
# SSH brute force read from a file builds an incident over several versions, and kcat reads
# the topics back: the last version of the incident on the topic is the record the API
# serves, the versions count up from 1 with none missing, and the alerts on the topic are the
# stored ones. Config errors name the key.
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

start_mock_cluster --brokers 3 --topic siem-incidents:3 --topic siem-alerts:2
pass "mock cluster at $BOOT"

ATTACKER=203.0.113.9
python3 - "$WORK/auth.log" "$ATTACKER" <<'PY'
import sys
path, ip = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    for i in range(30):
        f.write(f"<38>Nov 26 10:00:{i:02d} web sshd[{2000 + i}]: Failed password for {'root' if i % 2 else 'admin'} from {ip} port {40000 + i} ssh2\n")
    f.write(f"<38>Nov 26 10:00:45 web sshd[2099]: Accepted password for admin from {ip} port 40999 ssh2\n")
PY

API_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT
cat >"$WORK/config.yml" <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
sinks:
  kafka: {brokers: "$BOOT", incidents_topic: siem-incidents, alerts_topic: siem-alerts}
sources:
  - {name: auth, type: file, path: $WORK/auth.log, follow: false, format: auto, batch_records: 4}
YML

# Config errors name the key.
printf 'data: %s\nsinks:\n  kafka: {brokers: "%s"}\n' "$DATA" "$BOOT" >"$WORK/bad1.yml"
if "$SIEM" run --config "$WORK/bad1.yml" >"$WORK/bad.log" 2>&1; then fail "sinks.kafka without topics accepted"; fi
grep -q "sinks.kafka" "$WORK/bad.log" || fail "error does not name sinks.kafka: $(cat "$WORK/bad.log")"
printf 'data: %s\nsinks:\n  kafka: {brokers: "%s", incident_topic: x}\n' "$DATA" "$BOOT" >"$WORK/bad2.yml"
if "$SIEM" run --config "$WORK/bad2.yml" >"$WORK/bad.log" 2>&1; then fail "unknown sinks.kafka key accepted"; fi
grep -q "sinks.kafka.incident_topic" "$WORK/bad.log" || fail "error does not name the unknown key: $(cat "$WORK/bad.log")"
pass "config errors name sinks.kafka and sinks.kafka.incident_topic"

echo 'Handler-Passw0rd!' | "$SIEM" user add --data "$DATA" --username liwei --real-name "Li Wei" \
  --role handler --password-stdin || fail "user add"
start_engine
wait_for curl -sf "$API/healthz" || fail "engine did not become healthy"
TOKEN=$(curl -sf -X POST -d '{"username":"liwei","password":"Handler-Passw0rd!"}' "$API/api/v1/auth/login" | json 'd["token"]')
AUTH=(-H "Authorization: Bearer $TOKEN")
level_iii() { curl -sf "${AUTH[@]}" "$API/api/v1/incidents" | json 'd["items"][0]["level"]' | grep -qx III; }
WAIT_SECONDS=30 wait_for level_iii || fail "no level III incident: $(curl -s "${AUTH[@]}" "$API/api/v1/incidents")"
curl -sf "${AUTH[@]}" "$API/api/v1/incidents" | json 'd["items"][0]' >"$WORK/incident.json"
curl -sf "${AUTH[@]}" "$API/api/v1/alerts?limit=500" >"$WORK/alerts.json"
ID=$(json 'd["id"]' <"$WORK/incident.json")
VERSION=$(json 'd["version"]' <"$WORK/incident.json")
[ "$VERSION" -ge 2 ] || fail "expected several versions, got $VERSION"
delivered() { curl -sf "$API/metrics" | grep -q '^siem_sink_kafka_incidents_delivered_total{topic="siem-incidents"} '"$VERSION"'$'; }
WAIT_SECONDS=10 wait_for delivered || fail "metrics: $(curl -s "$API/metrics" | grep sink_kafka)"
curl -sf "$API/metrics" | grep -q '^siem_sink_kafka_alerts_failed_total{topic="siem-alerts"} 0$' || fail "alert failures in metrics"
kill -TERM "$ENGINE_PID"
wait "$ENGINE_PID" || fail "engine exit status $?"
ENGINE_PID=""
grep -q "not delivered\|cannot queue\|still queued" "$WORK/engine.log" && fail "undelivered: $(cat "$WORK/engine.log")"

kcat -C -b "$BOOT" -t siem-incidents -o beginning -e -q -f '%k\t%s\n' >"$WORK/incidents.tsv" 2>"$WORK/kcat.log" || fail "kcat: $(cat "$WORK/kcat.log")"
kcat -C -b "$BOOT" -t siem-alerts -o beginning -e -q -f '%k\t%s\n' >"$WORK/alerts.tsv" 2>>"$WORK/kcat.log" || fail "kcat: $(cat "$WORK/kcat.log")"
python3 - "$WORK/incidents.tsv" "$WORK/incident.json" "$WORK/alerts.tsv" "$WORK/alerts.json" <<'PY' || fail "topics differ from the store"
import json, sys
inc_lines = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1]) if l.strip()]
served = json.load(open(sys.argv[2]))
versions = sorted(json.loads(v)["version"] for k, v in inc_lines if k == served["id"])
assert all(k == json.loads(v)["id"] for k, v in inc_lines), "an incident is not keyed by its id"
assert versions == list(range(1, served["version"] + 1)), f"versions on the topic: {versions}, served: {served['version']}"
last = max((json.loads(v) for k, v in inc_lines if k == served["id"]), key=lambda d: d["version"])
assert last == served, "the topic's last version differs from the API's record"
alert_lines = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[3]) if l.strip()]
stored = json.load(open(sys.argv[4]))["items"]
assert all(k == json.loads(v)["id"] for k, v in alert_lines), "an alert is not keyed by its id"
assert sorted(k for k, _ in alert_lines) == sorted(a["id"] for a in stored), "alerts on the topic differ from the stored ones"
assert sorted(json.loads(v)["id"] for _, v in alert_lines) == sorted(served["alerts"]), "alerts differ from the incident's list"
print(f"{len(versions)} versions, {len(alert_lines)} alerts")
PY
pass "incident $ID: versions 1..$VERSION on siem-incidents keyed by id, the last equal to the API's; alerts on siem-alerts equal the stored ones"
