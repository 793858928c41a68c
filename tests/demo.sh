#!/bin/sh
# demo.sh: record the bundled demo workload and show the report
# (the browser on a terminal, --stdio otherwise).  Run by `make demo`.
set -u
cd "$(dirname "$0")/.." || exit 1
out=build/demo.data
mkdir -p build
echo "demo: pytop record -o $out tests/workloads/demo.py"
./pytop record -o "$out" tests/workloads/demo.py || {
	echo "demo: recording failed (see the message above)" >&2
	exit 1
}
# The Python view (interpreter frames folded) answers the demo's question,
# "where does slow_function spend its time?"; P in the browser toggles it.
if [ -t 1 ]; then
	echo "demo: pytop report --python -i $out   (? lists the keys, q quits)"
	sleep 1
	exec ./pytop report --python -i "$out"
else
	exec ./pytop report --stdio --python --percent-limit 2 -i "$out"
fi
