#!/bin/bash
# Leaving the browser restores the terminal: after q, SIGTERM and SIGINT the
# shell gets back the same tty settings and the normal screen (no leftovers
# of the browser), and without a terminal report prints --stdio with a note.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small

check_restored() { # how
	tui_wait '^EXIT=' "$1: the shell continues"
	if cmp -s "$T/stty.before" "$T/stty.after"; then ok "$1: tty settings restored"; else
		not_ok "$1: tty settings restored" "before: $(cat "$T/stty.before")" \
			"after: $(cat "$T/stty.after")"; fi
	tui_lacks 'Children|Samples:' "$1: the browser's screen is gone (alternate screen left)"
}

tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "browser up"
tui_keys E
tui_keys q
check_restored "q"
tui_has '^EXIT=0$' "q: exit status 0"

tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "browser up again"
tui_keys /
tui_type 'mem'
tui_wait "filter: 'mem'" "in the middle of typing a filter"
kill -TERM "$(tui_pid)" || not_ok "send SIGTERM" "no pytop process $(tui_pid)"
check_restored "SIGTERM"
tui_has '^EXIT=143$' "SIGTERM: killed by the signal (128+15)"

tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "browser up a third time"
tui_keys C-c
check_restored "Ctrl-C"
tui_has '^EXIT=130$' "Ctrl-C: killed by SIGINT (128+2)"

# a terminal ncurses does not know: the text report, and the reason
TUI_ENV=TERM=no-such-terminal tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^EXIT=0$' "unknown TERM: exits 0"
tui_has '^ +15\.00% +0\.00% +python3 +libc\.so\.6 +\[\.\] write' "unknown TERM: --stdio text instead"
check_grep "unknown TERM: the reason on stderr" \
	"^pytop: report: unknown terminal type 'no-such-terminal'; printing --stdio output" "$T/stderr"

"$PYTOP" report -i "$T/small.data" --no-python </dev/null >"$T/out" 2>"$T/err"
check_eq "no terminal: exit 0" "$?" 0
check_grep "no terminal: --stdio text" '^ +80\.00% +40\.00% +python3 +python3\.12 +\[\.\] _PyEval' "$T/out"
check_grep "no terminal: a note on stderr" '^pytop: .*not a terminal.*--stdio' "$T/err"
done_testing
