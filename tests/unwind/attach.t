#!/usr/bin/env bash
# Attaching (-p) to a running stock CPython started with -X perf: -g auto
# sees a Python without frame pointers and unwinds with DWARF; the stacks
# run from _start through every py::fib frame.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/unwind/lib_unwind.sh"
need_pdatastacks
py=$(pyenv_python 3.12.1) || exit 1

"$py" -X perf "$ROOT/tests/workloads/fib.py" 32 20 >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f /tmp/perf-$pid.map' EXIT
sleep 0.5
"$PYTOP" record -p "$pid" -d 2 -o "$T/a.data" >/dev/null 2>"$T/a.err"
kill "$pid" 2>/dev/null
check_grep "summary: dwarf, because of the build" 'call graph dwarf \(auto: Python built without frame pointers\)' "$T/a.err"
stackdump "$T/a.data" >"$T/a.stacks"
read -r n full_n < <(awk 'NR > 1 { n++; if ($2 == "-" && $4 ~ /^_start;.*py::<module>;.*py::main;.*py::fib/) f++ } END { print n + 0, f + 0 }' "$T/a.stacks")
if [ "$n" -ge 100 ] && [ $((full_n * 100)) -ge $((n * 95)) ]; then
	ok "$full_n of $n samples: _start > <module> > main > fib, complete"
else
	not_ok ">= 95% of samples complete from _start to py::fib (>= 100 samples)" "$full_n of $n" \
		"$(sed -n 2,4p "$T/a.stacks" | cut -c1-300)"
fi
done_testing
