#!/bin/bash
# Expanding and collapsing entries and call-graph nodes: Enter/+/e, c, E, C,
# and moving with j/k, G/g.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^\+ +80\.00% +40\.00% .*_PyEval_EvalFrameDefault' "first screen"
tui_keys Enter
tui_wait '^- +80\.00% +40\.00% .*_PyEval_EvalFrameDefault' "Enter: marker turns to -"
tui_has '^ +[-+] +80\.00% _PyEval_EvalFrameDefault$' "the call graph's first line is indented below"
tui_lacks '^ +.*py::slow_function' "its children stay collapsed"
tui_keys j Enter
tui_wait '^ +[-+] +40\.00% py::slow_function:/app/app\.py' "Enter on a graph node shows its callees"
tui_has '^ +[-+ ] +25\.00% py::compute_hash:/app/app\.py' "second callee"
tui_keys c
tui_wait_not '^ +[-+ ] +40\.00% py::slow_function' "c collapses the current node"
tui_has '^ +\+ +80\.00% _PyEval_EvalFrameDefault$' "the node shows + again"
tui_keys c
tui_wait '^\+ +80\.00% +40\.00% .*_PyEval_EvalFrameDefault' "c on a collapsed node collapses its parent entry"
tui_lacks '^ +[-+] +80\.00% _PyEval_EvalFrameDefault$' "no graph lines left"
tui_keys E
tui_wait '^ +25\.00% memcpy' "E expands every entry down to the leaves"
tui_has '^- +80\.00% +0\.00% +python3 +\[python\] +\[\.\] py::main' "other entries are expanded too"
tui_keys C
tui_wait_not '^ +25\.00% memcpy' "C collapses everything"
tui_has '^\+ +80\.00% +0\.00% +python3 +\[python\] +\[\.\] py::main' "entries back to +"
tui_keys G
tui_wait '^\+ .*\[\.\] write *$' "G: last entry"
tui_keys g e
tui_wait '^- +80\.00% +40\.00% .*_PyEval_EvalFrameDefault' "g then e: first entry expanded"
tui_keys +
tui_wait '^\+ +80\.00% +40\.00% .*_PyEval_EvalFrameDefault' "+ toggles it back"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
