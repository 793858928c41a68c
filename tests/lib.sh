# lib.sh: TAP helpers for pytop's shell tests.  Source it, then:
#   need CMD "what to install"   fail (not skip) when a prerequisite is missing
#   ok NAME / not_ok NAME WHY     one test point
#   check NAME CMD...             passes when CMD exits 0
#   check_eq NAME GOT WANT        exact string comparison, shows a diff
#   check_grep NAME PATTERN FILE  passes when grep -E finds PATTERN in FILE
#   done_testing                  prints the plan; the exit status says if all passed
# Environment from tests/run.sh: ROOT, BUILD, PYTOP, PYTOP_SAN, MKFIXTURE,
# WORKLOADS, and T, a fresh scratch directory for this test file.
set -u
_n=0
_failed=0
ok() { _n=$((_n + 1)); echo "ok $_n - $1"; }
not_ok() {
	_n=$((_n + 1)); _failed=$((_failed + 1))
	echo "not ok $_n - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}
check() {
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "command failed: $*" "$out"; fi
}
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1" "output differs (--- want, +++ got):"
		diff -u <(printf '%s\n' "$3") <(printf '%s\n' "$2") | tail -n +3 | sed 's/^/#   /'
	fi
}
check_grep() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else
		not_ok "$1" "no line matches /$2/ in $3:" "$(head -40 "$3")"; fi
}
need() {
	if ! command -v "$1" >/dev/null 2>&1; then
		not_ok "prerequisite $1" "$1 is missing: $2"
		done_testing
		exit 1
	fi
}
done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}
