#!/bin/bash
# l toggles source lines in the browser on tests/report/fixtures/lines.txt
# (tally hot on lines 8 and 12, 2:1): by function by default; l splits the
# entries by line (the title says "lines"); l again merges them back.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

"$MKFIXTURE" -o "$T/lines.data" "$ROOT/tests/report/fixtures/lines.txt" ||
	{ not_ok "fixture lines" "mkfixture failed"; done_testing; exit 1; }
TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/lines.data"
tui_wait 'view: python,' "opens in the Python view, by function"
tui_has '^ +75\.00% +75\.00% .*\[\.\] tally \(lines\.py\)' "tally is one entry: 75%"
tui_lacks 'lines\.py:8' "no line by default"
tui_keys l
tui_wait 'view: python lines' "l: the title says lines"
tui_wait '^ +50\.00% +50\.00% .*\[\.\] tally \(lines\.py:8\)' "l: tally at line 8, 50%"
tui_has '^ +25\.00% +25\.00% .*\[\.\] tally \(lines\.py:12\)' "l: tally at line 12, 25% (2:1)"
tui_lacks 'tally \(lines\.py\)' "l: no by-function tally entry"
tui_keys l
tui_wait 'view: python,' "l again: by function"
tui_wait '^ +75\.00% +75\.00% .*\[\.\] tally \(lines\.py\)' "l again: tally is one entry again"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
