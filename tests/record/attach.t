# attach.t: pytop record -p PID -d 2 on a running workload, which keeps
# running afterwards; -p with several processes; stopping when all exit.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"

"$WORKLOADS/heavy" -t 120 >/dev/null & target=$!
"$WORKLOADS/heavy" -t 120 >/dev/null & second=$!
sleep 0.5
"$PYTOP" record -p "$target" -d 2 -o att.data >out.txt 2>err.txt; rc=$?
check_eq "exit 0" "$rc" 0
if kill -0 "$target" 2>/dev/null; then ok "the target still runs after pytop is done"
else not_ok "the target still runs after pytop is done"; fi
check_grep "summary: 2 threads, 1 process" '2 threads, 1 process,' err.txt
check_grep "heavy_a named" ';work;heavy_a ' <("$FOLDED" att.data)
a=$(samples att.data ';heavy_a( |;|$)'); b=$(samples att.data ';heavy_b( |;|$)')
r=$(ratio "$a" "$b")
if within "$r" 1.7 2.3; then ok "heavy_a/heavy_b = $r (2.0 +- 15%)"
else not_ok "heavy_a/heavy_b = $r (2.0 +- 15%)" "a=$a b=$b"; fi
check_eq "only the attached process" "$("$FOLDED" -t att.data | cut -d/ -f2 | sort -u)" "$target"
check_eq "meta: cmdline" "$(meta att.data cmdline)" "-p $target"
check_eq "meta: exit_status unknown" "$(meta att.data exit_status)" -1

# two processes at once
"$PYTOP" record -q -p "$target,$second" -d 1 -o two.data 2>/dev/null; rc=$?
check_eq "-p A,B: exit 0" "$rc" 0
check_eq "-p A,B: both processes sampled" "$("$FOLDED" -t two.data | cut -d/ -f2 | sort -u | tr '\n' ' ')" \
	"$(printf '%s\n' "$target" "$second" | sort | tr '\n' ' ')"
kill "$second"; wait "$second" 2>/dev/null

# stops by itself when the target exits (no -d)
"$PYTOP" record -q -p "$target" -o end.data 2>/dev/null & rec=$!
wait_attached "$rec"
kill "$target"; wait "$target" 2>/dev/null
for i in $(seq 50); do kill -0 "$rec" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$rec" 2>/dev/null; then not_ok "stops when the attached process exits"; kill -INT "$rec"
else ok "stops when the attached process exits"; fi
wait "$rec"; rc=$?
check_eq "and exits 0" "$rc" 0
check "and writes a readable file" "$MKFIXTURE" --dump end.data

# Ctrl-C stops an attach without touching the target
"$WORKLOADS/heavy" -t 60 >/dev/null & target=$!
sleep 0.3
"$PYTOP" record -q -p "$target" -o intr.data 2>/dev/null & rec=$!
wait_attached "$rec"; sleep 0.5; kill -INT "$rec"; wait "$rec"; rc=$?
check_eq "SIGINT ends an attach with exit 0" "$rc" 0
if kill -0 "$target" 2>/dev/null; then ok "... and the target lives on"; else not_ok "... and the target lives on"; fi
check "... and the file is readable" "$MKFIXTURE" --dump intr.data
kill "$target"; wait "$target" 2>/dev/null

# a running Python program started with -X perf: its perf map (written
# before pytop came) names its functions
cp "$ROOT/tests/workloads/profile_perf.py" .
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
"$PY312" -X perf profile_perf.py 40000000 >/dev/null & py=$!
sleep 1
"$PYTOP" record -q -g dwarf -p "$py" -d 1 -o pyatt.data 2>/dev/null; rc=$?
check_eq "python attach: exit 0" "$rc" 0
check_grep "python attach: py::find_divisors named" ";py::find_divisors:$PWD/profile_perf.py" <("$FOLDED" pyatt.data)
check_grep "python attach: libpython frames named" ";_PyEval_EvalFrameDefault" <("$FOLDED" pyatt.data)
kill "$py"; wait "$py" 2>/dev/null
check "python attach: perf map of a process pytop did not launch is kept" test -e "/tmp/perf-$py.map"
rm -f "/tmp/perf-$py.map"

err=$("$PYTOP" record -p 999999999 -d 1 -o none.data 2>&1); rc=$?
check_eq "no such pid: exit 1" "$rc" 1
check_eq "no such pid: message" "$err" "pytop: -p 999999999: no such process"
check "no such pid: no file" test ! -e none.data
done_testing
