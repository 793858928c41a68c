# pystack.t: record/python reads a running CPython from outside (the user
# space of the BPF frame reader): on every supported interpreter installed
# here, build/tools/pystack finds _PyRuntime (pyenv's shared libpython,
# Debian's stripped /usr/bin/python3.11 by its dynamic symbols), the thread
# states, and walks each thread's frames; the stacks (qualname, file, line)
# must equal what the script reports of itself, including a thread blocked
# in time.sleep with the GIL released (3.12+: _Py_tss_tstate is NULL then).
# The eval-loop entry frames (for the native-stack merge) are where CPython
# puts them.  Freed code objects are flagged, never named.  Unsupported
# versions and non-Pythons are refused with one line.
source "$ROOT/tests/lib.sh"

PYSTACK=$BUILD/tools/pystack
if [ ! -x "$PYSTACK" ]; then
	not_ok "prerequisite $PYSTACK" "run 'make tests-build'"
	done_testing; exit 1
fi
PYTHONS="/root/.pyenv/versions/3.8.18/bin/python3 /root/.pyenv/versions/3.9.18/bin/python3
/root/.pyenv/versions/3.10.13/bin/python3 /root/.pyenv/versions/3.11.7/bin/python3
/root/.pyenv/versions/3.12.1/bin/python3 /root/.pyenv/versions/3.13.0/bin/python3
/usr/bin/python3.11"

# start PY SCRIPT [DIR]: runs it (in DIR, default here) with stdin on a fifo
# we hold open; sets $pid and waits for "READY" in out.txt (the script is
# blocked from then on)
start() {
	rm -f fifo out.txt; mkfifo fifo
	(cd "${3:-.}" && exec "$1" "$2") <fifo >out.txt 2>err.txt & pid=$!
	exec 3>fifo
	for _ in $(seq 200); do
		grep -q '^READY' out.txt 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}
stop() { exec 3>&-; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }

# stacks in the script's format: "STACK TID" then frames, without markers
norm_tool() { sed -n 's/^thread /STACK /p; s/ \[entry\]$//; /^  /p' | sed 's/ \[entry\]$//'; }
norm_script() { sed -n 's/^STACK [a-z]* /STACK /p; /^  /p'; }
# per-thread blocks sorted by thread id, so the order of the list does not matter
by_tid() { awk '/^STACK/ { k = $2 } { b[k] = b[k] $0 "|" } END { for (k in b) print k "\t" b[k] }' |
	sort -n | cut -f2- | tr '|' '\n' | sed '/^$/d'; }

for py in $PYTHONS; do
	if [ ! -x "$py" ]; then
		not_ok "$py installed" "install it (pyenv install X.Y.Z, or apt-get install python3.11)"
		continue
	fi
	v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	if ! start "$py" "$ROOT/tests/workloads/pyblocked.py"; then
		not_ok "$v ($py): the script blocks" "$(cat out.txt err.txt)"; stop; continue
	fi
	"$PYSTACK" "$pid" >tool.txt 2>tool.err; rc=$?
	check_eq "$v ($py): pystack exits 0" "$rc 	$(cat tool.err)" "0 	"
	got=$(norm_tool <tool.txt | by_tid); want=$(norm_script <out.txt | by_tid)
	check_eq "$v ($py): every thread's stack, qualnames and lines, as the script sees it" \
		"$got" "$want"
	sleeper=$(sed -n 's/^STACK sleeper //p' out.txt)
	check_grep "$v: the sleeping thread (GIL released) is found by its tid $sleeper" \
		"^thread $sleeper\$" tool.txt
	# entry frames: one per C call of the eval loop
	entries=$(grep -o '^  [^ ]*.*\[entry\]$' tool.txt | awk '{ print $1 }' | tr '\n' ' ')
	case $v in
	3.8|3.9|3.10) want="inner nap run _bootstrap_inner _bootstrap deep deep deep deep 𠀀 日本 señor main <module> " ;;
	*) want="Sleeper.nap Thread._bootstrap <module> " ;;
	esac
	# the list puts the newest thread first: compare as sets per thread order
	check_eq "$v: eval-loop entry frames" "$(echo "$entries" | tr ' ' '\n' | sort | tr '\n' ' ')" \
		"$(echo "$want" | tr ' ' '\n' | sort | tr '\n' ' ')"
	stop

	if ! start "$py" "$ROOT/tests/workloads/pyfreed.py"; then
		not_ok "$v: pyfreed.py blocks" "$(cat out.txt err.txt)"; stop; continue
	fi
	freed=$(sed -n 's/^FREED //p' out.txt); live=$(sed -n 's/^LIVE //p' out.txt)
	"$PYSTACK" -c "$freed" "$pid" >freed.txt 2>&1
	check_eq "$v: 80 freed code objects are all flagged stale" \
		"$(sort freed.txt | uniq -c | sed 's/^ *//')" "80 STALE"
	"$PYSTACK" -c "$live" "$pid" >live.txt 2>&1
	check_grep "$v: a live code object resolves" "^OK live_fn .*pyfreed.py 6 0x[0-9a-f]+\$" live.txt
	ident=$(awk '{ print $NF }' live.txt)
	check_eq "$v: with its identity from the sample it resolves, with another's it is stale" \
		"$("$PYSTACK" -c "$live@$ident,$live@$((ident ^ 0x10))" "$pid" 2>&1 | cut -d' ' -f1 | tr '\n' ' ')" \
		"OK STALE "
	stop
done

# thousands of real code objects (the stdlib's, frozen and immortal ones)
# resolve to what the interpreter says of them
for py in $PYTHONS; do
	[ -x "$py" ] || continue
	v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	if ! start "$py" "$ROOT/tests/workloads/pycodes.py"; then
		not_ok "$v: pycodes.py runs" "$(cat out.txt err.txt)"; stop; continue
	fi
	"$PYSTACK" -c "$(sed -n 's/^ADDRS //p' out.txt)" "$pid" 2>&1 | sed 's/^OK //; s/ 0x[0-9a-f]*$//' >codes.txt
	n=$(grep -c . codes.txt)
	check_eq "$v: $n code objects resolve to their qualname, file and first line" \
		"$(cat codes.txt)" "$(sed -n '/^ADDRS /d; /^READY$/q; p' out.txt)"
	stop
done

# racing a running target that makes and frees code objects: 40 reads,
# every frame named consistently (f_N from gen_N.py) or flagged, no crash
for py in $PYTHONS; do
	[ -x "$py" ] || continue
	v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	if ! start "$py" "$ROOT/tests/workloads/pychurn.py"; then
		not_ok "$v: pychurn.py runs" "$(cat out.txt err.txt)"; stop; continue
	fi
	bad=0 named=0 flagged=0
	for _ in $(seq 40); do
		"$PYSTACK" "$pid" >race.txt 2>&1 || { bad=$((bad + 1)); cat race.txt >>bad.txt; continue; }
		r=$(awk '/^  <(stale|unreadable)/ { f++; next }
			/^  / { split($2, a, ":"); n++
				if ($1 ~ /^f_[0-9]+$/) { if (a[1] != "gen_" substr($1, 3) ".py") { b++; print > "bad.txt" } }
				else if ($1 == "<module>") { if (a[1] !~ /(^gen_[0-9]+|\/pychurn)\.py$/) { b++; print > "bad.txt" } }
				else if (!($1 == "churn" && a[1] ~ /\/pychurn\.py$/)) { b++; print > "bad.txt" } }
			END { print n + 0, f + 0, b + 0 }' race.txt)
		set -- $r; named=$((named + $1)); flagged=$((flagged + $2)); bad=$((bad + $3))
	done
	if [ "$bad" -eq 0 ] && [ "$named" -gt 60 ]; then
		ok "$v: 40 reads racing a code-churning target: $named frames named right, $flagged flagged"
	else
		not_ok "$v: 40 reads racing a code-churning target: $named named, $bad wrong" "$(head -5 bad.txt 2>/dev/null)"
	fi
	stop
done

# 3.8 keeps a script's relative path in co_filename: made absolute (the
# target's working directory) so the model can name it by its rules
py38=/root/.pyenv/versions/3.8.18/bin/python3
if start "$py38" tests/workloads/pyblocked.py "$ROOT"; then
	"$PYSTACK" "$pid" >rel.txt 2>&1
	check_grep "3.8: a relative script path comes out absolute" \
		"^  deep $ROOT/tests/workloads/pyblocked.py:[0-9]+( \[entry\])?\$" rel.txt
else
	not_ok "3.8: the relative-path script runs" "$(cat out.txt err.txt)"
fi
stop

# refusals: one line, non-zero exit
py37=/root/.pyenv/versions/3.7.16/bin/python3
if [ -x "$py37" ] && start "$py37" "$ROOT/tests/workloads/pyfreed.py"; then
	out=$("$PYSTACK" "$pid" 2>&1); rc=$?
	check_eq "3.7 is refused, not guessed" "$rc $out" \
		"1 pystack: pid $pid: CPython 3.7 is not supported (3.8-3.13)"
else
	not_ok "3.7 ($py37) runs pyfreed.py" "install it: pyenv install 3.7.16"
fi
stop
# a fake interpreter (build/workloads/fakepy): what the version and 3.13's
# _Py_DebugOffsets say decides, and anything we do not know is refused
FAKE=$WORKLOADS/fakepy
for m in "ok|0 version 3.13" "v314|1 pystack: pid PID: CPython 3.14 is not supported (3.8-3.13)" \
	"v37|1 pystack: pid PID: CPython 3.7 is not supported (3.8-3.13)" \
	"ft|1 pystack: pid PID: CPython 3.13 free-threaded build is not supported" \
	"moved|1 pystack: pid PID: CPython 3.13 build not supported: _Py_DebugOffsets tstate_native_thread_id is 168, expected 160" \
	"nocookie|1 pystack: pid PID: CPython 3.13 without _Py_DebugOffsets at _PyRuntime"; do
	mode=${m%%|*} want=${m#*|}
	rm -f fake.out; "$FAKE" "$mode" >fake.out & fp=$!
	for _ in $(seq 100); do grep -q READY fake.out 2>/dev/null && break; sleep 0.05; done
	out=$("$PYSTACK" "$fp" 2>&1 | head -1 | sed 's/ runtime .*//')
	"$PYSTACK" "$fp" >/dev/null 2>&1; rc=$?
	check_eq "fake interpreter ($mode)" "$rc $out" "${want//PID/$fp}"
	kill "$fp"; wait "$fp" 2>/dev/null
done

sleep 30 & sp=$!
out=$("$PYSTACK" "$sp" 2>&1); rc=$?
check_eq "not a Python: refused" "$rc $out" \
	"1 pystack: pid $sp: no CPython interpreter (_PyRuntime) in its mappings"
kill "$sp"; wait "$sp" 2>/dev/null
out=$("$PYSTACK" 999999999 2>&1); rc=$?
check_eq "no such process: one line" "$rc $(echo "$out" | wc -l)" "1 1"
done_testing
