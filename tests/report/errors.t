#!/usr/bin/env bash
# Empty and all-truncated profiles print cleanly; bad options give one
# "pytop: ..." line and exit 2; bad files exit 1 with the reader's reason.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

fixture empty
fixture truncated
fixture basic

golden empty.stdio empty --stdio
golden empty.hierarchy empty --stdio --hierarchy
golden truncated.stdio truncated --stdio --no-python
for fmt in --folded "--format json"; do
	# shellcheck disable=SC2086
	out=$("$PYTOP_SAN" report -i "$T/empty.data" $fmt 2>&1); rc=$?
	check_eq "empty profile $fmt exits 0" "$rc" 0
done
out=$("$PYTOP" report -i "$T/empty.data" --folded)
check_eq "empty profile: no folded lines" "$out" ""

bad() { # bad NAME WANT-STDERR-REGEX ARGS...
	local name=$1 want=$2 bin out rc
	shift 2
	for bin in "$PYTOP" "$PYTOP_SAN"; do
		out=$("$bin" report -i "$T/basic.data" "$@" 2>&1 >/dev/null); rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -Eq -- "$want" <<<"$out"; then
			ok "$name: exit 2, one line"
		else
			not_ok "$name: exit 2, one line" "exit $rc, stderr:" "$out"
		fi
	done
}
bad "unknown option" "^pytop: report: unknown option '--bogus'" --bogus
bad "unknown sort key" "^pytop: report: --sort: unknown sort key 'foo'" --sort comm,foo
bad "duplicate sort key" "given twice" --sort sym,sym
bad "percent-limit not a number" "^pytop: report: --percent-limit: 'abc'" --percent-limit abc
bad "percent-limit out of range" "--percent-limit: '101'" --percent-limit 101
bad "percentage mode" "--percentage: unknown mode 'half'" --percentage half
bad "call-graph mode" "--call-graph: unknown mode 'fractal'" -g fractal
bad "format" "--format: unknown format 'xml'" --format xml
bad "order" "--order: unknown order 'random'" --order random
bad "bad regex" "--symbol-filter: bad regular expression '\('" --symbol-filter '('
bad "bad pid" "--pid: 'x1' is not a valid pid" --pid x1
bad "missing value" "option '--sort' needs a value" --sort
bad "stray argument" "unexpected argument 'foo'" foo

out=$("$PYTOP" report -i "$T/nosuch.data" --stdio 2>&1); rc=$?
check_eq "missing file: exit 1" "$rc" 1
check_grep "missing file: message" "^pytop: $T/nosuch.data: cannot open" <(echo "$out")
head -c 100 "$T/basic.data" >"$T/cut.data"
for bin in "$PYTOP" "$PYTOP_SAN"; do
	out=$("$bin" report -i "$T/cut.data" --stdio 2>&1); rc=$?
	check_eq "truncated file: exit 1 ($(basename "$bin"))" "$rc" 1
	check_grep "truncated file: corrupt sample file ($(basename "$bin"))" \
		"^pytop: $T/cut.data: corrupt sample file: " <(echo "$out")
done
out=$("$PYTOP" report --help); rc=$?
check_eq "--help exits 0" "$rc" 0
for o in --input --stdio --folded --format --sort --order --children --no-children --inverted \
	--call-graph --percent-limit --hierarchy --python --no-python --verbose --comm --pid --tid --dso \
	--symbol-filter --percentage --show-nr-samples --help; do
	grep -q -- "$o" <<<"$out" || not_ok "--help lists $o"
done
ok "--help lists every option"
man=$(sed 's/\\-/-/g' "$ROOT/man/pytop-report.1")
missing=
for o in --input --stdio --folded --format --sort --order --children --no-children --inverted \
	--call-graph --percent-limit --hierarchy --python --verbose --comm --pid --tid --dso \
	--symbol-filter --percentage --show-nr-samples --help; do
	grep -q -- "$o" <<<"$man" || missing="$missing $o"
done
check_eq "man page documents every option" "$missing" ""
check_grep "man page documents the JSON schema" "biggest_class" "$ROOT/man/pytop-report.1"

done_testing
