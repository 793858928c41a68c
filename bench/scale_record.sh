#!/usr/bin/env bash
# scale_record.sh: the recorder's memory over a long recording (issue
# "Scale"): max RSS of the recorder after SHORT and LONG seconds of the
# same workload at FREQ Hz, and the bytes of RSS per sample of growth
# between the two, for `pytop record` next to `perf record -g` on the same
# workload (tests/workloads/heavy: two threads and a child, all busy), in
# one run.  PYTOP_BEFORE=BINARY adds a previous pytop to the table.
# Max RSS is /usr/bin/time's (the whole run, the final write included);
# sample counts are the recorders' own summaries.  The machine may be
# shared: the sample counts follow the CPU the target got.
# Usage: bench/scale_record.sh [--quick]  (60 s and 600 s at 4000 Hz;
#        --quick: 5 s and 20 s, for a smoke run)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHORT=60 LONG=600 FREQ=${FREQ:-4000}
if [ "${1:-}" = --quick ]; then SHORT=5 LONG=20; fi
W=$(mktemp -d /tmp/pytop-scale.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$ROOT" pytop build/workloads/heavy >/dev/null
for t in perf /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "scale_record.sh: $t is missing (apt-get install linux-perf time)" >&2; exit 1; }
done
HEAVY=$ROOT/build/workloads/heavy

# one NAME SECONDS CMD...: "samples maxrss_kb" of one recording
one() {
	local name=$1 secs=$2; shift 2
	/usr/bin/time -f '%M' -o "$W/rss" "$@" -- "$HEAVY" -t "$secs" >/dev/null 2>"$W/$name.err" || true
	local n
	case $name in
	perf*) n=$(grep -o '([0-9]* samples)' "$W/$name.err" | tr -dc 0-9) ;;
	*) n=$(grep -o '[0-9,]* samples' "$W/$name.err" | head -1 | tr -dc 0-9) ;;
	esac
	echo "${n:-0} $(tail -1 "$W/rss")"
}

printf '== recorder memory: %s s and %s s of heavy at %s Hz (cpu-clock, frame pointers)\n' "$SHORT" "$LONG" "$FREQ"
printf '%-22s %12s %10s %12s %10s %14s\n' recorder "samples@${SHORT}s" "maxRSS" "samples@${LONG}s" "maxRSS" "growth B/sample"
row() { # row LABEL NAME CMD...
	local label=$1 name=$2; shift 2
	read -r s1 m1 < <(one "$name" "$SHORT" "$@" -o "$W/$name.1.data")
	read -r s2 m2 < <(one "$name" "$LONG" "$@" -o "$W/$name.2.data")
	rm -f "$W/$name".*.data*
	awk -v l="$label" -v s1="$s1" -v m1="$m1" -v s2="$s2" -v m2="$m2" 'BEGIN {
		g = s2 > s1 ? (m2 - m1) * 1024 / (s2 - s1) : 0
		printf "%-22s %12d %7.1f MB %12d %7.1f MB %14.1f\n", l, s1, m1 / 1024, s2, m2 / 1024, g }'
}
row "pytop record" pytop "$ROOT/pytop" record -F "$FREQ" -e cpu-clock -g fp
if [ -n "${PYTOP_BEFORE:-}" ]; then
	row "pytop (before)" before "$PYTOP_BEFORE" record -F "$FREQ" -e cpu-clock -g fp
fi
row "perf record -g" perf perf record -g -F "$FREQ" -e cpu-clock
echo "(growth = max RSS difference / sample difference; flat within noise is <= 8 B/sample)"
