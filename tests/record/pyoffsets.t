# pyoffsets.t: every field of pytop's CPython offsets table
# (record/python/pyoffsets.c) equals what the DWARF of pyenv's builds says
# (gdb reads the struct layouts of libpython3.N.so.1.0), per version.
# Debian's stripped python3.11 has no DWARF: tests/record/pystack.t walks it.
source "$ROOT/tests/lib.sh"
need gdb "apt-get install gdb"
DUMP=$BUILD/tools/pyoffdump
if [ ! -x "$DUMP" ]; then not_ok "prerequisite $DUMP" "run 'make tests-build'"; done_testing; exit 1; fi

# field: candidate "Type.member.path" (the first that exists wins; "sizeof
# Type", "enum NAME", "size Type.member": the member's size)
cat >map.txt <<'MAP'
runtime_interp_head _PyRuntimeState.interpreters.head
runtime_interp_main _PyRuntimeState.interpreters.main
interp_next PyInterpreterState.next
interp_tstate_head PyInterpreterState.threads.head PyInterpreterState.tstate_head
tstate_next PyThreadState.next
tstate_interp PyThreadState.interp
tstate_frame PyThreadState.frame PyThreadState.cframe PyThreadState.current_frame
tstate_thread_id PyThreadState.thread_id
tstate_native_thread_id PyThreadState.native_thread_id
cframe_current _PyCFrame.current_frame
frame_back _PyInterpreterFrame.previous PyFrameObject.f_back
frame_code _PyInterpreterFrame.f_executable _PyInterpreterFrame.f_code PyFrameObject.f_code
frame_instr _PyInterpreterFrame.instr_ptr _PyInterpreterFrame.prev_instr PyFrameObject.f_lasti
frame_instr_size size:_PyInterpreterFrame.instr_ptr size:_PyInterpreterFrame.prev_instr size:PyFrameObject.f_lasti
frame_is_entry _PyInterpreterFrame.is_entry
frame_owner _PyInterpreterFrame.owner
frame_owner_cstack enum:FRAME_OWNED_BY_CSTACK
ob_type PyObject.ob_type
code_firstlineno PyCodeObject.co_firstlineno
code_name PyCodeObject.co_name
code_qualname PyCodeObject.co_qualname
code_filename PyCodeObject.co_filename
code_linetable PyCodeObject.co_linetable PyCodeObject.co_lnotab
code_adaptive PyCodeObject.co_code_adaptive
code_size sizeof:PyCodeObject
bytes_size PyVarObject.ob_size
bytes_data PyBytesObject.ob_sval
unicode_length PyASCIIObject.length
unicode_state PyASCIIObject.state
unicode_ascii_data sizeof:PyASCIIObject
unicode_compact_data sizeof:PyCompactUnicodeObject
MAP
cat >dwarf.py <<'PY'
import gdb
def member(path):
    t, *parts = path.split(".")
    cur, off = gdb.lookup_type(t).strip_typedefs(), 0
    for p in parts:
        f = [x for x in cur.fields() if x.name == p]
        if not f:
            raise LookupError(path)
        off += f[0].bitpos // 8
        cur = f[0].type.strip_typedefs()
    return off, cur.sizeof
def value(c):
    if c.startswith("sizeof:"):
        return gdb.lookup_type(c[7:]).strip_typedefs().sizeof
    if c.startswith("size:"):
        return member(c[5:])[1]
    if c.startswith("enum:"):
        return int(gdb.parse_and_eval(c[5:]))
    return member(c)[0]
for line in open("map.txt"):
    field, *cands = line.split()
    v = 65535
    for c in cands:
        try:
            v = value(c)
            break
        except (gdb.error, LookupError):
            pass
    print(field, v)
PY
for ver in 3.8.18 3.9.18 3.10.13 3.11.7 3.12.1 3.13.0; do
	minor=${ver%.*}
	lib=/root/.pyenv/versions/$ver/lib/libpython$minor.so.1.0
	if [ ! -r "$lib" ]; then not_ok "$ver: $lib" "install it: pyenv install $ver"; continue; fi
	gdb -q -batch -x dwarf.py "$lib" >dwarf.txt 2>gdb.err
	if [ "$(wc -l <dwarf.txt)" -ne "$(wc -l <map.txt)" ]; then
		not_ok "$ver: gdb reads the DWARF of $lib" "$(head -5 gdb.err)"; continue
	fi
	check_eq "$minor: the offsets table equals $ver's DWARF, field by field" \
		"$("$DUMP" "$minor" 2>&1)" "$(cat dwarf.txt)"
done
done_testing
