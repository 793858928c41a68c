#!/usr/bin/env bash
# Exports: --folded (root first, one line per unique stack, sorted; the
# Python view and filters apply) and --format json (valid JSON, values).
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"
need python3 "apt-get install python3"

fixture basic
fixture multi
fixture python

golden basic.folded basic --folded
golden python.folded python --folded --python
golden multi.folded-filtered multi --folded --comm python3
golden python.folded-raw python --folded --no-python
# truncated stacks start at a [truncated] frame, not at a false root
fixture truncated
golden truncated.folded truncated --folded --no-python
"$PYTOP" report -i "$T/truncated.data" --format json --no-python >"$T/trunc.json" 2>"$T/err"
check "json: truncated stacks under [truncated]" python3 - "$T/trunc.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["sym"]: x for x in d["entries"]}
t = e["[truncated]"]
assert (t["children"], t["self"], t["dso"]) == (100.0, 0.0, "[unknown]"), t
kids = [(k["name"], k["percent"]) for k in t["callgraph"]["children"][0]["children"]]
assert kids == [("_PyEval_EvalFrameDefault", 60.0), ("py::recurse:/app/deep.py", 40.0)], kids
PY

for bin in "$PYTOP" "$PYTOP_SAN"; do
	b=$(basename "$(dirname "$bin")")/$(basename "$bin")
	"$bin" report -i "$T/multi.data" --format json >"$T/multi.json" 2>"$T/err"
	check "json is valid ($b)" python3 -m json.tool "$T/multi.json"
	"$bin" report -i "$T/python.data" --format json --python >"$T/python.json" 2>"$T/err"
	check "json --python is valid ($b)" python3 -m json.tool "$T/python.json"
	"$bin" report -i "$T/multi.data" --format json --hierarchy >"$T/hier.json" 2>"$T/err"
	check "json --hierarchy is valid ($b)" python3 -m json.tool "$T/hier.json"
done

# values: multi has 100 samples; python3 main 50%, memcpy 40% self, gzip
# deflate children 30 self 25; classes: python3's stacks have no Python
# frame but an interpreter frame (main@python3.12): interpreter 70; gzip's
# deflate native 25, its clear_page kernel 5
check "json values (multi)" python3 - "$T/multi.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "pytop-report" and d["version"] == 1, d
h = d["header"]
assert h["samples"] == 100 and h["event"] == "cpu-clock" and h["freq"] == 1000, h
assert d["kept"]["samples"] == 100, d["kept"]
c = {k: (v["weight"], v["percent"]) for k, v in d["classes"].items()}
assert c == {"python": (0, 0.0), "native": (25, 25.0), "memory": (0, 0.0),
             "kernel": (5, 5.0), "interpreter": (70, 70.0), "unknown": (0, 0.0)}, c
assert [(x["sym"], x["percent"]) for x in d["top_native"]] == [("deflate", 25.0)], d["top_native"]
assert d["biggest_class"] == "interpreter", d["biggest_class"]
assert d["options"]["sort"] == ["comm", "dso", "sym"] and d["options"]["children"], d["options"]
e = {(x["comm"], x["dso"], x["sym"]): x for x in d["entries"]}
m = e[("python3", "python3.12", "main")]
assert (m["children"], m["self"], m["children_samples"]) == (50.0, 0.0, 50), m
g = e[("gzip", "libz.so.1", "deflate")]
assert (g["children"], g["self"], g["self_weight"]) == (30.0, 25.0, 25), g
# main's call graph: main -> compress (50%) -> deflate 30%, memcpy 20%
cg = m["callgraph"]
assert cg["children"][0]["name"] == "main", cg
comp = cg["children"][0]["children"][0]
assert comp["name"] == "compress" and comp["percent"] == 50.0, comp
kids = [(k["name"], k["percent"]) for k in comp["children"]]
assert kids == [("deflate", 30.0), ("memcpy", 20.0)], kids
print("ok")
PY
check "json values (python view)" python3 - "$T/python.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [x["sym"] for x in d["entries"]]
assert "slow_function (profile_perf.py)" in names and "[interpreter]" not in names, names
assert not any(n.startswith("_PyEval") or n.startswith("PyNumber") for n in names), names
s = [x for x in d["entries"] if x["sym"] == "slow_function (profile_perf.py)"][0]
# its Self: the 60 samples under PyNumber_Add (a bytecode helper)
assert (s["children"], s["self"], s["kind"]) == (50.0, 30.0, "python"), s
c = {k: v["percent"] for k, v in d["classes"].items()}
assert (c["python"], c["native"], c["kernel"], c["unknown"]) == (50.0, 40.0, 8.0, 2.0), c
assert [x["sym"] for x in d["top_native"]] == ["fast_sum"], d["top_native"]
print("ok")
PY
check "json hierarchy: depth and parent links" python3 - "$T/hier.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = d["entries"]
assert e[0]["depth"] == 0 and e[0]["parent"] is None and e[0]["comm"] == "python3", e[0]
for i, x in enumerate(e):
    if x["depth"]:
        p = e[x["parent"]]
        assert p["depth"] == x["depth"] - 1 and x["parent"] < i, (i, x)
tops = [x["self"] for x in e if x["depth"] == 0]
assert tops == [70.0, 30.0], tops
print("ok")
PY

# speedscope and pprof (fixtures; the real tools read real recordings in
# tests/record/export.t): names from the program are escaped, the output is
# valid UTF-8 JSON / valid gzip, under the sanitizers too
printf 'meta event cpu-clock\nmeta freq 1000\nsample ev\033il 7/8 10 : main@/bin/x;bad\033]52,c\377name@/bin/x\nsample ok 7/9 5 : main@/bin/x\n' >"$T/evil.txt"
"$MKFIXTURE" -o "$T/evil.data" "$T/evil.txt" || not_ok "fixture evil" "mkfixture failed"
for bin in "$PYTOP" "$PYTOP_SAN"; do
	b=$(basename "$(dirname "$bin")")/$(basename "$bin")
	"$bin" report -i "$T/evil.data" --format speedscope -o "$T/evil.ss.json" 2>"$T/err"
	check "speedscope of hostile names is valid UTF-8 JSON ($b)" python3 - "$T/evil.ss.json" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
d = json.loads(raw.decode("utf-8"))      # strict: invalid UTF-8 fails here
assert b"\x1b" not in raw                # controls only as \u001b escapes
names = [f["name"] for f in d["shared"]["frames"]]
assert "bad\x1b]52,c\\xffname" in names, names
assert [p["name"] for p in d["profiles"]] == ["ev\x1bil (pid 7, tid 8)", "ok (pid 7, tid 9)"], d["profiles"]
assert [sum(p["weights"]) for p in d["profiles"]] == [10, 5]
print("ok")
PY
	"$bin" report -i "$T/python.data" --python --format pprof -o "$T/python.pb.gz" 2>"$T/err"
	check "pprof of the python fixture is gzip ($b)" gzip -t "$T/python.pb.gz"
	"$bin" report -i "$T/evil.data" --format pprof -o - >"$T/evil.pb.gz" 2>"$T/err"
	check "pprof of hostile names ($b)" gzip -t "$T/evil.pb.gz"
done
check "pprof strings escaped: no raw control or invalid byte" python3 - "$T/evil.pb.gz" <<'PY'
import gzip, sys
raw = gzip.open(sys.argv[1]).read()
assert b"bad\\x1b]52,c\\xffname" in raw and b"ev\\x1bil" in raw, raw
assert b"\x1b" not in raw and b"\xff" not in raw, raw
print("ok")
PY
"$PYTOP" report -i "$T/python.data" --format nope >/dev/null 2>"$T/err"; rc=$?
check_eq "unknown --format: usage error" "$rc" 2
check_grep "... naming the formats" "use text, json, pprof or speedscope" "$T/err"
"$PYTOP" report -i "$T/python.data" --format speedscope -o /nonexistent/dir/x.json 2>"$T/err"; rc=$?
check_eq "-o into a missing directory fails" "$rc" 1
check_grep "... in one line" '^pytop: report: /nonexistent/dir/x.json: No such file or directory$' "$T/err"

done_testing
