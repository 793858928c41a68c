# nofp.t: -g fp on a Python built without frame pointers (the pyenv
# builds here): pytop says so before recording, counts every stack of the
# interpreter as truncated with that reason, and never labels an unknown
# user address as a kernel frame.  A native program built with frame
# pointers is not affected.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
cp "$ROOT/tests/workloads/profile_perf.py" .

"$PYTOP" record -g fp --python "$PY312" -o fp.data profile_perf.py 600000 >/dev/null 2>err.txt; rc=$?
check_eq "exit 0" "$rc" 0
check_grep "says the interpreter has no frame pointers, before recording" \
	"^pytop: warning: -g fp: $PY312 is built without frame pointers: its stacks break at the first interpreter frame and are counted as truncated \\(no frame pointers\\); -g dwarf \\(the default for it\\) unwinds them$" \
	<(head -1 err.txt)
n=$(meta fp.data truncated); total=$(total fp.data)
check_eq "every stack counted truncated" "$n" "$total"
check_grep "summary: truncated for no frame pointers" \
	"^\\[ pytop record: $total samples with truncated stacks \\(no frame pointers: $total\\) \\]$" err.txt
"$PYTOP" report --stdio -i fp.data >report.txt 2>&1
check_grep "report header: the reason" "^# Truncated stacks: $total of $total samples \\(100\\.00%\\): no frame pointers $total$" report.txt
if grep -q '\[k\] \[unknown\]' report.txt; then
	not_ok "no unknown user address labelled [k]" "$(grep -m3 '\[k\] \[unknown\]' report.txt)"
else ok "no unknown user address labelled [k]"; fi

# a native program with frame pointers: complete stacks, no warning
"$PYTOP" record -g fp -o native.data -- "$WORKLOADS/heavy" 20 >/dev/null 2>nerr.txt; rc=$?
check_eq "native: exit 0" "$rc" 0
check_eq "native: nothing truncated" "$(meta native.data truncated)" 0
if grep -q 'frame pointers' nerr.txt; then not_ok "native: no frame-pointer warning" "$(cat nerr.txt)"
else ok "native: no frame-pointer warning"; fi
done_testing
