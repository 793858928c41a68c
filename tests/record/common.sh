# common.sh: helpers for the recorder's tests (sourced after tests/lib.sh).
FOLDED=$BUILD/tools/pdatastacks
PY312=${PY312:-/root/.pyenv/versions/3.12.1/bin/python3}
PY313=${PY313:-/root/.pyenv/versions/3.13.0/bin/python3}

need_file() { # need_file PATH WHAT-TO-DO
	if [ ! -e "$1" ]; then
		not_ok "prerequisite $1" "$1 is missing: $2"
		done_testing
		exit 1
	fi
}
need_file "$FOLDED" "run 'make tests-build'"
need_file "$WORKLOADS/heavy" "run 'make tests-build'"

# samples FILE PATTERN: samples whose folded stack matches the awk regex
samples() {
	"$FOLDED" "$1" | awk -v re="$2" '{ n = $NF; $NF = ""; if ($0 ~ re) s += n } END { print s + 0 }'
}
# total FILE: all samples
total() { samples "$1" "."; }
# meta FILE KEY: one metadata value from mkfixture --dump
meta() {
	"$MKFIXTURE" --dump "$1" | grep '^meta ' | grep -o " $2=\('[^']*'\|[^ ]*\)" | head -1 |
		sed "s/^ $2=//; s/^'//; s/'\$//"
}
# wait_attached PID: until process PID holds a perf_event fd (at most 10 s)
wait_attached() {
	for _ in $(seq 100); do
		ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'perf_event' && return 0
		sleep 0.1
	done
	return 1
}
# ratio A B: A/B with 3 decimals (B = 0 gives 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }
# within X LO HI: LO <= X <= HI
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
