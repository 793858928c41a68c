#!/bin/bash
# f opens the flame graph of the current view: the hot Python functions are
# blocks as wide as their shares (within one cell), Enter zooms a frame to
# the full width and Esc returns, / highlights matches and shows their
# share, the view survives a resize to 40x10 and back, the status line
# names the selected frame, and q returns to the list with the cursor on
# the selected function.  Screen at 100 columns: 1% = 1 cell.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"
need python3 "apt-get install python3"

"$MKFIXTURE" -o "$T/py.data" "$ROOT/tests/report/fixtures/python.txt" ||
	{ not_ok "fixture" "mkfixture failed"; done_testing; exit 1; }

blocks() { tmux -L "$TUI_SOCK" capture-pane -p -e -N -t main | python3 "$ROOT/tests/tui/flame_blocks.py"; }
# width_is NAME WANT: the block named NAME (as drawn) is WANT cells +-1
width_is() {
	local got
	got=$(blocks | awk -v n="$1" '{ name = $0; sub(/^[0-9]+ [0-9]+ [0-9]+ /, "", name) } name == n { print $3; exit }')
	if [ -n "$got" ] && [ "$got" -ge $(($2 - 1)) ] && [ "$got" -le $(($2 + 1)) ]; then
		ok "${3:-$1}: $got cells (share $2)"
	else
		not_ok "${3:-$1}: $2 cells +-1" "got '${got}'; blocks:" "$(blocks)"
	fi
}

TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/py.data" --python
tui_wait 'slow_function' "list first"
tui_keys f
tui_wait '^Flame graph: ' "f opens the flame graph"
tui_has '^classes: python native memory kernel interpreter unknown \+ merged' "legend line: the class table"
tui_has '^│all' "root block on the first row"
# 200 samples: <module> 100, slow_function 100 (self 60: the Python view
# folds the interpreter's work into it), find_divisors 40,
# clone3/fast_function/fast_sum 96, memcpy 46
width_is "all" 100
width_is "<module> (profile_perf.py)" 50
width_is "slow_function (profile_perf.py)" 50
width_is "fast_function (profile_perf.py)" 48
width_is "find_divisors (pro…" 20 "find_divisors (name cut with an ellipsis)"
width_is "memcpy" 23
tui_has '^slow_function \(profile_perf.py\) in /app/profile_perf.py  samples 100  total 50\.00%  self 30\.00%' \
	"starts on the list's cursor function; status: name, file, samples, total, self"

tui_keys k
tui_wait '^<module> \(profile_perf.py\) in /app/profile_perf.py  samples 100  total 50\.00%  self 0\.00%' "k: parent"
tui_keys j
tui_wait '^slow_function \(profile_perf.py\) in /app/profile_perf.py  samples 100  total 50\.00%' "j: widest child"
tui_keys Enter
tui_wait '^zoom: all → <module> \(profile_perf.py\) →' "Enter: ancestors as the zoom path"
tui_has '^│slow_function' "the zoomed frame on the first row"
width_is "slow_function (profile_perf.py)" 100 "zoomed frame: full width"
width_is "find_divisors (profile_perf.py)" 40 "its child at its share of it"
tui_keys Escape
tui_wait_not '^zoom: ' "Esc zooms out"
width_is "slow_function (profile_perf.py)" 50 "back at its share"

tui_keys l
tui_wait '^fast_function \(profile_perf.py\)' "l: the frame to the right"
tui_keys h k
tui_wait '^<module> \(profile_perf.py\)' "h then k: left sibling, then its parent"

tui_keys /
tui_type 'memcpy'
tui_keys Enter
tui_wait "^search 'memcpy': 23\.00%" "/ memcpy: the matches' share"
tui_wait '^memcpy in /usr/lib/libc.so.6  samples 46' "Enter selects the first match"
tui_keys /
tui_type 'FUNCTION'
tui_keys Enter
tui_wait "^search 'FUNCTION': 98\.00%" "/ FUNCTION: slow and fast (any case), each stack once"
tui_keys n
tui_wait '^fast_function' "n: next match"
tui_keys N
tui_wait '^slow_function' "N: previous match"

tui_keys i
tui_wait '^Flame graph: .*view: python callers \(icicle\)' "i: an icicle of callers"
width_is "fast_sum" 25 "callers: leaf functions first, at their self time (fast_sum 25%)"
width_is "memcpy" 15 "callers: memcpy as a leaf (its self time, 15%)"
tui_keys i P
tui_wait '^Flame graph: .*view: all,' "P: all frames"
tui_has '_PyEval_EvalFrameDefault' "all frames: interpreter frames are back"
tui_keys P
tui_wait '^Flame graph: .*view: python,' "P again: the Python view"
tmux -L "$TUI_SOCK" resize-window -t main -x 40 -y 10
tui_wait '^│all' "40x10: still the flame graph"
width_is "all" 40 "40x10: root spans the width"
tui_has '^slow_function' "40x10: status line kept"
tmux -L "$TUI_SOCK" resize-window -t main -x 100 -y 30
tui_wait '^Flame graph: .*cmd: python3.12' "back to 100x30"
width_is "slow_function (profile_perf.py)" 50 "widths after the resize"

tui_keys q
tui_wait '^  Children' "q: back to the list"
tui_wait_cursor 'slow_function \(profile_perf.py\)' "the list's cursor on the selected function"
tui_keys f
tui_wait '^Flame graph: ' "f again"
tui_keys Escape
tui_wait '^  Children' "Esc at the top returns to the list"
tui_keys q
tui_wait '^EXIT=0' "q quits"
done_testing
