#!/usr/bin/env bash
# pytop report --stdio on hand-made fixtures: perf's layout, children vs
# self, callee vs caller graphs, sort keys and orders, hierarchy, percent
# limits.  Expected output: tests/report/fixtures/*.out.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

fixture basic
fixture multi

# default: Children + Self, callee graphs (what each entry calls)
golden basic.default basic --stdio
# one Overhead column, graphs of callers
golden basic.no-children basic --stdio --no-children
# -G: callers of each entry
golden basic.inverted basic --stdio -G
# percentages of the entry instead of the total
golden basic.entry-percent basic --stdio -g entry --sort sym
# graph lines and entries under 15% hidden
golden basic.limit basic --stdio --percent-limit 15
# -n: sample counts (multi: 100 samples of weight 1)
golden multi.nr-samples multi --stdio -g none -n
golden multi.nr-samples-self multi --stdio -g none -n --no-children --sort dso
# sort keys and orders
golden multi.sort-dso-sym multi --stdio --no-children --sort dso,sym
golden multi.sort-pid-tid multi --stdio -g none --sort pid,tid
golden multi.sort-comm multi --stdio -g none --sort comm
golden multi.order-key multi --stdio -g none --order key
golden multi.hierarchy multi --stdio --hierarchy -g none
golden basic.hierarchy basic --stdio --hierarchy

# not a terminal: plain `pytop report` prints the --stdio text
got=$("$PYTOP" report -i "$T/basic.data" </dev/null | cat)
check_eq "no terminal: report prints text" "$got" "$(cat "$F/basic.default.out")"

done_testing
