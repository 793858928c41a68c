# golden.sh: helpers for the report golden tests (sourced by tests/report/*.t).
#   fixture NAME              build $T/NAME.data from fixtures/NAME.txt
#   golden CASE DATA ARGS...  `pytop report -i DATA ARGS` (both the normal
#                             and the ASan+UBSan build) must print exactly
#                             fixtures/CASE.out and exit 0
# The .out files are written by hand / checked by eye against the comments
# in the fixture descriptions.
F=$ROOT/tests/report/fixtures
if [ ! -x "$MKFIXTURE" ] || [ ! -x "$PYTOP" ] || [ ! -x "$PYTOP_SAN" ]; then
	not_ok "test tools built" "run 'make tests-build' first (need $PYTOP, $PYTOP_SAN, $MKFIXTURE)"
	done_testing
	exit 1
fi
fixture() {
	"$MKFIXTURE" -o "$T/$1.data" "$F/$1.txt" || not_ok "fixture $1" "mkfixture failed"
}
golden() {
	local case=$1 data=$2 bin got rc
	shift 2
	if [ -n "${REGEN_GOLDEN:-}" ]; then
		# writing a new case: review the file by eye before committing it
		"$PYTOP" report -i "$T/$data.data" "$@" >"$F/$case.out"
	fi
	for bin in "$PYTOP" "$PYTOP_SAN"; do
		got=$("$bin" report -i "$T/$data.data" "$@" 2>"$T/stderr")
		rc=$?
		if [ $rc -ne 0 ]; then
			not_ok "$case ($(basename "$bin")): exit 0" "exit status $rc" "$(head -5 "$T/stderr")"
			continue
		fi
		check_eq "$case ($(basename "$(dirname "$bin")")/$(basename "$bin")): $*" "$got" "$(cat "$F/$case.out")"
	done
}
