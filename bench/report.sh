#!/usr/bin/env bash
# bench/report.sh: pytop report against perf report, on the same input, in
# one run.  Prints figures; asserts nothing.
#
#   (a) record bench/report_workload.c (2 threads, many distinct stacks) with
#       `perf record -g` and `pytop record -g fp` at $FREQ Hz for $RUN s,
#       then time `perf report --stdio` and `pytop report --stdio` and their
#       max RSS;
#   (b) a synthetic 1,000,000-sample / 50,000-stack profile (mkfixture):
#       load + --stdio time and max RSS (target: < 0.5 s, < 200 MB);
#   (c) the model queries the TUI makes on (b) (target: well under 16 ms).
#
# Environment: FREQ (default 20000), RUN seconds (default 8), PYTOP (the
# pytop to time, default ./pytop), PYTOP_RECORD (a pytop with the recorder,
# default $PYTOP), BUILD (default build).  Needs perf and /usr/bin/time.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PYTOP=${PYTOP:-$ROOT/pytop}
PYTOP_RECORD=${PYTOP_RECORD:-$PYTOP}
MKFIXTURE=${MKFIXTURE:-$BUILD/tools/mkfixture}
FREQ=${FREQ:-20000}
RUN=${RUN:-8}
W=$(mktemp -d "${TMPDIR:-/tmp}/pytop-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

die() { echo "bench/report.sh: $*" >&2; exit 1; }
[ -x "$PYTOP" ] || die "$PYTOP not built (make)"
[ -x "$MKFIXTURE" ] || die "$MKFIXTURE not built (make tests-build)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt-get install time)"
command -v perf >/dev/null || die "perf missing (apt-get install linux-perf)"

# run CMD...: sets SECS (elapsed), CPU (user + system seconds) and RSS_MB
# (max resident set) of CMD, output discarded.  The machine may be shared:
# CPU time is the steadier figure.
run() {
	/usr/bin/time -f "%e %U %S %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err" || {
		echo "    (failed: $*: $(tail -1 "$W/err"))"; SECS=nan; CPU=nan; RSS_MB=nan; return 1; }
	read -r SECS u s kb <"$W/time"
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	RSS_MB=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a != a + 0 || b != b + 0) print "n/a"; else if (b > 0) printf "%.1fx", a / b;
	else printf ">%.0fx", a / 0.01 }'; }
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

echo "== (a) real recording: bench/report_workload.c, 2 threads, ${RUN} s at ${FREQ} Hz"
cc -std=c11 -D_GNU_SOURCE -O2 -g -fno-omit-frame-pointer -fno-inline -pthread \
	-o "$W/workload" "$ROOT/bench/report_workload.c" -lm || die "cannot build the workload"
perf record -q -g -F "$FREQ" -o "$W/perf.data" -- "$W/workload" "$RUN" >/dev/null 2>"$W/perf-rec.err" ||
	die "perf record failed: $(tail -1 "$W/perf-rec.err")"
perf_samples=$(perf report -i "$W/perf.data" --stdio --no-children --sort comm 2>/dev/null |
	sed -n 's/^# Samples: \([0-9.]*[KM]*\).*/\1/p' | head -1)
echo "  perf record:  $perf_samples samples, perf.data $(mb "$W/perf.data")"
have_pytop_record=no
if "$PYTOP_RECORD" record -q -g fp -F "$FREQ" -o "$W/pytop.data" -- "$W/workload" "$RUN" \
	>/dev/null 2>"$W/pytop-rec.err" && [ -s "$W/pytop.data" ]; then
	have_pytop_record=yes
	py_samples=$("$PYTOP" report -i "$W/pytop.data" --stdio -g none --sort comm |
		sed -n 's/^# Samples: \([0-9]*\).*/\1/p')
	echo "  pytop record: $py_samples samples, pytop.data $(mb "$W/pytop.data")"
else
	echo "  pytop record not available ($PYTOP_RECORD: $(head -1 "$W/pytop-rec.err"))"
	echo "  (set PYTOP_RECORD to a pytop built with the recorder)"
fi
perf_s=nan perf_c=nan perf_m=nan py_s=nan py_c=nan py_m=nan
printf '  %-34s %9s %9s %10s\n' "" "elapsed" "cpu" "max RSS"
run perf report -i "$W/perf.data" --stdio && { perf_s=$SECS; perf_c=$CPU; perf_m=$RSS_MB; }
printf '  %-34s %8ss %8ss %7s MB\n' "perf report --stdio" "$perf_s" "$perf_c" "$perf_m"
run perf report -i "$W/perf.data" --stdio --no-children && \
	printf '  %-34s %8ss %8ss %7s MB\n' "perf report --stdio --no-children" "$SECS" "$CPU" "$RSS_MB"
if [ $have_pytop_record = yes ]; then
	run "$PYTOP" report -i "$W/pytop.data" --stdio && { py_s=$SECS; py_c=$CPU; py_m=$RSS_MB; }
	printf '  %-34s %8ss %8ss %7s MB\n' "pytop report --stdio" "$py_s" "$py_c" "$py_m"
	run "$PYTOP" report -i "$W/pytop.data" --stdio --no-children && \
		printf '  %-34s %8ss %8ss %7s MB\n' "pytop report --stdio --no-children" "$SECS" "$CPU" "$RSS_MB"
	echo "  pytop vs perf (--stdio): $(ratio "$perf_s" "$py_s") faster (elapsed), $(ratio "$perf_c" "$py_c") (cpu), $(ratio "$perf_m" "$py_m") less memory (aim: 10x faster, less memory)"
fi

echo
echo "== (b) synthetic profile: 1,000,000 samples, 50,000 unique stacks (load: $(cut -d' ' -f1-3 /proc/loadavg))"
"$MKFIXTURE" --synthetic 1000000 50000 -o "$W/syn.data" || die "mkfixture --synthetic failed"
echo "  pytop.data $(mb "$W/syn.data")"
for args in "--stdio" "--stdio --no-children" "--stdio --python" "--stdio --hierarchy" "--folded" "--format json"; do
	# shellcheck disable=SC2086
	run "$PYTOP" report -i "$W/syn.data" $args
	verdict=$(awk -v s="$SECS" -v c="$CPU" -v m="$RSS_MB" 'BEGIN {
		print (s < 0.5 && m < 200) ? "ok" : (c < 0.5 && m < 200) ? "ok in cpu time (machine busy)" : "MISSED" }')
	printf '  pytop report %-22s %6ss elapsed %6ss cpu %7s MB  (target < 0.5 s, < 200 MB: %s)\n' \
		"$args" "$SECS" "$CPU" "$RSS_MB" "$verdict"
done

echo
echo "== (c) TUI re-queries on the synthetic profile (CPU ms, best of 5; target well under 16 ms)"
if [ -d "$BUILD/obj/model" ] && cc -std=c11 -D_GNU_SOURCE -O2 -I"$ROOT/include" -o "$W/queries" \
	"$ROOT/bench/report_queries.c" "$BUILD"/obj/model/*.o "$BUILD"/obj/model/*/*.o -lm 2>"$W/cc.err"; then
	"$W/queries" "$W/syn.data"
else
	echo "  cannot build bench/report_queries.c against $BUILD/obj/model (run make): $(head -1 "$W/cc.err")"
fi
