#!/usr/bin/env bash
# pytop diff reads perf.data too (cli_load_profile): two perf recordings of
# one native workload compare entry by entry, and a perf.data against a
# pytop.data of the same program matches its functions by name.
source "$ROOT/tests/lib.sh"
need perf "apt-get install linux-perf"
H=$WORKLOADS/heavy
[ -x "$H" ] || { not_ok "workload heavy" "run 'make tests-build'"; done_testing; exit 1; }

perf record -q -g -F 999 -o p1.data -- "$H" >/dev/null 2>&1
check_eq "perf record 1: exit 0" "$?" 0
perf record -q -g -F 999 -o p2.data -- "$H" >/dev/null 2>&1
check_eq "perf record 2: exit 0" "$?" 0
"$PYTOP" record -q -g fp -F 999 -o py.data -- "$H" >/dev/null 2>&1
check_eq "pytop record: exit 0" "$?" 0

"$PYTOP_SAN" diff --stdio --no-python p1.data p2.data >d.out 2>d.err
check_eq "perf.data against perf.data: exit 0" "$?" 0
check_grep "header names the perf command line" '^#   Command line: .*perf record .*-o p1\.data' d.out
check_grep "heavy_a in both runs (a Baseline, a Delta)" '^ +[0-9.]+% +([+-][0-9.]+|0\.00)% +\[\.\] heavy_a$' d.out
"$PYTOP" diff --stdio --no-python p1.data p1.data >self.out
awk '/^#/ || !NF { next } { n++ } $2 != "0.00%" { bad++ } END { exit !(n > 0 && bad == 0) }' self.out &&
	ok "perf.data against itself: every Delta 0.00%" || not_ok "perf.data against itself" "$(head -20 self.out)"
"$PYTOP" diff --stdio --no-python py.data p2.data >mix.out 2>&1
check_grep "pytop.data against perf.data: heavy_a matched by name" '^ +[0-9.]+% +([+-][0-9.]+|0\.00)% +\[\.\] heavy_a$' mix.out
done_testing
