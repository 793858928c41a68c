#!/bin/bash
# Exact screens without a terminal: the --replay-keys bench hook draws on a
# virtual screen and --replay-dump prints its text.  Golden layout of the
# entries, call-graph lines, markers and the key line at 80x14 (the Shared
# Object column narrowed to its title so that the symbols fit); and the
# hook's latency report.
source "$ROOT/tests/lib.sh"
export LC_ALL=C.UTF-8 # the golden text has UTF-8 ellipses

"$MKFIXTURE" -o "$T/small.data" "$ROOT/tests/tui/fixtures/small.txt" || { not_ok "fixture"; done_testing; exit 1; }
"$PYTOP" report -i "$T/small.data" --no-python --replay-keys 'jjjj<Enter>j<Enter>jj<Enter>' --replay-size 80x14 \
	--replay-dump >"$T/screen" 2>"$T/err"
check_eq "exit status" "$?" 0
check_eq "14 lines" "$(wc -l <"$T/screen")" 14
check_grep "title" '^Samples: 100 of cpu-clock@999Hz, view: all, Duration 0\.10 s, lost: 3, truncated…$' "$T/screen"
check_eq "entries, markers and call graphs (lines 3-14)" "$(sed -n '3,14p' "$T/screen")" \
"  Children      Self  Command  Shared Object  Symbol
+   80.00%    40.00%  python3  python3.12     [.] _PyEval_EvalFrameDefault
+   80.00%     0.00%  python3  [python]       [.] py::main:/app/app.py
+   80.00%     0.00%  python3  python3.12     [.] Py_RunMain
+   80.00%     0.00%  python3  python3.12     [.] _start
-   40.00%     0.00%  python3  [python]       [.] py::find_divisors:/app/app.py
     -  40.00% py::find_divisors:/app/app.py
           40.00% _PyEval_EvalFrameDefault
-   40.00%     0.00%  python3  [python]       [.] py::slow_function:/app/app.py
     +  40.00% py::slow_function:/app/app.py
    25.00%    25.00%  python3  libc.so.6      [.] memcpy
Enter collapse  / filter  s sort  o order  P python  i callers  d/t zoom  f fla…"

# a leaf entry calls nothing: no graph (as --stdio), no + before or after Enter
"$PYTOP" report -i "$T/small.data" --no-python --replay-keys 'jjjjjj<Enter>' --replay-dump >"$T/leaf" 2>/dev/null
check_grep "leaf: blank marker after Enter" '^    25\.00%    25\.00%  python3  libc\.so\.6 +\[\.\] memcpy$' "$T/leaf"
check_eq "leaf: no graph line" "$(grep -c '% memcpy$' "$T/leaf")" 0
check_grep "latency of each key" '^replay: key Enter +TOGGLE +[0-9.]+ ms$' "$T/err"
check_grep "p50 and p99" '^replay: 10 keys, latency p50 [0-9.]+ ms, p99 [0-9.]+ ms' "$T/err"
check_grep "time to the first screen" '^replay: open \(rows \+ first screen\) [0-9.]+ ms' "$T/err"

# the screen follows a resize, and the filter prompt shows what is typed
"$PYTOP" report -i "$T/small.data" --no-python --replay-keys '<Resize:40x10>/hash' --replay-dump \
	>"$T/small" 2>/dev/null
check_eq "40x10 after a resize" "$(wc -l <"$T/small")" 10
check_grep "prompt with the typed text" '^filter: hash' "$T/small"
check_grep "live filtered list" '^Samples: 100 \(shown 25\)' "$T/small"

"$PYTOP" report -i "$T/small.data" --no-python --replay-size 10 --replay-keys q >/dev/null 2>"$T/bad"
check_eq "bad --replay-size: usage error" "$?" 2
check_grep "bad --replay-size: one line" "^pytop: report: --replay-size: '10' is not COLSxLINES$" "$T/bad"
done_testing
