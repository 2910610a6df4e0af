#!/usr/bin/env bash
# Syslog over RELP (librelp): a librelp client (tests/ingest/relp_send.cpp, the protocol of
# rsyslog's omrelp) sends lines; each is acknowledged only once it is fsynced in the ledger,
# so killing the engine with SIGKILL right after the sender has every acknowledgement loses
# nothing. An oversize message is cut and counted, garbage on the port closes that session
# only and is counted, and a port the system would pick is refused naming the key.
SIEM=$1
RELP_SEND=$2
source "$(dirname "$0")/lib.sh"

DATA=$WORK/data
API_PORT=$(free_port)
RELP_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT
count_stored() { "$SIEM" stats --data "$DATA" | json 'd["raw_records"]'; }

printf 'data: %s\nsources:\n  - {name: r, type: syslog, listen: "127.0.0.1:0", protocol: relp}\n' "$DATA" >"$WORK/bad.yml"
if "$SIEM" run --config "$WORK/bad.yml" >"$WORK/bad.log" 2>&1; then fail "relp on port 0 accepted"; fi
grep -q "sources\[r\].listen" "$WORK/bad.log" || fail "error does not name the key: $(cat "$WORK/bad.log")"
pass "relp without a fixed port is refused, naming sources[r].listen"

cat >"$WORK/config.yml" <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
sources:
  - {name: relp-in, type: syslog, listen: "127.0.0.1:$RELP_PORT", protocol: relp, max_message_bytes: 1024, format: auto}
YML
start_healthy_engine() {
  start_engine
  wait_for curl -sf "$API/healthz" || fail "engine did not become healthy"
}
start_healthy_engine

# send_raw EXPR...: one connection to the RELP port per Python bytes expression, sent and held
# until the engine closes it (at most 5 s); an empty payload is a connection dropped at once.
send_raw() {
  python3 - "$RELP_PORT" "$@" <<'PY'
import os, socket, sys
for expr in sys.argv[2:]:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    payload = eval(expr)
    if payload:
        s.sendall(payload)
        s.settimeout(5)
        try:
            s.recv(100)
        except OSError:
            pass
    s.close()
PY
}

# Garbage first: librelp closes that session; the engine goes on and stores none of it.
send_raw 'b"this is not RELP\n" + os.urandom(4096)'

python3 - "$WORK/lines.txt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(1, 2001):
        f.write(f"<38>Nov 27 10:{i % 60:02d}:00 web sshd[{3000 + i}]: Failed password for root from 192.0.2.{i % 250} port {40000 + i} ssh2\n")
    f.write("<38>Nov 27 10:59:59 web app: oversize " + "x" * 5000 + "\n")
PY
start=$(date +%s.%N)
sent=$("$RELP_SEND" 127.0.0.1 "$RELP_PORT" <"$WORK/lines.txt" 2>"$WORK/relp_send.log") \
  || fail "relp_send: $(cat "$WORK/relp_send.log")"
kill -9 "$ENGINE_PID"  # right after the last acknowledgement: what was acknowledged is fsynced
wait "$ENGINE_PID" 2>/dev/null || true
ENGINE_PID=""
secs=$(python3 -c "import time; print(round(time.time() - $start, 2))")
[ "$sent" = 2001 ] || fail "relp_send sent $sent messages, expected 2001"
[ "$(count_stored)" = 2001 ] || fail "after SIGKILL: $(count_stored) records stored, 2001 acknowledged"
"$SIEM" raw --data "$DATA" --limit 5000 >"$WORK/raw.jsonl"
python3 - "$WORK/raw.jsonl" "$WORK/lines.txt" <<'PY' || fail "stored records differ from the lines sent"
import json, sys
stored = [json.loads(l) for l in open(sys.argv[1])]
raws = [r["raw"] for r in stored]
sent = [l.rstrip("\n") for l in open(sys.argv[2])]
want = sent[:-1] + [sent[-1][:1024]]  # the oversize message cut at max_message_bytes
assert raws == want, "content or order differs"
assert all(r["position"] == "relp://127.0.0.1" for r in stored), {r["position"] for r in stored}
PY
pass "2001 RELP messages acknowledged in ${secs}s, all stored as sent after SIGKILL right after the last ack (oversize cut at 1024 bytes)"

# Restarted: the same listener takes more, and the counters show them.
start_healthy_engine
"$RELP_SEND" 127.0.0.1 "$RELP_PORT" <"$WORK/lines.txt" >/dev/null 2>"$WORK/relp_send.log" \
  || fail "relp_send after restart: $(cat "$WORK/relp_send.log")"
[ "$(count_stored)" = 4002 ] || fail "after the second send: $(count_stored) records stored"
curl -sf "$API/metrics" >"$WORK/metrics"
grep -Eq '^siem_source_received_records_total\{source="relp-in".*\} 2001$' "$WORK/metrics" \
  || fail "received: $(grep received_records "$WORK/metrics")"
grep -Eq '^siem_source_oversize_total\{source="relp-in".*\} 1$' "$WORK/metrics" \
  || fail "oversize: $(grep oversize "$WORK/metrics")"
grep -Eq '^siem_source_errors_total\{source="relp-in".*\} 0$' "$WORK/metrics" \
  || fail "a clean RELP session counted as an error: $(grep errors_total "$WORK/metrics")"

# Garbage is counted: bytes that are not RELP, and an open command with a malformed offer.
# A connection dropped without RELP's close is a broken session, counted once (librelp reports
# it through its error callback and its teardown alike).
# The bad offer is a well-formed frame whose offer lacks the required syslog command.
send_raw 'b"this is not RELP\n" + os.urandom(512)' 'b"1 open 5 hello\n"' 'b""'
errors() { curl -sf "$API/metrics" | sed -n 's/^siem_source_errors_total{source="relp-in".*} //p'; }
wait_for_output 3 errors || fail "errors: $(errors), expected 3 (garbage, bad offer, dropped)"
sleep 0.5
[ "$(errors)" = 3 ] || fail "errors: $(errors), expected 3: a session counted twice"
[ "$(count_stored)" = 4002 ] || fail "garbage was stored: $(count_stored) records"
pass "garbage, a malformed offer and a dropped connection on the RELP port: 3 errors, nothing stored"

# Mid-stream: a client that speaks RELP itself (tests/integration/relp_client.py) records each
# acknowledgement as it arrives; the engine is stopped (SIGTERM, then SIGKILL) while messages
# are in flight. Every acknowledged message must be stored.
CLIENT="$(dirname "$0")/relp_client.py"
python3 -c 'import sys
for i in range(20000): print(f"<38>Nov 27 11:00:00 web app: in-flight message {sys.argv[1]}-{i}")' term >"$WORK/term.txt"
python3 -c 'import sys
for i in range(20000): print(f"<38>Nov 27 11:00:00 web app: in-flight message {sys.argv[1]}-{i}")' kill >"$WORK/kill.txt"
acked_count() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
for how in term kill; do
  : >"$WORK/acked-$how.txt"
  python3 "$CLIENT" 127.0.0.1 "$RELP_PORT" "$WORK/$how.txt" "$WORK/acked-$how.txt" 2>"$WORK/client-$how.log" &
  client=$!
  for _ in $(seq 600); do
    [ "$(acked_count "$WORK/acked-$how.txt")" -ge 300 ] && break
    sleep 0.05
  done
  [ "$(acked_count "$WORK/acked-$how.txt")" -ge 300 ] || fail "$how: fewer than 300 acknowledgements in 30 s: $(cat "$WORK/client-$how.log")"
  if [ $how = term ]; then kill -TERM "$ENGINE_PID"; else kill -9 "$ENGINE_PID"; fi
  wait "$ENGINE_PID" 2>/dev/null || true
  ENGINE_PID=""
  if wait "$client"; then fail "$how: the client got every acknowledgement; the engine stopped too late to test anything"; fi
  "$SIEM" raw --data "$DATA" --limit 100000 >"$WORK/raw.jsonl"
  python3 - "$WORK/raw.jsonl" "$WORK/acked-$how.txt" <<'PY' || fail "$how: an acknowledged message is not stored"
import json, sys
stored = {json.loads(l)["raw"] for l in open(sys.argv[1])}
acked = [l.rstrip("\n") for l in open(sys.argv[2])]
missing = [a for a in acked if a not in stored]
assert not missing, f"{len(missing)} of {len(acked)} acknowledged messages missing, e.g. {missing[:2]}"
PY
  pass "$how mid-stream: all $(acked_count "$WORK/acked-$how.txt") acknowledged messages stored"
  start_healthy_engine
done

kill -TERM "$ENGINE_PID"
s=$SECONDS
wait "$ENGINE_PID" 2>/dev/null || true
ENGINE_PID=""
[ $((SECONDS - s)) -le 5 ] || fail "engine took $((SECONDS - s))s to stop with a RELP listener"
pass "after a restart 2001 more stored; oversize counted; the engine stops promptly"
