#!/usr/bin/env bash
# The Python view and the classes on real recordings (CPython 3.12 and 3.13,
# -X perf, tests/workloads/pyview.py): a pure-Python loop's Self, the regex
# engine and sorted() as named C calls with Python beneath, the collector
# as memory, the vDSO's clock_gettime by name, json's and re's __init__.py
# told apart, __tls_get_addr never a native entry, compileall's compiler
# under source_to_code.  Shares are of the workload function's own samples
# (the profile's, not timed), with the tolerance each check states.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
need_file "$PY313" "CPython 3.13 with the perf trampoline (pyenv install 3.13.0)"
need python3 "apt-get install python3"
cp "$ROOT/tests/workloads/pyview.py" .

# rec VERSION MODE: pyview.py MODE under that Python into MODE-VERSION.data
rec() {
	"$PYTOP" record -g dwarf --python "$2" -o "$3-$1.data" pyview.py "$3" 1 >"$3-$1.out" 2>"$3-$1.err"
	check_eq "$1 $3: recorded" "$?" 0
}
# json_of FILE: the --format json report (the Python view: the default)
json_of() { "$PYTOP" report -i "$1" --format json --percent-limit 0 >"$1.json"; }

for v in 3.12 3.13; do
	py=$PY312
	[ $v = 3.13 ] && py=$PY313
	for m in loop regex gc sorted time jsonre; do rec $v "$py" $m; done
	for m in loop regex gc sorted time jsonre; do json_of "$m-$v.data"; done

	python3 - "$v" <<'PY' >check-$v.out 2>&1
import json, sys
v = sys.argv[1]
def load(m):
    return json.load(open("%s-%s.data.json" % (m, v)))
def entry(d, sym):
    for e in d["entries"]:
        if e["sym"] == sym:
            return e
    raise SystemExit("%s: no entry %r in %s" % (v, sym, [e["sym"] for e in d["entries"][:15]]))
def kids(node):
    return {k["name"]: k for k in node["children"]}
def find(node, name, depth=0):
    """the first node called name under node (callee graph), depth first"""
    for k in node["children"]:
        if k["name"] == name:
            return k
        if depth < 40:
            f = find(k, name, depth + 1)
            if f:
                return f
    return None
fails = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + v + ": " + what)
    if not cond:
        fails.append(what)

# the loop: its Self >= 85% of its Children (nothing it calls costs)
d = load("loop")
e = entry(d, "loop (pyview.py)")
check(e["self_weight"] >= 0.85 * e["children_weight"],
      "loop's Self %d of its %d (>= 85%%)" % (e["self_weight"], e["children_weight"]))
check(d["options"]["python"], "a profile with Python frames opens in the Python view")
check(e["function"] == "loop" and e["file"] == "pyview.py" and e["kind"] == "python"
      and e["class"] == "python" and e["line"] is None, "entry fields %r" % {k: e[k] for k in ("function", "file", "line", "kind", "class")})
check(d["classes"]["python"]["percent"] >= 50, "class python %.2f%% (>= 50%%)" % d["classes"]["python"]["percent"])

# re.findall: the engine is a named child of findall (re/__init__.py), >= 50%
d = load("regex")
e = entry(d, "findall (re/__init__.py)")
cg = e["callgraph"]["children"][0]
eng = kids(cg).get("_sre_SRE_Pattern_findall")
check(eng is not None and eng["weight"] >= 0.5 * e["children_weight"],
      "_sre_SRE_Pattern_findall under findall: %s of %d" % (eng and eng["weight"], e["children_weight"]))
check(eng is not None and eng["class"] == "native", "the engine's class is native")
check(not any(x["sym"] == "[interpreter]" and x["children"] > 5 for x in d["entries"]),
      "no big [interpreter] entry")

# gc.collect(): memory >= 50%
d = load("gc")
check(d["classes"]["memory"]["percent"] >= 50, "class memory %.2f%% (>= 50%%)" % d["classes"]["memory"]["percent"])
check(d["biggest_class"] == "memory", "biggest class memory")

# sorted(key=key): builtin_sorted (or list.sort) between run_sorted and key
d = load("sorted")
e = entry(d, "run_sorted (pyview.py)")
cg = e["callgraph"]["children"][0]
s = kids(cg).get("builtin_sorted")
check(s is not None and s["weight"] >= 0.5 * e["children_weight"], "builtin_sorted under run_sorted")
k = find(s, "key (pyview.py)") if s else None
check(k is not None and find(s, "list_sort") is not None, "list_sort and key beneath builtin_sorted")
check(not any(x["sym"] == "key (pyview.py)" and x["self_weight"] > 0 and
              find(x["callgraph"]["children"][0], "builtin_sorted") for x in d["entries"]), "key is not above sorted")

# time.time(): the vDSO's function by name
d = load("time")
e = entry(d, "clock (pyview.py)")
cg = e["callgraph"]["children"][0]
check(find(cg, "__vdso_clock_gettime") is not None or find(cg, "__vdso_gettimeofday") is not None,
      "the vDSO's clock_gettime under clock: %s" % sorted(kids(cg)))

# json and re in one profile: their __init__.py are told apart
d = load("jsonre")
names = [x["sym"] for x in d["entries"]]
check("loads (json/__init__.py)" in names, "loads (json/__init__.py)")
check("compile (re/__init__.py)" in names, "compile (re/__init__.py)")
check(not any(n.endswith(" (__init__.py)") for n in names), "no bare __init__.py")

# no profile names __tls_get_addr or a PLT stub as a native entry
for m in ("loop", "regex", "gc", "sorted", "time", "jsonre"):
    d = load(m)
    check(not any(x["sym"] in ("__tls_get_addr", "___tls_get_addr") for x in d["top_native"]) and
          not any(x["sym"] == "__tls_get_addr" for x in d["entries"]),
          "%s: __tls_get_addr is no entry" % m)
sys.exit(1 if fails else 0)
PY
	py_rc=$?
	if [ "$py_rc" -eq 0 ]; then ok "$v: the Python view's checks ($(grep -c '^ok' check-$v.out) passed)"
	else not_ok "$v: the Python view's checks" "$(grep -v '^ok' check-$v.out)"; fi

	# --stdio and the TUI name the two __init__.py apart too
	"$PYTOP" report -i jsonre-$v.data --stdio --children -g none --percent-limit 0 >jsonre-$v.stdio
	check_grep "$v --stdio: loads (json/__init__.py)" '\[\.\] loads \(json/__init__\.py\)$' jsonre-$v.stdio
	check_grep "$v --stdio: compile (re/__init__.py)" '\[\.\] compile \(re/__init__\.py\)$' jsonre-$v.stdio
	"$PYTOP" report -i time-$v.data --stdio --no-python --no-children -g none >time-$v.all
	check_grep "$v all frames: [vdso] named" '\[vdso\] +\[\.\] __vdso_' time-$v.all
done

# compileall on a copy of part of the stdlib: the compiler's entry holds
# >= 50% of source_to_code's samples, class native, not in [interpreter]
lib=$("$PY312" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
mkdir -p stdcopy && cp -r "$lib/json" "$lib/email" "$lib/logging" stdcopy/
"$PYTOP" record -g dwarf --python "$PY312" -o comp.data -- "$PY312" -m compileall -q -f stdcopy \
	>comp.out 2>comp.err
check_eq "compileall: recorded" "$?" 0
"$PYTOP" report -i comp.data --format json --percent-limit 0 >comp.json
python3 - <<'PY' >comp.check 2>&1
import json
d = json.load(open("comp.json"))
e = [x for x in d["entries"] if x["sym"].startswith("SourceLoader.source_to_code ")][0]
def find(node, name, depth=0):
    for k in node["children"]:
        if k["name"] == name:
            return k
        f = find(k, name, depth + 1) if depth < 10 else None
        if f:
            return f
bc = find(e["callgraph"]["children"][0], "builtin_compile")
assert bc and bc["weight"] >= 0.5 * e["children_weight"], (bc and bc["weight"], e["children_weight"])
assert bc["class"] == "native", bc["class"]
top = [x["sym"] for x in d["top_native"]]
assert top[0] == "builtin_compile", top
print("ok")
PY
check_eq "compileall: builtin_compile >= 50% under source_to_code, native ($(tail -1 comp.check))" "$(tail -1 comp.check)" ok

done_testing
