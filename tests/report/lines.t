#!/usr/bin/env bash
# Frame lines (pytop-data(5) 1.2, report --lines) on fixtures/lines.txt:
# one function hot on two lines 2:1.  By default a function is one entry,
# exactly the report of the same profile recorded without lines; --lines
# splits entries, call-graph nodes, --folded stacks and JSON's "line".
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

fixture lines
sed -E 's/(py::[^;:]*:[^;:]*):[0-9]+/\1/g' "$F/lines.txt" >"$T/nolines.txt"
"$MKFIXTURE" -o "$T/nolines.data" "$T/nolines.txt" || not_ok "nolines fixture" "mkfixture failed"
minor() { head -c 12 "$1" | tail -c 4 | od -An -tx1 | tr -d ' '; }
check_eq "a profile with frame lines is 1.2" "$(minor "$T/lines.data")" "01000200"
check_eq "the same profile without lines is 1.0" "$(minor "$T/nolines.data")" "01000000"
check_eq "mkfixture --dump shows the lines" "$("$MKFIXTURE" --dump "$T/lines.data" | grep -c ' line=')" 5

golden lines.default lines --stdio
golden lines.lines lines --stdio --lines
check_eq "by function: the report of the profile without lines" \
	"$("$PYTOP" report -i "$T/lines.data" --stdio)" "$("$PYTOP" report -i "$T/nolines.data" --stdio)"
check_eq "--lines on a profile without lines: the plain report" \
	"$("$PYTOP" report -i "$T/nolines.data" --stdio --lines)" "$("$PYTOP" report -i "$T/nolines.data" --stdio)"

check_eq "--folded --lines: func (file:line)" "$("$PYTOP" report -i "$T/lines.data" --folded --lines)" \
"python3;<module> (lines.py:20);tally (lines.py:12) 2
python3;<module> (lines.py:20);tally (lines.py:8) 4
python3;<module> (lines.py:21);other (lines.py:30) 2"
check_eq "--folded: by function" "$("$PYTOP" report -i "$T/lines.data" --folded)" \
"python3;<module> (lines.py);other (lines.py) 2
python3;<module> (lines.py);tally (lines.py) 6"

"$PYTOP" report -i "$T/lines.data" --format json --lines >"$T/l.json"
"$PYTOP" report -i "$T/lines.data" --format json >"$T/f.json"
python3 - "$T/l.json" "$T/f.json" >"$T/json.out" 2>&1 <<'PY'
import json, sys
l, f = (json.load(open(a)) for a in sys.argv[1:3])
got = sorted((e["function"], e["line"], e["self_weight"]) for e in l["entries"] if e["function"] == "tally")
assert got == [("tally", 8, 4), ("tally", 12, 2)], got
got = [(e["function"], e["line"], e["self_weight"]) for e in f["entries"] if e["function"] == "tally"]
assert got == [("tally", None, 6)], got
print("ok")
PY
check_eq "JSON: line 8 and 12 under --lines (4:2), null by function (6)" "$(cat "$T/json.out")" ok

"$PYTOP" report -i "$T/lines.data" --stdio --lines --symbol-filter 'lines.py:8' >"$T/filter.out" 2>&1
check_grep "--symbol-filter matches a line's display name (line 8 only: 4 of 8)" 'Kept samples: 4 of 8 ' "$T/filter.out"
done_testing
