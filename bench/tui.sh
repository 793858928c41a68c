#!/usr/bin/env bash
# bench/tui.sh: how fast the report browser opens and answers keys.  Prints
# figures; asserts nothing.  The browser runs on a virtual screen (100x30)
# through the hidden --replay-keys hook, which times each key from the key
# to the repainted screen inside the program and prints p50/p99 to stderr.
#
#   (a) the synthetic 1,000,000-sample / 50,000-stack profile (mkfixture):
#       process time to the first screen, then per-key latency for each kind
#       of key, the list's and the flame graph's (f) side by side (targets:
#       open < 0.5 s, every key < 16 ms); (a') the same shape with off-CPU
#       data for the metric key w, next to the list's o as an anchor;
#   (b) the same input for perf and pytop: bench/report_workload.c recorded
#       by `perf record -g`, converted to pytop.data with bench/perf2fixture.py;
#       perf report --stdio (perf's load + histogram before any screen; its
#       TUI cannot be scripted) next to pytop's time to the first TUI screen.
#
# Per key: wall latency (what a user waits for) and the process's CPU time
# (what the key costs, whatever else runs on a shared machine).
# BEFORE=PATH (another pytop binary, e.g. main's) adds its figures next to
# ours on the same keys and input, in one run.
#
# Environment: PYTOP (default ./pytop), BUILD (default build), FREQ (default
# 10000), RUN seconds (default 4), SKIP_PERF=1 to skip (b), BEFORE.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PYTOP=${PYTOP:-$ROOT/pytop}
MKFIXTURE=${MKFIXTURE:-$BUILD/tools/mkfixture}
FREQ=${FREQ:-10000}
RUN=${RUN:-4}
W=$(mktemp -d "${TMPDIR:-/tmp}/pytop-tui-bench.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT

die() { echo "bench/tui.sh: $*" >&2; exit 1; }
[ -x "$PYTOP" ] || die "$PYTOP not built (make)"
[ -x "$MKFIXTURE" ] || die "$MKFIXTURE not built (make tests-build)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt-get install time)"

# replay NAME KEYS [OPTION]: run the keys, print one row of the table
# (with BEFORE: a second row for that binary)
replay() {
	replay_one "$PYTOP" "$1" "$2" "${3:-}"
	[ -z "${BEFORE:-}" ] || replay_one "$BEFORE" "  (before)" "$2" "${3:-}"
}

replay_one() {
	"$1" report -i "$DATA" $4 --replay-keys "$3" >/dev/null 2>"$W/replay" ||
		{ printf '  %-22s failed: %s\n' "$2" "$(tail -1 "$W/replay")"; return; }
	awk -v name="$2" '
		/^replay: key / { n++ }
		/latency p50/ { p50 = $6; p99 = $9; max = $12 }
		/cpu p50/ { c50 = $6; c99 = $9 }
		END { printf "  %-22s %5d %10.2f %10.2f %10.2f %8s %8s\n", name, n, p50, p99, max,
			c50 == "" ? "-" : sprintf("%.2f", c50), c99 == "" ? "-" : sprintf("%.2f", c99) }' "$W/replay"
}

# timed CMD...: "MS KB": wall milliseconds and max RSS of CMD, output dropped
timed() {
	t0=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$W/time" "$@" >/dev/null 2>"$W/timed.err" ||
		die "$1 failed: $(tail -1 "$W/timed.err")"
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000000)) $(cat "$W/time")"
}

# open: median of 3 runs of process wall time to the first screen and quit
open_time() {
	for i in 1 2 3; do
		timed "$PYTOP" report -i "$DATA" --replay-keys q
		cp "$W/timed.err" "$W/open.$i"
	done | sort -n | sed -n 2p
}

echo "== (a) synthetic profile: 1,000,000 samples, 50,000 unique stacks, screen 100x30"
DATA=$W/syn.data
"$MKFIXTURE" --synthetic 1000000 50000 -o "$DATA" || die "mkfixture --synthetic failed"
read -r ms kb <<<"$(open_time)"
inprog=$(sed -n 's/^replay: open (rows + first screen) \([0-9.]*\) ms; process cpu time at first screen \([0-9.]*\) ms/\1 ms (TUI part), \2 ms CPU since exec/p' "$W/open.2")
if [ -n "${BEFORE:-}" ]; then
	save=$PYTOP
	PYTOP=$BEFORE
	read -r bms bkb <<<"$(open_time)"
	binprog=$(sed -n 's/^replay: open (rows + first screen) \([0-9.]*\) ms; process cpu time at first screen \([0-9.]*\) ms/\1 ms (TUI part), \2 ms CPU since exec/p' "$W/open.2")
	PYTOP=$save
fi
echo "  open (load file + build model + first screen + quit): ${ms} ms wall, max RSS $((kb / 1024)) MB"
echo "  in the program: $inprog   [target: < 0.5 s]"
[ -z "${BEFORE:-}" ] || {
	echo "  before ($BEFORE): ${bms} ms wall, max RSS $((bkb / 1024)) MB"
	echo "  before, in the program: $binprog"
}
echo
echo "  (the machine may be shared: cpu ms is the key's own CPU time, wall ms includes waiting for a core)"
printf '  %-22s %5s %10s %10s %10s %8s %8s   [target: < 16 ms per key]\n' "keys" "n" "p50 ms" "p99 ms" "max ms" "cpu p50" "cpu p99"
replay "move j/k/PgDn/G/g" "jjjjjjjjjjkkkkk<PgDn><PgDn><PgDn><PgDn><PgUp>GgGg"
replay "expand/collapse entry" "<Enter><Enter>j<Enter>j<Enter>jj<Enter>c<Enter>c"
replay "expand all / collapse" "ECECECECEC"
replay "filter keystrokes" "/func_2_1<BS><BS>3<BS>1_<Enter>/<Enter>"
replay "sort change" "ssym<Enter>sdso,sym<Enter>scomm,sym<Enter>scomm,dso,sym<Enter>"
replay "order (o)" "oooooo"
replay "Python toggle (P)" "PPPPPPPP"
replay "caller/callee (i)" "iiiiiiii"
replay "zoom d/t + Esc" "d<Esc>d<Esc>t<Esc>t<Esc>"
replay "hierarchy (H)" "HHHHHH"
replay "flame: open f / q" "fqfqfqfqfq"
replay "flame: open f, -G" "fqfqfqfqfq" -G
replay "flame: move hjkl" "fjllllhhjkkjlhlhkkjj"
replay "flame: zoom Enter/Esc" "fj<Enter>jl<Enter>j<Enter><Esc><Esc><Esc>j<Enter><Esc>"
replay "flame: search / n N" "f/func_2_1<BS><Enter>nnnNN/<Enter>"
replay "flame: P and i inside" "fPPiiq"
replay "threads: open T / q" "TqTqTqTqTq"
replay "threads: order s, move" "Tssssssjjkk"
echo "  (filter/sort rows include the cheap prompt keystrokes; max is the rebuild)"
echo "  (flame rows: the first key f opens the flame graph over the list; q returns)"

# offcpu_desc SAMPLES STACKS: a mkfixture description of the same shape with
# off-CPU data: every 4th stack ends in a wait (read, nanosleep, a lock),
# its samples weigh 5 ms each; thread spans cover the run
offcpu_desc() {
	awk -v n="$1" -v k="$2" 'BEGIN {
		print "meta event cpu-clock"; print "meta freq 999"
		print "meta cmdline python3 -X perf synthetic.py"; print "meta duration 1000000000000"
		split("/usr/bin/python3.12 /usr/lib/libc.so.6 /opt/ext/_speedups.so [kernel.kallsyms]", dso, " ")
		split("read@/usr/lib/libc.so.6 clock_nanosleep@/usr/lib/libc.so.6 PyThread_acquire_lock_timed@/usr/bin/python3.12", wait, " ")
		per = int(n / k)
		for (i = 0; i < k; i++) {
			depth = 3 + i % 17; x = i; st = ""
			for (d = 0; d < depth; d++) {
				m = x % 97
				f = d % 2 == 0 ? sprintf("py::func_%d_%d:/app/mod%d.py", d, m, m % 7) \
					       : sprintf("native_%d_%d@%s", d, m, dso[(d + m) % 4 + 1])
				st = st (d ? ";" : "") f
				x = int(x / 97) + i * 31 + d
			}
			t = i % 4; comm = t ? "worker" : "python3"
			if (i % 4 == 3)
				printf "sample %s 1000/%d %d w=5000000 off : %s;%s\n", comm, 1000 + t, per, st, wait[i % 3 + 1]
			else
				printf "sample %s 1000/%d %d w=1001001 : %s\n", comm, 1000 + t, per, st
		}
		for (t = 0; t < 4; t++)
			printf "span %s 1000/%d 0 1000000000000\n", t ? "worker" : "python3", 1000 + t
	}'
}
echo
echo "== (a') the same shape with off-CPU data: 1,000,000 samples (a quarter waits), 50,000 stacks"
DATA=$W/offcpu.data
offcpu_desc 1000000 50000 >"$W/offcpu.txt"
"$MKFIXTURE" -o "$DATA" "$W/offcpu.txt" || die "mkfixture on the off-CPU description failed"
printf '  %-22s %5s %10s %10s %10s   [target: < 5 ms per key]\n' "keys" "n" "p50 ms" "p99 ms" "max ms"
replay "metric w (list)" "wwwwwwwwwwww"
replay "threads: T, w inside" "Twwwwwwwwwwwwq"
replay "flame: f, w inside" "fwwwwwwq"
replay "order (o), anchor" "oooooo"

[ "${SKIP_PERF:-0}" = 1 ] && exit 0
echo
echo "== (b) same input: bench/report_workload.c, 2 threads, ${RUN} s at ${FREQ} Hz, perf record -g"
command -v perf >/dev/null || { echo "  perf missing (apt-get install linux-perf): skipped"; exit 0; }
[ -f "$ROOT/bench/report_workload.c" ] && [ -f "$ROOT/bench/perf2fixture.py" ] ||
	{ echo "  bench/report_workload.c or bench/perf2fixture.py missing: skipped"; exit 0; }
cc -std=c11 -D_GNU_SOURCE -O2 -g -fno-omit-frame-pointer -fno-inline -pthread \
	-o "$W/workload" "$ROOT/bench/report_workload.c" -lm || die "cannot build the workload"
perf record -q -g -F "$FREQ" -o "$W/perf.data" -- "$W/workload" "$RUN" >/dev/null 2>"$W/perf-rec.err" ||
	die "perf record failed: $(tail -1 "$W/perf-rec.err")"
perf script -i "$W/perf.data" --ns -F comm,pid,tid,time,period,ip,sym,dso 2>/dev/null |
	python3 "$ROOT/bench/perf2fixture.py" >"$W/desc.txt" || die "perf2fixture failed"
DATA=$W/same.data
"$MKFIXTURE" -o "$DATA" "$W/desc.txt" || die "mkfixture on perf's samples failed"
nsamp=$(grep -c '^sample ' "$W/desc.txt")
read -r pms pkb <<<"$(timed perf report -i "$W/perf.data" --stdio)"
read -r ms kb <<<"$(open_time)"
echo "  $nsamp samples"
printf '  %-50s %6s ms %5s MB\n' "perf report --stdio (its TUI cannot be scripted)" "$pms" "$((pkb / 1024))"
printf '  %-50s %6s ms %5s MB\n' "pytop report: to the first TUI screen and quit" "$ms" "$((kb / 1024))"
printf '  %-22s %5s %10s %10s %10s %8s %8s\n' "keys" "n" "p50 ms" "p99 ms" "max ms" "cpu p50" "cpu p99"
replay "expand all / collapse" "ECECEC"
replay "filter keystrokes" "/wor<BS><BS>ork<Enter>/<Enter>"
replay "sort change" "ssym<Enter>sdso,sym<Enter>scomm,dso,sym<Enter>"
replay "Python toggle (P)" "PPPP"
