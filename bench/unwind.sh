#!/usr/bin/env bash
# bench/unwind.sh [PYTHON] [N]: complete Python stacks on a stock CPython,
# pytop (-g auto) next to `perf record -g` and `perf record --call-graph dwarf`,
# on the seeds' two-thread example (tests/workloads/profile_perf.py N,
# slow_function vs fast_function both calling find_divisors), one run each,
# all at 999 Hz on cpu-clock.  Prints, side by side:
#   complete   share of samples containing py::find_divisors that also
#              contain py::slow_function or py::fast_function
#   rec CPU    CPU seconds of the recorder (its process tree minus the target)
#   slowdown   target wall time and target CPU time, each / the same run
#              without a profiler (wall time of this GIL-bound pair of
#              threads varies a lot from run to run; CPU time less)
#   file       size of the recorded file
#   lost       samples the kernel dropped
# PYTHON defaults to pyenv's 3.12.1, N (fast_function's size; slow_function's
# is 2N) to 10000000 (the article: 50000000).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${1:-/root/.pyenv/versions/3.12.1/bin/python3}
N=${2:-10000000}
PYTOP=${PYTOP:-$ROOT/pytop}
STACKS=${STACKS:-$ROOT/build/tools/pdatastacks}
W=$ROOT/tests/workloads/profile_perf.py
for need in "$PY" "$PYTOP" "$STACKS"; do
	[ -x "$need" ] || { echo "bench/unwind.sh: $need is missing (make tests-build; pyenv install 3.12.1)" >&2; exit 1; }
done
command -v perf >/dev/null || { echo "bench/unwind.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
D=$(mktemp -d "${TMPDIR:-/tmp}/pytop-bench.XXXXXX")
trap 'rm -rf "$D"' EXIT

# run NAME CMD...: runs CMD under /usr/bin/time with the workload reporting
# its own wall and CPU seconds; leaves $D/NAME.{time,work,err}.
run() {
	local name=$1; shift
	WORKLOAD_TIMES=$D/$name.work /usr/bin/time -f "%e %U %S" -o "$D/$name.time" "$@" \
		>/dev/null 2>"$D/$name.err" </dev/null
}

# share of find_divisors samples with their caller, from folded lines on stdin
share() {
	awk '/py::find_divisors/ { n++; if (/py::(slow|fast)_function/) ok++ }
	     END { if (n) printf "%.1f%% (%d/%d)", 100 * ok / n, ok, n; else printf "n/a (0 samples)" }'
}

# perf script: one line per sample (frames joined by ';')
perf_folded() {
	perf script -i "$1" -F ip,sym 2>/dev/null |
		awk 'NF == 0 { if (s != "") print s; s = ""; next } { s = s ";" $2 } END { if (s != "") print s }'
}

perf_lost() {
	perf report -i "$1" --stats 2>/dev/null |
		awk '/LOST_SAMPLES events:/ { n += $3 } /^ *LOST events:/ { n += $3 } END { print n + 0 }'
}

echo "workload: $(basename "$W") $N on $("$PY" -c 'import platform; print(platform.python_version())') ($PY), 999 Hz, $(nproc) CPUs"

run base "$PY" -X perf "$W" "$N"
read -r base_wall base_cpu <"$D/base.work"

run pytop "$PYTOP" record -F 999 -e cpu-clock --python "$PY" -o "$D/pytop.data" "$W" "$N"
run perf_fp perf record -q -F 999 -e cpu-clock -g -o "$D/perf_fp.data" "$PY" -X perf "$W" "$N"
run perf_dwarf perf record -q -F 999 -e cpu-clock --call-graph dwarf -o "$D/perf_dwarf.data" "$PY" -X perf "$W" "$N"

printf '\n%-31s %22s %9s %15s %10s %6s\n' tool complete "rec CPU" "slowdown w/cpu" file lost
for t in pytop perf_fp perf_dwarf; do
	read -r _ u s <"$D/$t.time"
	read -r wall cpu <"$D/$t.work"
	rec_cpu=$(awk -v u="$u" -v s="$s" -v c="$cpu" 'BEGIN { printf "%.2f s", u + s - c }')
	slow=$(awk -v w="$wall" -v b="$base_wall" -v c="$cpu" -v bc="$base_cpu" 'BEGIN { printf "%.2fx/%.2fx", w / b, c / bc }')
	if [ "$t" = pytop ]; then
		c=$("$STACKS" --samples "$D/pytop.data" | share)
		lost=$(sed -n 's/.*samples (\([0-9]*\) lost.*/\1/p' "$D/pytop.err")
		mode=$(sed -n 's/.*call graph \([a-z]*\) .*/\1/p' "$D/pytop.err")
		label="pytop record (auto=$mode)"
	else
		c=$(perf_folded "$D/$t.data" | share)
		lost=$(perf_lost "$D/$t.data")
		label=$([ "$t" = perf_fp ] && echo "perf record -g" || echo "perf record --call-graph dwarf")
	fi
	size=$(stat -c %s "$D/$t.data")
	printf '%-31s %22s %9s %15s %10s %6s\n' "$label" "$c" "$rec_cpu" "$slow" \
		"$(awk -v b="$size" 'BEGIN { if (b >= 1048576) printf "%.1f MB", b / 1048576; else printf "%.0f KB", b / 1024 }')" "${lost:-?}"
done
p=$(stat -c %s "$D/pytop.data") d=$(stat -c %s "$D/perf_dwarf.data")
echo
echo "perf dwarf file / pytop file: $(awk -v a="$d" -v b="$p" 'BEGIN { printf "%.0fx", a / b }')"
grep -h 'pytop record: ' "$D/pytop.err" | sed 's/^/pytop: /'
