#!/usr/bin/env python3
"""svg_shares.py SVG FOLDED [--inverted]: check pytop's SVG flame graph
against the same query's --folded lines.  The SVG must be well-formed XML;
every frame (a <g> under #frames) must sit inside its parent and be as wide
as its path's share of the folded counts (within 0.02 px of 1180 px);
merged blocks ("(N small frames)") must each be below 0.05% per frame.
Prints one line per problem and exits 1 if any; else prints a summary."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
SPAN, PAD, TOL = 1180.0, 10.0, 0.02

svg, folded = sys.argv[1], sys.argv[2]
inverted = "--inverted" in sys.argv[3:]
root = ET.parse(svg).getroot()  # raises on XML that is not well-formed
frames_g = root.find(f".//{NS}g[@id='frames']")
assert frames_g is not None, "no <g id='frames'>"

# path prefix -> count, from the folded lines (first field is the comm)
prefix, total = {}, 0
for line in open(folded, encoding="utf-8", errors="surrogateescape"):
    stack, count = line.rstrip("\n").rsplit(" ", 1)
    names = stack.split(";")[1:]
    if inverted:
        names.reverse()
    count = int(count)
    total += count
    for i in range(1, len(names) + 1):
        key = tuple(names[:i])
        prefix[key] = prefix.get(key, 0) + count

frames = []
for g in frames_g.findall(f"{NS}g"):
    r = g.find(f"{NS}rect")
    frames.append(dict(n=g.get("data-n"), d=int(g.get("data-d")), x=float(r.get("x")),
                       w=float(r.get("width")), merged=g.get("data-mg") is not None))
problems = []
paths = {}
frames.sort(key=lambda f: (f["d"], f["x"]))
by_depth = {}
for f in frames:
    by_depth.setdefault(f["d"], []).append(f)
for f in frames:
    if f["d"] == 0:
        f["path"] = ()
        if abs(f["w"] - SPAN) > TOL:
            problems.append(f"root width {f['w']}")
        continue
    parents = [p for p in by_depth.get(f["d"] - 1, [])
               if p["x"] - TOL <= f["x"] and f["x"] + f["w"] <= p["x"] + p["w"] + TOL]
    if len(parents) != 1:
        problems.append(f"{f['n']}: {len(parents)} parents contain it")
        continue
    p = parents[0]
    if p.get("path") is None:
        problems.append(f"{f['n']}: parent {p['n']} has no path")
        continue
    if f["merged"]:
        f["path"] = None
        # each merged frame is below 0.05% of the total
        if f["w"] / SPAN * total > 0.0005 * total * int(f["n"].split()[0].strip("(")) + 1e-9:
            problems.append(f"merged block {f['n']} too wide: {f['w']}")
        continue
    f["path"] = p["path"] + (f["n"],)
    # frames of one name in different DSOs are separate frames, but one
    # folded path: compare their summed width
    paths[f["path"]] = paths.get(f["path"], 0.0) + f["w"]
for path, w in paths.items():
    want = prefix.get(path, 0) / total * SPAN
    if abs(w - want) > TOL * 2:
        problems.append(f"{' > '.join(path)}: width {w:.2f}, share wants {want:.2f}")
# every path of the folded lines at or above 0.05% is drawn (under drawn parents)
drawn = {f["path"] for f in frames if f.get("path")}
for key, count in prefix.items():
    if count >= 0.0005 * total and key not in drawn and key[:-1] in drawn | {()}:
        problems.append(f"missing frame {' > '.join(key)} ({count} of {total})")
for p in problems[:40]:
    print(p)
if problems:
    sys.exit(1)
print(f"{len(frames)} frames, {sum(f['merged'] for f in frames)} merged blocks, total {total}")
