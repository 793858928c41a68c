#!/usr/bin/env bash
# The Python view (--python): interpreter frames between py:: frames fold
# away, a trailing run becomes [interpreter], native and kernel frames stay,
# names print as "func (file.py)" (full path with --verbose); the normal
# view keeps py:: names.  The classification line splits by leaf kind.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

fixture python
fixture truncated

golden python.normal python --stdio -g none
golden python.view python --stdio --python
golden python.verbose python --stdio --python --verbose -g none --no-children
golden python.hierarchy python --stdio --python --hierarchy -g none
golden python.inverted python --stdio --python -G --symbol-filter find_divisors
golden truncated.view truncated --stdio --python

# the summary line in every report: 60+40 py leaves? no: by leaf kind
out=$("$PYTOP" report -i "$T/python.data" --stdio -g none)
check_eq "classification line" "$(grep '^# Classification' <<<"$out")" \
	"# Classification (leaf frames): Python code 50.00%, interpreter 0.00%, native libraries 40.00% (top: _speedups.so 25.00%), kernel 8.00%, unknown 2.00%"

done_testing
