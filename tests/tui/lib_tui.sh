# lib_tui.sh: drive `pytop report` in a real terminal (tmux) for the TUI tests.
#   tui_fixture NAME            build tests/tui/fixtures/NAME.txt into $T/NAME.data
#   tui_start COLS LINES ARGS   run `pytop report ARGS` in a fresh tmux server
#                               (TUI_CMD=diff: `pytop diff ARGS`)
#   tui_keys KEY...             tmux send-keys (tmux key names: Enter, Escape, ...)
#   tui_type TEXT               send TEXT literally
#   tui_wait PATTERN [what]     poll the screen until grep -E PATTERN matches; a
#                               test point that fails (with the screen) on timeout
#   tui_wait_not PATTERN [what] the same until nothing matches
#   tui_screen                  the visible text
#   tui_pid                     the browser's process id
# Each run gets its own tmux socket (pytop-PID-N), killed on exit, also on
# failure.  Polling waits give up after TUI_WAIT seconds (default 10).
need tmux "apt-get install tmux"
[ -x "$MKFIXTURE" ] || { not_ok "mkfixture" "build it: make tests-build"; done_testing; exit 1; }

# The browser under test: the ASan/UBSan build when there is one, so that a
# memory error or leak during an interactive session fails the test (EXIT=).
if [ -z "${TUI_PYTOP:-}" ]; then
	if [ -x "${PYTOP_SAN:-}" ]; then TUI_PYTOP=$PYTOP_SAN; else TUI_PYTOP=$PYTOP; fi
fi
TUI_SOCKS=
TUI_RUNS=0
TUI_SOCK=pytop-$$
TUI_WAIT=${TUI_WAIT:-10}
tui_cleanup() {
	for s in $TUI_SOCKS; do tmux -L "$s" kill-server >/dev/null 2>&1 || true; done
}
trap tui_cleanup EXIT

tui_fixture() {
	"$MKFIXTURE" -o "$T/$1.data" "$ROOT/tests/tui/fixtures/$1.txt" ||
		{ not_ok "fixture $1" "mkfixture failed"; done_testing; exit 1; }
}

# The pane runs a shell that records the terminal settings before and after
# pytop, prints the exit status and stays open so the screen can be read.
tui_start() {
	cols=$1 lines=$2
	shift 2
	printf '%q ' "$TUI_PYTOP" "${TUI_CMD:-report}" "$@" >"$T/cmd"
	# trap (not ignore) SIGINT, so that Ctrl-C reaches pytop with its default
	# disposition and the shell survives to report
	cat >"$T/run.sh" <<EOS
trap : INT
stty -g >"$T/stty.before"
sh -c 'echo \$\$ >"$T/pid"; exec "\$@"' pytop $(cat "$T/cmd") 2>"$T/stderr"
echo "EXIT=\$?"
stty -g >"$T/stty.after"
exec sleep 600
EOS
	# a fresh server (socket) for each run; the previous one is killed
	tmux -L "$TUI_SOCK" kill-server >/dev/null 2>&1 || true
	TUI_RUNS=$((TUI_RUNS + 1))
	TUI_SOCK=pytop-$$-$TUI_RUNS
	TUI_SOCKS="$TUI_SOCKS $TUI_SOCK"
	tmux -L "$TUI_SOCK" -f /dev/null new-session -d -x "$cols" -y "$lines" -s main \
		"env LANG=${TUI_LANG:-C.UTF-8} LC_ALL=${TUI_LANG:-C.UTF-8} TERM=screen ${TUI_ENV:-} sh $T/run.sh"
	tmux -L "$TUI_SOCK" set-option -t main -g status off >/dev/null
	tmux -L "$TUI_SOCK" resize-window -t main -x "$cols" -y "$lines" >/dev/null 2>&1 || true
}

tui_pid() { cat "$T/pid"; }

tui_keys() { tmux -L "$TUI_SOCK" send-keys -t main "$@"; }
tui_type() { tmux -L "$TUI_SOCK" send-keys -t main -l "$1"; }
tui_screen() { tmux -L "$TUI_SOCK" capture-pane -p -t main; }

# Poll until the screen (un)matches, then until it is settled: two captures
# 50 ms apart are equal, so that later tui_has checks see a whole repaint.
_tui_poll() { # want(0=match,1=no match) pattern
	end=$(($(date +%s) + TUI_WAIT))
	while :; do
		tui_screen >"$T/screen" 2>/dev/null
		if grep -Eq -- "$2" "$T/screen"; then got=0; else got=1; fi
		if [ "$got" -eq "$1" ]; then
			sleep 0.05
			tui_screen >"$T/screen2" 2>/dev/null
			cmp -s "$T/screen" "$T/screen2" && return 0
			[ "$(date +%s)" -ge "$end" ] && return 0
			continue
		fi
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

tui_wait() {
	if _tui_poll 0 "$1"; then ok "${2:-screen shows /$1/}"; else
		not_ok "${2:-screen shows /$1/}" "timed out waiting for /$1/; screen:" "$(cat "$T/screen")"; fi
}

tui_wait_not() {
	if _tui_poll 1 "$1"; then ok "${2:-screen no longer shows /$1/}"; else
		not_ok "${2:-screen no longer shows /$1/}" "/$1/ still on screen:" "$(cat "$T/screen")"; fi
}

# Check the current screen (after a tui_wait) without waiting.
tui_has() {
	if grep -Eq -- "$1" "$T/screen"; then ok "${2:-screen shows /$1/}"; else
		not_ok "${2:-screen shows /$1/}" "no /$1/ on screen:" "$(cat "$T/screen")"; fi
}
tui_lacks() {
	if ! grep -Eq -- "$1" "$T/screen"; then ok "${2:-screen lacks /$1/}"; else
		not_ok "${2:-screen lacks /$1/}" "/$1/ is on screen:" "$(cat "$T/screen")"; fi
}

# The text of the line under the cursor (the list line drawn in reverse
# video; run with TUI_ENV=NO_COLOR=1 so that the cursor is plain reverse).
tui_cursor_line() {
	tmux -L "$TUI_SOCK" capture-pane -p -e -t main | sed -n '4,$p' | sed '$d' |
		grep -a $'^\e\[[0-9;]*7m' | head -1 | sed $'s/\e\[[0-9;]*m//g'
}

# Poll until the cursor line matches PATTERN.
tui_wait_cursor() {
	end=$(($(date +%s) + TUI_WAIT))
	while :; do
		line=$(tui_cursor_line)
		if printf '%s\n' "$line" | grep -Eq -- "$1"; then ok "${2:-cursor on /$1/}"; return; fi
		if [ "$(date +%s)" -ge "$end" ]; then
			not_ok "${2:-cursor on /$1/}" "cursor line: '$line'; screen:" "$(tui_screen)"
			return
		fi
		sleep 0.05
	done
}
