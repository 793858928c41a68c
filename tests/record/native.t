# native.t: record the C workload (heavy_a 2/3, heavy_b 1/3, two threads and
# a forked child) with frame pointers and check what a user would see.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"

"$PYTOP" record -- "$WORKLOADS/heavy" 100 >out.txt 2>err.txt; rc=$?
check_eq "exit status is the target's" "$rc" 0
check "pytop.data is written" test -s pytop.data
check "the file reads back" "$MKFIXTURE" --dump pytop.data
check_grep "summary line" '^\[ pytop record: [0-9,]+ samples \([0-9]+ lost\), 3 threads, 2 processes, (cycles|cpu-clock) @ 999 Hz, [0-9]+ KB written to pytop.data \]$' err.txt
check_grep "call graph mode in the summary" '^\[ pytop record: call graph fp \(auto' err.txt

a=$(samples pytop.data ';heavy_a( |;|$)'); b=$(samples pytop.data ';heavy_b( |;|$)')
r=$(ratio "$a" "$b")
if [ "$a" -gt 100 ] && within "$r" 1.7 2.3; then ok "heavy_a/heavy_b = $r (2.0 +- 15%)"
else not_ok "heavy_a/heavy_b = $r (2.0 +- 15%)" "heavy_a=$a heavy_b=$b" "$("$FOLDED" pytop.data | sort -t' ' -k2 -nr | head)"; fi
check_grep "main -> work -> heavy_a" '^heavy;__libc_start_call_main;main;work;heavy_a ' <("$FOLDED" pytop.data)
check_grep "thread: start_thread -> worker -> work -> heavy_b" '^heavy;start_thread;worker;work;heavy_b ' <("$FOLDED" pytop.data)

"$FOLDED" -t pytop.data | cut -d';' -f1 | sort -u >threads.txt
main_pid=$(grep '^heavy/' threads.txt | head -1 | cut -d/ -f2)
nthreads=$(grep -c "^heavy/$main_pid/" threads.txt)
check_eq "both threads of the main process sampled" "$nthreads" 2
check_grep "the forked child's comm" '^heavy-child/[0-9]+/[0-9]+$' threads.txt
child_pid=$(grep '^heavy-child/' threads.txt | head -1 | cut -d/ -f2)
if [ -n "$child_pid" ] && [ "$child_pid" != "$main_pid" ]; then ok "the child is its own process"
else not_ok "the child is its own process" "$(cat threads.txt)"; fi

# symbol resolution rate: user frames (everything but kernel) with a name
"$FOLDED" -k pytop.data | awk '{ n = $NF; $NF = ""; k = split($0, f, ";");
	for (i = 2; i <= k; i++) { if (f[i] ~ /\[kernel\]/) continue; all += n; if (f[i] !~ /^\[/) named += n } }
	END { printf "%d %d\n", named, all }' >rate.txt
read -r named all <rate.txt
if [ "$all" -gt 0 ] && [ $((named * 100)) -ge $((all * 95)) ]; then ok "user frames named: $named of $all (>= 95%)"
else not_ok "user frames named: $named of $all (>= 95%)" "$("$FOLDED" pytop.data | grep '\[' | head)"; fi
check_grep "frames carry their kind" ';heavy_a\[native\]' <("$FOLDED" -k pytop.data)
if [ "$(id -u)" = 0 ]; then
	check_grep "kernel frames as root" '\[kernel\]' <("$FOLDED" -k pytop.data)
else
	check_grep "not root: says it records user space only" 'note: recording user space only' err.txt
fi
check_eq "meta: event" "$(meta pytop.data event)" "$(sed -n 's/.* \(cycles\|cpu-clock\) @ 999 Hz.*/\1/p' err.txt)"
check_eq "meta: callchain" "$(meta pytop.data callchain)" fp
check_eq "meta: freq" "$(meta pytop.data freq)" 999
check_eq "meta: exit_status" "$(meta pytop.data exit_status)" 0
check_eq "meta: nr_cpus" "$(meta pytop.data nr_cpus)" "$(grep -c ^processor /proc/cpuinfo)"
check_grep "meta: build-ids of the mappings" "mapping [0-9]+ path=s[0-9]+ build_id=s[1-9]" <("$MKFIXTURE" --dump pytop.data)

# a second run keeps the first file as pytop.data.old; -o, -F, -e, -q
cp pytop.data first.data
"$PYTOP" record -q -F 499 -e task-clock -- "$WORKLOADS/heavy" 10 >/dev/null 2>err2.txt
check "existing file kept as pytop.data.old" cmp -s first.data pytop.data.old
check_eq "-q prints nothing" "$(cat err2.txt)" ""
check_eq "-F 499 stored" "$(meta pytop.data freq)" 499
check_eq "-e task-clock stored" "$(meta pytop.data event)" task-clock
"$PYTOP" record -q -o other.data -- "$WORKLOADS/heavy" 5 >/dev/null 2>&1
check "-o writes elsewhere" test -s other.data

# a target's exit status comes back through pytop
"$PYTOP" record -q -o st.data -- sh -c 'exit 7' 2>/dev/null; rc=$?
check_eq "exit status 7 passed through" "$rc" 7
check "a file even for a target that does nothing" "$MKFIXTURE" --dump st.data
done_testing
