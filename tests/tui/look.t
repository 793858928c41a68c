#!/bin/bash
# Colours by frame kind, NO_COLOR and monochrome terminals, UTF-8 glyphs
# with an ASCII fallback when the locale is not UTF-8.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture small
esc=$'\e'
colors() { tmux -L "$TUI_SOCK" capture-pane -p -e -t main >"$T/esc"; }
# "FG|text" per line: the foreground colour in effect where the line's text
# starts (curses only sends attribute changes, so carry the state along).
fg_lines() {
	awk -v e="$esc" '{
		line = $0
		while (match(line, e "\\[[0-9;]*m")) {
			if (RSTART > 1) break
			seq = substr(line, 3, RLENGTH - 3)
			n = split(seq, p, ";")
			for (i = 1; i <= n; i++) {
				if (p[i] == "0" || p[i] == "39") fg = "default"
				else if (p[i] ~ /^3[0-7]$/) fg = p[i]
			}
			line = substr(line, RLENGTH + 1)
		}
		gsub(e "\\[[0-9;]*m", "", line)
		print fg "|" line
	}' "$T/esc"
}

TUI_ENV=TERM=screen-256color tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "colour terminal: up"
colors
fg_lines >"$T/fg"
check_grep "colour: python frames in green" '^32\|.*\[\.\] py::main' "$T/fg"
check_grep "colour: interpreter frames in yellow" '^33\|.*\[\.\] Py_RunMain' "$T/fg"
check_grep "colour: native frames in the default colour" '^default\|.*\[\.\] memcpy' "$T/fg"
check_grep "colour: kernel frames in red" '^31\|.*\[k\] ksys_write' "$T/fg"
tui_keys q
tui_wait '^EXIT=0' "quit"

TUI_ENV="TERM=screen-256color NO_COLOR=1" tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "NO_COLOR: up"
colors
if grep -Eq "${esc}\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+)m" "$T/esc"; then
	not_ok "NO_COLOR: no colour codes" "$(grep -c "${esc}\[" "$T/esc") escape lines"
else ok "NO_COLOR: no colour codes"; fi
check_grep "NO_COLOR: the cursor line is still reverse video" "${esc}\[[0-9;]*7m" "$T/esc"
tui_keys q
tui_wait '^EXIT=0' "quit"

TUI_ENV=TERM=vt100 tui_start 100 30 -i "$T/small.data" --no-python
tui_wait '^  Children' "monochrome vt100: up"
tui_keys E
tui_wait '^ +25\.00% memcpy$' "monochrome: expands"
tui_keys q
tui_wait '^EXIT=0' "monochrome: quits"

tui_start 40 10 -i "$T/small.data" --no-python
tui_wait '^Samples: 100 of cpu-clock@999Hz, view: …$' "UTF-8 locale: an ellipsis marks cut lines"
tui_keys q
tui_wait '^EXIT=0' "quit"

TUI_LANG=C tui_start 40 10 -i "$T/small.data" --no-python
tui_wait '^Samples: 100 of cpu-clock@999Hz, view: ~$' "C locale: ASCII ~ instead"
tui_keys d
tui_wait 'zoom: ~$' "zoom in: ASCII ~ too"
tui_keys q
tui_wait '^EXIT=0' "quit"
done_testing
