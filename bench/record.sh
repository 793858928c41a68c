#!/usr/bin/env bash
# record.sh: pytop record next to perf record, same workload, same event and
# frequency, printed side by side:
#   recorder CPU   the recorder's own CPU time (total minus the target's)
#   target wall    the target's wall time, and its slowdown vs unprofiled
#   file size      pytop.data vs perf.data
#   record wall    start of the record command until the file is complete
#   report         `pytop report --stdio` vs `perf report --stdio` on it
# Each figure is the median of RUNS runs (default 3), the three set-ups
# interleaved.  The machine may be shared: slowdowns within a few percent
# are noise.  The target runs under
# /usr/bin/time inside the recorder, so its CPU and wall time are its own.
# Usage: bench/record.sh [RUNS] [FREQ]      (defaults: 3 runs at 999 Hz)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}
FREQ=${2:-999}
PY=${PYTOP_PYTHON:-/root/.pyenv/versions/3.12.1/bin/python3}
W=$(mktemp -d /tmp/pytop-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$ROOT" pytop build/workloads/heavy build/tools/mkfixture >/dev/null
for t in perf /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "record.sh: $t is missing (apt-get install linux-perf time)" >&2; exit 1; }
done
PYTOP=$ROOT/pytop

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# once NAME CMD...: one run of CMD (which runs the target under
# /usr/bin/time -o $W/target.txt); appends "recorder-cpu wall target-wall"
once() {
	local name=$1; shift
	rm -f "$W/target.txt"
	/usr/bin/time -f '%U %S %e' -o "$W/outer.txt" "$@" >/dev/null 2>"$W/$name.err"
	read -r ou os oe <"$W/outer.txt"
	read -r tu ts te <"$W/target.txt"
	echo "$ou $os $oe $tu $ts $te" |
		awk '{ printf "%.3f %.3f %.3f %.3f\n", $1 + $2 - $4 - $5, $3, $6, $4 + $5 }' >>"$W/$name.runs"
}
col() { awk -v c="$2" '{ print $c }' "$W/$1.runs" | median; }

bench() { # bench TITLE PYTOP-ARGS -- PERF-ARGS -- TARGET...
	local title=$1; shift
	local pargs=() fargs=()
	while [ "$1" != -- ]; do pargs+=("$1"); shift; done; shift
	while [ "$1" != -- ]; do fargs+=("$1"); shift; done; shift
	local target=("$@")
	local timed=(/usr/bin/time -f '%U %S %e' -o "$W/target.txt" "${target[@]}")

	: >"$W/plain.runs"; : >"$W/pytop.runs"; : >"$W/perf.runs"
	# interleaved, so that load from elsewhere hits all three alike
	for _ in $(seq "$RUNS"); do
		once plain "${timed[@]}"
		once pytop "$PYTOP" record -q "${pargs[@]}" -F "$FREQ" -e cpu-clock -o "$W/pytop.data" -- "${timed[@]}"
		once perf perf record -q "${fargs[@]}" -F "$FREQ" -e cpu-clock -o "$W/perf.data" -- "${timed[@]}"
	done
	local t0 t1
	t0=$(date +%s.%N); "$PYTOP" report --stdio -i "$W/pytop.data" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
	local prep; prep=$(echo "$t1 - $t0" | bc)
	t0=$(date +%s.%N); perf report --stdio -i "$W/perf.data" >/dev/null 2>&1; t1=$(date +%s.%N)
	local frep; frep=$(echo "$t1 - $t0" | bc)
	local plain_w; plain_w=$(col plain 3)
	local psize fsize
	psize=$(stat -c %s "$W/pytop.data"); fsize=$(stat -c %s "$W/perf.data")

	echo "== $title"
	echo "   target: ${target[*]}"
	echo "   $FREQ Hz, cpu-clock, median of $RUNS runs; unprofiled target wall ${plain_w} s"
	printf '   %-26s %16s %16s\n' "" "pytop ${pargs[*]}" "perf ${fargs[*]}"
	printf '   %-26s %16s %16s\n' "recorder CPU (s)" "$(col pytop 1)" "$(col perf 1)"
	printf '   %-26s %16s %16s\n' "target wall (s)" "$(col pytop 3)" "$(col perf 3)"
	printf '   %-26s %15.3fx %15.3fx\n' "target slowdown" \
		"$(echo "$(col pytop 3) / $plain_w" | bc -l)" "$(echo "$(col perf 3) / $plain_w" | bc -l)"
	printf '   %-26s %16s %16s\n' "file size (bytes)" "$psize" "$fsize"
	printf '   %-26s %16s %15.1fx\n' "perf.data / pytop.data" "" "$(echo "$fsize / $psize" | bc -l)"
	printf '   %-26s %16s %16s\n' "record wall (s)" "$(col pytop 2)" "$(col perf 2)"
	printf '   %-26s %16.3f %16.3f\n' "report --stdio (s)" "$prep" "$frep"
	printf '   %-26s %16.3f %16.3f\n' "record + report wall (s)" \
		"$(echo "$(col pytop 2) + $prep" | bc -l)" "$(echo "$(col perf 2) + $frep" | bc -l)"
	printf '   %-26s %16s %16s\n' "samples (last run)" \
		"$("$ROOT/build/tools/mkfixture" --dump "$W/pytop.data" | grep -c '^sample ')" \
		"$(perf script -i "$W/perf.data" -F tid 2>/dev/null | wc -l)"
	echo
}

bench "C workload with frame pointers" -g fp -- -g -- "$ROOT/build/workloads/heavy" 80
if [ -x "$PY" ]; then
	cp "$ROOT/tests/workloads/profile_perf.py" "$W/"
	bench "Python two-thread example, stack walking by frame pointers" -g fp -- -g -- \
		"$PY" -X perf "$W/profile_perf.py" 8000000
	bench "Python two-thread example, DWARF stacks" -g dwarf -- --call-graph dwarf -- \
		"$PY" -X perf "$W/profile_perf.py" 8000000
fi
