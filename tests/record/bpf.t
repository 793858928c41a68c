# bpf.t: --python-frames bpf, the BPF frame reader: Python frames read from
# the interpreter at each sample, merged into the native stack at the eval
# loop's frames, for every CPython installed here, launched or attached
# (no -X perf), deep recursion, Python -> C -> library order, the 2:1 split,
# and the fallback of an ordinary user.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need setpriv "apt-get install util-linux"
if [ "$(id -u)" != 0 ]; then
	not_ok "this test loads BPF programs and must run as root"
	done_testing; exit 1
fi
PYENV=/root/.pyenv/versions
DEBPY=/usr/bin/python3.11
need_file "$PY312" "CPython 3.12 (pyenv install 3.12.1)"
need_file "$DEBPY" "Debian's python3.11 (apt-get install python3.11)"

cp "$ROOT/tests/workloads/pyframes.py" "$ROOT/tests/workloads/profile_perf.py" .
S=$PWD/pyframes.py
# the whole stack of the hot function, from <module> down
FULL="py::<module>:$S;py::main:$S;py::run:$S;py::outer:$S;py::leaf:$S"

# full_share FILE: "FULL LEAF": leaf samples whose Python frames (in order,
# the interpreter's C frames between them left out) are the whole stack,
# and all leaf samples
full_share() {
	"$FOLDED" "$1" | awk -v full="$FULL" -v leaf="py::leaf:$S" '
		{ n = $NF; $NF = ""; k = split($0, fr, ";"); py = ""
		  for (i = 1; i <= k; i++) if (fr[i] ~ /^py::/) py = py (py == "" ? "" : ";") fr[i]
		  sub(/ +$/, "", py) }
		index(py, leaf) { all += n; if (py == full) f += n }
		END { printf "%d %d\n", f, all }'
}
# check_full NAME FILE: >= 95% of at least 100 leaf samples carry the whole stack
check_full() {
	local f all
	read -r f all < <(full_share "$2")
	if [ "$all" -ge 100 ] && [ $((f * 100)) -ge $((all * 95)) ]; then
		ok "$1: $f of $all leaf samples carry <module> -> main -> run -> outer -> leaf"
	else
		not_ok "$1: >= 95% of >= 100 leaf samples carry the whole Python stack" \
			"$f of $all; top stacks:" "$("$FOLDED" "$2" | sort -t' ' -k2 -nr | head -3 | cut -c1-600)"
	fi
}

# ---- launched, every installed interpreter ----
pys="$PY312"
for v in 3.11.7 3.13.0 3.8.18 3.9.18 3.10.13; do
	if [ -x "$PYENV/$v/bin/python3" ]; then pys="$pys $PYENV/$v/bin/python3"
	else not_ok "CPython $v installed" "$PYENV/$v/bin/python3 is missing: pyenv install $v"; fi
done
pys="$pys $DEBPY"
for py in $pys; do
	v=$("$py" -c 'import platform; print(platform.python_version())')
	[ "$py" = "$DEBPY" ] && v="debian-$v"
	"$PYTOP" record --python-frames bpf --python "$py" -o "l$v.data" "$S" hot 300 >"l$v.out" 2>"l$v.err"; rc=$?
	check_eq "$v: exit 0" "$rc" 0
	check_grep "$v: the summary says bpf" "Python frames bpf\\b" "l$v.err"
	check_grep "$v: the script ran without -X perf or PYTHONPERFSUPPORT" "^perf=none$" "l$v.out"
	check_full "$v launched" "l$v.data"
done

# ---- the eval frame carries its Python frames: Python -> C -> library ----
# zlib.compress and sha256 of a large buffer release the GIL: these samples
# are also of a thread without it (3.13's _Py_tss_tstate is NULL then; the
# thread list still finds it)
for py in "$PY312" "$PYENV/3.13.0/bin/python3"; do
	v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	"$PYTOP" record -q --python-frames bpf --python "$py" -o native$v.data "$S" native 100 >/dev/null 2>native$v.err
	"$FOLDED" -k native$v.data >native$v.folded
	check_grep "$v: compressor -> eval loop -> zlib.compress -> libz's deflate, in order (GIL released)" \
		"py::compressor:$S\\[python\\];_PyEval_EvalFrameDefault\\[interpreter\\];zlib_compress\\[native\\];(zlib_compress_impl[^;]*;)?deflate\\[native\\]" native$v.folded
	check_grep "$v: compressor -> sha256 (hashlib, C)" \
		"py::compressor:$S\\[python\\];_PyEval_EvalFrameDefault\\[interpreter\\];.*[Ss][Hh][Aa]256" native$v.folded
done

# ---- deep recursion: every frame, up to the reader's 1024 ----
for depth in 300 900; do
	"$PYTOP" record -q --python-frames bpf --python "$PY312" -o deep$depth.data "$S" deep $depth 300 >/dev/null 2>&1
	read -r every all < <("$FOLDED" deep$depth.data | awk -v d=$depth -v leaf=";py::leaf:$S" '
		index($0, leaf) { n = $NF; all += n; k = gsub(/;py::descend:/, "&")
			if (k == d && index($0, ";py::<module>:")) every += n }
		END { printf "%d %d\n", every, all }')
	if [ "$all" -ge 100 ] && [ $((every * 100)) -ge $((all * 95)) ]; then
		ok "depth $depth: $every of $all leaf samples carry all $depth descend frames and <module>"
	else not_ok "depth $depth: >= 95% of >= 100 leaf samples carry every frame" "$every of $all"; fi
done

# ---- attach to a plain interpreter: no -X perf, no environment ----
for py in "$PY312" "$DEBPY"; do
	v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	env -u PYTHONPERFSUPPORT "$py" "$S" forever >att$v.out & tpid=$!
	for _ in $(seq 50); do grep -q ready att$v.out 2>/dev/null && break; sleep 0.1; done
	"$PYTOP" record -q -p $tpid -d 2 -o att$v.data >/dev/null 2>att$v.err; rc=$?
	kill $tpid; wait $tpid 2>/dev/null
	check_eq "attach $v: exit 0" "$rc" 0
	check_full "attach $v ($py)" att$v.data
	if grep -q "no perf map" att$v.err; then not_ok "attach $v: no perf-map warning" "$(cat att$v.err)"
	else ok "attach $v: no perf-map warning"; fi
done

# ---- the 2:1 split of two threads (profile_perf.py), within python.t's tolerance ----
for attempt in 1 2 3; do
	WORKLOAD_THREAD_TIMES=$PWD/split.cpu "$PYTOP" record -q --python-frames bpf --python "$PY312" \
		-o split.data profile_perf.py 2500000 >/dev/null 2>&1
	truth=$(awk '{ printf "%.3f", ($2 > 0 ? $1 / $2 : 0) }' split.cpu)
	within "$truth" 1.56 2.54 && break
	echo "# split run $attempt: the threads' own CPU ratio was $truth; running again"
done
s=$(samples split.data ";py::slow_function:"); fast=$(samples split.data ";py::fast_function:")
r=$(ratio "$s" "$fast")
if awk -v r="$r" -v t="$truth" 'BEGIN { exit !(r >= t * 0.9 && r <= t * 1.1) }'; then
	ok "split: slow/fast = $r, within 10% of the threads' own CPU ratio $truth"
else not_ok "split: slow/fast within 10% of the threads' own CPU ratio" "profile $r (slow=$s fast=$fast), threads $truth"; fi

# ---- an ordinary user: auto falls back to the trampoline, with the note ----
d=$(mktemp -d /tmp/pytop-bpf.XXXXXX)
chmod 755 "$d"; mkdir "$d/out"; chmod 777 "$d/out"
cp "$PYTOP" "$S" "$d/"; chmod 755 "$d/pytop"; chmod 644 "$d/pyframes.py"
as_nobody() { (cd "$d/out" && setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"); }
# (pyenv's interpreters live under /root: nobody runs Debian's)
setpriv --reuid=nobody --regid=nogroup --clear-groups env -u PYTHONPERFSUPPORT "$DEBPY" "$d/pyframes.py" forever >"$d/att.out" & tpid=$!
for _ in $(seq 50); do grep -q ready "$d/att.out" 2>/dev/null && break; sleep 0.1; done
as_nobody "$d/pytop" record -p $tpid -d 1 -o "$d/out/n.data" >/dev/null 2>"$d/err.txt"; rc=$?
check_eq "nobody, auto, -p: exit 0" "$rc" 0
check_grep "nobody, auto, -p: one-line note on what is lost" \
	"^pytop: note: Python frames come from the perf trampoline: no line numbers, and -p sees Python only in processes started with -X perf \\(.*root or CAP_BPF and CAP_PERFMON\\)$" "$d/err.txt"
check_grep "nobody, auto, -p: the interpreter's own frames still" ";_PyEval_EvalFrameDefault" <("$FOLDED" "$d/out/n.data")
as_nobody "$d/pytop" record --python-frames bpf -p $tpid -d 1 -o "$d/out/b.data" >/dev/null 2>"$d/errb.txt"; rc=$?
check "nobody, bpf: fails" test "$rc" -ne 0
check_grep "nobody, bpf: says why in one line" "^pytop: --python-frames bpf: the kernel refused the BPF frame reader \\(.*\\): it needs root or CAP_BPF and CAP_PERFMON$" "$d/errb.txt"
check "nobody, bpf: no file" test ! -e "$d/out/b.data"
kill $tpid; wait $tpid 2>/dev/null
rm -rf "$d"

"$PYTOP" record --python-frames nope -o x.data "$S" hot 1 >/dev/null 2>errx.txt; rc=$?
check_eq "--python-frames nope: usage error" "$rc" 2
check_grep "--python-frames nope: says what is accepted" "^pytop: --python-frames nope: not a frame source \\(bpf, trampoline or auto\\)$" errx.txt
done_testing
