# stream.t: samples go to an unnamed spill file while recording and all of
# them reach the written file: a recording interrupted by SIGINT at a
# random moment is complete, the spill is never visible in the output's
# directory, and nothing is left behind.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"

# summary_samples ERR: the sample count of the summary line
summary_samples() { grep -o '[0-9,]* samples (' "$1" | head -1 | tr -dc 0-9; }

# enough samples to pass the spill's 64 KB buffer many times
"$PYTOP" record -F 10000 -e cpu-clock -o many.data -- "$WORKLOADS/heavy" -t 8 >/dev/null 2>err.txt
n=$(summary_samples err.txt)
check_eq "every sample the summary counts is in the file ($n)" "$(total many.data)" "$n"
if [ "${n:-0}" -ge 10000 ]; then ok "$n samples (> 64 KB of spilled records)"
else not_ok "at least 10000 samples to pass the spill buffer" "$n: the machine is too busy?"; fi

# the spill file has no name while recording
"$PYTOP" record -q -F 10000 -e cpu-clock -o seen.data -- "$WORKLOADS/heavy" -t 6 >/dev/null 2>&1 & rec=$!
sleep 4.5
fd=$(ls -l "/proc/$rec/fd" 2>/dev/null | awk '/\(deleted\)/ { print $9; exit }')
check "the spill is open while recording, unnamed" test -n "$fd"
size=$(stat -L -c %s "/proc/$rec/fd/$fd" 2>/dev/null)
if [ "${size:-0}" -gt 0 ]; then ok "... and samples went to it ($size bytes so far)"
else not_ok "... and samples went to it" "size ${size:-unknown}"; fi
check "... and has no name in the output's directory" test -z "$(ls -a | grep -v -E '^(\.|\.\.|err\.txt|many\.data|seen\.data)$')"
wait "$rec"

# SIGINT at random moments: the file is complete each time
for i in 1 2 3 4; do
	delay=$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.3 + rand() * 1.7 }')
	"$PYTOP" record -o "int$i.data" -- "$WORKLOADS/heavy" -t 30 >/dev/null 2>"int$i.err" & rec=$!
	sleep "$delay"
	kill -INT "$rec"; wait "$rec"
	n=$(summary_samples "int$i.err")
	got=$("$FOLDED" "int$i.data" 2>/dev/null | awk '{ s += $NF } END { print s + 0 }')
	if [ -n "$n" ] && [ "$got" = "$n" ]; then ok "SIGINT after ${delay}s: all $n samples in the file"
	else not_ok "SIGINT after ${delay}s: all samples in the file" "summary ${n:-none}, file $got: $(cat "int$i.err")"; fi
done
check "nothing left behind (no temporary or spill files)" test -z "$(ls -a | grep -E 'tmp|pytop-')"

done_testing
