#!/bin/bash
# The diff browser (pytop diff on a terminal): the entries sorted by |Delta|,
# the Delta in red for growth and blue for shrink (bold / underlined without
# colour), and the report's keys: j/k and arrows, PgDn/End, / filter, s sort,
# P the Python view, ? help, q quit.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"
for f in before after; do
	"$MKFIXTURE" -o "$T/$f.data" "$ROOT/tests/diff/fixtures/$f.txt" || not_ok "fixture $f" "mkfixture failed"
done
export TUI_CMD=diff

tui_start 100 30 before.data after.data
tui_wait '^Diff: before\.data → after\.data, samples 100 → 200, view: python' "title: both files"
tui_has '^python 80\.00% -> 75\.00%, native 20\.00% -> 25\.00%; biggest: python -> python$' "the class split"
tui_has '^  Baseline +Delta +Symbol *$' "columns as perf diff"
tui_screen | sed -n '4,9p' | sed 's/  */ /g; s/^ //' >"$T/entries"
check_eq "entries by |Delta|" "$(cat "$T/entries")" "30.00% +10.00% [.] compute (app.py)
40.00% -10.00% [.] parse (app.py)
10.00% +10.00% [.] pow
10.00% gone [.] cleanup (app.py)
10.00% -5.00% [.] memcpy
new +5.00% [.] report (app.py)"
tmux -L "$TUI_SOCK" capture-pane -p -e -t main >"$T/ansi"
check_grep "growth in red" $'\e\\[31m +\\+10\\.00%\e\\[39m  \\[\\.\\] pow' "$T/ansi"
check_grep "shrink in blue" $'\e\\[34m +-10\\.00%\e\\[39m  \\[\\.\\] parse' "$T/ansi"
check_grep "gone in blue" $'\e\\[34m +gone\e\\[39m' "$T/ansi"
tui_keys q
tui_wait '^EXIT=0' "q quits"

# monochrome (and a plain reverse-video cursor to follow): the sign, plus
# bold for growth and underline for shrink
TUI_ENV=NO_COLOR=1 tui_start 100 30 before.data after.data
tui_wait '^  Baseline' "NO_COLOR: starts"
tmux -L "$TUI_SOCK" capture-pane -p -e -t main >"$T/mono"
check_grep "NO_COLOR: growth bold" $'\e\\[1m +\\+10\\.00%' "$T/mono"
check_grep "NO_COLOR: shrink underlined" $'\e\\[4m +-10\\.00%' "$T/mono"
tui_keys j
tui_wait_cursor 'parse \(app\.py\)' "j: down"
tui_keys Down j
tui_wait_cursor 'cleanup' "Down, j: down"
tui_keys k
tui_wait_cursor '\[\.\] pow' "k: up"
tui_keys End
tui_wait_cursor 'report \(app\.py\)' "End: the last entry"
tui_keys PPage
tui_wait_cursor 'compute' "PgUp: the first entry"
tui_keys /
tui_type par
tui_wait '^filter: par' "/ prompts for a filter"
tui_keys Enter
tui_wait "filter: 'par'" "the filter is in the title"
tui_screen | sed -n '4,$p' | grep -c '%' >"$T/n"
check_eq "filter: parse and what it calls" "$(cat "$T/n")" 2
tui_has '^ +80\.00% +\+5\.71% +\[\.\] parse \(app\.py\)' "shares of the kept samples"
tui_keys /
tui_keys Enter
tui_wait_not "filter: 'par'" "an empty filter clears it"
tui_keys s
tui_wait 'sort keys \(comm,pid,tid,dso,sym\) \[sym\]:' "s prompts for the keys"
tui_type 'dso,sym'
tui_keys Enter
tui_wait '^  Baseline +Delta +Shared Object +Symbol' "sort by dso,sym: a Shared Object column"
tui_has '^ +10\.00% +\+10\.00% +libm\.so\.6 +\[\.\] pow' "libm.so.6 from two paths is one entry"
tui_keys P
tui_wait 'view: all' "P: all frames"
tui_has 'py::compute:/app/app\.py' "raw Python frames"
tui_keys o
tui_wait 'not in the diff view' "o: says it does not apply"
tui_keys '?'
tui_wait 'move down one line' "?: help"
tui_has '^pytop diff: keys' "help says it is the diff's"
tui_keys q
tui_wait '^  Baseline' "q closes help"
tui_keys q
tui_wait '^EXIT=0' "q quits"
check_eq "no error output" "$(cat "$T/stderr")" ""

done_testing
