#!/usr/bin/env bash
# export.t: pprof and speedscope exports of real recordings, read by the
# real tools: `go tool pprof -top` shows the flat/cumulative shares that
# `pytop report --stdio` shows as Self/Children (within 0.1 point), labels
# and files; the speedscope file validates against speedscope's own schema
# and each thread's profile weighs what the thread weighs.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need go "apt-get install golang-go (make deps)"
need python3 "apt-get install python3"
need script "apt-get install util-linux"
python3 -c 'import jsonschema' 2>/dev/null ||
	{ not_ok "prerequisite python3-jsonschema" "apt-get install python3-jsonschema (make deps)"; done_testing; exit 1; }
SCHEMA=$ROOT/tests/node/node_modules/speedscope/dist/release/file-format-schema.json
need_file "$SCHEMA" "run 'make deps' (npm packages of tests/node)"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
export PPROF_TMPDIR=$T HOME=$T

# compare NAME DATA PPROF QUERY...: pprof -top flat/cum against --stdio
# --no-children / --children of the same query, for every function of at
# least 1% (names unique in pytop's list; Python names lose " (file.py)").
compare() {
	local name=$1 data=$2 pb=$3; shift 3
	go tool pprof -top -nodecount=100000 -nodefraction=0 -edgefraction=0 "$pb" >"$name.top" 2>"$name.toperr"
	"$PYTOP" report -i "$data" --stdio --no-children --sort sym -g none "$@" >"$name.self"
	"$PYTOP" report -i "$data" --stdio --children --sort sym -g none "$@" >"$name.children"
	if out=$(python3 - "$name.top" "$name.self" "$name.children" <<'PY'
import re, sys
top, selff, chf = sys.argv[1:]
pp = {}
for line in open(top):
    m = re.match(r'\s*\S+\s+([\d.]+)%\s+[\d.]+%\s+\S+\s+([\d.]+)%\s+(.*)$', line)
    if m:
        pp[m.group(3).strip()] = (float(m.group(1)), float(m.group(2)))
def rows(path, two):
    r, dup = {}, set()
    pat = r'\s+([\d.]+)%\s+([\d.]+)%\s+\[.\] (.*)$' if two else r'\s+([\d.]+)%\s+\[.\] (.*)$'
    for line in open(path):
        m = re.match(pat, line)
        if not m:
            continue
        # Python view names "qual (file.py)": pprof has qual (file apart);
        # "name (inlined)" is the same in both
        n = re.sub(r' \((?!inlined\))[^()]*\)$', '', m.group(m.lastindex))
        if n.startswith("py::"):   # all-frames view: the stored name
            n = n[4:].split(":", 1)[0]
        if n in r:
            dup.add(n)
        r[n] = float(m.group(1))
    return r, dup
self_, d1 = rows(selff, False)
child, d2 = rows(chf, True)
bad, n = [], 0
for f in child:
    if f in d1 | d2 or child[f] < 1.0:
        continue
    n += 1
    if f not in pp:
        bad.append("%s: not in pprof -top" % f); continue
    flat, cum = pp[f]
    if abs(flat - self_.get(f, 0.0)) > 0.1:
        bad.append("%s: flat %.2f%% vs self %.2f%%" % (f, flat, self_.get(f, 0.0)))
    if abs(cum - child[f]) > 0.1:
        bad.append("%s: cum %.2f%% vs children %.2f%%" % (f, cum, child[f]))
if n < 3:
    bad.append("only %d functions of >= 1%% to compare" % n)
print("\n".join(bad) if bad else "%d functions" % n)
sys.exit(1 if bad else 0)
PY
	); then ok "$name: go tool pprof -top flat/cum = pytop self/children ($out)"
	else not_ok "$name: go tool pprof -top flat/cum = pytop self/children" "$out" "$(head -20 "$name.top")" "$(cat "$name.toperr")"; fi
}

# speedscope NAME DATA QUERY...: schema-valid; weights per thread = the
# thread's self weight in the same query (JSON --sort tid --no-children).
speedscope() {
	local name=$1 data=$2; shift 2
	"$PYTOP" report -i "$data" --format speedscope -o "$name.ss.json" "$@"
	"$PYTOP" report -i "$data" --format json --sort pid,tid --no-children "$@" >"$name.tid.json"
	if out=$(python3 - "$SCHEMA" "$name.ss.json" "$name.tid.json" <<'PY'
import json, sys, re, jsonschema
schema, ss, tid = (json.load(open(p)) for p in sys.argv[1:])
jsonschema.validate(ss, schema)
want = {(e["pid"], e["tid"]): e["self_weight"] for e in tid["entries"]}
got = {}
nframes = len(ss["shared"]["frames"])
for p in ss["profiles"]:
    m = re.search(r'\(pid (\d+), tid (\d+)\)$', p["name"])
    key = (int(m.group(1)), int(m.group(2)))
    assert len(p["samples"]) == len(p["weights"]), p["name"]
    assert all(0 <= i < nframes for s in p["samples"] for i in s), p["name"]
    assert sum(p["weights"]) == p["endValue"], p["name"]
    got[key] = sum(p["weights"])
want = {k: v for k, v in want.items() if v}
assert got == want, (got, want)
print("%d profiles, %d frames" % (len(got), nframes))
PY
	); then ok "$name: speedscope file valid, weights = thread totals ($out)"
	else not_ok "$name: speedscope file valid, weights = thread totals" "$out"; fi
}

# ---- the C workload (frame pointers, three threads in two processes) ----
"$PYTOP" record -q -o heavy.data -- "$WORKLOADS/heavy" 60 >/dev/null 2>heavy.err
check "C workload recorded" test -s heavy.data
"$PYTOP" report -i heavy.data --format pprof -o heavy.pb.gz
check "pprof output is gzip" sh -c 'gzip -t heavy.pb.gz'
compare heavy heavy.data heavy.pb.gz
go tool pprof -top heavy.pb.gz >heavy.top1 2>&1
check_grep "pprof: names the program" '^File: heavy$' heavy.top1
check_grep "pprof: cpu time in nanoseconds" '^Type: cpu$' heavy.top1
go tool pprof -raw heavy.pb.gz >heavy.raw 2>&1
check_grep "pprof: period type and period" '^PeriodType: cpu nanoseconds$' heavy.raw
check_grep "pprof: sample types samples/count, cpu/nanoseconds" '^samples/count cpu/nanoseconds\[dflt\]$' heavy.raw
check_grep "pprof: comm label" 'comm:\[heavy-child\]' heavy.raw
check_grep "pprof: pid and tid labels" 'pid:\[[0-9]+\] tid:\[[0-9]+\]' heavy.raw
check_grep "pprof: the binary's mapping with its build-id" "^ *1: 0x0/0x0/0x0 .*/heavy [0-9a-f]{40}" heavy.raw
go tool pprof -tags heavy.pb.gz >heavy.tags 2>&1
check_eq "pprof: one tid tag per thread" "$(awk '/^ *tid:/ { t = 1; next } /^ *[a-z]+:/ { t = 0 }
	t && /%\): [0-9]+$/ { print $NF }' heavy.tags | sort -n | tr '\n' ' ')" \
	"$("$FOLDED" -t heavy.data | cut -d';' -f1 | cut -d/ -f3 | sort -un | tr '\n' ' ')"
"$PYTOP" report -i heavy.data --format pprof --comm heavy -o heavy.pb2.gz
compare heavy-filtered heavy.data heavy.pb2.gz --comm heavy
"$PYTOP" report -i heavy.data --format pprof -o - >stdout.pb.gz
check "-o - writes the same bytes to standard output" cmp heavy.pb.gz stdout.pb.gz
script -qec "$PYTOP report -i heavy.data --format pprof" /dev/null >tty.txt 2>&1; rc=$?
check_eq "binary output to a terminal refused" "$rc" 2
check_grep "... with a hint" 'pytop: report: --format pprof is gzip data, not for a terminal \(use -o FILE' tty.txt
speedscope heavy heavy.data

# ---- Python 3.12 with the perf trampoline, dwarf unwinding ----
cp "$ROOT/tests/workloads/profile_perf.py" .
"$PYTOP" record -q -g dwarf --python "$PY312" -o py.data profile_perf.py 1500000 >/dev/null 2>py.err
check "Python workload recorded" test -s py.data
"$PYTOP" report -i py.data --python --format pprof -o py.pb.gz
compare python py.data py.pb.gz --python
"$PYTOP" report -i py.data --format pprof -o pyall.pb.gz
compare python-all py.data pyall.pb.gz --no-python
go tool pprof -raw py.pb.gz >py.raw 2>&1
check_grep "pprof: Python functions with their file" "slow_function $PWD/profile_perf.py:0" py.raw
go tool pprof -top py.pb.gz >py.top1 2>&1
check_grep "pprof: the interpreter names the Python profile" '^File: python3' py.top1
speedscope python py.data --python
grep -o '"name": "slow_function", "file": "[^"]*"' python.ss.json | head -1 >ssframe.txt
check_eq "speedscope: Python frames with name and file" "$(cat ssframe.txt)" \
	"\"name\": \"slow_function\", \"file\": \"$PWD/profile_perf.py\""
done_testing
