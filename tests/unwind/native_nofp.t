#!/usr/bin/env bash
# A native program built -O2 -fomit-frame-pointer: DWARF unwinding reaches
# main through every frame; `-g auto` keeps frame pointers for native code
# and says so.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/unwind/lib_unwind.sh"
need_pdatastacks
W=$WORKLOADS/nofp_chain-nofp
[ -x "$W" ] || { not_ok "workload" "$W is missing: run 'make tests-build'"; done_testing; exit 1; }

"$PYTOP" record -g dwarf -o "$T/d.data" -- "$W" 0.5 >/dev/null 2>"$T/d.err"
check_grep "dwarf: summary names the mode" 'call graph dwarf \(requested: -g dwarf\)' "$T/d.err"
stackdump "$T/d.data" >"$T/d.stacks"
read -r n full_n < <(awk 'NR > 1 && /;spin/ { n++; if ($2 == "-" && $4 ~ /^_start;.*;main;outer_work;middle_work;inner_work;spin/) f++ }
	END { print n + 0, f + 0 }' "$T/d.stacks")
if [ "$n" -ge 100 ] && [ $((full_n * 100)) -ge $((n * 95)) ]; then
	ok "dwarf: $full_n of $n samples in spin unwind to _start > main > outer > middle > inner"
else
	not_ok "dwarf: >= 95% of spin samples unwind to main (>= 100 samples)" "$full_n of $n" \
		"$(head -4 "$T/d.stacks" | cut -c1-300)"
fi

"$PYTOP" record -o "$T/a.data" -- "$W" 0.2 >/dev/null 2>"$T/a.err"
check_grep "auto on a native program: frame pointers, and why" 'call graph fp \(auto: native program\)' "$T/a.err"
done_testing
