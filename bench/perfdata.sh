#!/usr/bin/env bash
# bench/perfdata.sh: `pytop report -i perf.data --stdio` (import + report)
# next to `perf report --stdio` on the same perf.data files, in one run:
#   (a) the C workload recorded with `perf record -g` (frame pointers);
#   (b) CPython 3.12 -X perf recorded with `perf record --call-graph dwarf`
#       (stack copies: both tools unwind them; pytop also through the
#       perf trampolines);
# and the size of `pytop import`'s file next to the perf.data.  Elapsed and
# CPU seconds and max RSS from /usr/bin/time.  Prints figures; asserts
# nothing.  Environment: PYTOP (default ./pytop), BUILD, PY312, RUN (the C
# workload's rounds, default 300).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PYTOP=${PYTOP:-$ROOT/pytop}
PY312=${PY312:-/root/.pyenv/versions/3.12.1/bin/python3}
RUN=${RUN:-300}
W=$(mktemp -d "${TMPDIR:-/tmp}/pytop-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

die() { echo "bench/perfdata.sh: $*" >&2; exit 1; }
[ -x "$PYTOP" ] || die "$PYTOP not built (make)"
[ -x "$BUILD/workloads/heavy" ] || die "$BUILD/workloads/heavy not built (make tests-build)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt-get install time)"
command -v perf >/dev/null || die "perf missing (apt-get install linux-perf)"

run() { # run LABEL CMD...: one line of figures
	local label=$1; shift
	if /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err"; then
		read -r e u s kb <"$W/time"
		printf "  %-34s %6.2f s elapsed  %6.2f s CPU  %7.1f MB max RSS\n" "$label" "$e" \
			"$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
	else
		echo "  $label: failed: $(tail -1 "$W/err")"
	fi
}
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

echo "== (a) C workload, perf record -g, heavy $RUN"
perf record -q -g -o "$W/fp.perf.data" -- "$BUILD/workloads/heavy" "$RUN" >/dev/null 2>&1 ||
	die "perf record failed"
echo "  perf.data $(mb "$W/fp.perf.data"), $(perf report -i "$W/fp.perf.data" --stdio 2>/dev/null | sed -n 's/^# Samples: \([^ ]*\).*/\1/p' | head -1) samples"
run "perf report --stdio" perf report -i "$W/fp.perf.data" --stdio
run "pytop report -i perf.data --stdio" "$PYTOP" report -i "$W/fp.perf.data" --stdio
"$PYTOP" import "$W/fp.perf.data" -o "$W/fp.data" >/dev/null 2>&1
echo "  pytop import: $(mb "$W/fp.data")"
run "pytop report -i imported --stdio" "$PYTOP" report -i "$W/fp.data" --stdio

if [ -x "$PY312" ]; then
	echo "== (b) CPython 3.12 -X perf, perf record --call-graph dwarf (8 KiB copies)"
	cp "$ROOT/tests/workloads/profile_perf.py" "$W/"
	(cd "$W" && perf record -q --call-graph dwarf -o "$W/py.perf.data" -- "$PY312" -X perf \
		profile_perf.py 2000000 >/dev/null 2>&1) || die "perf record --call-graph dwarf failed"
	echo "  perf.data $(mb "$W/py.perf.data")"
	run "perf report --stdio" perf report -i "$W/py.perf.data" --stdio
	run "pytop report -i perf.data --stdio" "$PYTOP" report -i "$W/py.perf.data" --stdio
	"$PYTOP" import "$W/py.perf.data" -o "$W/py.data" >/dev/null 2>&1
	echo "  pytop import: $(mb "$W/py.data")"
	run "pytop report -i imported --stdio" "$PYTOP" report -i "$W/py.data" --stdio
fi
echo "(the machine may be shared by other work: CPU seconds are the steadier figure)"
