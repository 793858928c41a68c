#!/usr/bin/env bash
# pyframes.sh: the BPF frame reader (--python-frames bpf) next to the
# trampoline with DWARF unwinding (--python-frames trampoline -g dwarf) and
# perf record --call-graph dwarf on python -X perf, same workload
# (tests/workloads/pyframes.py hot), same event and frequency:
#   recorder CPU / sample   the recorder's own CPU time (total minus the
#                           target's) per sample written (the BPF program
#                           runs in the target's context: its cost is in the
#                           target's time, so in the slowdown)
#   target slowdown         the target's wall time vs unprofiled
#   file size               bytes of the written file
#   highest lossless rate   of -F 999 4999 9999 19999 (up to the kernel's
#                           maximum), the highest that lost no sample
#                           (perf: no LOST record; its "lost" column counts
#                           those records, pytop's the samples)
# Figures are medians of RUNS runs (default 3), the set-ups interleaved.
# The machine may be shared: say so next to the figures.
# (Under -X perf, 3.12 itself raises RecursionError at depth 900: each Python
# call takes a C frame of the trampoline; a failed run says so on stderr.)
# Usage: bench/pyframes.sh [RUNS] [FREQ] [DEPTH]   (defaults: 3, 999 Hz;
#        DEPTH > 0 runs the deep-recursion workload instead, at that depth)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}
FREQ=${2:-999}
DEPTH=${3:-0}
PY=${PYTOP_PYTHON:-/root/.pyenv/versions/3.12.1/bin/python3}
W=$(mktemp -d /tmp/pytop-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$ROOT" pytop >/dev/null
for t in perf /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "pyframes.sh: $t is missing (apt-get install linux-perf time)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "pyframes.sh: the BPF frame reader needs root" >&2; exit 1; }
PYTOP=$ROOT/pytop
cp "$ROOT/tests/workloads/pyframes.py" "$W/"
if [ "$DEPTH" -gt 0 ]; then WL=("$W/pyframes.py" deep "$DEPTH" 400); else WL=("$W/pyframes.py" hot 400); fi

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# samples_lost NAME FILE: "samples lost" of a recording
samples_lost() {
	case $1 in
	perf) # samples, and the LOST / LOST_SAMPLES records (0: nothing lost)
		perf report -i "$2" --stats 2>/dev/null | awk '
			/^ *SAMPLE events:/ && !s { s = $3 }
			/^ *LOST(_SAMPLES)? events:/ { l += $3 }
			END { printf "%d %d\n", s, l }' ;;
	*) sed -n 's/^\[ pytop record: \([0-9,]*\) samples (\([0-9,]*\) lost).*/\1 \2/p' "$W/$1.err" | tr -d , ;;
	esac
}

# run NAME FREQ: one recording of the workload; appends
# "recorder-cpu target-wall samples lost bytes" to $W/NAME.runs
run() {
	local name=$1 f=$2 out=$W/$1.data cmd
	local timed=(/usr/bin/time -f '%U %S %e' -o "$W/target.txt")
	case $name in
	plain) cmd=("${timed[@]}" "$PY" "${WL[@]}") ;;
	bpf) cmd=("$PYTOP" record --python-frames bpf -F "$f" -e cpu-clock -o "$out" -- "${timed[@]}" "$PY" "${WL[@]}") ;;
	tramp) cmd=("$PYTOP" record --python-frames trampoline -g dwarf -F "$f" -e cpu-clock -o "$out" -- "${timed[@]}" "$PY" -X perf "${WL[@]}") ;;
	perf) cmd=(perf record -q --call-graph dwarf -F "$f" -e cpu-clock -o "$out" -- "${timed[@]}" "$PY" -X perf "${WL[@]}") ;;
	esac
	rm -f "$W/target.txt"
	/usr/bin/time -f "%U %S %e" -o "$W/outer.txt" "${cmd[@]}" >/dev/null 2>"$W/$name.err" ||
		echo "# $name: exit $? (at -F $f; see the figures)" >&2
	read -r ou os _ <"$W/outer.txt"
	read -r tu ts te <"$W/target.txt"
	local sl="0 0" bytes=0
	if [ "$name" != plain ]; then sl=$(samples_lost "$name" "$out"); bytes=$(stat -c %s "$out"); fi
	echo "$ou $os $tu $ts $te $sl $bytes" |
		awk '{ printf "%.3f %.3f %d %d %d\n", $1 + $2 - $3 - $4, $5, $6, ($7 == "" ? 0 : $7), $8 }' >>"$W/$name.runs"
}
col() { awk -v c="$2" '{ print $c }' "$W/$1.runs" | median; }

for n in plain bpf tramp perf; do : >"$W/$n.runs"; done
for _ in $(seq "$RUNS"); do
	for n in plain bpf tramp perf; do run $n "$FREQ"; done
done
plain_w=$(col plain 2)
echo "== Python frames: ${WL[*]##*/} under $PY"
echo "   $FREQ Hz, cpu-clock, median of $RUNS runs; unprofiled target wall $plain_w s; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: noise of some %)"
printf '   %-26s %18s %18s %18s\n' "" "pytop bpf" "pytop tramp+dwarf" "perf dwarf -X perf"
row() { printf '   %-26s %18s %18s %18s\n' "$1" "$2" "$3" "$4"; }
per_sample() { awk -v c="$(col "$1" 1)" -v s="$(col "$1" 3)" 'BEGIN { printf "%.1f", s ? c * 1e6 / s : 0 }'; }
row "recorder CPU (s)" "$(col bpf 1)" "$(col tramp 1)" "$(col perf 1)"
row "recorder CPU / sample (us)" "$(per_sample bpf)" "$(per_sample tramp)" "$(per_sample perf)"
slow() { awk -v a="$(col "$1" 2)" -v b="$plain_w" 'BEGIN { printf "%.3fx", b ? a / b : 0 }'; }
row "target slowdown" "$(slow bpf)" "$(slow tramp)" "$(slow perf)"
row "file size (bytes)" "$(col bpf 5)" "$(col tramp 5)" "$(col perf 5)"
row "samples / lost" "$(col bpf 3) / $(col bpf 4)" "$(col tramp 3) / $(col tramp 4)" "$(col perf 3) / $(col perf 4)"

# the highest rate without loss (one run per rate)
max=$(cat /proc/sys/kernel/perf_event_max_sample_rate 2>/dev/null || echo 100000)
best_bpf=- best_tramp=- best_perf=-
for f in 999 4999 9999 19999; do
	[ "$f" -le "$max" ] || break
	for n in bpf tramp perf; do
		: >"$W/$n.runs"; run $n "$f"
		if [ "$(col $n 4)" = 0 ]; then eval "best_$n=$f"; fi
	done
done
row "highest lossless -F" "$best_bpf" "$best_tramp" "$best_perf"
