# corrupt.t: a bad sample file gives exactly one line
# "pytop: FILE: corrupt sample file: WHAT (offset N)" and exit status 1.
source "$ROOT/tests/lib.sh"
need python3 "apt-get install python3"

printf 'meta event cpu-clock\nsample python3 10/10 3 : main@/usr/bin/python3.12;py::f:/t/a.py\nsample python3 10/11 2 : main@/usr/bin/python3.12;work@/lib/libc.so.6\n' >desc.txt
"$MKFIXTURE" -o good.data desc.txt || { not_ok "fixture"; done_testing; exit 1; }
size=$(stat -c %s good.data)

# run_report FILE: sets rc, out (stdout), err (stderr)
run_report() {
	out=$("$PYTOP" report --stdio -i "$1" 2>err.txt); rc=$?
	err=$(cat err.txt)
}

run_report good.data
check_eq "a good file is accepted" "$rc" 0

one_line_error() { # NAME FILE PATTERN
	run_report "$2"
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [ -z "$out" ] &&
		printf '%s\n' "$err" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "rc=$rc stderr lines=$lines" "stderr: $err" "stdout: $out"
	fi
}

corrupt_re() { echo "^pytop: $1: corrupt sample file: .+ \\(offset [0-9]+\\)\$"; }

# truncations at many lengths, including inside the header and the end marker
bad=0
for n in 0 1 7 15 16 17 31 40 $((size / 2)) $((size - 5)) $((size - 1)); do
	head -c "$n" good.data >trunc.data
	run_report trunc.data
	if [ "$rc" -ne 1 ] || ! printf '%s\n' "$err" | grep -Eq "$(corrupt_re trunc.data)"; then
		bad=$((bad + 1)); echo "# truncated to $n: rc=$rc $err"
	fi
done
check_eq "truncated files (11 lengths) give the corrupt-file line" "$bad" 0

# a bit flip in every byte of the file
bad=0
mkdir flips
python3 -c "
b = open('good.data', 'rb').read()
for i in range(len(b)):
    c = bytearray(b); c[i] ^= 0x10
    open('flips/%d.data' % i, 'wb').write(c)"
for ((i = 0; i < size; i++)); do
	run_report "flips/$i.data"
	if [ "$rc" -ne 1 ] || [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ]; then
		bad=$((bad + 1)); echo "# flip at $i: rc=$rc $err"
	fi
done
check_eq "a bit flip in each of the $size bytes is refused with one line" "$bad" 0

one_line_error "an empty file" /dev/null "^pytop: /dev/null: cannot read: not a regular file$"
: >empty.data
one_line_error "a zero-length file" empty.data "$(corrupt_re empty.data)"
head -c 4096 /dev/urandom >random.data
one_line_error "random bytes" random.data "$(corrupt_re random.data)"
printf 'PERFILE2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' >perf.data
# perf.data files are read (tests/record/perfdata.t); a cut-off one says so
one_line_error "a truncated perf.data file is named" perf.data "^pytop: perf.data: corrupt perf.data: truncated header$"
one_line_error "a missing file" nope.data "^pytop: nope.data: cannot open: No such file or directory$"
mkdir adir
one_line_error "a directory" adir "^pytop: adir: cannot read: is a directory$"
python3 -c "b=bytearray(open('good.data','rb').read()); b[8]=2; open('newer.data','wb').write(b)"
one_line_error "a newer major version" newer.data "^pytop: newer.data: sample file format 2.0 is not supported \\(this pytop reads 1.x; upgrade pytop\\)$"

if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	cp good.data secret.data && chmod 600 secret.data && chmod 755 .
	err=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$PYTOP" report --stdio -i "$PWD/secret.data" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 1 ] && [ "$err" = "pytop: $PWD/secret.data: cannot open: Permission denied" ]; then
		ok "an unreadable file (no permission)"; else not_ok "an unreadable file (no permission)" "rc=$rc: $err"; fi
else
	not_ok "an unreadable file (no permission)" "needs root and setpriv (apt-get install util-linux)"
fi
done_testing
