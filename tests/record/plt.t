# plt.t: samples in PLT stubs are named as perf names them, "TARGET@plt"
# (issue 10): the executable's stub for snprintf and libc's own stubs for
# the IFUNCs it calls (IRELATIVE slots: strchrnul, strlen, memcpy), never
# "[libc.so.6+0x26110]" nor the executable's _init (the symbol before its
# .plt).  The Python view folds such helpers into their caller.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$WORKLOADS/pltcall" "run 'make tests-build'"

"$PYTOP" record -q -F 4000 -o plt.data -- "$WORKLOADS/pltcall" >/dev/null 2>err.txt; rc=$?
check_eq "exit 0" "$rc" 0
"$FOLDED" plt.data >folded.txt
n=$(samples plt.data '@plt( |;|$)')
libc=$(samples plt.data ';(strchrnul|strlen|memcpy|__strchrnul_avx2|__strlen_avx2|__memcpy_avx_unaligned_erms)@plt( |;|$)')
total=$(total plt.data)
# the stubs hold about 1% of ~5000 samples: none at all is ~e^-30 unlikely
if [ "$libc" -gt 0 ]; then ok "libc's IFUNC stubs named (strchrnul@plt ...): $libc of $total samples"
else not_ok "libc's IFUNC stubs named (strchrnul@plt ...)" "$n samples in @plt frames:" \
	"$(grep -o '[^;]*@plt' folded.txt | sort | uniq -c)"; fi
check_eq "no unnamed frame in libc or the executable" \
	"$(grep -Eo '\[(libc\.so\.6|pltcall)\+0x[0-9a-f]+\]' folded.txt | sort -u)" ""
check_eq "no PLT sample charged to the executable's _init" "$(grep -c ';_init( |;|$)' folded.txt)" 0
"$PYTOP" report -i plt.data --stdio --no-children -g none >stdio.txt 2>&1
check_grep "--stdio names them too" '^ +[0-9.]+% +pltcall +libc\.so\.6 +\[\.\] (strchrnul|strlen|memcpy)@plt$' stdio.txt
done_testing
