# duration.t: -d SECONDS on a launched command stops recording after
# SECONDS and stops the command as perf record does (SIGTERM, SIGKILL when
# it ignores that); pytop then exits 0.  A command that ends before keeps
# its own exit status.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"

pid_of() { "$FOLDED" -t "$1" | cut -d/ -f2 | sort -n | head -1; }

"$PYTOP" record -d 1 -o d.data -- "$WORKLOADS/heavy" -t 120 >/dev/null 2>err.txt; rc=$?
check_eq "-d 1: exit 0" "$rc" 0
check_grep "-d 1: says it stops the command" \
	'^pytop: note: -d 1: recording stopped after 1 s; stopping the command \(SIGTERM\)$' err.txt
check_eq "-d 1: the command ended by SIGTERM (meta exit_status 128+15)" "$(meta d.data exit_status)" 143
check_grep "-d 1: its samples are there" ';work;heavy_a ' <("$FOLDED" d.data)
p=$(pid_of d.data)
if [ -n "$p" ] && [ ! -e "/proc/$p" ]; then ok "-d 1: the command ($p) is gone"
else not_ok "-d 1: the command is gone" "pid '$p'"; kill -9 "$p" 2>/dev/null; fi

# a command that ignores SIGTERM is killed
"$PYTOP" record -d 0.5 -o ign.data -- sh -c "trap '' TERM; exec '$WORKLOADS/heavy' -t 120" >/dev/null 2>ign.txt; rc=$?
check_eq "ignores SIGTERM: exit 0" "$rc" 0
check_grep "ignores SIGTERM: says it kills it" '^pytop: note: the command ignores SIGTERM, killing it$' ign.txt
check_eq "ignores SIGTERM: killed (meta exit_status 128+9)" "$(meta ign.data exit_status)" 137
p=$(pid_of ign.data)
if [ -n "$p" ] && [ ! -e "/proc/$p" ]; then ok "ignores SIGTERM: the command ($p) is gone"
else not_ok "ignores SIGTERM: the command is gone" "pid '$p'"; kill -9 "$p" 2>/dev/null; fi

# a command that ends first: its own status, no stop
"$PYTOP" record -d 60 -o early.data -- sh -c 'exit 3' >/dev/null 2>early.txt; rc=$?
check_eq "ends before -d: its exit status" "$rc" 3
if grep -q 'stopping the command' early.txt; then not_ok "ends before -d: nothing stopped" "$(cat early.txt)"
else ok "ends before -d: nothing stopped"; fi
done_testing
