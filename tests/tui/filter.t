#!/bin/bash
# The / filter narrows the list live as you type; Enter keeps it, Esc
# cancels it, / then Enter clears it; n/N jump between matching lines.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/small.data" --no-python
tui_wait 'py::main' "first screen"
tui_keys /
tui_wait '^filter:' "/ opens the filter prompt on the bottom line"
tui_type 'hash'
tui_wait_not 'regex_match' "typing narrows the list live"
tui_has 'filter: .hash.' "title shows the active filter"
tui_has '\[\.\] py::compute_hash' "matching entries stay"
tui_has 'Samples: 100 \(shown 25\)' "title: kept samples"
tui_keys Escape
tui_wait 'regex_match' "Esc cancels: every entry is back"
tui_lacks "filter: 'hash'" "no filter in the title"
tui_keys /
tui_type 'worker'
tui_keys Enter
tui_wait 'filter: .worker.' "Enter keeps the filter"
tui_wait_not 'py::main' "only worker stacks remain"
tui_has 'py::worker_loop' "the worker entries"
tui_keys E
tui_wait '^ +100\.00% regex_match' "E expands the filtered entries"
tui_wait_cursor 'regex_match' "cursor on the first entry"
tui_keys n
tui_wait_cursor '^- .*\[\.\] py::parse_line:/app/worker\.py' "n jumps to the next line matching the filter"
tui_keys n
tui_wait_cursor '^ +- +100\.00% py::parse_line:/app/worker\.py' "n again: a call-graph line"
tui_keys N
tui_wait_cursor '^- .*\[\.\] py::parse_line' "N jumps back"
tui_keys /
tui_keys Enter
tui_wait 'py::main' "/ then Enter clears the filter"
tui_lacks "filter: " "title without filter"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
