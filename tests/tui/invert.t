#!/bin/bash
# i toggles caller/callee graphs: a leaf like memcpy has no callees, but
# its callers are hash_bytes <- compute_hash <- ... <- _start.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/small.data" --no-python
tui_wait 'view: all,' "callee graphs by default"
tui_keys / ; tui_type 'memcpy'; tui_keys Enter
tui_wait "filter: 'memcpy'" "filter to memcpy's stacks"
tui_keys g Enter
tui_wait '^  +100\.00% +100\.00% .*\[\.\] memcpy$' "a leaf calls nothing: Enter shows no graph, the + goes"
tui_lacks '% hash_bytes$' "no callers in callee mode"
tui_keys i
tui_wait 'view: all callers' "i: the title says callers"
tui_keys g Enter
tui_wait '^ +[-+] +100\.00% memcpy$' "caller graph root"
tui_keys E
tui_wait '^ +- +100\.00% hash_bytes$' "memcpy's caller hash_bytes"
tui_has '^ +100\.00% _start$' "down to the outermost caller"
tui_keys i
tui_wait 'view: all,' "i again: callees"
tui_keys / Enter
tui_wait '\[\.\] py::main' "filter cleared"
tui_keys g j j j j j j
tui_wait_cursor '\[\.\] memcpy$' "cursor on memcpy, the 7th entry"
tui_keys i
tui_wait 'view: all callers' "i: callers"
tui_wait_cursor '\[\.\] memcpy$' "the cursor stays on memcpy"
tui_keys P
tui_wait 'view: python callers' "P: Python view"
tui_wait_cursor '\[\.\] memcpy$' "still on memcpy in the Python view"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
