# nonroot.t: an unprivileged user (nobody) records user space only, with a
# one-line note, when perf_event_paranoid forbids kernel frames.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need setpriv "apt-get install util-linux"
if [ "$(id -u)" != 0 ]; then
	not_ok "this test switches to nobody and must run as root"
	done_testing; exit 1
fi
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)

# nobody needs a directory it can write and read the binaries from
d=$(mktemp -d /tmp/pytop-nobody.XXXXXX)
chmod 755 "$d"; mkdir "$d/out"; chmod 777 "$d/out"
cp "$PYTOP" "$WORKLOADS/heavy" "$d/"; chmod 755 "$d/pytop" "$d/heavy"
as_nobody() { (cd "$d/out" && setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"); }

as_nobody "$d/pytop" record -o "$d/out/u.data" -- "$d/heavy" 30 >/dev/null 2>"$d/err.txt"; rc=$?
check_eq "nobody: exit 0" "$rc" 0
check "nobody: the file is readable" "$MKFIXTURE" --dump "$d/out/u.data"
check_grep "nobody: heavy_a named" ';work;heavy_a ' <("$FOLDED" "$d/out/u.data")
if [ "$paranoid" -ge 2 ]; then
	check_grep "nobody: one-line note about user space only" \
		"^pytop: note: recording user space only: kernel frames need perf_event_paranoid <= 1 \\(it is $paranoid\\), root or CAP_PERFMON$" "$d/err.txt"
	if "$FOLDED" -k "$d/out/u.data" | grep -q '\[kernel\]'; then
		not_ok "nobody: no kernel frames" "$("$FOLDED" -k "$d/out/u.data" | grep kernel | head -3)"
	else ok "nobody: no kernel frames"; fi
else
	not_ok "perf_event_paranoid is $paranoid: this test needs 2 (the Debian default) to see the fallback"
fi
# off-CPU time of their own process: timed per thread (the kernel takes no
# switch-out stack without kernel access, so the waits have no class but
# preempted or wait-other), within 10% of each thread's own measurement
cp "$WORKLOADS/wall_c" "$d/"; chmod 755 "$d/wall_c"
as_nobody "$d/pytop" record -o "$d/out/w.data" -- "$d/wall_c" 0.5 >"$d/truth.txt" 2>"$d/errw.txt"; rc=$?
check_eq "nobody, off-CPU: exit 0" "$rc" 0
if [ "$paranoid" -ge 2 ]; then
	check_grep "nobody, off-CPU: one-line note about stacks" \
		'^pytop: note: off-CPU waits are timed without stacks: switch-out stacks need kernel access' "$d/errw.txt"
fi
"$PYTOP" report -i "$d/out/w.data" --format json --metric off-cpu >"$d/w.json" 2>>"$d/errw.txt"
check "nobody, off-CPU: each thread's waits within 10% of its own measurement" python3 - "$d/truth.txt" "$d/w.json" <<'PY'
import json, sys
truth = list(map(json.loads, open(sys.argv[1])))
th = {t["tid"]: t for t in json.load(open(sys.argv[2]))["threads"]}
assert len(truth) == 3, truth
for t in truth:
    want, got = t["wall"] - t["cpu"], th[t["tid"]]["off_cpu_ns"] / 1e9
    assert abs(got - want) <= 0.1 * want, (t, got)
PY
# DWARF stacks need bigger sample buffers than an ordinary user may lock:
# they shrink to fit, and nothing is lost for it at this rate
cp "$WORKLOADS/heavy-nofp" "$d/"; chmod 755 "$d/heavy-nofp"
as_nobody "$d/pytop" record -g dwarf -o "$d/out/dw.data" -- "$d/heavy-nofp" 30 >/dev/null 2>"$d/err3.txt"; rc=$?
check_eq "nobody, -g dwarf: exit 0" "$rc" 0
check_grep "nobody, -g dwarf: main -> work -> heavy_a" ';main;work;heavy_a ' <("$FOLDED" "$d/out/dw.data")
check_grep "nobody, -g dwarf: summary" '^\[ pytop record: [0-9,]+ samples' "$d/err3.txt"

# attaching to a process of another user (root's): say whose it is, not
# what perf_event_paranoid is
"$WORKLOADS/heavy" -t 8 >/dev/null & rootproc=$!
as_nobody "$d/pytop" record -p "$rootproc" -d 1 -o "$d/out/a.data" >/dev/null 2>"$d/err4.txt"; rc=$?
kill "$rootproc"; wait "$rootproc" 2>/dev/null
check_eq "another user's process: exit 1" "$rc" 1
check_eq "another user's process: says so" "$(grep -v '^pytop: note:' "$d/err4.txt")" \
	"pytop: -p $rootproc: the process belongs to another user (uid 0, you are uid $(id -u nobody)): profile it as that user or as root"

# a directory nobody cannot write: one line, exit 1
as_nobody "$d/pytop" record -o "$d/u.data" -- "$d/heavy" 1 >/dev/null 2>"$d/err2.txt"; rc=$?
check_eq "unwritable output: exit 1" "$rc" 1
check_eq "unwritable output: says so before running anything" "$(cat "$d/err2.txt")" "pytop: cannot write $d/u.data: Permission denied"
rm -rf "$d"
done_testing
