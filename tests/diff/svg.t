#!/usr/bin/env bash
# pytop diff --svg: the differential flame graph of the fixtures
# (tests/diff/fixtures): AFTER's frames and widths, red where a frame's
# share grew, blue where it shrank, the change on hover; written whole
# (FILE.tmp then renamed).  The SVG is parsed as XML and read back.
source "$ROOT/tests/lib.sh"
need python3 "apt-get install python3"
F=$ROOT/tests/diff/fixtures
for f in before after; do
	"$MKFIXTURE" -o "$T/$f.data" "$F/$f.txt" || not_ok "fixture $f" "mkfixture failed"
done
cd "$T" || exit 1

"$PYTOP_SAN" diff --svg d.svg --children before.data after.data >out 2>err
check_eq "--svg: exit 0, nothing on stdout or stderr" "$?:$(cat out err)" "0:"
check "no FILE.tmp left" test ! -e d.svg.tmp
python3 - d.svg >check.out 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
frames = {}
for g in root.find(".//s:g[@id='frames']", ns):
    r = g.find("s:rect", ns)
    frames[g.get("data-n")] = (float(r.get("width")), r.get("fill") or "", g.get("data-x") or "")
def rgb(c):
    return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
full = frames["all"][0]
def share(n):
    return 100 * frames[n][0] / full
print("title", root.find(".//s:text[@id='title']", ns).text.startswith("Differential flame graph"))
# AFTER's widths (Children shares of AFTER): compute 120/200, parse 70/200
print("compute-width", round(share("compute (app.py)")))
print("parse-width", round(share("parse (app.py)")))
r, g, b = rgb(frames["compute (app.py)"][1])
print("compute-red", r == 255 and g < 200 and b == g)
r, g, b = rgb(frames["parse (app.py)"][1])
print("parse-blue", b == 255 and r < 200 and r == g)
print("compute-note", frames["compute (app.py)"][2])
print("parse-note", frames["parse (app.py)"][2])
print("report-note", frames["report (app.py)"][2])
print("work-grey", frames["work (app.py)"][1])
print("cleanup-absent", "cleanup (app.py)" not in frames)
PY
val() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' check.out; }
check_eq "title: a differential flame graph" "$(val title)" True
check_eq "AFTER's widths: compute 60%" "$(val compute-width)" 60
check_eq "AFTER's widths: parse 35%" "$(val parse-width)" 35
check_eq "compute grew (40% -> 60%): red" "$(val compute-red)" True
check_eq "parse shrank (50% -> 35%): blue" "$(val parse-blue)" True
check_eq "hover: compute's change" "$(val compute-note)" "+20.00 points against BEFORE"
check_eq "hover: parse's change" "$(val parse-note)" "-15.00 points against BEFORE"
check_eq "hover: report is new" "$(val report-note)" "new in AFTER (+5.00 points)"
check_eq "work is 100% in both: grey" "$(val work-grey)" "#e1e1e1"
check_eq "cleanup (gone) is not drawn" "$(val cleanup-absent)" True
[ "$(wc -l <check.out)" -eq 10 ] || not_ok "the SVG check ran" "$(cat check.out)"

"$PYTOP" diff --svg - before.data after.data >stdout.svg
check_grep "--svg -: to stdout" '^<svg ' stdout.svg
"$PYTOP_SAN" diff --svg /nonexistent/d.svg before.data after.data >out 2>err
check_eq "--svg to a bad path: exit 1" "$?" 1
check_grep "and one line saying why" "^pytop: diff: cannot write '/nonexistent/d\\.svg\\.tmp': " err
done_testing
