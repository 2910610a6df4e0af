#!/usr/bin/env bash
# The CLI contract of ARCHITECTURE.md: help for every command, normalize's one-object-per-line
# promise for any input, replay and rules check output, config errors naming the key.
SIEM=$1
SRC=$2
source "$(dirname "$0")/lib.sh"

for c in run normalize replay "rules check" formats raw stats verify backup restore purge hold "user add" version; do
  # shellcheck disable=SC2086
  "$SIEM" $c --help >"$WORK/help" || fail "siem $c --help failed"
  grep -q "usage: siem" "$WORK/help" || fail "siem $c --help prints no usage"
done
pass "--help for every command"

"$SIEM" version | grep -q "simdjson kernel: " || fail "version names no simdjson kernel"
"$SIEM" version | grep "simdjson kernel" | grep -qv fallback || fail "simdjson uses the fallback kernel"
pass "version: $("$SIEM" version | grep kernel)"

# One JSON object per input line, in order, for any bytes.
python3 - "$WORK/mixed.in" <<'PY'
import sys
lines = [
    b"<34>Oct 11 22:14:15 host1 sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2",
    b"",
    b"\xff\xfe garbage \x00 with NUL",
    b'{"timestamp":"2026-11-26T09:10:01.000000+0000","event_type":"alert","src_ip":"1.2.3.4"}{"x":1}',
    b'{"truncated": ',
    b"\xc4\xe3\xba\xc3 GBK bytes",
    b"x" * (1 << 20),
    b"date=2026-11-26 time=10:00:00 devname=FGT logid=0000000013 srcip=10.1.1.1 dstip=10.1.1.2 srcport=abc",
    b"last line without newline",
]
with open(sys.argv[1], "wb") as f:
    f.write(b"\n".join(lines))
PY
"$SIEM" normalize --format auto "$WORK/mixed.in" >"$WORK/mixed.out" || fail "normalize failed"
python3 - "$WORK/mixed.in" "$WORK/mixed.out" <<'PY' || fail "normalize output"
import json, sys
inp = open(sys.argv[1], "rb").read().split(b"\n")
out = open(sys.argv[2], "rb").read().decode("utf-8").split("\n")
assert out[-1] == "", "output does not end with a newline"
out = out[:-1]
assert len(out) == len(inp), f"{len(out)} objects for {len(inp)} lines"
docs = [json.loads(l) for l in out]
assert all(isinstance(d, dict) for d in docs)
assert docs[0]["source"]["ip"] == "10.0.0.1", docs[0]
for i in (1, 2, 4, 8):
    assert docs[i]["event"]["kind"] == "unparsed", (i, docs[i])
    assert "original" in docs[i]["event"], (i, docs[i])
assert docs[8]["event"]["original"] == "last line without newline"
PY
pass "normalize: one JSON object per line, in order, unparsed lines keep their text"
printf 'a\nb\n' | "$SIEM" normalize | wc -l | grep -qx 2 || fail "normalize from stdin"
# A FILE is read through a memory mapping, stdin through read(): both give the same output,
# also for CRLF lines and for a last line that ends exactly at a page boundary (a JSON record
# there has no readable bytes after it, so it is parsed from a padded copy).
python3 - "$WORK/edge.in" <<'PY'
import sys
head = b"<34>Oct 11 22:14:15 host1 sshd[1]: Failed password for root from 10.0.0.2 port 22 ssh2\r\n\r\n"
tail = b'{"timestamp":"2026-11-26T09:10:01.000000+0000","event_type":"alert","src_ip":"1.2.3.4","x":"'
end = b'"}'
pad = 8192 - len(head) - len(tail) - len(end)
with open(sys.argv[1], "wb") as f:
    f.write(head + tail + b"y" * pad + end)
PY
[ "$(stat -c %s "$WORK/edge.in")" = 8192 ] || fail "edge.in is not 8192 bytes"
for f in mixed edge; do
  "$SIEM" normalize "$WORK/$f.in" >"$WORK/$f.mapped" || fail "normalize $f.in"
  "$SIEM" normalize <"$WORK/$f.in" >"$WORK/$f.read" || fail "normalize < $f.in"
  # (Unparsed lines are stamped with their receive time, which differs between the runs.)
  python3 - "$WORK/$f.mapped" "$WORK/$f.read" <<'PY' || fail "normalize $f.in: FILE and stdin differ"
import json, sys
def docs(path):
    out = [json.loads(l) for l in open(path, encoding="utf-8")]
    for d in out:
        if d["event"]["kind"] == "unparsed":
            del d["@timestamp"]
    return out
a, b = docs(sys.argv[1]), docs(sys.argv[2])
assert a == b, next((x, y) for x, y in zip(a, b) if x != y) if len(a) == len(b) else (len(a), len(b))
PY
done
[ "$(wc -l <"$WORK/edge.mapped")" = 3 ] || fail "edge.in: $(wc -l <"$WORK/edge.mapped") objects for 3 lines"
sed -n 3p "$WORK/edge.mapped" | json 'd["source"]["ip"]' | grep -qx 1.2.3.4 \
  || fail "edge.in: the record at the page boundary: $(tail -c 300 "$WORK/edge.mapped")"
pass "normalize: a FILE (mapped) and stdin give the same output"
"$SIEM" normalize "$WORK/mixed.in" >/dev/null 2>"$WORK/plain.err" || fail "normalize mixed.in"
[ ! -s "$WORK/plain.err" ] || fail "normalize without --stats wrote to stderr: $(head -3 "$WORK/plain.err")"
"$SIEM" normalize --stats "$WORK/mixed.in" >"$WORK/stats.out" 2>"$WORK/stats.err" \
  || fail "normalize --stats"
[ "$(wc -l <"$WORK/stats.out")" = 9 ] || fail "normalize --stats: $(wc -l <"$WORK/stats.out") objects for 9 lines"
for want in '^siem normalize: 9 lines in [0-9.]+ s \([0-9,]+ lines/s\), 2 parsed, 7 unparsed$' \
  '^  unparsed +4  unrecognized format$' '^  unparsed +2  invalid JSON: unbalanced structure' \
  '^  unparsed +1  empty line$' '^  parsed +1  openssh.sshd$' '^  parsed +1  fortinet.fortigate$'; do
  grep -qE "$want" "$WORK/stats.err" || fail "normalize --stats: no line like '$want' in: $(cat "$WORK/stats.err")"
done
# mixed.in's invalid UTF-8: the garbage line and the GBK line.
grep -qE '^  2 lines held invalid UTF-8' "$WORK/stats.err" \
  || fail "normalize --stats: no invalid-UTF-8 count in: $(cat "$WORK/stats.err")"
[ "$(wc -l <"$WORK/stats.err")" = 7 ] || fail "normalize --stats: $(cat "$WORK/stats.err")"
pass "normalize --stats: lines, parsed per dataset, unparsed per reason"

"$SIEM" replay --rules builtin "$SRC/samples/sshd-auth.log" >"$WORK/replay.out" || fail "replay"
python3 - "$WORK/replay.out" <<'PY' || fail "replay output: $(head -c 600 "$WORK/replay.out")"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
alerts = [d for d in docs if d["type"] == "alert"]
incs = [d for d in docs if d["type"] == "incident"]
assert len(incs) == 1, incs
assert alerts and all(a["rule"]["id"] for a in alerts)
inc = incs[0]
assert inc["category"] == "NAI" and inc["level"] == "III", inc
assert "203.0.113.45" in inc["cause"]["actors"]
PY
pass "replay: alerts and one level-III incident from the sample brute force"

mkdir -p "$WORK/rules"
cat >"$WORK/rules/ok.yml" <<'YML'
rules:
  - id: siem.builtin.ssh_bruteforce
    type: builtin/ssh_bruteforce
    title: SSH brute force
    threshold: 5
    window: 30s
YML
cat >"$WORK/rules/bad.yml" <<'YML'
rules:
  - id: broken
    type: builtin/ssh_bruteforce
    tresholt: 5
YML
set +e
"$SIEM" rules check "$WORK/rules" >"$WORK/rules.out"
rc=$?
set -e
[ $rc = 1 ] || fail "rules check with an error exited $rc"
tail -1 "$WORK/rules.out" | grep -Eq '^1 compiled, 0 unsupported, 1 errors$' || fail "rules check: $(cat "$WORK/rules.out")"
grep -q tresholt "$WORK/rules.out" || fail "rules check does not name the bad key"
pass "rules check: per-rule status and summary line"

# refused_config NAME YAML MESSAGE: `siem run` refuses the config with exit status 2 and an
# error that contains MESSAGE (fixed string).
refused_config() {
  printf '%b' "$2" >"$WORK/$1.yml"
  set +e
  timeout 20 "$SIEM" run --config "$WORK/$1.yml" 2>"$WORK/err"
  local rc=$?
  set -e
  [ $rc = 2 ] || fail "$1: config exited $rc"
  grep -qF -- "$3" "$WORK/err" || fail "$1: error does not say \"$3\": $(cat "$WORK/err")"
}
refused_config unknown 'data: /tmp/x\napi: {listen: "127.0.0.1:0", lissen: 1}\n' "api.lissen"
refused_config duplicate 'data: /tmp/x\ndata: /tmp/y\n' "duplicate"
refused_config priority 'data: /tmp/x\npipeline: {processing_priority: low}\n' \
  "'pipeline.processing_priority': 'low' is not normal or background"
refused_config cipher 'data: /tmp/x\nstore: {encryption: rot13}\n' \
  "'store.encryption': 'rot13' is not none, aes-256-ctr or sm4-ctr"
pass "config errors name the key (unknown key, duplicate key, bad priority, bad cipher)"

# Character sets: a GBK source is converted before parsing; the ledger keeps the original
# bytes, and the raw export carries them exactly (raw_base64) since JSON text cannot.
printf '<13>Nov 26 09:00:00 fw01 app: \xb9\xa5\xbb\xf7\xc0\xe0\xd0\xcd\n' >"$WORK/gbk.log"
"$SIEM" normalize --encoding gbk "$WORK/gbk.log" | json 'd["message"]' | grep -qx '攻击类型' \
  || fail "normalize --encoding gbk: $("$SIEM" normalize --encoding gbk "$WORK/gbk.log")"
cat >"$WORK/gbk.yml" <<YML
data: $WORK/gbkdata
api: {listen: "127.0.0.1:0"}
sources:
  - {name: cnfw, type: file, path: $WORK/gbk.log, follow: false, encoding: gbk}
YML
"$SIEM" run --config "$WORK/gbk.yml" --once 2>"$WORK/gbk.err" || fail "run with a gbk source: $(tail -3 "$WORK/gbk.err")"
"$SIEM" raw --data "$WORK/gbkdata" | python3 -c '
import base64, json, sys
rec = json.loads(sys.stdin.readline())
want = open(sys.argv[1], "rb").read().rstrip(b"\n")
assert base64.b64decode(rec["raw_base64"]) == want, rec
' "$WORK/gbk.log" || fail "raw export does not carry the original GBK bytes"
# --once reads files to their end even where they would be followed, and is not held up by a
# listener that never finishes.
printf 'once line %s\n' 1 2 3 >"$WORK/once.log"
cat >"$WORK/once.yml" <<YML
data: $WORK/oncedata
api: {listen: "127.0.0.1:0"}
sources:
  - {name: tail, type: file, path: $WORK/once.log}
  - {name: udp, type: syslog, listen: "127.0.0.1:0", protocol: udp}
YML
timeout 60 "$SIEM" run --config "$WORK/once.yml" --once 2>"$WORK/once.err" \
  || fail "--once with a followed file and a listener did not finish: $(tail -3 "$WORK/once.err")"
[ "$("$SIEM" raw --data "$WORK/oncedata" \
    | python3 -c 'import json,sys; print(",".join(json.loads(l)["raw"] for l in sys.stdin))')" \
  = "once line 1,once line 2,once line 3" ] \
  || fail "--once did not store the file: $("$SIEM" raw --data "$WORK/oncedata")"
pass "--once reads a followed file to its end and does not wait for a listener"
printf 'data: /tmp/x\nsources:\n  - {name: a, type: stdin, encoding: ebcdic}\n' >"$WORK/enc.yml"
set +e
"$SIEM" run --config "$WORK/enc.yml" 2>"$WORK/err"
set -e
grep -q "sources\[a\].encoding" "$WORK/err" || fail "bad encoding not reported by key: $(cat "$WORK/err")"
pass "encoding: gbk converted for parsing, original bytes kept and exported exactly"
