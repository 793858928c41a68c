#!/bin/bash
# s chooses the sort keys (the columns follow them), o cycles the order
# between children, self and name.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children +Self +Command +Shared Object +Symbol' "default columns comm,dso,sym"
tui_keys s
tui_wait 'sort keys \(comm,pid,tid,dso,sym\) \[comm,dso,sym\]:' "s prompts for the keys"
tui_type 'dso'
tui_keys Enter
tui_wait '^  Children +Self +Shared Object *$' "sort by dso: one key column"
tui_has '^\+ +100\.00% +40\.00% +python3\.12' "python3.12 is in every stack: first"
tui_has '^\+ +60\.00% +45\.00% +libc\.so\.6' "libc.so.6 next"
tui_keys s
tui_type 'sym'
tui_keys Enter
tui_wait '^  Children +Self +Symbol *$' "sort by sym"
tui_keys o
tui_wait 'by self' "o: order by self"
tui_has '^  Children +Self +Symbol *$' "the Children column stays"
tui_screen | sed -n '4,5p' | sed 's/  *\[\.\] / /; s/^[+ ] *//' >"$T/self2"
check_eq "heaviest self first" "$(cat "$T/self2")" "100.00%    40.00% _PyEval_EvalFrameDefault
25.00%    25.00% memcpy"
tui_has 'by self' "title: the order"
tui_keys o
tui_wait 'by name' "o again: order by name"
tui_screen | sed -n '4,5p' | sed 's/.*\] //' >"$T/first2"
check_eq "by name: entries in name order" "$(cat "$T/first2")" "Py_RunMain
_PyEval_EvalFrameDefault"
tui_keys s
tui_type 'bogus'
tui_keys Enter
tui_wait 'sort: .*bogus' "an unknown key is reported on the bottom line"
tui_has '^  Children +Self +Symbol' "and the sort stays"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
