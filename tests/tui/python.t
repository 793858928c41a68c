#!/bin/bash
# A profile with Python frames opens in the Python view: Python names,
# interpreter frames folded into the Python function they run (its Self),
# native frames kept.  P toggles all frames and keeps the cursor on the same
# entry; --no-python opens on all frames.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/small.data"
tui_wait 'view: python' "a Python profile opens in the Python view"
tui_wait '\[\.\] find_divisors \(app\.py\)' "Python names: qualname (file)"
tui_has '\[\.\] main \(app\.py\)' "main is a Python entry"
tui_has '^ +40\.00% +40\.00% .*\[\.\] find_divisors \(app\.py\)' "interpreter frames fold into the Python function: its Self (a leaf: no + marker)"
tui_lacks '\[interpreter\]' "no [interpreter] under Python frames"
tui_has '\[\.\] hash_bytes' "native extension frames stay"
tui_lacks '_PyEval_EvalFrameDefault' "no raw interpreter frames"
tui_lacks 'py::' "no raw py:: names"
tui_keys j
tui_wait_cursor 'find_divisors \(app\.py\)' "cursor on find_divisors"
tui_keys P
tui_wait 'view: all' "P: all frames"
tui_wait '\[\.\] _PyEval_EvalFrameDefault' "interpreter frames are back"
tui_wait_cursor 'py::find_divisors:/app/app\.py' "P keeps the cursor on find_divisors"
tui_keys P
tui_wait 'view: python' "P again: the Python view"
tui_wait_cursor 'find_divisors \(app\.py\)' "and the cursor stays on it"
tui_keys g Enter
tui_wait '^ +[-+] +80\.00% main \(app\.py\)' "call graph in the Python view"
tui_keys E
tui_wait '^ +[-+ ] +40\.00% slow_function \(app\.py\)' "main calls slow_function directly"
tui_has '^ +40\.00% find_divisors \(app\.py\)$' "the eval loop's time is find_divisors' own"
tui_has '^ +25\.00% memcpy$' "native frames below Python ones"
tui_keys q
tui_wait '^EXIT=0' "quit"

TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/small.data" --no-python
tui_wait 'view: all' "--no-python opens on all frames"
tui_wait '\[\.\] py::find_divisors:/app/app\.py' "raw py:: names"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
