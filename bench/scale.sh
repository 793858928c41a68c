#!/usr/bin/env bash
# scale.sh: memory and time that follow unique stacks, not samples (issue
# "Scale"): the recorder over a long recording, the report over 1M..100M
# samples, each beside perf on the same input, in one run.  The two halves
# are separate scripts so each can be run alone.
set -u
here=$(cd "$(dirname "$0")" && pwd)
status=0
for part in scale_record.sh scale_report.sh; do
	if [ -x "$here/$part" ]; then
		"$here/$part" "$@" || status=1
	else
		echo "== $part: not written yet"
	fi
done
exit $status
