#!/usr/bin/env bash
# `-g auto` reads how the Python was built: an interpreter whose sysconfig
# flags keep frame pointers (CPython 3.15's default, PEP 831) gets fp mode.
# A stand-in "python3" answers the sysconfig question like such a build.
source "$ROOT/tests/lib.sh"
mkdir -p "$T/bin"
cat >"$T/bin/python3" <<'PY'
#!/bin/sh
# stand-in: sysconfig query -> flags of a frame-pointer build; else a short job
case "$*" in *sysconfig*) echo "-O3 -Wall -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer"; exit 0 ;; esac
i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done
PY
chmod +x "$T/bin/python3"
"$PYTOP" record -o "$T/fp.data" -- "$T/bin/python3" job >/dev/null 2>"$T/fp.err"
check_grep "Python built with -fno-omit-frame-pointer: fp" \
	'call graph fp \(auto: Python built with -fno-omit-frame-pointer\)' "$T/fp.err"

sed -i 's/-fno-omit-frame-pointer -m/-fno-omit-frame-pointer -fomit-frame-pointer -m/' "$T/bin/python3"
"$PYTOP" record -o "$T/nofp.data" -- "$T/bin/python3" job >/dev/null 2>"$T/nofp.err"
check_grep "a later -fomit-frame-pointer wins: dwarf" \
	'call graph dwarf \(auto: Python built without frame pointers\)' "$T/nofp.err"
done_testing
