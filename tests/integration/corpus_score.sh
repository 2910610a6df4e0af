#!/usr/bin/env bash
# Field agreement with the ground truth others wrote (../shared/corpus: Elastic, Sekoia, Wazuh)
# for the vendor sets our parsers cover. Read in place; skipped (77) when absent.
SIEM=$1
SRC=$2
source "$(dirname "$0")/lib.sh"

SHARED=$SRC/../shared
if [ ! -x "$SHARED/tools/score-parsers" ] || [ ! -d "$SHARED/corpus" ]; then
  echo "skip: $SHARED/corpus or its scorer is absent"
  exit 77
fi
"$SHARED/tools/score-parsers" "$SHARED/corpus" -- "$SIEM" normalize --format auto >"$WORK/score" 2>&1 \
  || fail "scorer failed: $(tail -5 "$WORK/score")"
tail -1 "$WORK/score"
# floor per vendor set (percent of core fields agreeing)
check() {
  local set=$1 floor=$2
  local pct
  pct=$(awk -v s="$set" '$2 == s {gsub("%", "", $NF); print $NF}' "$WORK/score")
  [ -n "$pct" ] || fail "vendor set $set missing from the scorer output"
  awk -v p="$pct" -v f="$floor" 'BEGIN { exit !(p >= f) }' || fail "$set: $pct% < $floor%"
  echo "ok: $set $pct% (floor $floor%)"
}
check OpenSSH__openssh 90
check Suricata__suricata 90
check Fortinet__fortigate 90
check system__syslog 90
check syslog/syslog 90
check system__auth 80
