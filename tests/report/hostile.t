#!/usr/bin/env bash
# Names chosen to attack the reader (fixtures/hostile.txt: OSC 0/52, ESC[2J,
# a C1 CSI, U+202E, invalid UTF-8, ';' and a newline in function, file,
# thread and DSO names): every text output shows them escaped (esc.h), JSON
# stays valid UTF-8 and gives the names back, error messages escape what they
# quote.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"
need python3 "apt-get install python3"

fixture hostile
esc=$'\e'

golden hostile.stdio hostile --stdio --no-python
golden hostile.folded hostile --folded --no-python
golden hostile.folded-python hostile --folded --python
# the filter echo quotes what was asked for (not through golden: its test
# name would carry the raw sequences to the terminal running the tests)
for bin in "$PYTOP" "$PYTOP_SAN"; do
	got=$("$bin" report -i "$T/hostile.data" --stdio --no-python -g none --comm $'ev\e]0;OWNED\ail' \
		--dso $'pr\e[2Jog' 2>&1)
	check_eq "filter echo escapes the names asked for ($(basename "$bin"))" "$got" \
		"$(cat "$F/hostile.filter.out")"
done

for bin in "$PYTOP" "$PYTOP_SAN"; do
	b=$(basename "$(dirname "$bin")")/$(basename "$bin")
	for args in "--stdio" "--stdio --hierarchy" "--stdio -G" "--folded" "--stdio --python"; do
		# shellcheck disable=SC2086
		"$bin" report -i "$T/hostile.data" $args >"$T/out" 2>"$T/err"
		if LC_ALL=C grep -q "[$esc"$'\x07\x9b\xff]' "$T/out"; then
			not_ok "$args: no raw control or invalid byte ($b)" "$(grep -c "$esc" "$T/out") lines with ESC"
		else ok "$args: no raw control or invalid byte ($b)"; fi
	done
	"$bin" report -i "$T/hostile.data" --format json --no-python >"$T/h.json" 2>"$T/err"
	check "json: valid UTF-8, names given back ($b)" python3 - "$T/h.json" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
d = json.loads(raw.decode("utf-8", "strict"))
assert json.loads(json.dumps(d)) == d
assert d["header"]["cmdline"] == "python3 \x1b]0;TITLE\x07x.py", d["header"]
e = {x["sym"]: x for x in d["entries"]}
for x in d["entries"]:
    assert x["comm"] == "ev\x1b]0;OWNED\x07il", x
assert e["main"]["dso"] == "pr\x1b[2Jog", e["main"]
clip = "py::clip\x1b]52;c;aGk=\x07:/app/\u202egnp.py"
assert clip in e, list(e)
assert e["csi\u009b31m"]["dso"] == "libc\\x9b.so", e["csi\u009b31m"]
# an invalid byte becomes the text the other outputs show
assert "bad\\xff\\xfename" in e and "nl\nline" in e and "semi;colon" in e, list(e)
names = set()
def walk(n):
    names.add(n["name"])
    for k in n["children"]:
        walk(k)
walk(e["main"]["callgraph"])
assert clip in names and "bad\\xff\\xfename" in names, names
PY
done

# error messages escape the names and paths they quote
"$PYTOP" report -i $'/nonexistent/\e]0;T\a.data' --stdio >"$T/out" 2>"$T/err"
check_eq "missing file: the error escapes the path" "$(cat "$T/err")" \
	'pytop: /nonexistent/\x1b]0;T\x07.data: cannot open: No such file or directory'
"$PYTOP" report -i "$T/hostile.data" --stdio --symbol-filter $'(\e[2J' >"$T/out" 2>"$T/err"
check_eq "bad regex: the error escapes it" "$(cat "$T/err")" \
	"pytop: report: --symbol-filter: bad regular expression '(\\x1b[2J': Unmatched [, [^, [:, [., or [="
if grep -q "$esc" "$T/err"; then not_ok "errors: no raw ESC" "$(cat -A "$T/err")"; else ok "errors: no raw ESC"; fi

done_testing
