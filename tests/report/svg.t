#!/usr/bin/env bash
# --svg FILE: a well-formed, self-contained SVG flame graph whose frames are
# as wide as their share of the same query's --folded counts (Python view,
# filters, --inverted), names from the profiled program escaped for XML,
# small frames merged so a 50,000-stack profile stays under 2 MB, and
# one-line errors for a file that cannot be written.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"
need python3 "apt-get install python3"

fixture python
fixture multi

# shares against --folded, for both builds and several queries
for bin in "$PYTOP" "$PYTOP_SAN"; do
	b=$(basename "$(dirname "$bin")")/$(basename "$bin")
	for q in "python|--python" "python|--python --inverted" "python|" "multi|--comm python3" \
		"multi|--inverted" "multi|--symbol-filter deflate"; do
		data=${q%%|*} args=${q#*|}
		# shellcheck disable=SC2086
		if ! "$bin" report -i "$T/$data.data" $args --svg "$T/f.svg" 2>"$T/err"; then
			not_ok "svg $data $args ($b)" "$(cat "$T/err")"
			continue
		fi
		# shellcheck disable=SC2086
		"$PYTOP" report -i "$T/$data.data" $args --folded >"$T/f.folded"
		check "svg $data $args ($b): valid XML, widths = shares of --folded" \
			python3 "$ROOT/tests/report/svg_shares.py" "$T/f.svg" "$T/f.folded" $args
	done
done

# self-contained: no external reference of any kind
"$PYTOP" report -i "$T/python.data" --python --svg "$T/py.svg"
if grep -Eq '(href|src)=|https?://[^"]*[^g]"|@import|url\(' "$T/py.svg" | grep -v 'xmlns' 2>/dev/null; then
	not_ok "self-contained" "$(grep -En '(href|src)=|@import|url\(' "$T/py.svg")"
else
	ok "self-contained: no href, src, @import or url()"
fi
check_grep "the hot Python function is a frame with its file" \
	'data-n="slow_function \(profile_perf.py\)" data-f="/app/profile_perf.py"' "$T/py.svg"
check_grep "coloured by class: Python function" 'data-n="slow_function \(profile_perf.py\)".*class="c-python"' "$T/py.svg"
check_grep "coloured by class: C extension" 'data-n="fast_sum".*class="c-native"' "$T/py.svg"
check_grep "coloured by class: kernel" 'data-n="asm_exc_page_fault".*class="c-kernel"' "$T/py.svg"
check_grep "legend from the class table" '>memory</text>' "$T/py.svg"
check_grep "icicle title with --inverted" 'Icicle graph of callers' \
	<("$PYTOP" report -i "$T/python.data" -G --svg - ; true)

# names that are markup, controls, invalid UTF-8 and a bidi override
printf 'meta cmdline prog </svg><script>alert(1)</script>\nsample prog 1/1 10 : main@/bin/prog;<b>&"x'"'"'@/bin/prog;ctl\033]52:c:AA\007end@/bin/prog\nsample prog 1/1 5 : main@/bin/prog;bad\377\376utf8@/bin/prog;rtl\342\200\256txt@/bin/prog\n' >"$T/nasty.txt"
"$MKFIXTURE" -o "$T/nasty.data" "$T/nasty.txt"
"$PYTOP_SAN" report -i "$T/nasty.data" --svg "$T/nasty.svg" 2>"$T/err"
check "nasty names: well-formed XML" python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
names = [g.get("data-n") for g in root.iter(ns + "g") if g.get("data-n")]
assert "<b>&\"x'"'"'" in names, names
assert any(n == "ctl\\x1b]52:c:AA\\x07end" for n in names), names
assert any(n == "bad\\xff\\xfeutf8" for n in names), names
assert any(n == "rtl\\u202etxt" for n in names), names
assert not root.findall(".//" + ns + "script")[1:], "one script only"
' "$T/nasty.svg"
if grep -q '<script>alert' "$T/nasty.svg"; then
	not_ok "markup in names is escaped" "$(grep -n 'alert' "$T/nasty.svg")"
else
	ok "markup in names is escaped"
fi
if LC_ALL=C grep -qP '[\x00-\x08\x0b\x0c\x0e-\x1f]' "$T/nasty.svg"; then
	not_ok "no control characters in the file"
else
	ok "no control characters in the file"
fi
check "the file is valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$T/nasty.svg"

# a 50,000-stack profile: small frames merged, under 2 MB
"$MKFIXTURE" --synthetic 1000000 50000 -o "$T/syn.data"
"$PYTOP" report -i "$T/syn.data" --svg "$T/syn.svg"
size=$(stat -c %s "$T/syn.svg")
if [ "$size" -lt 2000000 ]; then ok "50,000 stacks: $size bytes (< 2 MB)"; else
	not_ok "50,000 stacks: < 2 MB" "$size bytes"; fi
"$PYTOP" report -i "$T/syn.data" --folded >"$T/syn.folded"
check "50,000 stacks: widths = shares, merged blocks below 0.05% each" \
	python3 "$ROOT/tests/report/svg_shares.py" "$T/syn.svg" "$T/syn.folded"
check_grep "50,000 stacks: merged blocks are drawn" 'data-mg="1" data-n="\([0-9]+ small frames\)"' "$T/syn.svg"

# nothing kept: a valid file with the root alone
"$MKFIXTURE" -o "$T/empty.data" "$ROOT/tests/report/fixtures/empty.txt"
"$PYTOP_SAN" report -i "$T/empty.data" --svg "$T/empty.svg" 2>"$T/err"
check "empty profile: well-formed XML" python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$T/empty.svg"
if grep -qi 'nan' "$T/empty.svg"; then not_ok "empty profile: no NaN" "$(grep -i nan "$T/empty.svg")"; else
	ok "empty profile: no NaN"; fi

# errors: one line, non-zero, no half file left
"$PYTOP" report -i "$T/python.data" --svg "$T/no/such/dir/f.svg" >"$T/out" 2>"$T/err"
rc=$?
check_eq "unwritable --svg: exit 1" "$rc" 1
check_eq "unwritable --svg: one line" "$(wc -l <"$T/err")" 1
check_grep "unwritable --svg: says what" "^pytop: report: cannot write '.*/no/such/dir/f.svg.tmp': No such file" "$T/err"
"$PYTOP" report -i "$T/python.data" --svg >"$T/out" 2>"$T/err"
check_eq "--svg without a file: usage error (2)" "$?" 2
"$PYTOP" report -i "$T/python.data" --symbol-filter '(' --svg "$T/bad.svg" >"$T/out" 2>"$T/err"
check_eq "bad regex: exit 2" "$?" 2
check "bad regex: no file left" test ! -e "$T/bad.svg" -a ! -e "$T/bad.svg.tmp"
done_testing
