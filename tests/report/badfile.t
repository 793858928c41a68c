#!/usr/bin/env bash
# Files that are not plain profiles, or whose numbers disagree: one line
# "pytop: FILE: WHY", exit 1, no hang, no crash (issue 11, items 5 and 7).
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/report/golden.sh"

refused() { # refused NAME FILE WANT-REGEX: both builds, each output
	local name=$1 file=$2 want=$3 bin out rc args
	for bin in "$PYTOP" "$PYTOP_SAN"; do
		for args in --stdio --folded "--format json"; do
			# shellcheck disable=SC2086
			out=$(timeout 20 "$bin" report -i "$file" $args 2>&1 >/dev/null); rc=$?
			if [ $rc -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
				grep -Eq -- "^pytop: $file: $want" <<<"$out"; then
				ok "$name ($(basename "$bin") $args): exit 1, one line"
			else
				not_ok "$name ($(basename "$bin") $args): exit 1, one line" \
					"exit $rc (124 = hung), stderr:" "$out"
			fi
		done
	done
}

mkfifo "$T/fifo"
refused "a FIFO" "$T/fifo" "cannot read: not a regular file \(a FIFO\)$"
truncate -s 100G "$T/sparse100g.data"
refused "a 100 GiB sparse file" "$T/sparse100g.data" \
	"file too large to be a sample file \(100.0 GiB; pytop reads at most 64.0 GiB\)$"
truncate -s 8G "$T/zeros8g.data"
refused "8 GiB of zeros (read from its header, never whole)" "$T/zeros8g.data" \
	"corrupt sample file: bad magic, not a pytop sample file \(offset 0\)$"
rm -f "$T/sparse100g.data" "$T/zeros8g.data"
refused "a directory" "$T" "cannot read: is a directory$"

# numbers that do not add up (mkfixture writes what it is told)
printf 'sample python3 1/1 2 w=4611686018427387904 : main\n' |
	"$MKFIXTURE" -o "$T/wrap.data" || not_ok "fixture wrap" "mkfixture failed"
refused "weights near 2^63 (event count would wrap)" "$T/wrap.data" \
	"corrupt sample file: sample weights add up to 2\^63 or more \(offset [0-9]+\)$"
printf 'sample python3 1/1 10 : main\nmeta truncated 18446744073709551615\n' |
	"$MKFIXTURE" -o "$T/trunc.data" || not_ok "fixture trunc" "mkfixture failed"
refused "a truncated count above the sample count" "$T/trunc.data" \
	"corrupt sample file: truncated count 18446744073709551615 is larger than the sample count 10 \(offset [0-9]+\)$"
printf 'sample python3 1/1 10 w=0 : main\n' |
	"$MKFIXTURE" -o "$T/zero.data" || not_ok "fixture zero" "mkfixture failed"
refused "all-zero weights beside 10 samples" "$T/zero.data" \
	"corrupt sample file: 10 samples but every weight is zero \(offset [0-9]+\)$"

# the limits are not off by one: just under them reads fine
printf 'sample python3 1/1 2 w=4611686018427387903 : main\nsample python3 1/1 1 w=0 : main\n' |
	"$MKFIXTURE" -o "$T/edge.data" || not_ok "fixture edge" "mkfixture failed"
out=$("$PYTOP_SAN" report -i "$T/edge.data" --stdio 2>&1); rc=$?
check_eq "weights summing to 2^63 - 2 read fine" "$rc" 0
check_grep "and the event count is exact" "^# Event count \(approx.\): 9223372036854775806$" <(echo "$out")
done_testing
