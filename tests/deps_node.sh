#!/bin/sh
# deps_node.sh [--quiet]: install the npm packages of tests/node/package.json
# (puppeteer-core to drive Debian's chromium, speedscope's file-format
# schema) from its lock file, when they are missing or stale.  Needs node
# and npm (node 20 is what the tests are run with).
quiet=
[ "$1" = "--quiet" ] && quiet=1
dir=$(dirname "$0")/node
if ! command -v npm >/dev/null 2>&1; then
	echo "deps: npm is missing: install Node.js 20 and npm (Debian: apt-get install nodejs npm)" >&2
	exit 1
fi
if [ -f "$dir/node_modules/.package-lock.json" ] &&
	[ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
	[ -n "$quiet" ] || echo "deps: npm packages of tests/node are installed"
	exit 0
fi
echo "deps: installing the npm packages of tests/node"
(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null) ||
	{ echo "deps: npm ci in tests/node failed" >&2; exit 1; }
