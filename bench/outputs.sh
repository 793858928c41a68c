#!/usr/bin/env bash
# bench/outputs.sh: what the text outputs cost, next to their anchors, in
# one run.  Prints figures; asserts nothing.
#
#   (a) issue 11 item 14: --folded against --stdio (the anchor) on a
#       synthetic $SAMPLES-sample / $STACKS-stack profile (mkfixture
#       --synthetic): elapsed, user time and max RSS;
#   (b) issue 11 item 6: bytes of --stdio and --format json on a chain of
#       $DEPTH distinct frames, next to the file's own size (output must
#       grow linearly with the file; before: 672 MB / 847 MB at 8000 deep).
#
# Environment: PYTOP (default ./pytop), BUILD (default build), SAMPLES
# (default 9000000), STACKS (default 50000), DEPTH (default 8000).  Needs
# /usr/bin/time and python3.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PYTOP=${PYTOP:-$ROOT/pytop}
MKFIXTURE=${MKFIXTURE:-$BUILD/tools/mkfixture}
SAMPLES=${SAMPLES:-9000000}
STACKS=${STACKS:-50000}
DEPTH=${DEPTH:-8000}
W=$(mktemp -d "${TMPDIR:-/tmp}/pytop-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

die() { echo "bench/outputs.sh: $*" >&2; exit 1; }
[ -x "$PYTOP" ] || die "$PYTOP not built (make)"
[ -x "$MKFIXTURE" ] || die "$MKFIXTURE not built (make tests-build)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt-get install time)"

run() { # label args...
	local label=$1
	shift
	/usr/bin/time -f "%e %U %M" -o "$W/time" "$PYTOP" report "$@" >"$W/out" 2>/dev/null
	read -r e u m <"$W/time"
	printf '  %-22s %8s s elapsed %7s s user %8s KB max RSS %12s bytes out\n' \
		"$label" "$e" "$u" "$m" "$(wc -c <"$W/out")"
}

echo "(a) $SAMPLES samples, $STACKS stacks (machine shared: elapsed times are noisy)"
"$MKFIXTURE" --synthetic "$SAMPLES" "$STACKS" -o "$W/syn.data" || die "mkfixture failed"
run "--stdio (anchor)" -i "$W/syn.data" --stdio
run "--folded" -i "$W/syn.data" --folded

echo "(b) one stack of $DEPTH distinct frames"
python3 -c "print('meta event cpu-clock\nsample deep 1/1 1 : ' +
	';'.join('f%d@/lib/libdeep.so' % i for i in range($DEPTH)))" >"$W/deep.txt"
"$MKFIXTURE" -o "$W/deep.data" "$W/deep.txt" || die "mkfixture failed"
printf '  %-22s %12s bytes\n' "the file" "$(wc -c <"$W/deep.data")"
run "--stdio" -i "$W/deep.data" --stdio
run "--format json" -i "$W/deep.data" --format json
run "--stdio --max-stack 127" -i "$W/deep.data" --stdio --max-stack 127
