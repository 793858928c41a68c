#!/usr/bin/env bash
# Properties on random (but valid) profiles, under the ASan+UBSan build:
# every option combination exits 0; without children the Overhead column
# sums to 100%; folded counts sum to the kept samples; JSON parses and its
# entries agree with the text; filters never keep more than they are given.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"
need python3 "apt-get install python3"

python3 - "$T" <<'PY'
import random, sys
out = sys.argv[1]
names = ["main", "run", "loop", "work", "helper", "memcpy", "malloc", "free", "f;g"]
dsos = ["/usr/bin/prog", "/usr/lib/libc.so.6", "/usr/lib/libpython3.12.so.1.0",
        "[kernel.kallsyms]", "/opt/ext/_fast.so", None]
for seed in range(4):
    r = random.Random(seed)
    lines = ["meta event cpu-clock", "meta freq 997", "meta lost %d" % r.randrange(5)]
    for _ in range(r.randrange(20, 60)):
        depth = r.randrange(0, 14)
        frames = []
        for _ in range(depth):
            if r.random() < 0.3:
                frames.append("py::%s:/app/m%d.py" % (r.choice(names[:5]), r.randrange(3)))
            else:
                d = r.choice(dsos)
                n = r.choice(names)
                frames.append(n if d is None else "%s@%s" % (n, d))
        if not frames:
            frames = ["[unknown]"]
        comm = r.choice(["python3", "worker", "a b"])
        tid = r.choice([10, 11, 12])
        trunc = " trunc" if r.random() < 0.1 else ""
        lines.append("sample %s 10/%d %d w=%d%s : %s" % (comm.replace(" ", "_"), tid,
                     r.randrange(1, 9), r.randrange(1, 4) * 1000, trunc, ";".join(frames)))
    open("%s/rand%d.txt" % (out, seed), "w").write("\n".join(lines) + "\n")
PY

opts=("" "--no-children" "-G" "--hierarchy" "--python" "--python -G --verbose" "--sort pid,tid,sym"
	"--sort dso" "--order key --percent-limit 5" "-g entry" "--comm worker" "--tid 11,12 --percentage absolute"
	"--dso libc.so.6" "--symbol-filter ^py::" "--symbol-filter 'loop|work' --python --hierarchy")
for seed in 0 1 2 3; do
	"$MKFIXTURE" -o "$T/r$seed.data" "$T/rand$seed.txt" || not_ok "fixture rand$seed"
	fails=
	for o in "${opts[@]}"; do
		for fmt in --stdio --folded "--format json"; do
			eval "set -- $o $fmt"
			"$PYTOP_SAN" report -i "$T/r$seed.data" "$@" >"$T/out" 2>"$T/err" || fails="$fails [$o $fmt]"
			if [ "$fmt" = "--format json" ] && ! python3 -m json.tool "$T/out" >/dev/null 2>&1; then
				fails="$fails [json $o]"
			fi
		done
	done
	check_eq "rand$seed: every option combination runs clean" "$fails" ""

	# Overhead sums to 100% of the kept samples
	"$PYTOP" report -i "$T/r$seed.data" --stdio --no-children -g none >"$T/flat"
	sum=$(awk '/^ +[0-9.]+%/ { s += $1 } END { printf "%.0f", s }' "$T/flat")
	check_eq "rand$seed: self percentages sum to 100" "$sum" 100

	# folded counts = samples; with a filter = kept samples
	total=$(sed -n 's/^# Samples: \([0-9]*\) .*/\1/p' "$T/flat")
	got=$("$PYTOP" report -i "$T/r$seed.data" --folded | awk '{ s += $NF } END { print s + 0 }')
	check_eq "rand$seed: folded counts sum to the samples" "$got" "$total"
	kept=$("$PYTOP" report -i "$T/r$seed.data" --stdio --comm worker -g none |
		sed -n 's/^# Kept samples: \([0-9]*\) .*/\1/p')
	got=$("$PYTOP" report -i "$T/r$seed.data" --folded --comm worker | awk '{ s += $NF } END { print s + 0 }')
	check_eq "rand$seed: filtered folded counts sum to the kept samples" "$got" "${kept:-0}"
	gotpy=$("$PYTOP" report -i "$T/r$seed.data" --folded --python | awk '{ s += $NF } END { print s + 0 }')
	check_eq "rand$seed: python view keeps every sample" "$gotpy" "$total"

	# JSON entries match the text entries (children/self of each entry)
	"$PYTOP" report -i "$T/r$seed.data" --format json -g none >"$T/j"
	"$PYTOP" report -i "$T/r$seed.data" --stdio -g none >"$T/t"
	check "rand$seed: json agrees with text" python3 - "$T/j" "$T/t" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = [l.split() for l in open(sys.argv[2]) if l.startswith("  ") and "%" in l]
assert len(rows) == len(d["entries"]), (len(rows), len(d["entries"]))
for r, e in zip(rows, d["entries"]):
    assert float(r[0].rstrip("%")) == e["children"] and float(r[1].rstrip("%")) == e["self"], (r, e)
    assert e["self"] <= e["children"], e
print("ok")
PY
done

done_testing
