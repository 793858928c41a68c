#!/bin/bash
# P toggles the Python view: Python names, interpreter frames folded into
# the Python function they run (its Self), native frames kept.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
tui_start 100 30 -i "$T/small.data"
tui_wait '\[\.\] py::find_divisors:/app/app\.py' "all frames: raw py:: names"
tui_has '\[\.\] _PyEval_EvalFrameDefault' "all frames: interpreter frames"
tui_keys P
tui_wait 'view: python' "P: the title says python view"
tui_wait '\[\.\] find_divisors \(app\.py\)' "Python names: qualname (file)"
tui_has '\[\.\] main \(app\.py\)' "main is a Python entry"
tui_has '^ +40\.00% +40\.00% .*\[\.\] find_divisors \(app\.py\)' "interpreter frames fold into the Python function: its Self (a leaf: no + marker)"
tui_lacks '\[interpreter\]' "no [interpreter] under Python frames"
tui_has '\[\.\] hash_bytes' "native extension frames stay"
tui_lacks '_PyEval_EvalFrameDefault' "no raw interpreter frames"
tui_lacks 'py::' "no raw py:: names"
tui_keys g Enter
tui_wait '^ +[-+] +80\.00% main \(app\.py\)' "call graph in the Python view"
tui_keys E
tui_wait '^ +[-+ ] +40\.00% slow_function \(app\.py\)' "main calls slow_function directly"
tui_has '^ +40\.00% find_divisors \(app\.py\)$' "the eval loop's time is find_divisors' own"
tui_has '^ +25\.00% memcpy$' "native frames below Python ones"
tui_keys P
tui_wait 'view: all' "P again: back to all frames"
tui_wait '\[\.\] _PyEval_EvalFrameDefault' "interpreter frames are back"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
