# signals.t: Ctrl-C (SIGINT) and SIGTERM sent to pytop reach the launched
# target and still leave a complete file; a target that crashes or is killed
# leaves a valid file and pytop exits with its status.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"

# wait_target REC: pid of the heavy process pytop REC launched (at most 10 s)
wait_target() {
	for _ in $(seq 100); do
		p=$(pgrep -P "$1" -x heavy | head -1)
		[ -n "$p" ] && wait_attached "$1" && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

"$PYTOP" record -o int.data -- "$WORKLOADS/heavy" -t 30 >/dev/null 2>err.txt & rec=$!
target=$(wait_target "$rec"); sleep 0.5
child=$(pgrep -P "$target" -x heavy-child)
kill -INT "$rec"; wait "$rec"; rc=$?
check_eq "SIGINT: pytop exits with the target's status (128+2)" "$rc" 130
check "SIGINT: the file is readable" "$MKFIXTURE" --dump int.data
n=$(total int.data)
if [ "$n" -gt 0 ]; then ok "SIGINT: $n samples kept"; else not_ok "SIGINT: samples kept" "$(cat err.txt)"; fi
check_eq "SIGINT: meta exit_status" "$(meta int.data exit_status)" 130
check_grep "SIGINT: summary printed" '^\[ pytop record: [0-9,]+ samples' err.txt
sleep 0.2
alive() { [ -n "$1" ] && [ -n "$(ps -o stat= -p "$1" | grep -v Z)" ]; }
if [ -n "$target" ] && ! alive "$target" && ! alive "$child"; then
	ok "SIGINT: the target and its forked child are gone"
else not_ok "SIGINT: the target and its forked child are gone" "$(ps -o pid,stat,comm -p "$target,$child")"; fi

"$PYTOP" record -q -o term.data -- "$WORKLOADS/heavy" -t 30 >/dev/null 2>&1 & rec=$!
wait_target "$rec" >/dev/null; sleep 0.3
kill -TERM "$rec"; wait "$rec"; rc=$?
check_eq "SIGTERM: exit 128+15" "$rc" 143
check "SIGTERM: the file is readable" "$MKFIXTURE" --dump term.data

# a target that crashes (here: SIGSEGV after running heavy as a child)
"$PYTOP" record -q -o crash.data -- sh -c "\"$WORKLOADS/heavy\" 5; kill -SEGV \$\$" >/dev/null 2>&1; rc=$?
check_eq "crash: exit 128+11" "$rc" 139
check "crash: the file is readable" "$MKFIXTURE" --dump crash.data
check_grep "crash: the exec'd child was followed" ';heavy_a ' <("$FOLDED" crash.data)
check_eq "crash: meta exit_status" "$(meta crash.data exit_status)" 139

# a target killed from outside
"$PYTOP" record -q -o killed.data -- "$WORKLOADS/heavy" -t 30 >/dev/null 2>&1 & rec=$!
target=$(wait_target "$rec"); sleep 0.3
child=$(pgrep -P "$target" -x heavy-child)
kill -KILL "$target"; wait "$rec"; rc=$?
check_eq "killed target: exit 128+9" "$rc" 137
check "killed target: the file is readable" "$MKFIXTURE" --dump killed.data
[ -n "$child" ] && kill "$child"
done_testing
