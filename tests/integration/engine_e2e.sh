#!/usr/bin/env bash
# End to end: siem run; util-linux logger sends an SSH brute force over TCP, octet-counted
# TCP and UDP; a handler logs in and follows the incident's sequence to the raw lines sent.
SIEM=$1
source "$(dirname "$0")/lib.sh"

DATA=$WORK/data
API_PORT=$(free_port)
SYSLOG_PORT=$(free_port)
API=http://127.0.0.1:$API_PORT

echo 'Handler-Passw0rd!' | "$SIEM" user add --data "$DATA" --username liwei --real-name "Li Wei" \
  --role handler --password-stdin || fail "user add"
# Weak password and bad role are refused with a reason.
if echo 'short' | "$SIEM" user add --data "$DATA" --username x1 --real-name X --role handler --password-stdin 2>"$WORK/err"; then
  fail "weak password accepted"
fi
grep -qi "12" "$WORK/err" || fail "weak-password error does not explain the rule: $(cat "$WORK/err")"

"$SIEM" run --data "$DATA" --api "127.0.0.1:$API_PORT" --syslog "127.0.0.1:$SYSLOG_PORT" \
  >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
wait_for curl -sf "$API/healthz" || fail "engine did not become healthy"
pass "engine up (API $API_PORT, syslog $SYSLOG_PORT)"

ATTACKER=198.51.100.77
send() {  # send MODE MESSAGE
  local mode=$1; shift
  case $mode in
    tcp)   logger -n 127.0.0.1 -P "$SYSLOG_PORT" -T --rfc3164 -t sshd --id=4242 -p auth.info "$*" ;;
    octet) logger -n 127.0.0.1 -P "$SYSLOG_PORT" -T --octet-count -t sshd --id=4243 -p auth.info "$*" ;;
    udp)   logger -n 127.0.0.1 -P "$SYSLOG_PORT" -d -t sshd --id=4244 -p auth.info "$*" ;;
  esac
}
SENT=()
modes=(tcp octet udp)
for i in $(seq 1 12); do
  user=$([ $((i % 3)) = 0 ] && echo admin || echo root)
  msg="Failed password for $user from $ATTACKER port $((40000 + i)) ssh2"
  send "${modes[$((i % 3))]}" "$msg"
  SENT+=("$msg")
done
send tcp "Accepted password for admin from $ATTACKER port 40999 ssh2"
SENT+=("Accepted password for admin from $ATTACKER port 40999 ssh2")

count_stored() { "$SIEM" stats --data "$DATA" | json 'd["raw_records"]'; }
WAIT_SECONDS=30 wait_for_output 13 count_stored || fail "expected 13 stored records, got $(count_stored)"
pass "13 lines stored (tcp, octet-counted tcp, udp)"

# Unauthenticated: 401 with a JSON error; malformed body: 400.
code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$API/api/v1/incidents")
[ "$code" = 401 ] || fail "unauthenticated GET answered $code"
json 'd["error"]' <"$WORK/body" >/dev/null || fail "401 body is not a JSON error"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' -X POST -d '{"username": "liwei", ' "$API/api/v1/auth/login")
[ "$code" = 400 ] || fail "malformed login answered $code"
json 'd["error"]' <"$WORK/body" >/dev/null || fail "400 body is not a JSON error"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"username":"liwei","password":"wrong-Passw0rd!"}' "$API/api/v1/auth/login")
[ "$code" = 401 ] || fail "wrong password answered $code"
pass "401 unauthenticated, 400 malformed body, 401 wrong password"

TOKEN=$(curl -sf -X POST -d '{"username":"liwei","password":"Handler-Passw0rd!"}' "$API/api/v1/auth/login" | json 'd["token"]')
[ -n "$TOKEN" ] || fail "no token"
AUTH=(-H "Authorization: Bearer $TOKEN")

has_incident() { curl -sf "${AUTH[@]}" "$API/api/v1/incidents" | json 'len(d["items"])' | grep -qx 1; }
WAIT_SECONDS=20 wait_for has_incident || fail "no incident: $(curl -s "${AUTH[@]}" "$API/api/v1/incidents")"
curl -sf "${AUTH[@]}" "$API/api/v1/incidents" >"$WORK/list.json"
[ "$(json 'd["next"]' <"$WORK/list.json")" = None ] || fail "list has a next cursor"
ID=$(json 'd["items"][0]["id"]' <"$WORK/list.json")
curl -sf "${AUTH[@]}" "$API/api/v1/incidents/$ID" >"$WORK/incident.json" || fail "GET incident $ID"
I() { json "$1" <"$WORK/incident.json"; }
[ "$(I 'd["category"]')" = NAI ] || fail "category $(I 'd["category"]')"
[ "$(I 'd["subcategory"]')" = NAI.ONAI ] || fail "subcategory"
[ "$(I '"'$ATTACKER'" in d["cause"]["actors"]')" = True ] || fail "attacker not in cause.actors"
[ "$(I 'd["level"]')" = III ] || fail "level $(I 'd["level"]') (a success after the brute force raises it to III)"
HOSTS=$(I 'sorted({a["host"] for a in d["impact"]["assets"]})')
USERS=$(I 'sorted({a["user"] for a in d["impact"]["assets"]})')
[ "$(I 'all(a["host"] for a in d["impact"]["assets"])')" = True ] || fail "impact asset without host: $HOSTS"
echo "$USERS" | grep -q root || fail "targeted account root not in impact: $USERS"
echo "$USERS" | grep -q admin || fail "targeted account admin not in impact: $USERS"
[ "$(I '"summary" in d["resolution"] and d["resolution"]["summary"] == ""')" = True ] || fail "resolution not present and empty"
[ "$(I 'd["status"]')" = new ] || fail "status"
pass "incident $ID: NAI/NAI.ONAI level III, attacker in cause.actors, host+accounts in impact, empty resolution"

# The alerts that built the incident are stored and listed, each naming the incident.
curl -sf "${AUTH[@]}" "$API/api/v1/alerts?limit=500" >"$WORK/alerts.json" || fail "GET alerts"
NALERTS=$(json 'len(d["items"])' <"$WORK/alerts.json")
[ "$NALERTS" -ge 1 ] || fail "no alerts stored"
[ "$(json 'all(a["incident_id"] == "'"$ID"'" for a in d["items"])' <"$WORK/alerts.json")" = True ] \
  || fail "an alert names another incident: $(cat "$WORK/alerts.json")"
[ "$(json 'sorted(d["alerts"])' <"$WORK/incident.json")" = "$(json 'sorted(a["id"] for a in d["items"])' <"$WORK/alerts.json")" ] \
  || fail "stored alerts differ from the incident's alert list"
pass "$NALERTS alerts stored, the same as the incident lists"

# Every sequence step resolves to its event and its raw record, and the raw line is one sent.
STEPS=$(I 'len(d["sequence"])')
[ "$STEPS" -ge 10 ] || fail "sequence has $STEPS steps"
for k in $(seq 0 $((STEPS - 1))); do
  eref=$(I "d['sequence'][$k]['event_ref']")
  rref=$(I "d['sequence'][$k]['raw_ref']")
  curl -sf "${AUTH[@]}" "$API/api/v1/events/$eref" >"$WORK/ev.json" || fail "event $eref does not resolve"
  [ "$(json 'd["source"]["ip"]' <"$WORK/ev.json")" = "$ATTACKER" ] || fail "event $eref has no source.ip $ATTACKER"
  curl -sf "${AUTH[@]}" "$API/api/v1/raw/$rref" >"$WORK/raw.json" || fail "raw $rref does not resolve"
  raw=$(json 'd["raw"]' <"$WORK/raw.json")
  found=0
  for m in "${SENT[@]}"; do
    case "$raw" in *"$m"*) found=1 ;; esac
  done
  [ $found = 1 ] || fail "raw record $rref is not a line that was sent: $raw"
done
pass "all $STEPS sequence steps resolve to their event and to a raw line sent"

# Event search through the index: the attacker's network and one targeted account.
curl -sf "${AUTH[@]}" "$API/api/v1/events?source.ip=198.51.100.0%2F24&user.name=admin" >"$WORK/search.json" \
  || fail "event search"
[ "$(json 'len(d["items"])' <"$WORK/search.json")" = 5 ] || fail "search for admin from the attacker's /24: $(cat "$WORK/search.json")"
[ "$(json 'all(e["user"]["name"] == "admin" and e["source"]["ip"] == "'$ATTACKER'" for e in d["items"])' <"$WORK/search.json")" = True ] \
  || fail "search returned other events"
[ "$(json 'd["index"]' <"$WORK/search.json")" = user.name ] || fail "search not driven by the user.name index"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' "${AUTH[@]}" "$API/api/v1/events?source.ip=198.51.100.0%2F40")
[ "$code" = 400 ] || fail "bad network answered $code"
pass "event search: 5 events for admin from $ATTACKER/24, 400 on a bad network"

code=$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$API/api/v1/raw/not-a-ref")
[ "$code" = 400 ] || fail "malformed ref answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$API/api/v1/incidents/00000000-0000-0000-0000-000000000000")
[ "$code" = 404 ] || fail "unknown incident answered $code"
curl -sf "$API/metrics" >"$WORK/metrics" || fail "metrics"
grep -qx 'siem_raw_records_total 13' "$WORK/metrics" || fail "metrics raw total: $(grep siem_raw_records_total "$WORK/metrics")"
grep -qx 'siem_incidents_total 1' "$WORK/metrics" || fail "metrics incidents total"
grep -q 'siem_source_received_records_total{source="syslog"' "$WORK/metrics" || fail "per-source metrics"
pass "400 on a malformed ref, 404 on an unknown incident, /metrics totals"

kill -TERM "$ENGINE_PID"
wait "$ENGINE_PID" || fail "engine exited non-zero on SIGTERM"
ENGINE_PID=""
"$SIEM" verify --data "$DATA" >"$WORK/verify.out" || fail "verify: $(cat "$WORK/verify.out")"
grep -q "intact, 13 records" "$WORK/verify.out" || fail "verify output: $(cat "$WORK/verify.out")"
[ "$("$SIEM" stats --data "$DATA" | json 'd["incidents"]')" = 1 ] || fail "stats incidents"
"$SIEM" verify --data "$DATA" --anchor "$DATA/anchors.jsonl" >"$WORK/verify.out" \
  || fail "verify --anchor: $(cat "$WORK/verify.out")"
grep -Eq "intact, 13 records verified, [1-9][0-9]* signed checkpoints, [1-9][0-9]* published anchors" \
  "$WORK/verify.out" || fail "no checkpoint at shutdown: $(cat "$WORK/verify.out")"
pass "clean shutdown, verify intact with signed checkpoints and published anchors, stats"

"$SIEM" events --data "$DATA" "source.ip=$ATTACKER" >"$WORK/events.jsonl" 2>"$WORK/events.err" \
  || fail "siem events: $(cat "$WORK/events.err")"
[ "$(wc -l <"$WORK/events.jsonl")" = 13 ] || fail "siem events source.ip=$ATTACKER: $(wc -l <"$WORK/events.jsonl") lines"
"$SIEM" events --data "$DATA" --limit 2 'user.name=adm*' >"$WORK/events.jsonl" 2>"$WORK/events.err" || fail "siem events --limit"
[ "$(wc -l <"$WORK/events.jsonl")" = 2 ] || fail "siem events --limit 2"
grep -q "continue with --cursor" "$WORK/events.err" || fail "no cursor to continue: $(cat "$WORK/events.err")"
if "$SIEM" events --data "$DATA" "source.ip=not-an-ip" 2>"$WORK/events.err"; then fail "bad condition accepted"; fi
grep -q "not an IP address" "$WORK/events.err" || fail "bad condition error: $(cat "$WORK/events.err")"
pass "siem events: 13 events from the attacker, --limit with a cursor, bad condition named"

# Backup and restore round trip through the CLI: the restored store verifies and exports the
# same evidence; restoring over a store is refused.
"$SIEM" backup --data "$DATA" --to "$WORK/backup" >"$WORK/backup.out" || fail "backup: $(cat "$WORK/backup.out")"
grep -q "default: backup 1, 13 raw records" "$WORK/backup.out" || fail "backup output: $(cat "$WORK/backup.out")"
# The restored copy gets its own copy of the keys (purged below without touching the original).
cp -r "$DATA/keys" "$WORK/keys2"
SIEM_KEY_DIR="$WORK/keys2" "$SIEM" restore --from "$WORK/backup" --data "$WORK/restored" >/dev/null \
  || fail "restore"
SIEM_KEY_DIR="$WORK/keys2" "$SIEM" verify --data "$WORK/restored" --anchor "$DATA/anchors.jsonl" \
  | grep -q "intact, 13 records" || fail "verify after restore"
"$SIEM" raw --data "$DATA" >"$WORK/raw.orig"
SIEM_KEY_DIR="$WORK/keys2" "$SIEM" raw --data "$WORK/restored" >"$WORK/raw.restored"
cmp -s "$WORK/raw.orig" "$WORK/raw.restored" || fail "restored raw export differs"
if SIEM_KEY_DIR="$WORK/keys2" "$SIEM" restore --from "$WORK/backup" --data "$WORK/restored" 2>"$WORK/err"; then
  fail "restore over an existing store succeeded"
fi
grep -q "already holds a store" "$WORK/err" || fail "restore over a store: $(cat "$WORK/err")"
pass "backup, restore into an empty directory, verify and raw export identical"

# Purge the restored copy: certificate printed and kept, signature checks, key and data gone.
if SIEM_KEY_DIR="$WORK/keys2" "$SIEM" purge --data "$WORK/restored" --engagement default \
  --operator "Li Na" 2>/dev/null; then
  fail "purge without --yes succeeded"
fi
SIEM_KEY_DIR="$WORK/keys2" "$SIEM" purge --data "$WORK/restored" --engagement default \
  --operator "Li Na" --yes >"$WORK/cert.json" 2>"$WORK/purge.err" || fail "purge: $(cat "$WORK/purge.err")"
grep -q '"raw_records":13' "$WORK/cert.json" || fail "certificate: $(cat "$WORK/cert.json")"
[ ! -d "$WORK/restored/engagements/default" ] || fail "purged engagement still on disk"
[ ! -f "$WORK/keys2/default.key" ] || fail "purged engagement's key still there"
[ -f "$DATA/keys/default.key" ] || fail "the original's key was touched"
CERT=$(ls "$WORK"/restored/certificates/purge-default-*.json)
"$SIEM" verify --certificate "$CERT" | grep -q "signature valid" || fail "certificate does not verify"
sed 's/"raw_records":13/"raw_records":12/' "$CERT" >"$WORK/forged.json"
if "$SIEM" verify --certificate "$WORK/forged.json" >/dev/null; then
  fail "an altered certificate verified"
fi
pass "purge: key and data destroyed, signed certificate verifies, altered one does not"
