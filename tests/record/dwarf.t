# dwarf.t: -g dwarf samples registers and a stack copy and unwinds them in
# the recorder: complete stacks for a binary without frame pointers.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$WORKLOADS/heavy-nofp" "run 'make tests-build'"

"$PYTOP" record -g dwarf -o d.data -- "$WORKLOADS/heavy-nofp" 60 >/dev/null 2>err.txt; rc=$?
check_eq "exit 0" "$rc" 0
check_grep "summary: call graph dwarf" '^\[ pytop record: call graph dwarf \(requested: -g dwarf\) \]$' err.txt
check_eq "meta: callchain" "$(meta d.data callchain)" dwarf
check_eq "meta: stack_bytes (default, measured: see unwind.h)" "$(meta d.data stack_bytes)" 32768
"$FOLDED" d.data >d.folded
check_grep "no frame pointers, full stack: main -> work -> heavy_a" '^heavy-nofp;.*main;work;heavy_a( |;)' d.folded
check_grep "the thread's stack: start_thread -> worker -> work -> heavy_b" '^heavy-nofp;.*start_thread;worker;work;heavy_b( |;)' d.folded
check_grep "the child's comm" '^heavy-child;' d.folded
a=$(samples d.data ';heavy_a( |;|$)'); b=$(samples d.data ';heavy_b( |;|$)'); r=$(ratio "$a" "$b")
if within "$r" 1.7 2.3; then ok "heavy_a/heavy_b = $r (2.0 +- 15%)"; else not_ok "heavy_a/heavy_b = $r (2.0 +- 15%)" "a=$a b=$b"; fi
# truncated stacks are flagged and counted, never dropped
t=$(meta d.data truncated); n=$(total d.data)
if [ "$t" -lt "$n" ]; then ok "truncated: $t of $n samples"; else not_ok "truncated: $t of $n samples"; fi

"$PYTOP" record -q -g dwarf,4096 -o small.data -- "$WORKLOADS/heavy-nofp" 10 >/dev/null 2>&1; rc=$?
check_eq "-g dwarf,4096: exit 0" "$rc" 0
check_eq "-g dwarf,4096: meta stack_bytes" "$(meta small.data stack_bytes)" 4096
err=$("$PYTOP" record -g dwarf,70000 -- true 2>&1); rc=$?
check_eq "-g dwarf,70000: exit 2" "$rc" 2
done_testing
