# errors.t: what `pytop record` says when it cannot do its job: one line,
# exit 1 for failures and 2 for bad options, and never a data file.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"

expect() { # expect NAME STATUS MESSAGE CMD...: exact stderr, status, no file
	local name=$1 want_rc=$2 want=$3 err rc
	shift 3
	rm -f pytop.data
	err=$("$@" 2>&1 >/dev/null); rc=$?
	check_eq "$name: exit $want_rc" "$rc" "$want_rc"
	check_eq "$name: message" "$err" "$want"
	check "$name: no data file" test ! -e pytop.data
}

expect "missing script" 1 "pytop: cannot run 'x.py': No such file or directory" "$PYTOP" record x.py
expect "missing command" 1 "pytop: cannot run 'no-such-cmd': No such file or directory" \
	"$PYTOP" record -- no-such-cmd
expect "missing path" 1 "pytop: cannot run './nope': No such file or directory" "$PYTOP" record -- ./nope
touch plain.txt
expect "not executable" 1 "pytop: cannot run './plain.txt': Permission denied" "$PYTOP" record -- ./plain.txt
expect "unknown option" 2 "pytop: record: unknown option '--frobnicate' (see 'pytop record --help')" \
	"$PYTOP" record --frobnicate x.py
expect "bad -F" 2 "pytop: -F fast: not a frequency (a positive number of Hz, or max)" \
	"$PYTOP" record -F fast -- true
expect "-F above the maximum" 2 \
	"pytop: -F 99999999: above the kernel's maximum of $(cat /proc/sys/kernel/perf_event_max_sample_rate) Hz (/proc/sys/kernel/perf_event_max_sample_rate)" \
	"$PYTOP" record -F 99999999 -- true
expect "bad -g" 2 "pytop: -g lbr: unknown call graph mode (fp, dwarf[,BYTES] or auto)" \
	"$PYTOP" record -g lbr -- true
expect "-g dwarf above the kernel's limit" 2 \
	"pytop: -g dwarf,70000: the user stack copy is at most 65528 bytes (the kernel's limit)" \
	"$PYTOP" record -g dwarf,70000 -- true
expect "-g dwarf too small" 2 "pytop: -g dwarf,4: not a stack copy size (8 to 65528 bytes)" \
	"$PYTOP" record -g dwarf,4 -- true
expect "-g caller (perf report's spelling)" 2 \
	"pytop: -g caller: record's -g is how stacks are collected (fp, dwarf[,BYTES] or auto); for call graphs of callers, use 'pytop report -G'" \
	"$PYTOP" record -g caller -- true
expect "bad -e" 2 "pytop: -e bogus: unknown event (known: $(printf 'cpu-clock, task-clock, cycles, instructions, cache-references, cache-misses, branches, branch-misses, bus-cycles, ref-cycles, stalled-cycles-frontend, stalled-cycles-backend'))" \
	"$PYTOP" record -e bogus -- true
expect "bad -p" 2 "pytop: -p 12x: not a process id list (PID[,PID...])" "$PYTOP" record -p 12x
expect "-p with a command" 2 "pytop: record: -p attaches to running processes; give no command with it" \
	"$PYTOP" record -p 1 -- true
expect "output directory missing" 1 "pytop: cannot write nodir/x.data: No such file or directory" \
	"$PYTOP" record -o nodir/x.data -- true
expect "missing value" 2 "pytop: record: option '-o' needs a value" "$PYTOP" record -o

# no capable interpreter anywhere: say what is needed and where pytop looked
mkdir -p bin emptyenv
echo 'print("hi")' >hello.py
expect "no interpreter" 1 \
	"pytop: no Python with perf support found: pytop needs CPython 3.12 or newer built with the perf trampoline (PY_HAVE_PERF_TRAMPOLINE); looked at: python3 on PATH: none; python3.N (N >= 12) on PATH: none; $PWD/emptyenv/versions/*/bin: none; install one or name it with --python PATH or PYTOP_PYTHON" \
	env -i PATH="$PWD/bin" PYENV_ROOT="$PWD/emptyenv" HOME="$PWD" "$PYTOP" record hello.py
# a stand-in for an old interpreter: answers pytop's probe like Python 3.11
printf '#!/bin/sh\necho 3.11.9; echo 0; echo "$0"\n' >bin/python3
chmod +x bin/python3
expect "old python3 on PATH" 1 \
	"pytop: no Python with perf support found: pytop needs CPython 3.12 or newer built with the perf trampoline (PY_HAVE_PERF_TRAMPOLINE); looked at: $PWD/bin/python3 is 3.11.9; python3.N (N >= 12) on PATH: none; $PWD/emptyenv/versions/*/bin: none; install one or name it with --python PATH or PYTOP_PYTHON" \
	env -i PATH="$PWD/bin" PYENV_ROOT="$PWD/emptyenv" HOME="$PWD" "$PYTOP" record --python-frames trampoline hello.py
expect "--python too old" 1 \
	"pytop: --python $PWD/bin/python3: Python 3.11.9 cannot be profiled: pytop needs CPython 3.12 or newer built with the perf trampoline (PY_HAVE_PERF_TRAMPOLINE)" \
	"$PYTOP" record --python-frames trampoline --python "$PWD/bin/python3" hello.py
# the BPF frame reader takes 3.8-3.13, and says so for anything else
printf '#!/bin/sh\necho 3.7.9; echo 0; echo "$0"\n' >bin/python37
chmod +x bin/python37
expect "--python-frames bpf, --python too old" 1 \
	"pytop: --python $PWD/bin/python37: Python 3.7.9 cannot be profiled: pytop reads the frames of CPython 3.8 to 3.13" \
	"$PYTOP" record --python-frames bpf --python "$PWD/bin/python37" hello.py
expect "PYTOP_PYTHON not a python" 1 \
	"pytop: PYTOP_PYTHON=/bin/false: not a Python interpreter (asked for its version, it exited with status 1)" \
	env PYTOP_PYTHON=/bin/false "$PYTOP" record hello.py
expect "--python missing" 1 "pytop: --python /nonexistent: No such file or directory" \
	"$PYTOP" record --python /nonexistent hello.py
expect "--python a directory" 1 "pytop: --python $PWD/bin: Is a directory" \
	"$PYTOP" record --python "$PWD/bin" hello.py
# mode 000: not even root may run it
cp bin/python3 bin/locked; chmod 000 bin/locked
expect "--python not executable" 1 "pytop: --python $PWD/bin/locked: Permission denied" \
	"$PYTOP" record --python "$PWD/bin/locked" hello.py
# executable but not runnable (exec fails in the probe): the exec's errno
printf '\177ELF garbage' >bin/broken; chmod 755 bin/broken
expect "--python not a program" 1 "pytop: --python $PWD/bin/broken: Exec format error" \
	"$PYTOP" record --python "$PWD/bin/broken" hello.py

# nothing permitted (perf_event_open refused, simulated with strace's fault
# injection): say what perf_event_paranoid is and what to do
need strace "apt-get install strace"
lvl=$(cat /proc/sys/kernel/perf_event_paranoid)
expect "not permitted" 1 \
	"pytop: perf_event_open: Permission denied: /proc/sys/kernel/perf_event_paranoid is $lvl; to profile, run as root, give pytop CAP_PERFMON, or set it to 2 or lower (sysctl -w kernel.perf_event_paranoid=2; -1 allows everything)" \
	strace -f -o /dev/null -e inject=perf_event_open:error=EACCES "$PYTOP" record -- true
# an event the machine lacks, asked for by name: no silent fallback
expect "unsupported event" 1 "pytop: event 'instructions' is not supported on this machine (try -e cpu-clock)" \
	strace -f -o /dev/null -e inject=perf_event_open:error=ENOENT "$PYTOP" record -e instructions -- true

# --help lists every option
help=$("$PYTOP" record --help); rc=$?
check_eq "--help exits 0" "$rc" 0
for opt in -o --output -F --freq -e --event -g --call-graph -p --pid -d --duration -m --python \
	--keep-perf-maps -q --quiet -h --help; do
	case $help in *" $opt"*) ok "--help names $opt" ;; *) not_ok "--help names $opt" ;; esac
	# the man page writes dashes as \-
	if grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$ROOT/man/pytop-record.1"; then
		ok "man page names $opt"
	else not_ok "man page names $opt"; fi
done
done_testing
