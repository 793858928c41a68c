# cli.t: the front end's help, version and usage errors.
source "$ROOT/tests/lib.sh"

out=$("$PYTOP" --help); rc=$?
check_eq "pytop --help exits 0" "$rc" 0
case $out in *"pytop record"*"pytop report"*) ok "--help names both commands" ;;
	*) not_ok "--help names both commands" "$out" ;; esac
check_eq "pytop --version" "$("$PYTOP" --version)" "pytop 0.1.0"
err=$("$PYTOP" 2>&1 >/dev/null); rc=$?
check_eq "no command: usage and exit 2" "$rc" 2
case $err in usage:*) ok "no command prints usage on stderr" ;; *) not_ok "no command prints usage on stderr" "$err" ;; esac
err=$("$PYTOP" frobnicate 2>&1); rc=$?
check_eq "unknown command exits 2" "$rc" 2
check_eq "unknown command message" "$err" "pytop: 'frobnicate' is not a pytop command (see 'pytop --help')"
for c in record report diff; do
	out=$("$PYTOP" $c --help 2>&1); rc=$?
	check_eq "pytop $c --help exits 0" "$rc" 0
	case $out in *[Uu]sage*) ok "pytop $c --help shows usage" ;; *) not_ok "pytop $c --help shows usage" "$out" ;; esac
done
done_testing
