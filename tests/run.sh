#!/usr/bin/env bash
# run.sh [unit | TEST...]: run pytop's tests (all of them, the unit tests only,
# or the named ones: tests/report/stdio.t, test_model, ...) and close with
# "tests: N passed, N failed".
# Every test program speaks TAP ("ok N - ...", "not ok N - ...", "1..N").
# A program that crashes, times out, prints no plan or a plan that does not
# match its test points counts as a failure too.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export ROOT BUILD
export PYTOP=$ROOT/pytop PYTOP_SAN=$BUILD/san/pytop MKFIXTURE=$BUILD/tools/mkfixture
export WORKLOADS=$BUILD/workloads
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
TIMEOUT=${TEST_TIMEOUT:-600}
logs=$BUILD/test-logs
rm -rf "$logs"; mkdir -p "$logs"

progs=()
if [ $# -gt 0 ] && [ "$1" != unit ]; then
	for a in "$@"; do
		case $a in
		test_*) progs+=("$BUILD/san/tests/${a%.c}") ;;
		/*) progs+=("$a") ;;
		*) progs+=("$ROOT/$a") ;;
		esac
	done
else
	# one unit test per source (a binary left by a removed source is not
	# run); a unit that was not built runs as a missing program and fails
	for src in "$ROOT"/tests/unit/test_*.c; do
		u=${src##*/}; progs+=("$BUILD/san/tests/${u%.c}")
	done
	if [ "${1:-}" != unit ]; then
		for t in "$ROOT"/tests/*/*.t; do [ -f "$t" ] && progs+=("$t"); done
	fi
fi

passed=0 failed=0
for p in "${progs[@]}"; do
	name=${p#"$BUILD"/}; name=${name#"$ROOT"/}
	log=$logs/$(echo "$name" | tr / _).log
	T=$(mktemp -d "${TMPDIR:-/tmp}/pytop-test.XXXXXX"); export T
	start=$(date +%s)
	( cd "$T" && exec timeout -k 10 "$TIMEOUT" bash -c '
		case $1 in *.t) exec bash "$1" ;; *) exec "$1" ;; esac' _ "$p" ) >"$log" 2>&1 </dev/null
	rc=$?
	secs=$(( $(date +%s) - start ))
	rm -rf "$T"
	n_ok=$(grep -c '^ok ' "$log")
	n_bad=$(grep -c '^not ok ' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | tail -1)
	extra=
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then extra="timed out after ${TIMEOUT}s"
	elif [ -z "$plan" ]; then extra="no plan (crashed? exit status $rc)"
	elif [ "$plan" -ne $((n_ok + n_bad)) ]; then extra="plan says $plan, ran $((n_ok + n_bad))"
	elif [ "$plan" -eq 0 ]; then extra="ran no test"
	elif [ "$rc" -ne 0 ] && [ "$n_bad" -eq 0 ]; then extra="exit status $rc"
	fi
	passed=$((passed + n_ok))
	failed=$((failed + n_bad))
	if [ -n "$extra" ]; then failed=$((failed + 1)); fi
	if [ "$n_bad" -eq 0 ] && [ -z "$extra" ]; then
		printf 'PASS %-40s %3d tests %4ss\n' "$name" "$n_ok" "$secs"
	else
		printf 'FAIL %-40s %3d ok, %d failed %s (%ss, log: %s)\n' "$name" "$n_ok" "$n_bad" "$extra" "$secs" "$log"
		grep -A12 '^not ok ' "$log" | grep -E '^(not ok|#)' | head -60 | sed 's/^/     /'
		[ -n "$extra" ] && tail -15 "$log" | sed 's/^/     | /'
	fi
done
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
