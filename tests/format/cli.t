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
for c in record report diff import; do
	out=$("$PYTOP" $c --help 2>&1); rc=$?
	check_eq "pytop $c --help exits 0" "$rc" 0
	case $out in *[Uu]sage*) ok "pytop $c --help shows usage" ;; *) not_ok "pytop $c --help shows usage" "$out" ;; esac
done
err=$("$PYTOP" import a.data b.data 2>&1); rc=$?
check_eq "import with two inputs: exit 2" "$rc" 2
check_eq "... and says so" "$err" "pytop: import: unexpected argument 'b.data' (one input file)"
err=$("$PYTOP" import -o 2>&1); rc=$?
check_eq "import -o without a value: exit 2" "$rc" 2
err=$("$PYTOP" import /nonexistent.perf.data 2>&1); rc=$?
check_eq "import of a missing file: exit 1" "$rc" 1
check_eq "... one line" "$err" "pytop: /nonexistent.perf.data: cannot open: No such file or directory"
done_testing
