#!/usr/bin/env bash
# Deep stacks (issue 11 item 6): a chain of 8000 distinct frames used to
# print every entry's whole chain (672 MB of --stdio from a 134 KB file:
# quadratic in the depth).
# Graphs now stop CALLGRAPH_MAX_DEPTH (128) frames below their entry with a
# marker, so output grows linearly with the file; --max-stack N keeps the
# innermost N frames of each stack, under [truncated].
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"
need python3 "apt-get install python3"

# one sample, frames f0 (root) .. f1999 (leaf), all distinct (2000 deep
# keeps the test quick under ASan; the 8000-deep case is in bench/deep.sh)
N=2000
python3 -c "print('meta event cpu-clock\nmeta freq 1000\nsample deep 1/1 1 : ' +
	';'.join('f%d@/lib/libdeep.so' % i for i in range($N)))" >"$T/deep.txt"
"$MKFIXTURE" -o "$T/deep.data" "$T/deep.txt" || not_ok "fixture deep" "mkfixture failed"

golden deep.max-stack deep --stdio --max-stack 3

for bin in "$PYTOP" "$PYTOP_SAN"; do
	b=$(basename "$(dirname "$bin")")/$(basename "$bin")
	"$bin" report -i "$T/deep.data" --stdio >"$T/out" 2>"$T/err"
	check_eq "stdio: exit 0 ($b)" "$?" 0
	# N entries; each graph at most 128 frames, the marker and the glyphs
	lines=$(wc -l <"$T/out")
	if [ "$lines" -le $((N * (128 + 6) + 50)) ]; then ok "stdio: $lines lines, linear in depth ($b)"
	else not_ok "stdio: linear in depth ($b)" "$lines lines for $N frames"; fi
	# f0's graph: its 127 callees f1..f127 on the chain, then the marker
	got=$(awk '/\[\.\] f0$/ { on = 1; next } on && /^$/ { exit } on' "$T/out" | sed -n '2p;3p;129p;130p')
	check_eq "stdio: f0's chain stops at 128 frames with a marker ($b)" "$got" \
"            ---f0
               f1
               f127
               [... deeper frames not shown: see --max-stack]"
	"$bin" report -i "$T/deep.data" --format json >"$T/deep.json" 2>"$T/err"
	check "json: valid, graphs at most 128 frames deep, cut marked ($b)" python3 - "$T/deep.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["entries"]) == 2000, len(d["entries"])
deepest = 0
for e in d["entries"]:
    n, k = e["callgraph"], 0
    while n["children"]:
        assert len(n["children"]) == 1, n
        n, k = n["children"][0], k + 1
    deepest = max(deepest, k)
    if e["sym"] == "f0":
        assert k == 128 and n.get("cut") is True and n["name"] == "f127", (k, n)
assert deepest == 128, deepest
PY
done
# --max-stack applies to every output
check_eq "folded --max-stack 2" "$("$PYTOP" report -i "$T/deep.data" --folded --max-stack 2)" \
	"deep;[truncated];f1998;f1999 1"
"$PYTOP" report -i "$T/deep.data" --stdio --max-stack 0 >/dev/null 2>"$T/err"
check_eq "--max-stack 0: usage error" "$?" 2
check_eq "--max-stack 0: says why" "$(cat "$T/err")" \
	"pytop: report: --max-stack: '0' is not a frame count (1 or more)"

done_testing
