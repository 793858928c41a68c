#!/usr/bin/env bash
# bench/diff.sh: the cost of `pytop diff` next to its anchors, on the same
# input, in one run.  Prints figures; asserts nothing.
#
#   (a) a synthetic 1,000,000-sample / 50,000-stack profile (mkfixture)
#       against a second one of 500,000 samples / 40,000 stacks: `pytop diff
#       --stdio` against `pytop report --stdio` of both files (the same
#       queries, printed one after the other: what a diff adds is the join);
#   (b) two real recordings of bench/report_workload.c by perf and by pytop
#       (-g fp, $FREQ Hz, $RUN s each): `perf diff` against `pytop diff`.
# farm-bench gives min/median/max; quote the medians.
#
# Environment: FREQ (default 5000), RUN seconds (default 3), PYTOP (default
# ./pytop), BUILD (default build).  Needs farm-bench and perf.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PYTOP=${PYTOP:-$ROOT/pytop}
MKFIXTURE=${MKFIXTURE:-$BUILD/tools/mkfixture}
FREQ=${FREQ:-5000}
RUN=${RUN:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/pytop-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

die() { echo "bench/diff.sh: $*" >&2; exit 1; }
[ -x "$PYTOP" ] || die "$PYTOP not built (make)"
[ -x "$MKFIXTURE" ] || die "$MKFIXTURE not built (make tests-build)"
command -v farm-bench >/dev/null || die "farm-bench missing"
command -v perf >/dev/null || die "perf missing (apt-get install linux-perf)"

q="--no-children -g none --sort comm,dso,sym"
echo "== (a) synthetic: 1,000,000 samples / 50,000 stacks against 500,000 / 40,000"
"$MKFIXTURE" --synthetic 1000000 50000 -o "$W/a.data" || die "mkfixture failed"
"$MKFIXTURE" --synthetic 500000 40000 -o "$W/b.data" || die "mkfixture failed"
echo "  pytop diff --stdio A B   vs   pytop report --stdio -i A; pytop report --stdio -i B"
farm-bench -n 5 --vs "sh -c '$PYTOP report --stdio $q -i $W/a.data; $PYTOP report --stdio $q -i $W/b.data'" \
	-- "$PYTOP" diff --stdio --no-python $q "$W/a.data" "$W/b.data"

echo "== (b) real recordings: bench/report_workload.c, ${RUN} s at ${FREQ} Hz, twice"
cc -std=c11 -D_GNU_SOURCE -O2 -g -fno-omit-frame-pointer -fno-inline -pthread \
	-o "$W/workload" "$ROOT/bench/report_workload.c" -lm || die "cannot build the workload"
for r in 1 2; do
	perf record -q -g -F "$FREQ" -o "$W/perf$r.data" -- "$W/workload" "$RUN" >/dev/null 2>&1 ||
		die "perf record failed"
	"$PYTOP" record -q -g fp -F "$FREQ" -o "$W/pytop$r.data" -- "$W/workload" "$RUN" >/dev/null 2>&1 ||
		die "pytop record failed"
done
echo "  pytop diff --stdio   vs   perf diff (default: --sort dso,sym)"
farm-bench -n 5 --vs "perf diff $W/perf1.data $W/perf2.data" \
	-- "$PYTOP" diff --stdio --no-children --no-python --sort dso,sym "$W/pytop1.data" "$W/pytop2.data"
