# python.t: the two-thread Python example (slow_function does twice the work
# of fast_function) under CPython 3.12 and 3.13 with the perf trampoline.
# Python frames need DWARF unwinding (stock CPython has no frame pointers).
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
need_file "$PY313" "CPython 3.13 with the perf trampoline (pyenv install 3.13.0)"

cp "$ROOT/tests/workloads/profile_perf.py" "$ROOT/tests/workloads/fork_child.py" \
	"$ROOT/tests/workloads/mp_spawn.py" .
script=$PWD/profile_perf.py

py_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }

# The threads' real CPU split varies from run to run (GIL hand-offs; seen as
# low as 1.3 under load), so the workload writes each thread's own CPU time
# (WORKLOAD_THREAD_TIMES) and the profile is checked against that truth.  A
# run is repeated (at most 3 runs) when its true ratio is outside
# [1.4/0.9, 2.8/1.1] = [1.56, 2.54]: only there does "within 10% of the
# truth" also keep the profile inside the [1.4, 2.8] band asserted below (a
# true 2.76 passed the old [1.4, 2.8] retry test, and a right profile of
# 2.80 then failed the band).
# record_py NAME CMD...: runs CMD (a pytop record of $script) into NAME.data
# with NAME.cpu, NAME.out and NAME.err beside it; sets rc.
record_py() {
	local name=$1 attempt truth; shift
	for attempt in 1 2 3; do
		WORKLOAD_THREAD_TIMES=$PWD/$name.cpu "$@" >"$name.out" 2>"$name.err"; rc=$?
		[ "$rc" -eq 0 ] || return
		truth=$(awk '{ printf "%.3f", ($2 > 0 ? $1 / $2 : 0) }' "$name.cpu")
		within "$truth" 1.56 2.54 && return
		echo "# $name run $attempt: the threads' own CPU ratio was $truth; running again"
	done
}

py_checks() { # py_checks NAME VERSION
	local f=$1.data v=$2 s fast truth
	"$FOLDED" -k "$f" >"$f.folded"
	check_grep "$v: py::slow_function with its file" ";py::slow_function:$script\\[python\\]" "$f.folded"
	check_grep "$v: py::fast_function with its file" ";py::fast_function:$script\\[python\\]" "$f.folded"
	check_grep "$v: find_divisors called from slow_function" "py::slow_function:$script\\[python\\];.*py::find_divisors:$script" "$f.folded"
	check_grep "$v: interpreter frames between them" "py::slow_function:[^;]*;[^;]*\\[interpreter\\];" "$f.folded"
	s=$(samples "$f" ";py::slow_function:"); fast=$(samples "$f" ";py::fast_function:")
	r=$(ratio "$s" "$fast")
	truth=$(awk '{ printf "%.3f", ($2 > 0 ? $1 / $2 : 0) }' "$1.cpu")
	if awk -v r="$r" -v t="$truth" 'BEGIN { exit !(r >= t * 0.9 && r <= t * 1.1) }'; then
		ok "$v: slow/fast = $r, within 10% of the threads' own CPU ratio $truth"
	else not_ok "$v: slow/fast within 10% of the threads' own CPU ratio" "profile $r (slow=$s fast=$fast), threads $truth"; fi
	if within "$r" 1.4 2.8; then ok "$v: slow/fast = $r (about 2)"
	else not_ok "$v: slow/fast = $r (about 2)" "slow=$s fast=$fast, threads' own ratio $truth"; fi
	check_eq "$v: meta python_version" "$(meta "$f" python_version | cut -d. -f1,2)" "$v"
	check_eq "$v: meta callchain" "$(meta "$f" callchain)" dwarf
}

# 3.12 picked with --python, 3.13 with $PYTOP_PYTHON
record_py py312 "$PYTOP" record --python-frames trampoline -g dwarf --python "$PY312" -o py312.data "$script" 2500000
check_eq "3.12: exit 0" "$rc" 0
check_grep "3.12: the script ran" '^Main thread ended$' py312.out
check_grep "3.12: summary names the interpreter" "^\\[ pytop record: python 3\\.12\\.[0-9]+ \\(/" py312.err
py_checks py312 3.12
record_py py313 env PYTOP_PYTHON="$PY313" "$PYTOP" record --python-frames trampoline -g dwarf -o py313.data "$script" 2500000
check_eq "3.13: exit 0" "$rc" 0
py_checks py313 3.13

# automatic choice: no --python, no PYTOP_PYTHON; python3 on PATH is too old
# here, so the search goes on to python3.N and the pyenv versions
env -u PYTOP_PYTHON "$PYTOP" record --python-frames trampoline -g dwarf -o auto.data "$script" 1000000 >/dev/null 2>errauto.txt; rc=$?
check_eq "auto: exit 0" "$rc" 0
v=$(meta auto.data python_version)
case $v in 3.1[2-9]*|3.[2-9]*) ok "auto: chose a capable interpreter ($v)" ;; *) not_ok "auto: chose a capable interpreter" "got '$v'" "$(cat errauto.txt)" ;; esac
check_grep "auto: py:: frames" ";py::fast_function:$script" <("$FOLDED" auto.data)
check_eq "auto: meta python_path is that interpreter" "$("$(meta auto.data python_path)" -c 'import platform; print(platform.python_version())')" "$v"

# -m module
(cd "$T" && env -u PYTOP_PYTHON "$PYTOP" record --python-frames trampoline -q -g dwarf -o mod.data -m profile_perf 500000 >/dev/null 2>errmod.txt); rc=$?
check_eq "-m: exit 0" "$rc" 0
check_grep "-m: py::fast_function" ";py::fast_function:" <("$FOLDED" mod.data)
check_grep "-m: cmdline says -X perf -m" ' -X perf -m profile_perf 500000$' <("$MKFIXTURE" --dump mod.data | sed -n "s/^meta cmdline='\\([^']*\\)'.*/\\1/p")

# perf maps of the launched interpreter are removed, unless --keep-perf-maps
pid=$("$FOLDED" -t py312.data | head -1 | cut -d';' -f1 | cut -d/ -f2)
check "perf map of the 3.12 run removed" test ! -e "/tmp/perf-$pid.map"
"$PYTOP" record --python-frames trampoline -q -g dwarf --keep-perf-maps --python "$PY312" -o keep.data "$script" 300000 >/dev/null 2>&1
pid=$("$FOLDED" -t keep.data | head -1 | cut -d';' -f1 | cut -d/ -f2)
check "--keep-perf-maps keeps /tmp/perf-$pid.map" test -s "/tmp/perf-$pid.map"
rm -f "/tmp/perf-$pid.map"

# A forked child keeps running its parent's trampolines (here the one of
# <module>, in the parent's perf map only) and writes its own map for code
# compiled after the fork (child_work): both must be named.
for py in "$PY312" "$PY313"; do
	v=$(py_version "$py")
	"$PYTOP" record --python-frames trampoline -q -g dwarf --python "$py" -o fork$v.data fork_child.py 2000000 >/dev/null 2>&1
	"$FOLDED" -t fork$v.data >fork$v.folded
	parent=$(sed -n 's/^[^/]*\/\([0-9]*\)\/.*/\1/p' fork$v.folded | sort -n | head -1)
	if grep -v "^[^/]*/$parent/" fork$v.folded |
	   grep -Eq ";py::<module>:$PWD/fork_child.py;.*;py::child_work:[^;]*;.*;py::busy:"; then
		ok "$v: the forked child's stacks are named from both perf maps"
	else
		not_ok "$v: the forked child's stacks are named from both perf maps" "$(sort -t' ' -k2 -nr fork$v.folded | head -5)"
	fi
done
# multiprocessing's spawn workers get no -X perf on their command line; they
# get PYTHONPERFSUPPORT=1 from the environment, so their functions are named
# too, and their perf maps are cleaned up like the parent's
for py in "$PY312" "$PY313"; do
	v=$(py_version "$py")
	"$PYTOP" record --python-frames trampoline -q -g dwarf --python "$py" -o mp$v.data mp_spawn.py 1500000 >/dev/null 2>&1
	"$FOLDED" -t mp$v.data >mp$v.folded
	main=$(sed -n 's/^[^/]*\/\([0-9]*\)\/.*/\1/p' mp$v.folded | sort -n | head -1)
	worker=$(grep ";py::spawned_work:$PWD/mp_spawn.py" mp$v.folded | cut -d/ -f2 | sort -u | head -1)
	if [ -n "$worker" ] && [ "$worker" != "$main" ]; then ok "$v: spawn worker's py::spawned_work named"
	else not_ok "$v: spawn worker's py::spawned_work named" "$(sort -t' ' -k2 -nr mp$v.folded | head -3)"; fi
	left=$(for p in $(cut -d/ -f2 mp$v.folded | sort -u); do [ -e "/tmp/perf-$p.map" ] && echo "$p"; done)
	check_eq "$v: no perf map left behind" "$left" ""
done
done_testing
