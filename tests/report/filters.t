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

done_testing
