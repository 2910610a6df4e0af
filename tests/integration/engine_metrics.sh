#!/usr/bin/env bash
# /metrics counts normalization outcomes per source and format: known lines go through two
# file sources (format auto, and a forced openssh/sshd) and the exact series are checked,
# unparsed reasons and parsed datasets included.
SIEM=$1
source "$(dirname "$0")/lib.sh"

DATA=$WORK/data
API_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT

cat >"$WORK/auto.log" <<'LOG'
Nov 27 10:00:00 host1 sshd[123]: Failed password for root from 192.0.2.1 port 22 ssh2
Nov 27 10:00:01 host1 sshd[123]: Accepted password for root from 192.0.2.1 port 22 ssh2
this is not a log line
{"broken json
{"timestamp":"2026-11-26T09:10:01.000000+0000","event_type":"alert","src_ip":"1.2.3.4","dest_ip":"10.0.0.1","alert":{"signature":"x"}}
nor is this one
LOG
cat >"$WORK/sshd.log" <<'LOG'
Failed password for invalid user bob from 192.0.2.2 port 2222 ssh2
hello world

LOG
cat >"$WORK/config.yml" <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
sources:
  - {name: auth-auto, type: file, path: $WORK/auto.log, follow: false, format: auto}
  - {name: sshd-forced, type: file, path: $WORK/sshd.log, follow: false, format: openssh/sshd}
YML

start_engine
wait_for curl -sf "$API/healthz" || fail "engine did not become healthy"
pass "engine up with two file sources"

scrape() { curl -sf "$API/metrics" >"$WORK/metrics"; }
events_stored() { scrape && grep -qx 'siem_events_total 9' "$WORK/metrics"; }
WAIT_SECONDS=30 wait_for events_stored || fail "9 events not stored: $(grep -E '^siem_(raw_records|events)_total' "$WORK/metrics")"
scrape || fail "metrics"

expect() {  # expect LINE: an exact line of the /metrics text
  grep -qxF "$1" "$WORK/metrics" || {
    echo "--- /metrics (siem_source_*events*)" >&2
    grep -E '^siem_source_[a-z_]*events_total' "$WORK/metrics" >&2
    fail "no line: $1"
  }
}
expect 'siem_source_events_total{source="auth-auto",format="auto"} 6'
expect 'siem_source_events_total{source="sshd-forced",format="openssh/sshd"} 3'
expect 'siem_source_unparsed_events_total{source="auth-auto",format="auto",reason="unrecognized format"} 2'
expect 'siem_source_unparsed_events_total{source="sshd-forced",format="openssh/sshd",reason="not an sshd message"} 1'
expect 'siem_source_unparsed_events_total{source="sshd-forced",format="openssh/sshd",reason="empty line"} 1'
expect 'siem_source_parsed_events_total{source="auth-auto",format="auto",dataset="openssh.sshd"} 2'
expect 'siem_source_parsed_events_total{source="auth-auto",format="auto",dataset="suricata.eve"} 1'
expect 'siem_source_parsed_events_total{source="sshd-forced",format="openssh/sshd",dataset="openssh.sshd"} 1'
expect '# TYPE siem_source_unparsed_events_total counter'
# The series add up, and agree with the store's unparsed total.
python3 - "$WORK/metrics" <<'PY' || fail "series do not add up"
import re, sys
series = {}
for line in open(sys.argv[1]):
    m = re.match(r'^(siem_[a-z_]+)(\{[^}]*\})? (\d+)$', line.strip())
    if m:
        series.setdefault(m.group(1), []).append((m.group(2) or "", int(m.group(3))))
def total(name):
    return sum(v for _, v in series.get(name, []))
assert total("siem_source_events_total") == 9, series["siem_source_events_total"]
assert total("siem_source_unparsed_events_total") + total("siem_source_parsed_events_total") == 9
assert total("siem_source_unparsed_events_total") == total("siem_unparsed_events_total") == 5
assert not any("(unconfigured)" in labels for labels, _ in series["siem_source_events_total"])
# The truncated JSON line: unparsed under the JSON parser's own reason (its wording is theirs).
auto = [(l, v) for l, v in series["siem_source_unparsed_events_total"] if 'source="auth-auto"' in l]
assert sum(v for _, v in auto) == 3 and len(auto) == 2, auto
PY
pass "per source and format: events, unparsed by reason, parsed by dataset"

kill -TERM "$ENGINE_PID"
wait "$ENGINE_PID" || fail "engine exited non-zero on SIGTERM"
ENGINE_PID=""
pass "clean shutdown"
