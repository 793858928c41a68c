# pynames.t: Python processes whose functions pytop cannot name say so:
# an attached Python started without -X perf (no perf map), and Python
# 3.13's -X perf_jit (a jitdump for perf inject instead of a perf map),
# launched or attached.  A Python with a perf map gets no such warning.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
need_file "$PY313" "CPython 3.13 with the perf trampoline (pyenv install 3.13.0)"
cp "$ROOT/tests/workloads/profile_perf.py" .

# wait_mapped PID PATTERN: until /proc/PID/maps names PATTERN (at most 20 s)
wait_mapped() {
	for _ in $(seq 200); do grep -q "$2" "/proc/$1/maps" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
jit_warning() {
	echo "^pytop: warning: process $1 runs Python with -X perf_jit: it describes its frames in a jitdump for perf inject, which pytop does not read, so its Python functions stay unnamed and its stacks truncated; run it with -X perf \\(or PYTHONPERFSUPPORT=1\\) instead\$"
}

# attached, no perf map
env -u PYTHONPERFSUPPORT "$PY312" profile_perf.py 40000000 >/dev/null & py=$!
wait_mapped "$py" libpython || wait_mapped "$py" python3
"$PYTOP" record --python-frames trampoline -q -g dwarf -p "$py" -d 1 -o nomap.data 2>nomap.err; rc=$?
kill "$py"; wait "$py" 2>/dev/null
check_eq "no perf map: exit 0" "$rc" 0
check_eq "no perf map: says so and what to do" "$(cat nomap.err)" \
	"pytop: warning: -p $py: this Python process has no perf map (/tmp/perf-$py.map), so its Python functions stay unnamed (interpreter frames only): start it with PYTHONPERFSUPPORT=1 or python -X perf (CPython 3.12+), or have it call sys.activate_stack_trampoline('perf')"
check_grep "no perf map: interpreter frames recorded" "_PyEval_EvalFrameDefault" <("$FOLDED" nomap.data)

# attached, with -X perf: no warning
"$PY312" -X perf profile_perf.py 40000000 >/dev/null & py=$!
for _ in $(seq 200); do [ -s "/tmp/perf-$py.map" ] && break; sleep 0.1; done
"$PYTOP" record --python-frames trampoline -q -g dwarf -p "$py" -d 1 -o withmap.data 2>withmap.err; rc=$?
kill "$py"; wait "$py" 2>/dev/null; rm -f "/tmp/perf-$py.map"
check_eq "with a perf map: exit 0" "$rc" 0
check_eq "with a perf map: nothing to say" "$(cat withmap.err)" ""

# attached, -X perf_jit
"$PY313" -X perf_jit profile_perf.py 40000000 >/dev/null & py=$!
wait_mapped "$py" "jit-$py.dump"
"$PYTOP" record --python-frames trampoline -q -g dwarf -p "$py" -d 1 -o jitatt.data 2>jitatt.err; rc=$?
kill "$py"; wait "$py" 2>/dev/null; rm -f "/tmp/jit-$py.dump"
check_eq "-X perf_jit attached: exit 0" "$rc" 0
check_grep "-X perf_jit attached: says to use -X perf" "$(jit_warning "$py")" jitatt.err
if grep -q 'no perf map' jitatt.err; then not_ok "-X perf_jit attached: not the perf-map warning too"
else ok "-X perf_jit attached: not the perf-map warning too"; fi

# launched, -X perf_jit
"$PYTOP" record --python-frames trampoline -q -g dwarf -o jit.data -- "$PY313" -X perf_jit profile_perf.py 300000 >/dev/null 2>jit.err; rc=$?
check_eq "-X perf_jit launched: exit 0" "$rc" 0
pid=$("$FOLDED" -t jit.data | cut -d/ -f2 | sort -n | head -1)
rm -f "/tmp/jit-$pid.dump"
check_grep "-X perf_jit launched: says to use -X perf" "$(jit_warning "$pid")" jit.err
done_testing
