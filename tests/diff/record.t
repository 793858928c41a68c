#!/usr/bin/env bash
# pytop diff on two real recordings of one program before and after a change
# that doubles one function's work (tests/workloads/diffwork.py): the changed
# function's Delta is positive, its unchanged sibling's negative, each within
# 5 points of the shift the workload measured itself (CPU time per function);
# the function the change removed shows gone; a recording against itself
# shows no change.  CPython 3.12 with the perf trampoline, -g dwarf.
# Children weights: a function's time with what it calls (the workload's
# own measurement is inclusive too).
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
need python3 "apt-get install python3"
cp "$ROOT/tests/workloads/diffwork.py" .

for v in before after; do
	WORKLOAD_FUNC_TIMES=$PWD/$v.cpu "$PYTOP" record -g dwarf --python "$PY312" -o $v.data \
		diffwork.py $v 3000000 >$v.out 2>$v.err
	check_eq "record $v: exit 0" "$?" 0
done

"$PYTOP_SAN" diff --stdio --children before.data after.data >diff.out 2>diff.err
check_eq "diff: exit 0" "$?" 0
check_grep "changed grew: a + Delta" '^ +[0-9.]+% +\+[0-9.]+% +\[\.\] changed \(diffwork\.py\)$' diff.out
check_grep "sibling shrank: a - Delta" '^ +[0-9.]+% +-[0-9.]+% +\[\.\] sibling \(diffwork\.py\)$' diff.out
check_grep "removed is gone" '^ +[0-9.]+% +gone +\[\.\] removed \(diffwork\.py\)$' diff.out
check_grep "header: both command lines" '^#   Command line: .*diffwork\.py before 3000000$' diff.out
check_grep "header: the class split" '^# Classes: .*python [0-9.]+% -> [0-9.]+%' diff.out

# the deltas against the workload's own measurement
"$PYTOP" diff --format json --children before.data after.data >diff.json
python3 - before.cpu after.cpu diff.json >check.out 2>&1 <<'PY'
import json, sys
def shares(path):
    t = dict((l.split()[0], float(l.split()[1])) for l in open(path))
    return {k: 100.0 * v / t["total"] for k, v in t.items() if k != "total"}
b, a = shares(sys.argv[1]), shares(sys.argv[2])
e = {x["sym"]: x for x in json.load(open(sys.argv[3]))["entries"]}
for f in ("changed", "sibling"):
    want = a[f] - b[f]
    got = e["%s (diffwork.py)" % f]["delta"]
    print("%s %.2f %.2f" % (f, got, want))
print("removed %s" % e["removed (diffwork.py)"]["state"])
PY
while read -r f got want; do
	case $f in
	removed) check_eq "JSON: removed is gone" "$got" gone ;;
	*) if awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; exit !(d <= 5 && d >= -5) }'; then
		ok "$f: Delta $got within 5 points of the measured $want"
	   else not_ok "$f: Delta within 5 points of the measured shift" "profile $got, workload $want"; fi ;;
	esac
done <check.out
[ "$(wc -l <check.out)" -eq 3 ] || not_ok "the JSON check ran" "$(cat check.out)"
awk '$1 == "changed" { exit !($2 > 10) }' check.out && ok "changed: Delta over +10 points" ||
	not_ok "changed: Delta over +10 points" "$(cat check.out)"
awk '$1 == "sibling" { exit !($2 < -5) }' check.out && ok "sibling: Delta under -5 points" ||
	not_ok "sibling: Delta under -5 points" "$(cat check.out)"

# the differential flame graph: changed red, sibling blue
"$PYTOP" diff --svg diff.svg --children before.data after.data
check_grep "--svg: changed grew, red" 'data-n="changed \(diffwork\.py\)".*fill="#ff[0-9a-f]{4}"' diff.svg
check_grep "--svg: sibling shrank, blue" 'data-n="sibling \(diffwork\.py\)".*fill="#[0-9a-f]{4}ff"' diff.svg

# a recording against itself: nothing moved
"$PYTOP" diff --stdio after.data after.data >self.out
awk '/^#/ || !NF { next } { n++ } $2 != "0.00%" { bad++ } END { exit !(n > 5 && bad == 0) }' self.out &&
	ok "itself: every Delta 0.00%" || not_ok "itself: every Delta 0.00%" "$(head -30 self.out)"
done_testing
