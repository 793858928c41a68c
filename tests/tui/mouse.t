#!/bin/bash
# The mouse wheel scrolls the list (three lines per notch).  tmux passes the
# terminal's X10 mouse reports (ESC [ M button column row) to the browser.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "first screen"
tui_wait_cursor '\[\.\] _PyEval_EvalFrameDefault' "cursor on the first entry"
wheel() { tmux -L "$TUI_SOCK" send-keys -t main -l $'\e[M'"$1"'**'; }
wheel a   # button 64+1+32: wheel down
tui_wait_cursor '\[\.\] _start' "wheel down: three lines further"
wheel a
tui_wait_cursor '\[\.\] memcpy' "wheel down again"
wheel '`' # button 64+32: wheel up
tui_wait_cursor '\[\.\] _start' "wheel up: three lines back"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
