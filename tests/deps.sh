#!/bin/sh
# deps.sh [--quiet] PKG...: make sure the Debian packages are installed.
# As root, install what is missing with apt-get; otherwise print the exact
# command to run and fail.
quiet=
[ "$1" = "--quiet" ] && { quiet=1; shift; }
missing=
for p in "$@"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$st" = "installed" ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	[ -n "$quiet" ] || echo "deps: all required packages are installed"
	exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "deps: apt-get install$missing failed" >&2; exit 1; }
	exit 0
fi
echo "deps: missing packages:$missing" >&2
echo "deps: run as root: apt-get install$missing" >&2
exit 1
