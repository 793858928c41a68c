#!/usr/bin/env bash
# The Python view (--python): interpreter frames between py:: frames fold
# away, a trailing run becomes [interpreter], native and kernel frames stay,
# names print as "func (file.py)" (full path with --verbose); the normal
# view keeps py:: names.  The classification line splits by leaf kind.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

fixture python
fixture truncated

golden python.normal python --stdio -g none --no-python
golden python.view python --stdio --python
golden python.verbose python --stdio --python --verbose -g none --no-children
golden python.hierarchy python --stdio --python --hierarchy -g none
golden python.inverted python --stdio --python -G --symbol-filter find_divisors
golden truncated.view truncated --stdio --python

# the class split in every report: slow_function's 60 (PyNumber_Add is
# bytecode) + find_divisors' 40 are python; fast_sum's 80 through
# PyObject_Vectorcall native (memcpy under it too); the page fault kernel
out=$("$PYTOP" report -i "$T/python.data" --stdio -g none)
check_eq "classes line" "$(grep '^# Classes' <<<"$out")" \
	"# Classes: python 50.00%, native 40.00% (top: fast_sum 40.00%), memory 0.00%, kernel 8.00%, interpreter 0.00%, unknown 2.00%"
printf '%s\n' "$out" >"$T/python.stdio"
check_grep "biggest class explained" "^# Biggest class: python: CPU-bound Python" "$T/python.stdio"

done_testing
