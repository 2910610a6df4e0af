# Shared helpers for the integration scripts. Usage: source lib.sh; needs $SIEM.
set -euo pipefail

WORK=$(mktemp -d /tmp/siem-it-XXXXXX)
ENGINE_PID=""
cleanup() {
  if [ -n "$ENGINE_PID" ] && kill -0 "$ENGINE_PID" 2>/dev/null; then
    kill -9 "$ENGINE_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_WORK:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; if [ -f "$WORK/engine.log" ]; then echo "--- engine log" >&2; tail -30 "$WORK/engine.log" >&2; fi; exit 1; }
pass() { echo "ok: $*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for CMD... : retry for up to ${WAIT_SECONDS:-30}s
wait_for() {
  local deadline=$((SECONDS + ${WAIT_SECONDS:-30}))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# wait_for_output WANT CMD... : retry until CMD prints WANT, for up to ${WAIT_SECONDS:-30}s.
# (`wait_for test "$(cmd)" = X` would run cmd once, before waiting.)
wait_for_output() {
  local want=$1
  shift
  local deadline=$((SECONDS + ${WAIT_SECONDS:-30}))
  until [ "$("$@" 2>/dev/null)" = "$want" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# start_engine [CONFIG] [LOG] : `siem run --config CONFIG` ($WORK/config.yml) in the background,
# its output appended to LOG ($WORK/engine.log, so a restart keeps the earlier runs' output).
# Sets ENGINE_PID, which the EXIT trap kills.
start_engine() {
  "$SIEM" run --config "${1:-$WORK/config.yml}" >>"${2:-$WORK/engine.log}" 2>&1 &
  ENGINE_PID=$!
}

# start_mock_cluster ARGS... : librdkafka's mock cluster ($MOCK, tests/ingest/kafka_mock_cluster)
# with ARGS (--brokers N --topic NAME:PARTITIONS ...), driven through the FIFO $WORK/mock.in,
# held open on fd 3 (commands: "down 2", "up 2"; each answered "ok" in $WORK/mock.out). Sets
# MOCK_PID and BOOT (its bootstrap servers); stop the mock in the script's EXIT trap.
start_mock_cluster() {
  mkfifo "$WORK/mock.in"
  "$MOCK" "$@" <"$WORK/mock.in" >"$WORK/mock.out" 2>"$WORK/mock.log" &
  MOCK_PID=$!
  exec 3>"$WORK/mock.in"
  WAIT_SECONDS=10 wait_for test -s "$WORK/mock.out" \
    || fail "mock cluster did not start: $(cat "$WORK/mock.log")"
  BOOT=$(head -1 "$WORK/mock.out")
}

# metric NAME [API] : the value of an unlabelled series in /metrics of $API (or API)
metric() { curl -sf "${2:-$API}/metrics" | sed -n "s/^$1 //p"; }

# json EXPR < doc : evaluate a Python expression over the parsed JSON document `d`
json() { python3 -c "import json,sys; d=json.load(sys.stdin); r=($1); print(r if not isinstance(r,(dict,list)) else json.dumps(r))"; }
