#!/bin/bash
# d zooms into the current entry's DSO, t into its thread; Esc or Left zooms
# out one level; Esc at the top level quits.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/small.data" --no-python
tui_wait 'py::main' "first screen"
# put the cursor on memcpy (libc.so.6) with the filter, then clear the filter
tui_keys / ; tui_type 'memcpy'; tui_keys Enter
tui_wait_cursor '\[\.\] memcpy' "cursor on memcpy"
tui_keys d
tui_wait 'zoom: dso libc\.so\.6' "d: zoomed into libc.so.6"
tui_keys / Enter
tui_wait_not "filter: " "filter cleared"
tui_wait 'regex_match' "libc entries of every thread"
tui_has '\[\.\] write *$' "libc write"
tui_lacks '\[\.\] py::main' "entries of other DSOs are gone"
tui_lacks '\[\.\] hash_bytes' "no _speedups.so entries"
tui_keys Escape
tui_wait '\[\.\] py::main' "Esc zooms out"
tui_lacks 'zoom:' "no zoom in the title"
tui_keys / ; tui_type 'regex'; tui_keys Enter
tui_wait_cursor 'worker .*regex_match' "cursor on the worker's entry"
tui_keys t / Enter
tui_wait 'zoom: thread 101' "t: rows keyed by comm zoom into the row's thread"
tui_wait 'py::worker_loop' "worker entries"
tui_lacks 'py::main' "main thread entries are gone"
tui_keys Escape
tui_wait '\[\.\] py::main' "Esc zooms out"
tui_keys s ; tui_type 'tid,sym'; tui_keys Enter
tui_wait '^  Children +Self +Tid +Symbol' "sort by tid,sym"
tui_keys / ; tui_type 'regex'; tui_keys Enter
tui_wait_cursor ' 101 +\[\.\] regex_match' "cursor on thread 101's entry"
tui_keys t / Enter
tui_wait 'zoom: thread 101' "t: zoomed into thread 101"
tui_wait 'py::worker_loop' "thread 101's entries"
tui_lacks 'py::main' "thread 100's entries are gone"
tui_keys Left
tui_wait '\[\.\] py::main' "Left at column 0 zooms out too"
tui_keys Escape
tui_wait 'quit\? Esc again quits' "Esc at the top level asks"
tui_keys Escape
tui_wait '^EXIT=0' "Esc again quits"
done_testing
