#!/usr/bin/env bash
# Format compatibility: a 1.0 file written by pytop before off-CPU time
# (fixtures/basic-1.0.data: tests/report/fixtures/basic.txt as mkfixture
# wrote it then) still reads and reports exactly as before; a file without
# off-CPU data is still written as 1.0, one with it as 1.1 (pytop-data(5)).
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"
OLD=$ROOT/tests/format/fixtures/basic-1.0.data

check_eq "the old fixture is a 1.0 file" "$(head -c 12 "$OLD" | tail -c 4 | od -An -tx1 | tr -d ' ')" "01000000"
got=$("$PYTOP" report -i "$OLD" --stdio); rc=$?
check_eq "1.0 file: report exits 0" "$rc" 0
check_eq "1.0 file: the report of the same profile today" "$got" "$(cat "$ROOT/tests/report/fixtures/basic.default.out")"
check_eq "1.0 file: mkfixture --dump reads it" "$("$MKFIXTURE" --dump "$OLD" | grep -c '^sample ')" 100
fixture basic
check "a profile without off-CPU data is written byte for byte as before" cmp "$OLD" "$T/basic.data"
fixture wall
check_eq "a profile with off-CPU data is 1.1" "$(head -c 12 "$T/wall.data" | tail -c 4 | od -An -tx1 | tr -d ' ')" "01000100"
done_testing
