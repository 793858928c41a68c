#!/usr/bin/env bash
# The seeds' two-thread example (slow_function vs fast_function, both calling
# find_divisors in a thread pool) on stock pyenv CPython 3.12 and 3.13, with
# default options: -g auto must pick DWARF unwinding and recover the whole
# Python stack through the perf trampolines.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/unwind/lib_unwind.sh"
need_pdatastacks

# The CPU the two threads really use varies from run to run (GIL hand-offs
# cost the thread that waits; on these shared VMs the real slow/fast ratio was
# seen between 1.3 and 2.4), so the workload reports each thread's own CPU
# time: the profile must agree with it within 10%, and a run whose true ratio
# falls outside [1.6, 2.4] is repeated (at most 3 runs) before the [1.6, 2.4]
# check on the profile.
true_ratio() { awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "inf" }' "$1"; }

for v in 3.12.1 3.13.0; do
	py=$(pyenv_python "$v") || exit 1
	out=$T/$v.data
	for attempt in 1 2 3; do
		WORKLOAD_THREAD_TIMES=$T/$v.cpu "$PYTOP" record --python "$py" -o "$out" \
			"$ROOT/tests/workloads/profile_perf.py" 4000000 >"$T/$v.out" 2>"$T/$v.err" || break
		truth=$(true_ratio "$T/$v.cpu")
		awk -v r="$truth" 'BEGIN { exit !(r >= 1.6 && r <= 2.4) }' && break
		echo "# $v run $attempt: the threads' own CPU ratio was $truth, outside [1.6, 2.4]; running again"
	done
	if [ -s "$out" ] && [ -s "$T/$v.cpu" ]; then
		ok "$v: pytop record exits 0"
	else
		not_ok "$v: pytop record exits 0" "$(cat "$T/$v.err")"
		continue
	fi
	check_grep "$v: summary says dwarf and why" \
		'call graph dwarf \(auto: Python built without frame pointers\)' "$T/$v.err"
	stackdump "$out" >"$T/$v.stacks"
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
	if awk -v r="$ratio" -v t="$truth" 'BEGIN { exit !(r >= t * 0.9 && r <= t * 1.1) }'; then
		ok "$v: slow/fast share $ratio within 10% of the threads' own CPU ratio $truth"
	else
		not_ok "$v: slow/fast share within 10% of the threads' own CPU ratio" "profile $ratio, threads $truth"
	fi
	if awk -v r="$ratio" 'BEGIN { exit !(r >= 1.6 && r <= 2.4) }'; then
		ok "$v: slow/fast CPU share $ratio in [1.6, 2.4]"
	else
		not_ok "$v: slow/fast CPU share in [1.6, 2.4]" "got $ratio (threads' own ratio $truth)"
	fi
done
done_testing
