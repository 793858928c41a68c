#!/bin/bash
# H toggles hierarchy mode (comm -> dso -> sym), L sets the percent limit.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "first screen"
tui_keys H
tui_wait '^  +Overhead +Command / Shared Object / Symbol' "H: hierarchy header"
tui_has '^\+ +80\.00% +python3$' "top level: commands"
tui_has '^\+ +20\.00% +worker$' "second command"
tui_has 'view: all hierarchy' "title says hierarchy"
tui_keys Enter
tui_wait '^ +[-+] +40\.00% +python3\.12$' "expanding a command shows its DSOs"
tui_has '^ +[-+] +25\.00% +libc\.so\.6$' "and the next DSO"
tui_keys j Enter
tui_wait '^ +[-+] +40\.00% +\[\.\] _PyEval_EvalFrameDefault$' "a DSO shows its symbols"
tui_keys H
tui_wait '^  Children +Self +Command' "H again: flat"
tui_keys L
tui_wait '^percent limit \[0\.0\]:' "L prompts for the limit"
tui_type '30'
tui_keys Enter
tui_wait 'limit 30\.0%' "title shows the limit"
tui_wait_not '\[\.\] regex_match' "entries under 30% are hidden"
tui_has '\[\.\] py::main' "heavier entries stay"
tui_keys L
tui_type 'abc'
tui_keys Enter
tui_wait "percent limit: 'abc' is not a number" "a bad limit is reported"
tui_keys L
tui_type '0'
tui_keys Enter
tui_wait 'regex_match' "limit 0 shows everything again"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
