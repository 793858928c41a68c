#!/usr/bin/env bash
# Deep recursion: naive fib(27) must show at least 20 nested py::fib frames
# in its deepest stacks, complete down from _start, with the default stack
# copy; a tiny copy keeps the innermost frames and flags the stacks.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/unwind/lib_unwind.sh"
need_pdatastacks

for v in 3.12.1 3.13.0; do
	py=$(pyenv_python "$v") || exit 1
	if ! "$PYTOP" record -q --python-frames trampoline --python "$py" -o "$T/$v.data" "$ROOT/tests/workloads/fib.py" 27 2 \
		>/dev/null 2>"$T/$v.err"; then
		not_ok "$v: pytop record fib.py" "$(cat "$T/$v.err")"
		continue
	fi
	stackdump "$T/$v.data" >"$T/$v.stacks"
	# deepest complete stack: its py::fib count, and that it starts at _start
	deep=$(awk '$2 == "-" && $4 ~ /^_start;/ { n = gsub(/;py::fib;/, "&"); if (n > m) m = n } END { print m + 0 }' "$T/$v.stacks")
	if [ "$deep" -ge 20 ]; then
		ok "$v: deepest complete stack has $deep nested py::fib frames (>= 20)"
	else
		not_ok "$v: >= 20 nested py::fib frames in a complete stack" "deepest: $deep" \
			"$(sort -t' ' -k4 "$T/$v.stacks" | tail -2 | cut -c1-300)"
	fi
	check_grep "$v: fib frames chain through the trampolines" \
		'py::main;.*py::fib;_PyEval_EvalFrameDefault;[A-Za-z_;]*py_trampoline_evaluator;py::fib;' "$T/$v.stacks"
done

# A 2 KiB copy cannot reach the outermost frames: stacks are flagged and
# counted by reason, and keep their innermost frames.
py=$(pyenv_python 3.12.1) || exit 1
"$PYTOP" record --python-frames trampoline --python "$py" -g dwarf,2048 -o "$T/small.data" "$ROOT/tests/workloads/fib.py" 24 2 \
	>/dev/null 2>"$T/small.err"
check_grep "2 KiB copy: summary counts stacks cut by the copy size" \
	'samples with truncated stacks \(.*stack copy too small: [0-9]+' "$T/small.err"
stackdump "$T/small.data" >"$T/small.stacks"
check_grep "2 KiB copy: the file records the size" '^# callchain=dwarf reason=requested: -g dwarf stack_bytes=2048 ' "$T/small.stacks"
check_grep "2 KiB copy: truncated stacks keep their innermost py::fib frames" '^[0-9]+ T [0-9]+ .*py::fib;.*py::fib' "$T/small.stacks"
done_testing
