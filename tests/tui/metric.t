#!/bin/bash
# w cycles the metric (cpu -> off-cpu -> wall -> cpu) in the list, the flame
# graph and the threads view of a recording with off-CPU data; the top lines
# show the metric, the duration and the wall split (the --stdio header's
# text); on a CPU-only recording w says there is no off-CPU data.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture wall
"$PYTOP" report --stdio -i "$T/wall.data" >"$T/stdio.txt" 2>&1
wall_line=$(sed -n 's/^# Wall /Wall /p' "$T/stdio.txt")
check_grep "--stdio has the wall split" '^Wall 0\.26 s, 3 threads' <(echo "$wall_line")

TUI_ENV=NO_COLOR=1 tui_start 100 30 -i "$T/wall.data"
tui_wait 'find_divisors' "first screen"
tui_has '^Samples: 25 of cpu-clock@1000Hz, view: python, metric: cpu, Duration 0\.10 s, lost: 0' \
	"title: the metric and the duration"
check_eq "second line: the wall split, as --stdio's header" "$(sed -n 2p "$T/screen")" \
	"$(printf '%s' "$wall_line" | cut -c1-99)…"
tui_has '(^| )python 80\.00%, native 20\.00%' "cpu: the on-CPU classes"
tui_has '^ +80\.00% +80\.00% +python3 .*find_divisors' "cpu: the CPU samples' shares"
tui_has 'w metric' "the key line offers w"

tui_keys w
tui_wait 'metric: off-cpu' "w: off-cpu"
tui_has '^Samples: 3 of' "off-cpu: the 3 waits are the samples"
tui_has '(^| )sleep 31\.58%, io 42\.11%, lock 26\.32%' "off-cpu: the waiting classes"
tui_has '^ +42\.11% +42\.11% +reader +libc\.so\.6 +\[\.\] read$' "off-cpu: blocked in read, 80 of 190 ms"
tui_lacks 'find_divisors' "off-cpu: no CPU entry"
tui_keys w
tui_wait 'metric: wall' "w: wall"
tui_has '^ +37\.21% +37\.21% +reader +libc\.so\.6 +\[\.\] read$' "wall: read 80 of 215 ms"
tui_has '^ +9\.30% +9\.30% +python3 .*find_divisors' "wall: the CPU samples 20 of 215 ms"
tui_keys w
tui_wait 'metric: cpu' "w: back to cpu"
tui_wait '^ +80\.00% +80\.00% +python3 .*find_divisors' "cpu shares again"

# the threads view: every thread with its span, on-CPU and off-CPU time;
# the bar and the share follow the metric
tui_keys T
tui_wait '^Threads: 3, by time, metric: cpu' "T: the threads view says the metric"
check_eq "threads view, cpu: the wall split (line 2)" "$(sed -n 2p "$T/screen")" \
	"$(printf '%s' "$wall_line" | cut -c1-99)…"
check_eq "threads view, cpu (lines 3-7)" "$(sed -n '3,7p' "$T/screen" | sed 's/ *$//')" \
"bar: p python  n native
     Tid  Command            Wall  On-CPU Off-CPU       %  Time by class
     100  python3         100.0ms  20.0ms  60.0ms  80.00%  $(printf 'p%.0s' $(seq 41))
     101  reader           90.0ms   5.0ms  80.0ms  20.00%  $(printf 'n%.0s' $(seq 10))
     102  locker           70.0ms       0  50.0ms   0.00%"
tui_keys w
tui_wait '^Threads: 3, by time, metric: off-cpu' "w in the threads view: off-cpu"
check_eq "threads view, off-cpu (lines 3-7)" "$(sed -n '3,7p' "$T/screen" | sed 's/ *$//')" \
"bar: S sleep  I io  L lock
     Tid  Command            Wall  On-CPU Off-CPU       %  Time by class
     101  reader           90.0ms   5.0ms  80.0ms  42.11%  $(printf 'I%.0s' $(seq 41))
     100  python3         100.0ms  20.0ms  60.0ms  31.58%  $(printf 'S%.0s' $(seq 31))
     102  locker           70.0ms       0  50.0ms  26.32%  $(printf 'L%.0s' $(seq 26))"
tui_keys w
tui_wait '^Threads: 3, by time, metric: wall' "w: wall"
tui_has '^bar: p python  n native  S sleep  I io  L lock$' "wall: every class with time"
tui_has '^ +101 +reader .* 39\.53%  nn?I+$' "wall: reader decodes, then blocks reading"
tui_has '^ +100 +python3 .* 37\.21%  p{9,10}S+$' "wall: python3 computes 20 ms, sleeps 60 ms"
tui_wait_cursor '^ +100 +python3' "the cursor stays on python3 across metrics"
tui_keys Enter
tui_wait 'zoom: thread 100' "Enter zooms the list into python3"
tui_has 'metric: wall' "the list keeps the metric"
tui_has '100\.00% .*python3 .*main' "the list shows only python3"
tui_lacks 'reader|locker' "and no other thread"
tui_keys Escape w
tui_wait 'metric: cpu' "back to cpu"

tui_keys f
tui_wait '^Flame graph: .*metric: cpu' "the flame graph says the metric"
tui_keys w
tui_wait '^Flame graph: Samples: 3 of .*metric: off-cpu' "w in the flame graph: off-cpu"
tui_has 'clock_nanosleep' "the flame graph shows the waits"
tui_keys q
tui_wait 'metric: off-cpu' "the list follows the flame graph's metric"
tui_keys '?'
tui_wait 'pytop report: keys' "help"
tui_keys NPage NPage
tui_wait 'cycle the metric' "help, next page"
tui_has '^  w +cycle the metric: cpu, off-cpu, wall \(recordings with off-CPU data\)' "help lists w"
tui_has '^  T +threads view' "help lists T"
tui_keys q q
tui_wait '^EXIT=0' "quits"

# a CPU-only recording: w says so, the metric stays cpu and is not shown
tui_fixture threads
TUI_ENV=NO_COLOR=1 tui_start 80 24 -i "$T/threads.data"
tui_wait 'find_divisors' "CPU-only recording"
tui_lacks 'metric:' "no metric in the title without off-CPU data"
tui_lacks '^Wall ' "no wall split"
tui_keys w
tui_wait 'w: no off-CPU data in this recording; record without --no-off-cpu' "w: says why and how"
tui_has '45\.00% .*python3 .*main' "the list is unchanged"
tui_keys T w
tui_wait 'w: no off-CPU data in this recording' "the threads view says it too"
tui_keys q q
tui_wait '^EXIT=0' "quits"
done_testing
