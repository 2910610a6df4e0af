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

# Mutual TLS: a CA, a client certificate it signs, and (above) a self-signed one it does not.
MTLS_PORT=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/ca-key.pem" -out "$WORK/ca.pem" -days 2 \
  -subj "/CN=siem-test-ca" 2>>"$WORK/openssl.log" || fail "openssl req (ca)"
openssl req -newkey rsa:2048 -nodes -keyout "$WORK/client-key.pem" -out "$WORK/client.csr" \
  -subj "/CN=fw-relay-1" 2>>"$WORK/openssl.log" || fail "openssl req (client)"
openssl x509 -req -in "$WORK/client.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca-key.pem" \
  -CAcreateserial -out "$WORK/client.pem" -days 2 2>>"$WORK/openssl.log" || fail "openssl x509 -req"

config() {  # config CERT KEY [CA]
  cat <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
sources:
  - {name: tls-in, type: syslog, listen: "127.0.0.1:$TLS_PORT", protocol: tls, tls_cert: "$1", tls_key: "$2", format: auto}
  - {name: mtls-in, type: syslog, listen: "127.0.0.1:$MTLS_PORT", protocol: tls, tls_cert: "$WORK/cert.pem", tls_key: "$WORK/key.pem", tls_ca: "${3:-$WORK/ca.pem}", format: auto}
YML
}
config "$WORK/cert.pem" "$WORK/other.pem" >"$WORK/bad.yml"
if "$SIEM" run --config "$WORK/bad.yml" >"$WORK/bad.log" 2>&1; then fail "mismatched key accepted"; fi
grep -q "sources\[tls-in\].tls_key" "$WORK/bad.log" || fail "error does not name tls_key: $(cat "$WORK/bad.log")"
printf 'data: %s\nsources:\n  - {name: t, type: syslog, listen: "127.0.0.1:%s", protocol: tls}\n' "$DATA" "$TLS_PORT" >"$WORK/bad2.yml"
if "$SIEM" run --config "$WORK/bad2.yml" >"$WORK/bad.log" 2>&1; then fail "tls without a certificate accepted"; fi
grep -q "sources\[t\].tls_cert" "$WORK/bad.log" || fail "error does not name tls_cert: $(cat "$WORK/bad.log")"
config "$WORK/cert.pem" "$WORK/key.pem" "$WORK/no-such-ca.pem" >"$WORK/bad3.yml"
if "$SIEM" run --config "$WORK/bad3.yml" >"$WORK/bad.log" 2>&1; then fail "a missing tls_ca accepted"; fi
grep -q "sources\[mtls-in\].tls_ca" "$WORK/bad.log" || fail "error does not name tls_ca: $(cat "$WORK/bad.log")"
pass "a mismatched key, a missing certificate and a missing CA file are refused, naming the key"

config "$WORK/cert.pem" "$WORK/key.pem" >"$WORK/config.yml"
start_engine
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
WAIT_SECONDS=20 wait_for_output 80 count_stored || fail "expected 80 stored records, got $(count_stored)"
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

# Mutual TLS: only a client whose certificate the CA signed is heard.
: >"$WORK/mtls.txt"
for i in $(seq 1 10); do
  printf '<38>Nov 27 12:00:%02d relay sshd[%d]: Failed password for admin from 203.0.113.%d port 4%04d ssh2\n' "$i" $((5000 + i)) "$i" "$i" >>"$WORK/mtls.txt"
done
send_mtls() {  # send_mtls FILE [s_client options]: the file's bytes to the mutual-TLS port
  local f=$1; shift
  timeout 20 openssl s_client -connect "127.0.0.1:$MTLS_PORT" -quiet -no_ign_eof "$@" <"$f" >/dev/null 2>>"$WORK/s_client.log"
}
printf '<13>Nov 27 12:01:00 rogue app: no client certificate\n' >"$WORK/nocert.txt"
printf '<13>Nov 27 12:01:00 rogue app: self-signed client certificate\n' >"$WORK/selfsigned.txt"
send_mtls "$WORK/nocert.txt" || true
send_mtls "$WORK/selfsigned.txt" -cert "$WORK/other-cert.pem" -key "$WORK/other.pem" || true
send_mtls "$WORK/mtls.txt" -cert "$WORK/client.pem" -key "$WORK/client-key.pem" \
  || fail "s_client with the CA-signed certificate: $(tail -5 "$WORK/s_client.log")"
WAIT_SECONDS=20 wait_for_output 90 count_stored || fail "expected 90 stored records, got $(count_stored)"
"$SIEM" raw --data "$DATA" --limit 1000 >"$WORK/raw.jsonl"
grep -q "rogue" "$WORK/raw.jsonl" && fail "a client without a CA-signed certificate was stored"
[ "$(grep -c 'relay sshd' "$WORK/raw.jsonl")" = 10 ] || fail "the CA-signed client's 10 lines are not all stored"
curl -sf "$API/metrics" >"$WORK/metrics"
grep -Eq '^siem_source_received_records_total\{source="mtls-in".*\} 10$' "$WORK/metrics" \
  || fail "mtls-in received: $(grep mtls-in "$WORK/metrics" | grep received)"
grep -Eq '^siem_source_errors_total\{source="mtls-in".*\} ([2-9]|[1-9][0-9]+)$' "$WORK/metrics" \
  || fail "refused clients not counted: $(grep mtls-in "$WORK/metrics" | grep errors)"
pass "mutual TLS (tls_ca): the CA-signed client's 10 lines stored; no certificate and a self-signed one refused and counted"
