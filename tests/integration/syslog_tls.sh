#!/usr/bin/env bash
# Syslog over TLS (RFC 5425): a certificate made here with openssl; `openssl s_client` sends
# LF-framed lines and octet-counted frames; every line is stored with a tls:// position. A
# plain-text sender on the TLS port fails its handshake and is counted, and the listener
# goes on. A missing or mismatched key is refused naming the key.
SIEM=$1
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "skip: openssl is not installed"; exit 77; }

DATA=$WORK/data
API_PORT=$(free_port)
TLS_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
  -subj "/CN=siem-test" 2>"$WORK/openssl.log" || fail "openssl req: $(cat "$WORK/openssl.log")"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/other.pem" -out "$WORK/other-cert.pem" -days 2 \
  -subj "/CN=other" 2>>"$WORK/openssl.log" || fail "openssl req"

config() {  # config CERT KEY
  cat <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
sources:
  - {name: tls-in, type: syslog, listen: "127.0.0.1:$TLS_PORT", protocol: tls, tls_cert: "$1", tls_key: "$2", format: auto}
YML
}
config "$WORK/cert.pem" "$WORK/other.pem" >"$WORK/bad.yml"
if "$SIEM" run --config "$WORK/bad.yml" >"$WORK/bad.log" 2>&1; then fail "mismatched key accepted"; fi
grep -q "sources\[tls-in\].tls_key" "$WORK/bad.log" || fail "error does not name tls_key: $(cat "$WORK/bad.log")"
printf 'data: %s\nsources:\n  - {name: t, type: syslog, listen: "127.0.0.1:%s", protocol: tls}\n' "$DATA" "$TLS_PORT" >"$WORK/bad2.yml"
if "$SIEM" run --config "$WORK/bad2.yml" >"$WORK/bad.log" 2>&1; then fail "tls without a certificate accepted"; fi
grep -q "sources\[t\].tls_cert" "$WORK/bad.log" || fail "error does not name tls_cert: $(cat "$WORK/bad.log")"
pass "a mismatched key and a missing certificate are refused, naming the key"

config "$WORK/cert.pem" "$WORK/key.pem" >"$WORK/config.yml"
"$SIEM" run --config "$WORK/config.yml" >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
wait_for curl -sf "$API/healthz" || fail "engine did not become healthy"

# A plain-text sender on the TLS port: its handshake fails, it is counted, nothing is stored.
printf '<13>Nov 27 10:00:00 host app: plain text on a tls port\n' | timeout 5 nc -q 1 127.0.0.1 "$TLS_PORT" 2>/dev/null \
  || python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(b"<13>Nov 27 10:00:00 host app: plain text on a tls port\n"); s.close()' "$TLS_PORT"

send_tls() {  # send_tls FILE: the file's bytes over one TLS session
  timeout 20 openssl s_client -connect "127.0.0.1:$TLS_PORT" -quiet -no_ign_eof <"$1" >/dev/null 2>>"$WORK/s_client.log"
}
: >"$WORK/lf.txt"
for i in $(seq 1 50); do
  printf '<38>Nov 27 10:%02d:00 web sshd[%d]: Failed password for root from 192.0.2.%d port 5%04d ssh2\n' $((i % 60)) $((3000 + i)) "$i" "$i" >>"$WORK/lf.txt"
done
send_tls "$WORK/lf.txt" || fail "s_client (LF): $(cat "$WORK/s_client.log")"
python3 - "$WORK/octet.bin" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(1, 31):
        msg = f"<38>Nov 27 11:00:{i % 60:02d} web sshd[{4000 + i}]: Accepted publickey for deploy from 198.51.100.{i} port 6{i:04d} ssh2 octet-{i}".encode()
        f.write(str(len(msg)).encode() + b" " + msg)
PY
send_tls "$WORK/octet.bin" || fail "s_client (octet counting): $(cat "$WORK/s_client.log")"

count_stored() { "$SIEM" stats --data "$DATA" | json 'd["raw_records"]'; }
WAIT_SECONDS=20 wait_for test "$(count_stored)" = 80 || fail "expected 80 stored records, got $(count_stored)"
"$SIEM" raw --data "$DATA" --limit 1000 >"$WORK/raw.jsonl"
python3 - "$WORK/raw.jsonl" "$WORK/lf.txt" "$WORK/octet.bin" <<'PY' || fail "stored records differ from the lines sent"
import json, re, sys
stored = [json.loads(l) for l in open(sys.argv[1])]
raws = [r["raw"] for r in stored]
sent = [l.rstrip("\n") for l in open(sys.argv[2])]
octet = open(sys.argv[3], "rb").read().decode()
frames, pos = [], 0
while pos < len(octet):
    n = int(octet[pos:octet.index(" ", pos)]); start = octet.index(" ", pos) + 1
    frames.append(octet[start:start + n]); pos = start + n
assert sorted(raws) == sorted(sent + frames), "content differs"
assert all(r["position"].startswith("tls://127.0.0.1:") for r in stored), "positions: " + str({r["position"] for r in stored})
assert not any("plain text" in r for r in raws), "the plain-text line was stored"
PY
curl -sf "$API/metrics" >"$WORK/metrics"
grep -Eq '^siem_source_errors_total\{source="tls-in".*\} [1-9]' "$WORK/metrics" || fail "failed handshake not counted: $(grep tls-in "$WORK/metrics")"
grep -Eq '^siem_source_connections_total\{source="tls-in".*\} 3$' "$WORK/metrics" || fail "connections: $(grep connections "$WORK/metrics")"
pass "80 lines over TLS (50 LF-framed, 30 octet-counted) stored as sent, tls:// positions; a plain-text sender counted as an error"
