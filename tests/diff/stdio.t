#!/usr/bin/env bash
# pytop diff on hand-made fixtures (tests/diff/fixtures): the perf diff
# layout, new/gone entries, matching by name across runs (never by address,
# DSO by basename), --ratio, the note on different events, JSON, a profile
# against itself, and the errors.  Expected text: tests/diff/fixtures/*.out
# (REGEN_GOLDEN=1 rewrites them; check them by eye against the comments in
# before.txt and after.txt).
source "$ROOT/tests/lib.sh"
F=$ROOT/tests/diff/fixtures
for f in before after other; do
	"$MKFIXTURE" -o "$T/$f.data" "$F/$f.txt" || not_ok "fixture $f" "mkfixture failed"
done
cd "$T" || exit 1

golden() { # golden CASE ARGS...: `pytop diff ARGS` (both builds) prints CASE.out
	local case=$1 bin got rc
	shift
	[ -n "${REGEN_GOLDEN:-}" ] && "$PYTOP" diff "$@" >"$F/$case.out"
	for bin in "$PYTOP" "$PYTOP_SAN"; do
		got=$("$bin" diff "$@" 2>"$T/stderr")
		rc=$?
		if [ $rc -ne 0 ]; then
			not_ok "$case ($bin): exit 0" "exit status $rc" "$(head -5 "$T/stderr")"
			continue
		fi
		check_eq "$case ($(basename "$(dirname "$bin")")/$(basename "$bin")): $*" "$got" "$(cat "$F/$case.out")"
	done
}

# compute 30% -> 40%, parse 40% -> 30%, pow 10% -> 20% (libm.so.6 moved to
# /opt/lib: still one entry), cleanup gone, report new
golden default --stdio before.data after.data
golden ratio --stdio --ratio --sort dso,sym --no-python before.data after.data
golden limit --stdio --percent-limit 15 before.data after.data
golden other --stdio --ratio before.data other.data

# not a terminal: the text, saying so on stderr
got=$("$PYTOP" diff before.data after.data 2>"$T/err" </dev/null | cat)
check_eq "no terminal: diff prints the --stdio text" "$got" "$(cat "$F/default.out")"
check_grep "and says why on stderr" 'not a terminal; printing --stdio output' "$T/err"

# a profile against itself: every Delta 0.00%, nothing new or gone
"$PYTOP" diff --stdio after.data after.data >self.out
awk '/^#/ || !NF { next } { n++ } $2 != "0.00%" { bad++ } END { exit !(n == 5 && bad == 0) }' self.out &&
	ok "itself: 5 entries, all deltas 0.00%" || not_ok "itself: all deltas 0.00%" "$(cat self.out)"
"$PYTOP" diff --format json --ratio after.data after.data >self.json
check "itself (JSON): every delta 0, every ratio 1, every state both" python3 -c '
import json, sys
d = json.load(open("self.json"))
assert len(d["entries"]) == 5, d["entries"]
for e in d["entries"]:
    assert e["delta"] == 0 and e["ratio"] == 1 and e["state"] == "both", e
'

# JSON: the fields, round trip against the text
"$PYTOP_SAN" diff --format json --ratio before.data after.data >d.json 2>err
check "JSON parses and says what the text says" python3 -c '
import json
d = json.load(open("d.json"))
b, a = d["before"], d["after"]
assert (b["file"], a["file"]) == ("before.data", "after.data"), (b, a)
assert b["cmdline"].endswith("--old") and a["cmdline"].endswith("--new")
assert (b["samples"], a["samples"]) == (100, 200)
assert (b["duration_ns"], a["duration_ns"]) == (10**9, 2 * 10**9)
assert d["view"] == "python" and d["keys"] == ["sym"] and d["ratio"] == "shares"
assert [c["class"] for c in d["classes"]] == ["python", "native"], d["classes"]
assert abs(d["classes"][0]["before"] - 80) < 1e-9 and abs(d["classes"][0]["after"] - 75) < 1e-9
e = {x["sym"]: x for x in d["entries"]}
assert [x["sym"] for x in d["entries"]][:2] == ["compute (app.py)", "parse (app.py)"]
assert e["compute (app.py)"]["delta"] == 10 and e["compute (app.py)"]["baseline"] == 30
assert e["compute (app.py)"]["weight_before"] == 30 and e["compute (app.py)"]["weight_after"] == 80
assert abs(e["compute (app.py)"]["ratio"] - 4 / 3) < 1e-6
assert e["parse (app.py)"]["delta"] == -10
assert e["pow"]["state"] == "both" and e["pow"]["delta"] == 10 and e["pow"]["kind"] == "native"
assert e["compute (app.py)"]["kind"] == "python"
assert e["cleanup (app.py)"]["state"] == "gone" and e["cleanup (app.py)"]["after"] == 0
assert "ratio" not in e["cleanup (app.py)"]
assert e["report (app.py)"]["state"] == "new" and e["report (app.py)"]["after"] == 5
assert d["notes"] == []
'
"$PYTOP" diff --format json before.data other.data >o.json
check "JSON: the notes" python3 -c '
import json
n = json.load(open("o.json"))["notes"]
assert len(n) == 2 and "task-clock" in n[0] and "99 Hz" in n[1], n
'

# an empty profile: no entries, no crash; against a full one: all new
"$MKFIXTURE" -o empty.data "$ROOT/tests/report/fixtures/empty.txt"
"$PYTOP_SAN" diff --stdio empty.data empty.data >empty.out 2>&1
check_grep "empty against empty: says no entries" '^# no entries$' empty.out
"$PYTOP_SAN" diff --stdio empty.data after.data >empty2.out 2>&1
check_eq "empty against after: every entry new" "$(grep -vc '^#' empty2.out) $(grep -c '^ *new ' empty2.out)" "5 5"

# errors: the reader's one line, usage errors
errcase() { # errcase NAME WANT-STATUS WANT-STDERR-RE ARGS...
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$PYTOP_SAN" diff "$@" >out 2>err </dev/null
	rc=$?
	if [ $rc -eq "$want" ] && [ "$(wc -l <err)" -eq 1 ] && grep -Eq -- "$re" err && [ ! -s out ]; then
		ok "$name: exit $want, one line"
	else
		not_ok "$name: exit $want, one line /$re/" "exit $rc" "$(cat err out | head -5)"
	fi
}
head -c 100 after.data >corrupt.data
errcase "missing file" 1 '^pytop: nosuch\.data: ' before.data nosuch.data
errcase "corrupt file" 1 '^pytop: corrupt\.data: .*corrupt' corrupt.data after.data
errcase "one file" 2 '^pytop: diff: give two profiles' before.data
errcase "three files" 2 "^pytop: diff: unexpected argument 'x'" before.data after.data x
errcase "unknown option" 2 "^pytop: diff: unknown option '--bogus'" --bogus before.data after.data
errcase "bad sort key" 2 '^pytop: diff: --sort: ' --sort nope before.data after.data
errcase "hierarchy" 2 '^pytop: diff: --hierarchy: ' --hierarchy before.data after.data
errcase "absolute without ratio" 2 '^pytop: diff: --absolute: ' --absolute before.data after.data
errcase "bad regex" 2 '^pytop: diff: ' --symbol-filter '(' before.data after.data
check_grep "pytop --help lists diff" '^  diff ' <("$PYTOP" --help)
"$PYTOP" diff --help >help.out
check_grep "diff --help: the diff options" '^      --ratio ' help.out
check_grep "diff --help: the query options" '^  -s, --sort KEYS' help.out

# names from the profiles (entries, notes that quote events) never reach the
# terminal raw
"$MKFIXTURE" -o hostile.data "$ROOT/tests/report/fixtures/hostile.txt"
"$PYTOP" diff --stdio --no-python hostile.data hostile.data >hostile.out 2>&1
if LC_ALL=C grep -q $'[\e\x07\x9b\xff]' hostile.out; then
	not_ok "diff --stdio: no raw control or invalid byte from hostile names" "$(LC_ALL=C grep -c $'\e' hostile.out) lines with ESC"
else ok "diff --stdio: no raw control or invalid byte from hostile names"; fi

done_testing
