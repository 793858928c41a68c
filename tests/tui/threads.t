#!/bin/bash
# T: the threads view.  Every thread with its figures and a bar split by
# class (letters, readable without colours) at 80 columns; s/o cycle the
# order (time, comm, tid); Enter zooms the list into the thread under the
# cursor; q, Esc and T go back; the help overlay lists the keys.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture threads
TUI_ENV=NO_COLOR=1 tui_start 80 24 -i "$T/threads.data"
tui_wait 'find_divisors' "first screen"
tui_has '^Samples: 100 of cpu-clock@1000Hz, view: python, Duration 0\.12 s, lost: 0' \
	"the list's title shows the recording's duration"
tui_keys T
tui_wait '^Threads: 3' "T opens the threads view"
# 1 ms samples: python3 30 python + 10 native + 5 kernel, loader 30 native,
# writer 15 python + 10 memory; the longest (45 ms) fills the 21-column bar
check_eq "threads view at 80 columns, by time (lines 1-6)" "$(sed -n '1,6p' "$T/screen")" \
"Threads: 3, by time, view: python, Duration 0.12 s, cmd: python3 -X perf app.py
bar: p python  n native  m memory  k kernel
     Tid  Command            Wall  On-CPU Off-CPU       %  Time by class
     100  python3               -  45.0ms       -  45.00%  ppppppppppppppnnnnnkk
     102  loader                -  30.0ms       -  30.00%  nnnnnnnnnnnnnn
     101  writer                -  25.0ms       -  25.00%  pppppppmmmmm"
check_eq "no line is wider than 80 columns" "$(awk 'length > 80' "$T/screen" | wc -l)" 0
tui_has 'Enter zoom into thread +s order \(time\) +\? help +q list' "bottom line: the view's keys"
tui_wait_cursor '^ +100 +python3' "cursor on the first thread"

tui_keys s
tui_wait '^Threads: 3, by comm' "s: by comm"
check_eq "by comm" "$(sed -n '4,6p' "$T/screen" | cut -c1-26 | sed 's/ *$//')" \
"     102  loader
     100  python3
     101  writer"
tui_wait_cursor '^ +100 +python3' "the cursor stays on its thread"
tui_keys o
tui_wait '^Threads: 3, by tid' "o: by tid (s and o both cycle)"
check_eq "by tid" "$(sed -n '4,6p' "$T/screen" | cut -c1-26 | sed 's/ *$//')" \
"     100  python3
     101  writer
     102  loader"
tui_keys s
tui_wait '^Threads: 3, by time' "s: back to time"

# Enter zooms the list into the thread under the cursor
tui_keys j
tui_wait_cursor '^ +102 +loader' "cursor on loader"
tui_keys Enter
tui_wait 'zoom: thread 102' "Enter: the list is zoomed into thread 102"
tui_has '^ +100\.00% +100\.00% +loader +libc\.so\.6 +\[\.\] regex_match' "the list shows the thread's entries"
tui_lacks 'python3|writer' "and no other thread's"
tui_keys T
tui_wait '^Threads: 3, by time, zoom: thread 102' "T under a zoom: the view says so"
tui_has '^ +102 +loader +- +30\.0ms +- +100\.00% +n{21}$' "the zoomed thread has all the time"
tui_has '^ +100 +python3 +- +0 +- +0\.00% *$' "other threads are listed with none"
tui_keys q
tui_wait 'zoom: thread 102' "q: back to the zoomed list"
tui_keys Escape
tui_wait_not 'zoom:' "Esc in the list zooms out"
tui_wait 'python3' "every thread again"
tui_keys T
tui_wait '^Threads: 3, by time, view' "T again"
tui_keys Escape
tui_wait '^Samples: 100 of' "Esc: back to the list (not quit)"
tui_keys T
tui_wait '^Threads: 3' "T again"
tui_keys T
tui_wait '^Samples: 100 of' "T closes the view too"
tui_keys T
tui_wait '^Threads: 3' "T again"
tui_keys f
tui_wait 'FLAME: not in the threads view' "a list key says it does not apply"
tui_keys '?'
tui_wait 'pytop report: keys' "? opens the help overlay over the threads view"
tui_keys G
tui_wait 'q, Esc, T +back to the list' "help lists the threads view's keys"
tui_has '^Threads view \(T\)' "under their own heading"
tui_has '^  s, o +cycle the order: time, comm, tid' "the order key"
tui_has '^  Enter +zoom into the thread: the list shows only its samples' "the zoom key"
tui_keys q
tui_wait '^Threads: 3' "q closes help onto the threads view"
tui_keys q q
tui_wait '^EXIT=0' "q in the list quits"

# colours: the bar letters in their class's colour (python green)
tui_start 80 24 -i "$T/threads.data"
tui_wait 'find_divisors' "colour run"
tui_keys T
tui_wait '^Threads: 3' "threads view in colour"
tmux -L "$TUI_SOCK" capture-pane -p -e -t main | sed -n 4p >"$T/colour"
check_grep "python cells in green" $'\e\\[[0-9;]*32[0-9;]*m(\e\\[[0-9;]*m)*p+' "$T/colour"
check_grep "kernel cells in red" $'\e\\[[0-9;]*31[0-9;]*m(\e\\[[0-9;]*m)*k+' "$T/colour"
done_testing
