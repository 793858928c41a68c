# loss.t: when the recorder falls behind and the kernel drops samples,
# pytop warns while recording (once, again only if the loss doubles), with
# a rate that would keep up; the summary still gives the final count.
# The recorder is slowed on purpose: strace delays each of its poll()s by
# 1 s, so the ring buffers of -g dwarf at 20 kHz overflow.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need strace "apt-get install strace"

# The workload runs until the warning is on stderr (at most 60 s), then
# says it ended: a warning printed only at the end would come after that.
cat >until_warned.sh <<EOS
"$WORKLOADS/heavy" -t 60 & h=\$!
for i in \$(seq 600); do grep -q 'losing samples' err.txt && break; sleep 0.1; done
kill \$h; wait \$h 2>/dev/null
echo WORKLOAD-END >&2
EOS
strace -o /dev/null -e trace=poll -e inject=poll:delay_exit=1000000 \
	"$PYTOP" record -F 20000 -g dwarf -o loss.data -- sh until_warned.sh >/dev/null 2>err.txt; rc=$?
check_eq "exit 0" "$rc" 0
warn=$(grep -n '^pytop: warning: losing samples: ' err.txt)
end=$(grep -n '^WORKLOAD-END$' err.txt | cut -d: -f1)
first=$(printf '%s\n' "$warn" | head -1 | cut -d: -f1)
if [ -n "$first" ] && [ -n "$end" ] && [ "$first" -lt "$end" ]; then ok "warned while recording"
else not_ok "warned while recording" "$(cat err.txt)"; fi
n=$(printf '%s\n' "$warn" | grep -c .)
if [ "$n" -ge 1 ] && [ "$n" -le 2 ]; then ok "warned once (or twice when the loss doubled): $n"
else not_ok "warned once (or twice when the loss doubled)" "$warn"; fi
check_grep "the warning's form" \
	'^pytop: warning: losing samples: [0-9]+% so far \([0-9]+ of [0-9]+\): the recorder cannot keep up with 20000 Hz here; -F [0-9]+ would lose none$' \
	<(printf '%s\n' "$warn" | head -1 | cut -d: -f2-)
f=$(printf '%s\n' "$warn" | head -1 | sed 's/.*-F \([0-9]*\) would.*/\1/')
if [ -n "$f" ] && [ "$f" -ge 1 ] && [ "$f" -lt 20000 ]; then ok "suggests a lower rate ($f Hz)"
else not_ok "suggests a lower rate" "$f"; fi
lost=$(meta loss.data lost)
if [ "${lost:-0}" -gt 0 ]; then ok "the file counts the loss ($lost)"; else not_ok "the file counts the loss"; fi
check_grep "the summary still gives it" "^\\[ pytop record: [0-9,]+ samples \\($lost lost\\)" err.txt

# a run that keeps up says nothing about losing
"$PYTOP" record -o ok.data -- "$WORKLOADS/heavy" 20 >/dev/null 2>ok.txt
if grep -q 'losing samples' ok.txt; then not_ok "no warning without loss" "$(cat ok.txt)"
else ok "no warning without loss"; fi
done_testing
