# output.t: -o never replaces what pytop did not create.  A character
# device (/dev/null) or a FIFO is written through, a symbolic link keeps
# pointing where it did, and a directory, a dangling link or a name whose
# temporary name is too long is refused before the target starts.  When
# the final write fails (a full disk), the profile goes elsewhere and pytop
# says where; perf maps of launched processes are removed in every case.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"

run_short() { "$PYTOP" record -q "$@" -- "$WORKLOADS/heavy" 1; }
# refused NAME OUTPUT WHY: refused before the target starts, saying WHY
refused() {
	rm -f ran
	"$PYTOP" record -q -o "$2" -- sh -c 'touch ran' >/dev/null 2>err.txt; rc=$?
	if [ "$rc" -ne 0 ] && [ ! -e ran ] && grep -q "^pytop: cannot write .*$3" err.txt; then
		ok "$1: refused before the target ran ($(cat err.txt))"
	else
		not_ok "$1: refused before the target ran" "rc=$rc ran=$([ -e ran ] && echo yes) $(cat err.txt)"
	fi
}

# /dev/null: written through, the device stays a device
run_short -o /dev/null >/dev/null 2>err.txt; rc=$?
check_eq "/dev/null: exit 0" "$rc" 0
check "/dev/null: still a character device" test -c /dev/null
check "/dev/null: no /dev/null.old" test ! -e /dev/null.old

# /dev/stdout into a pipe: the reader gets the profile
run_short -o /dev/stdout 2>err.txt | cat > piped.data
check "/dev/stdout into a pipe: the reader gets a readable profile" "$MKFIXTURE" --dump piped.data
n=$(total piped.data)
if [ "$n" -gt 0 ]; then ok "/dev/stdout: $n samples"; else not_ok "/dev/stdout: samples" "$(cat err.txt)"; fi

# a FIFO: written through to its reader, still a FIFO afterwards
mkfifo fifo
cat fifo > fifo.data & reader=$!
run_short -o fifo >/dev/null 2>err.txt; rc=$?
wait "$reader"
check_eq "FIFO: exit 0" "$rc" 0
check "FIFO: still a FIFO" test -p fifo
check "FIFO: no fifo.old" test ! -e fifo.old
check "FIFO: its reader got a readable profile" "$MKFIXTURE" --dump fifo.data

# a symbolic link to /dev/null: written through, the link stays
ln -s /dev/null null-link
run_short -o null-link >/dev/null 2>&1
check "link to /dev/null: still a link" test -L null-link
check "link to /dev/null: /dev/null still a device" test -c /dev/null

# a symbolic link to a regular file: the target is replaced, not the link
mkdir -p real
echo old > real/target.data
ln -s real/target.data file-link
run_short -o file-link >/dev/null 2>&1
check "link to a file: still a link" test -L file-link
check "link to a file: the target holds the profile" "$MKFIXTURE" --dump real/target.data
check_eq "link to a file: the previous target kept as .old" "$(cat real/target.data.old)" old

# refused before anything runs
mkdir -p adir
refused "a directory" adir "Is a directory"
ln -s adir dir-link
refused "a link to a directory" dir-link "Is a directory"
ln -s nowhere/x.data dangling
refused "a dangling link" dangling "symbolic link to nothing"
long=$(printf 'a%.0s' $(seq 250)).data
refused "a name whose temporary name exceeds NAME_MAX" "$long" "temporary name"
refused "a missing directory" nodir/x.data "No such file or directory"
check "no temporary or partial files left" test -z "$(ls -a | grep -E '\.tmp\.|pytop-samples')"

# a full disk: the profile goes to $TMPDIR, and pytop says where
need mount "apt-get install mount"
mkdir -p full rescue
if mount -t tmpfs -o size=64k tmpfs full 2>/dev/null; then
	dd if=/dev/zero of=full/filler bs=1k count=64 2>/dev/null
	TMPDIR=$PWD/rescue "$PYTOP" record -o full/x.data -- "$WORKLOADS/heavy" 1 >/dev/null 2>err.txt; rc=$?
	check_eq "full disk: exit 0 (the run is kept)" "$rc" 0
	check_grep "full disk: says where the profile went" \
		"warning: cannot write full/x.data: .*No space left on device; the profile was written to .*/rescue/pytop-.*\.data instead" err.txt
	check_grep "full disk: the summary names the rescue file" "written to .*/rescue/pytop-" err.txt
	f=$(ls rescue/pytop-*.data 2>/dev/null | head -1)
	check "full disk: the rescued profile is readable" "$MKFIXTURE" --dump "$f"
	n=$(total "$f")
	if [ "$n" -gt 0 ]; then ok "full disk: $n samples kept"; else not_ok "full disk: samples kept" "$(cat err.txt)"; fi
	check "full disk: no partial file left" test -z "$(ls -a full | grep -v -E '^(\.|\.\.|filler)$')"

	# nowhere to go: a clear error, and the perf map of the launched Python is removed
	if [ -x "$PY312" ]; then
		echo 'import os; open("pid", "w").write(str(os.getpid()))
def f(n): return n if n < 2 else f(n - 1) + f(n - 2)
f(22)' > t.py
		"$PYTOP" record --python-frames trampoline -q --keep-perf-maps -o kept.data --python "$PY312" t.py >/dev/null 2>&1
		pid=$(cat pid 2>/dev/null)
		check "control: a launched CPython 3.12 writes a perf map" test -n "$pid" -a -f "/tmp/perf-$pid.map"
		rm -f "/tmp/perf-$pid.map" pid
		TMPDIR=$PWD/full "$PYTOP" record --python-frames trampoline -o full/y.data --python "$PY312" t.py >/dev/null 2>err.txt; rc=$?
		check "nowhere to write: exit non-zero" test "$rc" -ne 0
		check_grep "nowhere to write: one clear error" "^pytop: cannot write full/y.data: .*No space left on device" err.txt
		pid=$(cat pid 2>/dev/null)
		check "nowhere to write: the launched process's perf map is removed" \
			test -n "$pid" -a ! -e "/tmp/perf-$pid.map"
	else
		not_ok "CPython 3.12 for the perf-map check" "$PY312 is missing (pyenv install 3.12.1)"
	fi
	umount full
else
	not_ok "mount a small tmpfs for the full-disk test" "mount -t tmpfs failed: run as root"
fi

done_testing
