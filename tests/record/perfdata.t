#!/usr/bin/env bash
# perfdata.t: `pytop report -i perf.data` and `pytop import` on files from
# the real `perf record`: the C workload with -g (frame pointers) shows the
# shares perf report shows and a pytop recording shows; a Python 3.12 -X perf
# workload recorded with --call-graph dwarf gets complete Python stacks
# (perf's own report gets none); bad files get one line, never a crash.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need perf "apt-get install linux-perf"
need python3 "apt-get install python3"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"

# shares FILE: "name pct" per line from --stdio --no-children --sort sym
shares() { grep -E '^ +[0-9.]+%' "$1" | sed -E 's/^ +([0-9.]+)% +\[.\] (.*)$/\2 \1/'; }
# close A B TOL: every function of >= 2% in A is in B within TOL points
close() {
	awk -v tol="$3" 'NR == FNR { b[substr($0, 1, length($0) - length($NF) - 1)] = $NF; next }
		{ n = substr($0, 1, length($0) - length($NF) - 1)
		  if ($NF < 2) next; k++
		  if (!(n in b)) { print n ": missing"; bad++; next }
		  d = $NF - b[n]; if (d < 0) d = -d
		  if (d > tol) { print n ": " $NF " vs " b[n]; bad++ } }
		END { if (k < 2) { print "only " k " functions of >= 2%"; bad++ } exit bad > 0 }' "$2" "$1"
}

# ---- C workload, frame pointers ----
perf record -q -g -o fp.perf.data -- "$WORKLOADS/heavy" 100 >/dev/null 2>perf.err
check "perf record -g of the C workload" test -s fp.perf.data
"$PYTOP" report -i fp.perf.data --stdio --no-children --sort sym -g none >fp.self 2>fp.err; rc=$?
check_eq "report -i perf.data: exit 0" "$rc" 0
check_grep "the header says where the stacks came from" '^# Unwinding: fp \(perf.data: -g\)$' fp.self
perf report -i fp.perf.data --stdio --no-children --sort sym -g none 2>/dev/null >perf.self
shares fp.self >fp.shares; shares perf.self >perf.shares
if out=$(close fp.shares perf.shares 0.1); then ok "same functions and shares as perf report (0.1 point)"
else not_ok "same functions and shares as perf report (0.1 point)" "$out"; fi
a=$(grep '^heavy_a ' fp.shares | cut -d' ' -f2); b=$(grep '^heavy_b ' fp.shares | cut -d' ' -f2)
r=$(ratio "${a:-0}" "${b:-0}")
if within "$r" 1.7 2.3; then ok "heavy_a/heavy_b = $r (2.0 +- 15%)"; else not_ok "heavy_a/heavy_b = $r (2.0 +- 15%)" "$(head -20 fp.shares)"; fi
"$PYTOP" record -q -o own.data -- "$WORKLOADS/heavy" 100 >/dev/null 2>&1
"$PYTOP" report -i own.data --stdio --no-children --sort sym -g none >own.self 2>&1
shares own.self >own.shares
if out=$(close own.shares fp.shares 5); then ok "same functions and shares as a pytop recording (5 points)"
else not_ok "same functions and shares as a pytop recording (5 points)" "$out"; fi
"$PYTOP" report -i fp.perf.data --folded >fp.folded 2>/dev/null
check_grep "call chains: main -> work -> heavy_a" '^heavy;.*;main;work;heavy_a ' fp.folded
check_grep "threads: start_thread -> worker -> work -> heavy_b" '^heavy;start_thread;worker;work;heavy_b ' fp.folded
check_grep "the forked child keeps its command name" '^heavy-child;' fp.folded
check_grep "kernel frames named from kallsyms" '\[k\] [a-z_]' fp.self

# import keeps it: same report from the small file
"$PYTOP" import fp.perf.data -o fp.data >imp.out 2>imp.err; rc=$?
check_eq "import: exit 0" "$rc" 0
check_grep "import: one summary line" '^\[ pytop import: [0-9]+ samples, [0-9]+ threads from fp.perf.data written to fp.data \]$' imp.err
"$PYTOP" report -i fp.data --stdio --no-children --sort sym -g none >fp2.self 2>&1
check_eq "the imported file reports the same" "$(cat fp2.self)" "$(cat fp.self)"
check "the imported file is self-contained and valid" "$MKFIXTURE" --dump fp.data
n=$("$MKFIXTURE" --dump fp.data | grep -c '^mapping .*build_id=s[1-9]')
if [ "$n" -ge 2 ]; then ok "import: build-ids of the binaries kept ($n)"
else not_ok "import: build-ids of the binaries kept" "$("$MKFIXTURE" --dump fp.data | grep ^mapping)"; fi

# binaries are checked against the recorded build-ids
cp "$WORKLOADS/heavy" myheavy
perf record -q -g -o bid.perf.data -- ./myheavy 10 >/dev/null 2>&1
cp "$WORKLOADS/heavy-nofp" myheavy
"$PYTOP" report -i bid.perf.data --stdio >/dev/null 2>bid.err
check_grep "a changed binary: one note" "^pytop: note: $PWD/myheavy: build-id [0-9a-f]{40} differs from the recorded one" bid.err
rm myheavy
"$PYTOP" report -i bid.perf.data --stdio >/dev/null 2>bid2.err
check_grep "a missing binary: one note" "^pytop: note: $PWD/myheavy: not on this machine \\(No such file or directory\\); its frames stay unnamed$" bid2.err

# ---- Python 3.12 -X perf, --call-graph dwarf ----
cp "$ROOT/tests/workloads/profile_perf.py" .
# 32 KiB stack copies (pytop's own default, see unwind.h): perf's 8 KiB
# default cuts the main thread's outermost frames (measured: 15% truncated)
for attempt in 1 2 3; do
	WORKLOAD_THREAD_TIMES=$PWD/py.cpu perf record -q --call-graph dwarf,32768 -o py.perf.data \
		-- "$PY312" -X perf profile_perf.py 1500000 >/dev/null 2>&1
	truth=$(awk '{ printf "%.3f", ($2 > 0 ? $1 / $2 : 0) }' py.cpu)
	within "$truth" 1.4 2.8 && break
	echo "# run $attempt: the threads' own CPU ratio was $truth; running again"
done
check "perf record --call-graph dwarf of python -X perf" test -s py.perf.data
"$PYTOP" import py.perf.data -o py.data >/dev/null 2>py.err; rc=$?
check_eq "import of the dwarf file: exit 0" "$rc" 0
"$FOLDED" -k py.data >py.folded
total=$(awk '{ s += $NF } END { print s + 0 }' py.folded)
trunc=$(meta py.data truncated)
if [ "$total" -gt 100 ] && [ $(( (total - trunc) * 100 )) -ge $(( total * 95 )) ]; then
	ok "complete stacks: $((total - trunc)) of $total (>= 95%)"
else not_ok "complete stacks: $((total - trunc)) of $total (>= 95%)" "$(cat py.err)"; fi
py=$(awk '/py::/ { s += $NF } END { print s + 0 }' py.folded)
rooted=$(awk '/py::/ && /^[^;]*;(_start|__clone3|clone3)/ { s += $NF } END { print s + 0 }' py.folded)
if [ "$py" -gt 100 ] && [ $((rooted * 100)) -ge $((py * 95)) ]; then
	ok "Python stacks reach the thread's root: $rooted of $py (>= 95%)"
else not_ok "Python stacks reach the thread's root: $rooted of $py (>= 95%)" "$(grep py:: py.folded | head -5)"; fi
check_grep "find_divisors under slow_function, through the trampolines" \
	"py::slow_function:$PWD/profile_perf.py\\[python\\];.*py::find_divisors:$PWD/profile_perf.py" py.folded
s=$(samples py.data ";py::slow_function:"); f=$(samples py.data ";py::fast_function:")
r=$(ratio "$s" "$f")
if awk -v r="$r" -v t="$truth" 'BEGIN { exit !(r >= t * 0.9 && r <= t * 1.1) }'; then
	ok "slow/fast = $r, within 10% of the threads' own CPU ratio $truth"
else not_ok "slow/fast within 10% of the threads' own CPU ratio" "profile $r (slow=$s fast=$f), threads $truth"; fi
check_eq "meta: callchain dwarf" "$(meta py.data callchain)" dwarf
# perf's own reading of the same file stops at the first py:: frame
perf script -i py.perf.data -F ip,sym 2>/dev/null | awk 'BEGIN { RS = "" }
	/py::find_divisors/ { n++ } /py::find_divisors/ && /py::slow_function/ { both++ }
	END { print n + 0, both + 0 }' >perf.fd
read -r pn pboth <perf.fd
if [ "$pn" -gt 100 ] && [ "$pboth" = 0 ]; then ok "perf script: find_divisors in $pn samples, never under slow_function"
else not_ok "perf script: find_divisors never under slow_function" "$pn samples, $pboth with slow_function"; fi
"$PYTOP" report -i py.perf.data --stdio --python --sort sym -g none >pyrep.txt 2>&1
check_grep "report -i perf.data --python: the Python functions" '\[.\] slow_function \(profile_perf.py\)' pyrep.txt

# ---- files pytop cannot or must not read: one line, exit 1 ----
bad() { # bad NAME FILE PATTERN
	for bin in "$PYTOP" "$PYTOP_SAN"; do
		"$bin" report -i "$2" --stdio >bad.out 2>bad.err; rc=$?
		b=$(basename "$(dirname "$bin")")
		if [ "$rc" = 1 ] && [ "$(wc -l <bad.err)" = 1 ] && grep -Eq -- "$3" bad.err; then ok "$1 ($b)"
		else not_ok "$1 ($b)" "exit $rc" "$(head -5 bad.err)"; fi
	done
}
size=$(stat -c %s fp.perf.data)
head -c 50 fp.perf.data >t1.data
bad "truncated header" t1.data '^pytop: t1.data: corrupt perf.data: truncated header$'
head -c $((size / 2)) fp.perf.data >t2.data
bad "truncated in the data section" t2.data '^pytop: t2.data: corrupt perf.data: truncated'
python3 - fp.perf.data t3.data <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
off = struct.unpack_from("<Q", d, 40)[0]          # the data section
struct.pack_into("<HH", d, off + 4, 0, 3)         # first record: size 3
open(sys.argv[2], "wb").write(d)
PY
bad "a record of impossible size" t3.data 'corrupt perf.data: a record does not fit'
python3 - fp.perf.data t4.data <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<Q", d, 16, 7)                  # attribute entry size
open(sys.argv[2], "wb").write(d)
PY
bad "a bad attribute size" t4.data 'corrupt perf.data: bad attribute size'
perf record -q -g -o - -- "$WORKLOADS/heavy" 3 2>/dev/null >pipe.data
bad "pipe mode" pipe.data 'pipe-mode perf.data \(perf record -o -\) is not supported'
perf record -q -z -g -o z.data -- "$WORKLOADS/heavy" 3 >/dev/null 2>&1
bad "compressed" z.data 'compressed perf.data \(perf record -z\) is not supported'
python3 - fp.perf.data arch.data <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
assert d.count(b"x86_64\0") == 1, d.count(b"x86_64\0")
open(sys.argv[2], "wb").write(d.replace(b"x86_64\0", b"ppc64\0\0"))
PY
bad "another architecture" arch.data 'perf.data recorded on ppc64: pytop reads x86_64 files only'
# random damage anywhere: never a crash (sanitizers), a report or one line
python3 - fp.perf.data <<'PY'
import random, sys
d = open(sys.argv[1], "rb").read()
rnd = random.Random(16)
for i in range(20):
    b = bytearray(d)
    for _ in range(8):
        p = rnd.randrange(len(b))
        b[p] = rnd.randrange(256)
    open("fz%02d.data" % i, "wb").write(b[: rnd.randrange(len(b) // 2, len(b) + 1)])
PY
crash=
for f in fz*.data; do
	"$PYTOP_SAN" report -i "$f" --stdio >/dev/null 2>fz.err; rc=$?
	if [ "$rc" -gt 1 ] || grep -q 'Sanitizer' fz.err; then crash+="$f: exit $rc $(head -3 fz.err)"$'\n'; fi
done
check_eq "20 damaged files: a report or one error, no crash" "$crash" ""
# an unknown feature bit is skipped
python3 - fp.perf.data feat.data <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
w = struct.unpack_from("<Q", d, 72 + 24)[0]
struct.pack_into("<Q", d, 72 + 24, w | (1 << 60))   # feature bit 252
open(sys.argv[2], "wb").write(d)
PY
"$PYTOP" report -i feat.data --stdio --no-children --sort sym -g none >feat.self 2>&1
check_eq "an unknown header feature is skipped" "$(cat feat.self)" "$(cat fp.self)"
done_testing
