#!/usr/bin/env bash
# offcpu.sh: the cost of recording off-CPU time (issue 12).  A workload that
# context-switches about 20,000 times a second (bench/pingpong.c: two
# threads passing a byte through pipes) recorded by
#   pytop record -g fp                (CPU samples at 999 Hz + every switch)
#   pytop record -g fp --no-off-cpu   (CPU samples only: the anchor of before)
#   perf record -e cpu-clock -e context-switches -c 1 --switch-events -g
#                                     (the issue's anchor: -c 1 also makes
#                                     cpu-clock sample every 10 us, its floor)
#   perf record -F 999 -e cpu-clock -e context-switches/period=1/ --switch-events -g
#                                     (the same events as pytop's)
# side by side: recorder CPU (the record command's CPU minus the target's
# own, from /usr/bin/time around the target), target wall and slowdown vs
# unprofiled, file size, lost events.  Medians of RUNS runs (default 3),
# the set-ups interleaved.  The machine may be shared: say so next to the
# figures.  Usage: bench/offcpu.sh [RUNS] [ROUNDS]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}
ROUNDS=${2:-20000}
W=$(mktemp -d /tmp/pytop-offcpu.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$ROOT" pytop >/dev/null
for t in perf /usr/bin/time bc; do
	command -v "$t" >/dev/null || { echo "offcpu.sh: $t is missing (apt-get install linux-perf time bc)" >&2; exit 1; }
done
cc -std=c11 -D_GNU_SOURCE -O2 -g -fno-omit-frame-pointer -pthread -o "$W/pingpong" "$ROOT/bench/pingpong.c"
PYTOP=$ROOT/pytop
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# once NAME CMD...: appends "recorder-cpu target-wall" to $W/NAME.runs
once() {
	local name=$1; shift
	/usr/bin/time -f '%U %S %e' -o "$W/outer.txt" "$@" >/dev/null 2>"$W/$name.err"
	read -r ou os oe <"$W/outer.txt"
	read -r tu ts te <"$W/target.txt"
	echo "$ou $os $tu $ts $te" | awk '{ printf "%.3f %.3f\n", $1 + $2 - $3 - $4, $5 }' >>"$W/$name.runs"
}
col() { awk -v c="$2" '{ print $c }' "$W/$1.runs" | median; }
timed=(/usr/bin/time -f '%U %S %e' -o "$W/target.txt" "$W/pingpong" "$ROUNDS")
names=(plain pytop pytop-cpu perf-c1 perf-999)
for n in "${names[@]}"; do : >"$W/$n.runs"; done
for _ in $(seq "$RUNS"); do
	once plain "${timed[@]}"
	once pytop "$PYTOP" record -g fp -o "$W/pytop.data" -- "${timed[@]}"
	once pytop-cpu "$PYTOP" record -g fp --no-off-cpu -o "$W/pytop-cpu.data" -- "${timed[@]}"
	once perf-c1 perf record -e cpu-clock -e context-switches -c 1 --switch-events -g \
		-o "$W/perf-c1.data" -- "${timed[@]}"
	once perf-999 perf record -F 999 -e cpu-clock -e context-switches/period=1/ --switch-events -g \
		-o "$W/perf-999.data" -- "${timed[@]}"
done
plain=$(col plain 2)
lost_pytop() { # samples lost + switch records lost, from the summary
	local a b
	a=$(grep -o '([0-9]* lost' "$W/$1.err" | tr -dc 0-9); b=$(grep -o '[0-9]* switch records lost' "$W/$1.err" | tr -dc 0-9)
	echo $(( ${a:-0} + ${b:-0} ))
}
lost_perf() { perf report -i "$W/$1.data" --stats 2>/dev/null | awk '/LOST/ { s += $NF } END { print s + 0 }'; }
echo "== off-CPU recording cost: $("$W/pingpong" "$ROUNDS" 2>&1 >/dev/null | sed 's/^pingpong: //') unprofiled"
echo "   median of $RUNS runs, unprofiled target wall $plain s (machine shared with other engineers)"
printf '   %-22s %14s %14s %14s %14s\n' "" "pytop" "pytop --no-off" "perf -c 1" "perf -F 999"
row() { printf '   %-22s %14s %14s %14s %14s\n' "$@"; }
row "recorder CPU (s)" "$(col pytop 1)" "$(col pytop-cpu 1)" "$(col perf-c1 1)" "$(col perf-999 1)"
row "target wall (s)" "$(col pytop 2)" "$(col pytop-cpu 2)" "$(col perf-c1 2)" "$(col perf-999 2)"
sl() { echo "scale=3; $(col "$1" 2) / $plain" | bc -l; }
row "target slowdown (x)" "$(sl pytop)" "$(sl pytop-cpu)" "$(sl perf-c1)" "$(sl perf-999)"
row "file size (KB)" "$(( $(stat -c %s "$W/pytop.data") / 1024 ))" "$(( $(stat -c %s "$W/pytop-cpu.data") / 1024 ))" \
	"$(( $(stat -c %s "$W/perf-c1.data") / 1024 ))" "$(( $(stat -c %s "$W/perf-999.data") / 1024 ))"
row "lost (last run)" "$(lost_pytop pytop)" "$(lost_pytop pytop-cpu)" "$(lost_perf perf-c1)" "$(lost_perf perf-999)"
echo "   pytop's off-CPU line (last run): $(grep 'off-CPU' "$W/pytop.err" | head -2 | tr '\n' ' ')"
