#!/bin/bash
# The first screen of `pytop report` on a terminal: title facts, the
# classification line, the column header, entries with +/- markers, and the
# key hints; the help overlay lists the keys and closes again.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
tui_start 120 30 -i "$T/small.data" --no-python
tui_wait 'Samples: 100 of cpu-clock@999Hz' "title: sample count, event and frequency"
tui_has 'lost: 3, truncated: 0' "title: lost and truncated counts"
tui_has 'view: all, Duration 0\.10 s, lost' "title: the recording's duration"
tui_has 'cmd: python3 -X perf app.py' "title: the profiled command"
tui_has 'view: all' "title: the active view"
tui_has '^native work dominates: the C code is likely optimized already \| python 40\.00%, native 45\.00% \(top:' \
	"second line: what the biggest class means, then the classes (the eval loop under py:: frames is Python code)"
tui_has '^  Children +Self +Command +Shared Object +Symbol' "column header as in --stdio"
tui_has '^\+ +80\.00% +40\.00% +python3 +python3\.12 +\[\.\] _PyEval_EvalFrameDefault' \
	"first entry: the heaviest, with a + marker"
tui_has '^ +20\.00% +20\.00% +worker +libc\.so\.6 +\[\.\] regex_match' "worker thread entry: a leaf, no + marker"
tui_has '\? help +q quit' "bottom line: key hints"
# the same numbers as --stdio
"$PYTOP" report --stdio -i "$T/small.data" --no-python >"$T/stdio.txt" 2>&1
class=$(sed -n 's/^# Classes: //p' "$T/stdio.txt")
got=$(sed -n 2p "$T/screen" | sed 's/^[^|]*| //; s/…$//')
check_eq "--stdio agrees on the classification" "$got" "${class:0:${#got}}"
check_grep "--stdio agrees on the first entry" \
	'^ +80\.00% +40\.00% +python3 +python3\.12 +\[\.\] _PyEval_EvalFrameDefault' "$T/stdio.txt"

tui_keys '?'
tui_wait 'pytop report: keys' "? opens the help overlay"
tui_has 'Enter, \+, e +expand or collapse the current entry' "help lists Enter/+/e"
tui_has 'PgDn, Space +page down' "help lists paging keys"
tui_keys q
tui_wait '^  Children' "q closes help, back to the list"
tui_keys F1
tui_wait 'pytop report: keys' "F1 opens help too"
tui_keys Escape
tui_wait '^  Children' "Esc closes help"
tui_keys q
tui_wait '^EXIT=0' "q quits with status 0"
done_testing
