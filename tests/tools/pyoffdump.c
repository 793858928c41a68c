/* pyoffdump 3.N: prints pytop's offsets table entry for CPython 3.N, one
 * "FIELD VALUE" line per field (65535: the version has no such field), for
 * tests/record/pyoffsets.t to hold against the interpreters' DWARF. */
#include "pytop/python/pyoffsets.h"

#include <stdio.h>
#include <stdlib.h>

#define FIELDS(X)                                                                                  \
	X(runtime_interp_head) X(runtime_interp_main) X(interp_next) X(interp_tstate_head)          \
	X(tstate_next) X(tstate_interp) X(tstate_frame) X(tstate_thread_id)                         \
	X(tstate_native_thread_id) X(cframe_current) X(frame_back) X(frame_code) X(frame_instr)    \
	X(frame_instr_size) X(frame_is_entry) X(frame_owner) X(frame_owner_cstack) X(ob_type)      \
	X(code_firstlineno) X(code_name) X(code_qualname) X(code_filename) X(code_linetable)       \
	X(code_adaptive) X(code_size) X(bytes_size) X(bytes_data) X(unicode_length)                \
	X(unicode_state) X(unicode_ascii_data) X(unicode_compact_data)

int main(int argc, char **argv)
{
	unsigned major, minor;
	const struct py_offsets *o;
	if (argc != 2 || sscanf(argv[1], "%u.%u", &major, &minor) != 2) {
		fprintf(stderr, "usage: pyoffdump 3.N\n");
		return 2;
	}
	if (!(o = pyoff_for_version(major, minor))) {
		fprintf(stderr, "pyoffdump: %u.%u: not in the table\n", major, minor);
		return 1;
	}
#define PRINT(f) printf("%s %u\n", #f, (unsigned)o->f);
	FIELDS(PRINT)
#undef PRINT
	return 0;
}
