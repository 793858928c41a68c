#!/usr/bin/env bash
# Wall-clock reports (issue 12) on a hand-made recording with off-CPU
# samples and thread spans (fixtures/wall.txt says what each thread did and
# what the split must be): the header's duration and wall split, --metric
# cpu|off-cpu|wall in stdio, folded (µs) and JSON, the waiting classes.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

fixture wall
fixture basic
golden wall.stdio wall --stdio -g none
golden wall.off-cpu wall --stdio -g none --metric off-cpu --sort tid
golden wall.wall wall --stdio -g none --metric wall --no-children --sort sym
golden wall.off-cpu-children wall --stdio -g none --metric off-cpu
golden wall.cpu-tid wall --stdio -g none --sort tid
golden wall.folded-off wall --folded --metric off-cpu
golden wall.folded-wall wall --folded --metric wall
golden wall.folded-cpu wall --folded

# the split itself, against the fixture's own numbers
check_grep "header: the wall split" \
	'^# Wall 7.00 s, 4 threads: on CPU 1.20 s \(17%\); waiting 5.80 s: lock 2.80 s, sleep 1.50 s, io 0.90 s \(socket 0.30 s, file/pipe 0.60 s\), gil 0.50 s, preempted 0.10 s$' \
	<("$PYTOP" report -i "$T/wall.data" --stdio -g none)
check_grep "header: the duration" '^# Duration 2.00 s$' <("$PYTOP" report -i "$T/wall.data" --stdio)
# a CPU-only file: duration, no wall line
out=$("$PYTOP" report -i "$T/basic.data" --stdio)
check_grep "CPU-only file: the duration line" "^# Duration unknown$" <(printf "%s\n" "$out")
if grep -q '^# Wall' <<<"$out"; then not_ok "CPU-only file: no wall line"; else ok "CPU-only file: no wall line"; fi

# JSON: ns, the waiting classes in "classes", every thread with its classes
json=$("$PYTOP" report -i "$T/wall.data" --format json --metric wall)
check "JSON: time, classes and threads" python3 - "$json" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
t = d["time"]
assert d["metric"] == "wall", d["metric"]
assert (t["duration_ns"], t["wall_ns"], t["cpu_ns"], t["off_cpu_ns"]) == \
    (2000000000, 7000000000, 1200000000, 5800000000), t
assert (t["io_socket_ns"], t["io_file_ns"]) == (300000000, 600000000), t
c = d["classes"]
for k in ("gil", "sleep", "io", "lock", "subprocess", "preempted", "wait-other"):
    assert set(c[k]) == {"weight", "samples", "percent"}, (k, c[k])
assert c["lock"]["weight"] == 2800000000 and c["gil"]["weight"] == 500000000, c
th = {x["tid"]: x for x in d["threads"]}
assert th[51]["classes"] == {"sleep": 1500000000, "gil": 500000000}, th[51]
assert th[52]["classes"] == {"io": 900000000, "preempted": 100000000}, th[52]
assert (th[52]["start_ns"], th[52]["end_ns"], th[52]["wall_ns"]) == (500000000, 1500000000, 1000000000)
assert th[53]["cpu_ns"] == 1000000000 and th[53]["classes"]["lock"] == 1000000000, th[53]
assert th[50]["classes"] == {"python": 200000000, "lock": 1800000000}, th[50]
PY
# a thread filter narrows the split to the kept threads
check_grep "--tid: the split of that thread" \
	'^# Wall 1.00 s, 1 thread: on CPU 0.00 s \(0%\); waiting 1.00 s: io 0.90 s \(socket 0.30 s, file/pipe 0.60 s\), preempted 0.10 s$' \
	<("$PYTOP" report -i "$T/wall.data" --stdio --tid 52)

# bad input: one line, exit 2
err=$("$PYTOP" report -i "$T/basic.data" --stdio --metric off-cpu 2>&1); rc=$?
check_eq "--metric off-cpu on a CPU-only file: exit 2" "$rc" 2
check_eq "--metric off-cpu on a CPU-only file: says why" "$err" \
	"pytop: report: --metric off-cpu: $T/basic.data has no off-CPU time (recorded with --no-off-cpu or by an older pytop); use --metric cpu"
err=$("$PYTOP" report -i "$T/wall.data" --stdio --metric idle 2>&1); rc=$?
check_eq "--metric idle: exit 2" "$rc" 2
check_eq "--metric idle: says what is known" "$err" \
	"pytop: report: --metric: unknown metric 'idle' (use cpu, off-cpu or wall)"
done_testing
