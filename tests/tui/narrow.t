#!/bin/bash
# The browser at 80 columns (issue 11 item 15): the symbol keeps most of the
# line (a 44-character library name is cut in the middle), Python functions
# show their file rather than "[JIT]", Right scrolls the names while the
# numbers stay, the second line says what the biggest class means, and Esc
# undoes filter and zoom in the order applied, then asks before quitting.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/tui/lib_tui.sh"

tui_fixture narrow

tui_start 80 24 -i "$T/narrow.data"
tui_wait '^  Children' "browser up at 80 columns"
tui_has '^  Children +Self +Command +Shared Object +Symbol$' "every column title fits"
tui_has '^ +30\.00% +30\.00% +python3 +libver…2\.3\.so +\[\.\] blake2b_compress_avx2_unrolle…$' \
	"a 44-character DSO is cut in the middle; the symbol keeps the rest"
tui_has '^ +50\.00% +50\.00% +python3 +app\.py +\[\.\] Normalizer\.normalize_every_re' \
	"Python view: the file where the perf map says [JIT]"
tui_lacks '\[JIT\]' "no [JIT] on screen"
tui_has '^CPU-bound Python: loops and calls in Python code dominate \| python 50\.00%' \
	"second line: what the biggest class means, then the split"

tui_keys Right Right
tui_wait '^  Children +Self  Object  Symbol$' "Right: the header's names scroll, its numbers stay"
tui_has '^ +30\.00% +30\.00%  2\.3\.so  \[\.\] blake2b_compress_avx2_unrolled_kernel$' \
	"Right: percentages stay in place, the name shows its end"
tui_keys Left Left
tui_wait '^  Children +Self +Command' "Left scrolls back"

# Esc undoes narrowings in order: zoom into the DSO, then filter; Esc drops
# the filter first, then the zoom, then asks; any other key stays
tui_keys /; tui_type 'blake'; tui_keys Enter
tui_wait "filter: 'blake'" "a filter"
tui_keys d
tui_wait 'zoom: dso libveryl' "then a zoom into the library"
tui_keys /; tui_type 'compress'; tui_keys Enter
tui_wait "filter: 'compress'" "then a second filter"
tui_keys Escape
tui_wait "filter: 'blake'" "Esc: back to the first filter"
tui_has 'zoom: dso' "  the zoom stays"
tui_keys Escape
tui_wait_not 'zoom: dso' "Esc: the zoom is undone"
tui_has "filter: 'blake'" "  the first filter stays"
tui_keys Escape
tui_wait_not "filter:" "Esc: the first filter is undone"
tui_has '\[\.\] write$' "every entry is back"
tui_keys Escape
tui_wait 'quit\? Esc again quits \(q quits at once\)' "Esc at the top level asks"
tui_has '^  Children' "  and the browser stays"
tui_keys j
tui_wait_not 'quit\?' "another key answers: stay"
tui_keys Escape
tui_wait 'quit\?' "Esc asks again"
tui_keys Escape
tui_wait '^EXIT=0$' "Esc twice quits"

tui_start 80 24 -i "$T/narrow.data"
tui_wait '^  Children' "browser up again"
tui_keys /; tui_type 'nosuchfunction'; tui_keys Enter
tui_wait 'no entries: Esc undoes the last filter or zoom' "empty list: its message"
tui_keys Escape
tui_wait '\[\.\] write$' "Esc does what the message says"
tui_keys q
tui_wait '^EXIT=0$' "q quits at once"

# '/' follows --symbol-filter's rule: a regex on display names
tui_start 80 24 -i "$T/narrow.data"
tui_wait '^  Children' "browser up for the filter rule"
tui_keys /; tui_type '^write_out$'; tui_keys Enter
tui_wait "filter: '\\^write_out\\$'" "a regex filter"
tui_has '\[\.\] write$' "'^write_out\$' finds the Python function write_out (its name alone)"
tui_lacks 'blake2b' "other stacks are gone"
tui_keys /; tui_type '(compute|Normal'
tui_wait 'filter: bad regular expression' "an unfinished regex: the bottom line says why"
tui_has '\[\.\] write$' "  and the last good filter stays"
tui_type 'izer)'; tui_keys Enter
tui_wait "filter: '\\(compute\\|Normalizer\\)'" "the finished regex is kept"
tui_wait '\[\.\] blake2b' "  its stacks: compute_hash's"
tui_has 'Normalizer\.normalize' "  and the Normalizer's"
tui_lacks '\[\.\] write$' "  not write_out's"
tui_keys n
tui_wait_not 'no later line' "n moves to a matching line"
tui_keys q

tui_start 80 24 -i "$T/narrow.data"
tui_wait '^  Children' "browser up a third time"
tui_keys '?'
tui_wait 'pytop report: keys' "help"
tui_has '^ *s +set the sort keys \(a prompt: e\.g\. dso,sym\)' "help: s opens a prompt, as it does"
tui_keys q s
tui_wait '^sort keys \(comm,pid,tid,dso,sym\)' "s: the prompt"
done_testing
