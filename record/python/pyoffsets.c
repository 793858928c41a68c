/* pyoffsets: the per-version table of CPython struct offsets (x86-64).
 *
 * Each entry is a fact from that minor version's headers (the struct
 * definitions named beside each field), checked against the DWARF of
 * pyenv's builds (gdb on libpython3.X.so.1.0: 3.8.18 3.9.18 3.10.13 3.11.7
 * 3.12.1 3.13.0); for 3.13 also against _PyRuntime.debug_offsets, which
 * pytarget.c checks again in every target at run time. */
#include "pytop/python/pyoffsets.h"

#include <stddef.h>

#define N PYOFF_NONE

/* Fields that do not move in 3.8-3.13: PyObject.ob_type, PyVarObject
 * ob_size (PyBytesObject), PyBytesObject.ob_sval, PyASCIIObject.length and
 * .state, PyThreadState.next (after prev) and .interp. */
#define COMMON                                                                                     \
	.ob_type = 8, .bytes_size = 16, .bytes_data = 32, .unicode_length = 16,                   \
	.unicode_state = 32, .tstate_next = 8, .tstate_interp = 16

static const struct py_offsets table[] = {
	{
		/* 3.8: pycore_pystate.h _PyRuntimeState / PyInterpreterState,
		 * cpython/pystate.h PyThreadState, frameobject.h, code.h */
		.version = 0x0308, .frame_kind = PYOFF_TS_FRAME, .instr_kind = PYOFF_INSTR_LASTI_BYTES,
		COMMON, .runtime_interp_head = 32, .runtime_interp_main = 40,
		.interp_next = 0, .interp_tstate_head = 8,
		.tstate_frame = 24, .tstate_thread_id = 176, .tstate_native_thread_id = N,
		.cframe_current = N,
		.frame_back = 24, .frame_code = 32, .frame_instr = 104, .frame_instr_size = 4,
		.frame_is_entry = N, .frame_owner = N, .frame_owner_cstack = N,
		.code_firstlineno = 40, .code_name = 112, .code_qualname = N, .code_filename = 104,
		.code_linetable = 120 /* co_lnotab */, .code_adaptive = N, .code_size = 176,
		.unicode_ascii_data = 48, .unicode_compact_data = 72,
	},
	{
		/* 3.9: internal/pycore_runtime.h, pycore_interp.h */
		.version = 0x0309, .frame_kind = PYOFF_TS_FRAME, .instr_kind = PYOFF_INSTR_LASTI_BYTES,
		COMMON, .runtime_interp_head = 32, .runtime_interp_main = 40,
		.interp_next = 0, .interp_tstate_head = 8,
		.tstate_frame = 24, .tstate_thread_id = 176, .tstate_native_thread_id = N,
		.cframe_current = N,
		.frame_back = 24, .frame_code = 32, .frame_instr = 104, .frame_instr_size = 4,
		.frame_is_entry = N, .frame_owner = N, .frame_owner_cstack = N,
		.code_firstlineno = 40, .code_name = 112, .code_qualname = N, .code_filename = 104,
		.code_linetable = 120 /* co_lnotab */, .code_adaptive = N, .code_size = 176,
		.unicode_ascii_data = 48, .unicode_compact_data = 72,
	},
	{
		/* 3.10: f_lasti counts 2-byte code units; co_linetable */
		.version = 0x030a, .frame_kind = PYOFF_TS_FRAME, .instr_kind = PYOFF_INSTR_LASTI_UNITS,
		COMMON, .runtime_interp_head = 32, .runtime_interp_main = 40,
		.interp_next = 0, .interp_tstate_head = 8,
		.tstate_frame = 24, .tstate_thread_id = 176, .tstate_native_thread_id = N,
		.cframe_current = N,
		.frame_back = 24, .frame_code = 32, .frame_instr = 96, .frame_instr_size = 4,
		.frame_is_entry = N, .frame_owner = N, .frame_owner_cstack = N,
		.code_firstlineno = 40, .code_name = 112, .code_qualname = N, .code_filename = 104,
		.code_linetable = 120, .code_adaptive = N, .code_size = 176,
		.unicode_ascii_data = 48, .unicode_compact_data = 72,
	},
	{
		/* 3.11: tstate->cframe->current_frame, _PyInterpreterFrame
		 * (pycore_frame.h) with is_entry; interp->threads.head */
		.version = 0x030b, .frame_kind = PYOFF_TS_CFRAME, .instr_kind = PYOFF_INSTR_PTR,
		COMMON, .runtime_interp_head = 40, .runtime_interp_main = 48,
		.interp_next = 0, .interp_tstate_head = 16,
		.tstate_frame = 56, .tstate_thread_id = 152, .tstate_native_thread_id = 160,
		.cframe_current = 8,
		.frame_back = 48, .frame_code = 32, .frame_instr = 56, .frame_instr_size = 8,
		.frame_is_entry = 68, .frame_owner = 69, .frame_owner_cstack = N,
		.code_firstlineno = 72, .code_name = 120, .code_qualname = 128, .code_filename = 112,
		.code_linetable = 136, .code_adaptive = 184, .code_size = 192,
		.unicode_ascii_data = 48, .unicode_compact_data = 72,
	},
	{
		/* 3.12: owner FRAME_OWNED_BY_CSTACK marks the entry shim */
		.version = 0x030c, .frame_kind = PYOFF_TS_CFRAME, .instr_kind = PYOFF_INSTR_PTR,
		COMMON, .runtime_interp_head = 40, .runtime_interp_main = 48,
		.interp_next = 0, .interp_tstate_head = 72,
		.tstate_frame = 56, .tstate_thread_id = 136, .tstate_native_thread_id = 144,
		.cframe_current = 0,
		.frame_back = 8, .frame_code = 0, .frame_instr = 56, .frame_instr_size = 8,
		.frame_is_entry = N, .frame_owner = 70, .frame_owner_cstack = 3,
		.code_firstlineno = 68, .code_name = 120, .code_qualname = 128, .code_filename = 112,
		.code_linetable = 136, .code_adaptive = 192, .code_size = 200,
		.unicode_ascii_data = 40, .unicode_compact_data = 56,
	},
	{
		/* 3.13: tstate->current_frame, f_executable, instr_ptr; the
		 * same values are in _PyRuntime.debug_offsets */
		.version = 0x030d, .frame_kind = PYOFF_TS_CURRENT, .instr_kind = PYOFF_INSTR_PTR,
		COMMON, .runtime_interp_head = 632, .runtime_interp_main = 640,
		.interp_next = 7264, .interp_tstate_head = 7344,
		.tstate_frame = 72, .tstate_thread_id = 152, .tstate_native_thread_id = 160,
		.cframe_current = N,
		.frame_back = 8, .frame_code = 0, .frame_instr = 56, .frame_instr_size = 8,
		.frame_is_entry = N, .frame_owner = 70, .frame_owner_cstack = 3,
		.code_firstlineno = 68, .code_name = 120, .code_qualname = 128, .code_filename = 112,
		.code_linetable = 136, .code_adaptive = 200, .code_size = 208,
		.unicode_ascii_data = 40, .unicode_compact_data = 56,
	},
};

const struct py_offsets *pyoff_for_version(unsigned major, unsigned minor)
{
	size_t i;
	if (major > 255 || minor > 255)
		return NULL;
	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].version == (major << 8 | minor))
			return &table[i];
	return NULL;
}

int64_t pyoff_instr_offset(const struct py_offsets *o, uint64_t code, uint64_t instr)
{
	switch (o->instr_kind) {
	case PYOFF_INSTR_LASTI_BYTES:
		return (int32_t)(uint32_t)instr;
	case PYOFF_INSTR_LASTI_UNITS:
		return (int64_t)(int32_t)(uint32_t)instr * 2;
	case PYOFF_INSTR_PTR:
		/* prev_instr starts one unit before the code (3.11, 3.12) */
		return (int64_t)(instr - (code + o->code_adaptive));
	default:
		return -1;
	}
}
