# lint.t: the static analyser (cppcheck) finds nothing in pytop's sources.
source "$ROOT/tests/lib.sh"
need cppcheck "apt-get install cppcheck"
out=$(make -s -C "$ROOT" lint 2>&1); rc=$?
if [ "$rc" -eq 0 ]; then ok "cppcheck: zero findings"; else not_ok "cppcheck: zero findings" "$out"; fi
done_testing
