#!/usr/bin/env bash
# Back-pressure end to end: one TCP sender pushes 5 M lines (~2.3 GB) as fast as the kernel
# takes them, faster than the ledger stores them (fsynced, encrypted), and the processing stage
# falls further behind. The syslog source stops reading when the ledger queue is full, so TCP
# flow control holds the sender back, and the processing stage reads back from the ledger
# instead of queueing: memory stays bounded. RSS is sampled while the data flows: under 450 MB
# (for 2.3 GB sent), and not growing with the data by the end (RocksDB's memtables fill to
# their bound first: the last third's maximum is less than 100 MB above the middle third's,
# while ~780 MB more arrive). The sender must have been held back (it cannot
# finish much before the ledger does); every line is stored, then normalized.
SIEM=$1
source "$(dirname "$0")/lib.sh"

DATA=$WORK/data
API_PORT=$(free_port)
PORT=$(free_port)
API=http://127.0.0.1:$API_PORT
N=1000000
ROUNDS=5  # the file is sent this many times over one connection
python3 - "$WORK/big.log" "$N" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
pad = "x" * 400
with open(path, "w") as f:
    for i in range(n):
        f.write(f"<189>date=2026-11-27 time=10:00:00 devname=FGT-{i % 9} srcip=10.{i % 250}.{i // 250 % 250}.1 dstport={i % 65536} msg=\"{pad}\" seq={i}\n")
PY
cat >"$WORK/config.yml" <<YML
data: $DATA
api: {listen: "127.0.0.1:$API_PORT"}
pipeline: {queue_batches: 4}
store: {block_cache_mb: 16}
sources:
  - {name: tcp, type: syslog, listen: "127.0.0.1:$PORT", protocol: tcp}
YML
start_engine
wait_for curl -sf "$API/healthz" || fail "engine did not become healthy"

python3 - "$ENGINE_PID" "$PORT" "$WORK/big.log" "$API" "$((N * ROUNDS))" "$ROUNDS" >"$WORK/rss.txt" <<'PY' || fail "$(cat "$WORK/rss.txt")"
import socket, sys, threading, time, urllib.request
pid, port, path, api, n, rounds = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
def stored():
    for line in urllib.request.urlopen(api + "/metrics", timeout=5).read().decode().splitlines():
        if line.startswith("siem_raw_records_total "):
            return int(float(line.split()[1]))
    return 0
sent_at = {}
def send():
    s = socket.create_connection(("127.0.0.1", port))
    for _ in range(rounds):
        s.sendfile(open(path, "rb"))
    s.close()
    sent_at["t"] = time.monotonic()
t0 = time.monotonic()
threading.Thread(target=send, daemon=True).start()
samples = []
while time.monotonic() - t0 < 300:
    got = stored()
    samples.append((time.monotonic() - t0, got, rss_mb()))
    if got >= n:
        break
    time.sleep(0.25)
done = time.monotonic() - t0
if samples[-1][1] < n:
    sys.exit(f"only {samples[-1][1]} of {n} stored")
third = max(1, len(samples) // 3)
middle = max(s[2] for s in samples[third:-third])
late = max(s[2] for s in samples[-third:])
peak = max(s[2] for s in samples)
mb_sent = rounds * __import__("os").path.getsize(path) / 1048576
print(" ".join(f"{s[2]:.0f}" for s in samples), file=sys.stderr)
print(f"{mb_sent:.0f} MB sent in {done:.1f} s; RSS peak {peak:.0f} MB, {middle:.0f} MB in the middle third, "
      f"{late:.0f} MB in the last; sender finished at {sent_at.get('t', 0) - t0:.1f} s")
assert peak < 450, "RSS above 450 MB"
# Bounded, not proportional to the data: the last third (~780 MB sent) adds less than 100 MB
# (RocksDB's memtables may still be filling towards their bound then, more slowly on a busy
# machine).
assert late <= middle + 100, "RSS still growing with the data in the last third"
# Held back: the sender finished no earlier than 60 % of the time the ledger took.
assert sent_at.get("t", done) - t0 >= 0.6 * done, "the sender was not held back"
PY
pass "$(cat "$WORK/rss.txt")"
WAIT_SECONDS=240 wait_for sh -c "curl -sf '$API/metrics' | grep -qx 'siem_events_total $((N * ROUNDS))'" || fail "events: $(curl -s "$API/metrics" | grep '^siem_events_total')"
pass "all $((N * ROUNDS)) lines stored as events"
