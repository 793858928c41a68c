#!/usr/bin/env bash
# The seeds' two-thread example (slow_function vs fast_function, both calling
# find_divisors in a thread pool) on stock pyenv CPython 3.12 and 3.13, with
# default options: -g auto must pick DWARF unwinding and recover the whole
# Python stack through the perf trampolines.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/unwind/lib_unwind.sh"
need_stackdump

for v in 3.12.1 3.13.0; do
	py=$(pyenv_python "$v") || exit 1
	out=$T/$v.data
	if "$PYTOP" record --python "$py" -o "$out" "$ROOT/tests/workloads/divisors_threads.py" 8000000 \
		>"$T/$v.out" 2>"$T/$v.err"; then
		ok "$v: pytop record exits 0"
	else
		not_ok "$v: pytop record exits 0" "$(cat "$T/$v.err")"
		continue
	fi
	check_grep "$v: summary says dwarf and why" \
		'call graph dwarf \(auto: Python built without frame pointers\)' "$T/$v.err"
	"$STACKDUMP" "$out" >"$T/$v.stacks"
	check_grep "$v: the file says dwarf and why" \
		'^# callchain=dwarf reason=auto: Python built without frame pointers stack_bytes=32768 ' "$T/$v.stacks"
	# root first: the thread pool's frames, the task, then find_divisors
	full='py::Thread\._bootstrap;.*py::Thread\._bootstrap_inner;.*py::Thread\.run;.*py::_worker;.*py::_WorkItem\.run;.*py::(slow|fast)_function;.*py::find_divisors'
	read -r n full_n < <(awk -v re="$full" '/py::find_divisors/ { n++; if ($0 ~ re) f++ } END { print n + 0, f + 0 }' "$T/$v.stacks")
	if [ "$n" -ge 200 ] && [ $((full_n * 100)) -ge $((n * 95)) ]; then
		ok "$v: $full_n of $n find_divisors samples have the whole Python stack (>= 95%)"
	else
		not_ok "$v: >= 95% of find_divisors samples have the whole Python stack (and >= 200 samples)" \
			"$full_n of $n complete; some incomplete stacks:" \
			"$(awk -v re="$full" '/py::find_divisors/ && $0 !~ re' "$T/$v.stacks" | head -3 | cut -c1-400)"
	fi
	ratio=$(awk '/py::slow_function/ { s += $3 } /py::fast_function/ { f += $3 }
		END { if (f) printf "%.2f", s / f; else print "inf" }' "$T/$v.stacks")
	if awk -v r="$ratio" 'BEGIN { exit !(r >= 1.6 && r <= 2.4) }'; then
		ok "$v: slow/fast CPU share $ratio in [1.6, 2.4]"
	else
		not_ok "$v: slow/fast CPU share in [1.6, 2.4]" "got $ratio"
	fi
done
done_testing
