#!/bin/bash
# Resizing at any time: down to 40x10 the browser still shows the title,
# header, entries and key line; below that it says the terminal is too
# small; back to 120x30 everything returns.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
tui_start 120 30 -i "$T/small.data" --no-python
tui_wait 'cmd: python3 -X perf app\.py' "120x30: full title"
tui_keys E
tui_wait '^ +25\.00% memcpy$' "expanded before the resize"
tmux -L "$TUI_SOCK" resize-window -t main -x 40 -y 10
tui_wait '^Samples: 100 of cpu-clock@999Hz' "40x10: title"
tui_has '^  Children +Self +Command' "40x10: column header"
tui_has '^- +80\.00% +40\.00% +python3' "40x10: first entry"
tui_has '\? help|E/C all|/ filter' "40x10: key line"
lines=$(tui_screen | wc -l)
check_eq "40x10: ten lines" "$lines" 10
width=$(tui_screen | LC_ALL=C.UTF-8 wc -L)
check "40x10: nothing wider than 40 columns" test "$width" -le 40
tui_keys j j j
tui_wait '^ +- +80\.00%|^ +[-+ ] +[0-9.]+% ' "40x10: still moving through the graph"
tmux -L "$TUI_SOCK" resize-window -t main -x 30 -y 8
tui_wait 'terminal too small' "30x8: says it is too small"
tui_has '30x8, need 40x10' "30x8: and what it needs"
tmux -L "$TUI_SOCK" resize-window -t main -x 120 -y 30
tui_wait 'cmd: python3 -X perf app\.py' "back to 120x30: full title"
tui_has '^  Children +Self +Command +Shared Object +Symbol' "full header"
tui_has '^ +25\.00% memcpy$|^- ' "expansion state kept across resizes"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
