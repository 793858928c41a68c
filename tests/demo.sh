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
if [ -t 1 ]; then
	exec ./pytop report -i "$out"
else
	exec ./pytop report --stdio -i "$out"
fi
