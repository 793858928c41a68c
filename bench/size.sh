#!/usr/bin/env bash
# size.sh: bytes per sample of pytop.data next to perf.data, on the same samples.
#
# 1. perf record -g records the `stacks` workload (a few thousand unique
#    stacks) at a high frequency;
# 2. the very same samples (perf script) are written as a pytop.data by the
#    fixture tool, and both sizes are printed;
# 3. when `pytop record` works, pytop records the workload itself too.
# Usage: bench/size.sh [SECONDS] [FREQ]     (defaults: 10 s at 4000 Hz)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-10}
FREQ=${2:-4000}
W=$(mktemp -d /tmp/pytop-size.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$ROOT" pytop build/tools/mkfixture build/workloads/stacks >/dev/null
command -v perf >/dev/null || { echo "size.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }

perf record -q -g -F "$FREQ" -e cpu-clock -o "$W/perf.data" -- "$ROOT/build/workloads/stacks" "$SECS" 2>/dev/null
perf script -i "$W/perf.data" --ns -F comm,pid,tid,time,period,ip,sym,dso 2>/dev/null |
	python3 "$ROOT/bench/perf2fixture.py" >"$W/desc.txt"
"$ROOT/build/tools/mkfixture" -o "$W/same.data" "$W/desc.txt"

nsamples=$(grep -c '^sample ' "$W/desc.txt")
stacks=$("$ROOT/build/tools/mkfixture" --dump "$W/same.data" | grep -c '^stack ')
leaves=$(cut -d: -f2- "$W/desc.txt" | sort -u | wc -l)
perf_bytes=$(stat -c %s "$W/perf.data")
same_bytes=$(stat -c %s "$W/same.data")

printf '%-34s %12s %10s %14s\n' "file" "bytes" "samples" "bytes/sample"
printf '%-34s %12d %10d %14.2f\n' "perf.data (perf record -g)" "$perf_bytes" "$nsamples" \
	"$(echo "$perf_bytes / $nsamples" | bc -l)"
printf '%-34s %12d %10d %14.2f\n' "pytop.data (same samples)" "$same_bytes" "$nsamples" \
	"$(echo "$same_bytes / $nsamples" | bc -l)"
if "$ROOT/pytop" record -q -g fp -F "$FREQ" -e cpu-clock -o "$W/own.data" -- \
	"$ROOT/build/workloads/stacks" "$SECS" 2>"$W/rec.err"; then
	own_n=$("$ROOT/build/tools/mkfixture" --dump "$W/own.data" | grep -c '^sample ')
	own_b=$(stat -c %s "$W/own.data")
	printf '%-34s %12d %10d %14.2f\n' "pytop.data (pytop record -g fp)" "$own_b" "$own_n" \
		"$(echo "$own_b / $own_n" | bc -l)"
else
	echo "pytop record: not available ($(head -1 "$W/rec.err"))"
fi
echo "unique leaf stacks: $leaves, stack-tree nodes: $stacks"
printf 'perf.data / pytop.data on the same samples: %.1fx smaller\n' "$(echo "$perf_bytes / $same_bytes" | bc -l)"
