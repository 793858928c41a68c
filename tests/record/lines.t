#!/usr/bin/env bash
# lines.t: frame lines from a real recording (--python-frames bpf, CPython
# 3.12, tests/workloads/lines.py): one function whose line A runs twice the
# iterations of its line B.  report --lines shows both lines of tally, A's
# samples within 20% of twice B's (the profile's own counts, not timed);
# without --lines tally is one entry.  24 repetitions (~400 samples on line B):
# at 6 the counts alone (~90 on B) put 20% at 1.5 standard errors.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
if [ "$(id -u)" != 0 ]; then
	not_ok "this test loads BPF programs and must run as root"
	done_testing; exit 1
fi
need_file "$PY312" "CPython 3.12 (pyenv install 3.12.1)"
cp "$ROOT/tests/workloads/lines.py" .
"$PYTOP" record --python-frames bpf -o lines.data "$PY312" lines.py 24 >rec.out 2>&1
check_eq "recorded" "$?" 0
# self samples of each line of tally (line 8: A, line 9: B)
"$PYTOP" report -i lines.data --format json --lines --metric cpu >l.json
"$PYTOP" report -i lines.data --format json --metric cpu >f.json
python3 - l.json f.json >check.out 2>&1 <<'PY'
import json, sys
l, f = (json.load(open(a)) for a in sys.argv[1:3])
by = {e["line"]: e["self_samples"] for e in l["entries"] if e["function"] == "tally"}
a, b = by.get(8, 0), by.get(9, 0)
assert b >= 200, "too few samples on line 9: %r" % by
r = a / b
assert 1.6 <= r <= 2.4, "line 8 / line 9 = %d / %d = %.2f, not within 20%% of 2" % (a, b, r)
t = [e for e in f["entries"] if e["function"] == "tally"]
assert len(t) == 1 and t[0]["line"] is None, t
print("ok %d / %d = %.2f" % (a, b, r))
PY
check_grep "--lines: tally's line 8 has twice line 9's samples (within 20%); one entry without" '^ok ' check.out
done_testing
