#!/usr/bin/env bash
# perfmap.sh: what a huge perf map costs the recorder (issue "Hardening",
# item 4).  The target, CPython 3.12 under -X perf, first appends MB
# megabytes of map lines to its own /tmp/perf-PID.map (a 1 MB block of
# lines, repeated: the same file every run), then runs Python code for
# SECONDS.  For each call-graph mode: the recorder's max RSS
# (/usr/bin/time), samples, lost samples and the share of samples whose
# stack names the workload's Python function, for this pytop next to
# PYTOP_BEFORE (a previous pytop binary, e.g. main before the change) on
# the same map, in one run.  perf record has no counterpart (perf reads
# perf maps at report time).  The machine may be shared: sample counts
# follow the CPU the target got.
# Usage: bench/perfmap.sh [MB] [SECONDS]     (defaults: 600 MB, 8 s)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB=${1:-600}
SECS=${2:-8}
PY=${PYTOP_PYTHON:-/root/.pyenv/versions/3.12.1/bin/python3}
W=$(mktemp -d /tmp/pytop-perfmap.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$ROOT" pytop build/tools/pdatastacks >/dev/null
[ -x "$PY" ] || { echo "perfmap.sh: $PY is missing (pyenv install 3.12.1)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "perfmap.sh: apt-get install time" >&2; exit 1; }
cat >"$W/bigmap.py" <<PYEOF
import os, sys, time
mb, secs = int(sys.argv[1]), float(sys.argv[2])
block = "".join("%x 40 py::junk_%d:/nowhere/junk.py\n" % (0x500000000000 + i * 0x40, i)
                for i in range(25000)).encode()
with open("/tmp/perf-%d.map" % os.getpid(), "ab") as f:
    for _ in range((mb << 20) // len(block)):
        f.write(block)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
t = time.time()
while time.time() - t < secs:
    fib(18)
PYEOF

# run LABEL BINARY MODE: one recording; prints its row
run() {
	local label=$1 bin=$2 mode=$3
	/usr/bin/time -f '%M' -o "$W/rss" "$bin" record -g "$mode" -F 999 -e cpu-clock \
		-o "$W/out.data" --python "$PY" "$W/bigmap.py" "$MB" "$SECS" >/dev/null 2>"$W/err" || true
	local n lost fib
	n=$(grep -o '[0-9,]* samples (' "$W/err" | head -1 | tr -dc 0-9)
	lost=$(grep -o '([0-9]* lost' "$W/err" | head -1 | tr -dc 0-9)
	fib=$("$ROOT/build/tools/pdatastacks" "$W/out.data" 2>/dev/null |
		awk '{ n = $NF; t += n; if ($0 ~ /py::fib/) f += n } END { printf "%.1f", t ? 100 * f / t : 0 }')
	awk -v l="$label" -v m="$mode" -v r="$(tail -1 "$W/rss")" -v n="${n:-0}" -v lost="${lost:-0}" -v f="$fib" \
		'BEGIN { printf "%-6s %-16s %9.1f MB %9d %7d %7s%%\n", m, l, r / 1024, n, lost,
		         f; }'
	grep -h 'perf map\|perf-.*map' "$W/err" | sed 's/^/         /' || true
	rm -f "$W/out.data"*
}

printf '== a %s MB perf map, then %s s of Python (CPython 3.12 -X perf, 999 Hz)\n' "$MB" "$SECS"
printf '%-6s %-16s %12s %9s %7s %8s\n' mode recorder "max RSS" samples lost "py::fib"
for mode in fp dwarf; do
	[ -n "${PYTOP_BEFORE:-}" ] && run "pytop (before)" "$PYTOP_BEFORE" "$mode"
	run "pytop" "$ROOT/pytop" "$mode"
done
