#!/usr/bin/env bash
# Filters: --comm --pid --tid --dso (lists), --symbol-filter (POSIX ERE on
# any frame), combined, and --percentage relative|absolute.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

fixture multi

golden filter.comm multi --stdio -g none --comm gzip
golden filter.pid multi --stdio -g none --pid 10
golden filter.tid multi --stdio -g none --tid 11,20
golden filter.dso multi --stdio -g none --dso libz.so.1
golden filter.symbol multi --stdio -g none --symbol-filter 'compress|worker'
golden filter.symbol-word multi --stdio -g none --no-children --symbol-filter clear
golden filter.combined multi --stdio --comm python3 --dso libc.so.6
golden filter.absolute multi --stdio -g none --comm gzip --percentage absolute
golden filter.none-kept multi --stdio --symbol-filter nosuchfunction

# the regex sees display names: a Python function by its name alone
"$MKFIXTURE" -o "$T/narrow.data" "$ROOT/tests/tui/fixtures/narrow.txt" || not_ok "fixture narrow"
got=$("$PYTOP" report -i "$T/narrow.data" --stdio --no-children -g none --symbol-filter '^write_out$' |
	grep -E '^ +[0-9]')
check_eq "--symbol-filter '^write_out\$' finds the Python function write_out" "$got" \
	"   100.00%  python3  libc.so.6      [.] write"

done_testing
