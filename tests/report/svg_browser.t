#!/usr/bin/env bash
# --svg in a real browser: Debian's headless Chromium driven by
# puppeteer-core (tests/node/svg_check.js): no script errors, nothing
# fetched, the hot Python functions drawn with their names as visible text
# (screenshot), hover details, a click zooms a frame to the full width,
# Reset, and the search box highlights matches and shows their share.
# Also opens the 50,000-stack synthetic profile and prints its load time.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"
need node "apt-get install nodejs npm, then make deps"
need /usr/bin/chromium "apt-get install chromium"
if [ ! -d "$ROOT/tests/node/node_modules/puppeteer-core" ]; then
	not_ok "puppeteer-core installed" "run 'make deps' (npm ci in tests/node)"
	done_testing
	exit 1
fi

# run_check NAME SVG SEARCH NAME...: the browser's TAP lines become ours
run_check() {
	local what=$1
	shift
	(cd "$ROOT/tests/node" && timeout 120 node svg_check.js "$@") >"$T/browser.out" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$what: ${line#ok * - }" ;;
		"not ok "*) not_ok "$what: ${line#not ok * - }" "$(grep -A8 -F -- "$line" "$T/browser.out" | sed 1d | grep '^#' )" ;;
		"# "*) echo "$line" ;;
		esac
	done <"$T/browser.out"
	grep -q '^ok \|^not ok ' "$T/browser.out" ||
		not_ok "$what: the browser ran" "$(tail -20 "$T/browser.out")"
}

fixture python
"$PYTOP" report -i "$T/python.data" --python --svg "$T/py.svg"
run_check "python view" "$T/py.svg" "$T/py.png" fast "slow_function (profile_perf.py)" \
	"slow_function (profile_perf.py)" "fast_function (profile_perf.py)" "find_divisors (profile_perf.py)"
"$PYTOP" report -i "$T/python.data" --python --inverted --svg "$T/inv.svg"
run_check "icicle of callers" "$T/inv.svg" "$T/inv.png" memcpy fast_sum "fast_sum" "find_divisors (profile_perf.py)"

"$MKFIXTURE" --synthetic 1000000 50000 -o "$T/syn.data"
"$PYTOP" report -i "$T/syn.data" --svg "$T/syn.svg"
echo "# synthetic 50,000 stacks: $(stat -c %s "$T/syn.svg") bytes"
# the widest frame under the root: it must zoom to the full width
top=$(python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
gs = [g for g in ET.parse(sys.argv[1]).getroot().iter(ns + "g") if g.get("data-d") == "1"]
print(max(gs, key=lambda g: float(g.find(ns + "rect").get("width"))).get("data-n"))' "$T/syn.svg")
run_check "50,000 stacks" "$T/syn.svg" "$T/syn.png" native_1_ "$top" all
done_testing
