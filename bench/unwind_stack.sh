#!/usr/bin/env bash
# bench/unwind_stack.sh: how many bytes of native stack one Python call costs
# under `-X perf` (the C eval frame plus the trampoline), measured on every
# pyenv CPython 3.12+ found, and how much stack a whole Python program uses
# from its outermost frame down to a call DEPTH deep.  This is what
# `-g dwarf`'s default stack copy size is chosen from (see record/unwind.c).
#
# The target recurses and sleeps at each DEPTH; its user SP while blocked in
# the sleep is read from /proc/PID/syscall, the stack top from /proc/PID/maps.
# Usage: bench/unwind_stack.sh [DEPTHS...]   (ascending; default 1 11 21 51 101)
set -u
depths=${*:-"1 11 21 51 101"}
pythons=$(ls -d /root/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null)
[ -n "$pythons" ] || { echo "no pyenv CPython 3.12+ found" >&2; exit 1; }
printf '%-8s %-9s %6s %12s %11s\n' python frames depth "stack bytes" "bytes/call"
for py in $pythons; do
	ver=$("$py" -c 'import platform; print(platform.python_version())')
	for mode in "module" "thread"; do
		"$py" -X perf -c '
import sys, time, threading
stops = [int(a) for a in sys.argv[2:]]
def f(n):
    if n in stops:
        time.sleep(0.6)
    if n < stops[-1]:
        f(n + 1)
if sys.argv[1] == "thread":
    t = threading.Thread(target=f, args=(1,)); t.start(); t.join()
else:
    f(1)' "$mode" $depths &
		pid=$!
		sleep 0.3
		tid=$(ls /proc/$pid/task | sort -n | tail -1)
		top=$(awk -v sp=0 '/\[stack\]/ { split($1, a, "-"); print a[2] }' /proc/$pid/maps)
		prev_sp= prev_d=
		for d in $depths; do
			sp=$(awk '{print $(NF-1)}' /proc/$pid/task/$tid/syscall)
			if [ "$mode" = thread ]; then
				# the thread's stack mapping holds sp
				while IFS=' -' read -r lo hi _; do
					if (( 0x$lo <= sp && sp < 0x$hi )); then top=$hi; break; fi
				done </proc/$pid/maps
			fi
			per=-
			[ -n "$prev_sp" ] && per=$(( (prev_sp - sp) / (d - prev_d) ))
			printf '%-8s %-9s %6d %12d %11s\n' "$ver" "$mode" "$d" $(( 0x$top - sp )) "$per"
			prev_sp=$sp prev_d=$d
			sleep 0.6
		done
		wait $pid
	done
done
