#!/bin/bash
# Names that attack the terminal (tests/report/fixtures/hostile.txt): the
# browser shows their escapes, bidirectional overrides included, and the
# terminal's title stays what it was.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

"$MKFIXTURE" -o "$T/hostile.data" "$ROOT/tests/report/fixtures/hostile.txt" ||
	{ not_ok "fixture hostile" "mkfixture failed"; done_testing; exit 1; }
title() { tmux -L "$TUI_SOCK" display-message -p -t main '#{pane_title}'; }

tui_start 160 30 -i "$T/hostile.data" --no-python
tui_wait '^  Children' "up"
before=$(title)
tui_has 'ev\\x1b\]0;OWNED\\x07il' "thread name: OSC 0 shown escaped"
tui_has 'pr\\x1b\[2Jog' "DSO name: ESC[2J shown escaped"
tui_has 'csi\\u009b31m' "C1 CSI shown escaped"
tui_has 'bad\\xff\\xfename' "invalid UTF-8 shown escaped"
tui_has 'py::clip\\x1b\]52;c;aGk=\\x07:/app/\\u202egnp\.py' "OSC 52 and U+202E shown escaped"
tui_has 'python3 \\x1b\]0;TITLE\\x07x\.py' "command line shown escaped"
check_eq "the title did not change" "$(title)" "$before"
case $(title) in *OWNED*|*TITLE*) not_ok "title not set by a name" "title: $(title)" ;;
*) ok "title not set by a name" ;; esac
# call graph lines too (E expands all)
tui_keys E
tui_wait '[0-9]% bad\\xff\\xfename' "graph line shown escaped"
# the threads view's command column (cut to its 15 columns) and title
tui_keys T
tui_wait '^Threads: ' "threads view"
tui_has ' ev\\x1b\]0;OWNED… ' "thread name shown escaped in the threads view"
tui_has 'cmd: python3 \\x1b\]0;TITLE\\x07x\.py' "command line shown escaped in its title"
check_eq "the title did not change (threads view)" "$(title)" "$before"
tui_keys q
tui_keys q
tui_wait '^EXIT=0' "quit"

done_testing
