/* pyoffsets: where CPython 3.8-3.13 (x86-64) keep what a frame walker reads.
 *
 * Facts from CPython's own headers of each minor version (Include/cpython/
 * pystate.h, Include/internal/pycore_runtime.h, pycore_interp.h,
 * pycore_frame.h, Include/cpython/code.h, frameobject.h), checked against the
 * DWARF of pyenv's 3.8.18 3.9.18 3.10.13 3.11.7 3.12.1 3.13.0 builds and,
 * for 3.13, against the interpreter's own _Py_DebugOffsets.  Offsets are per
 * minor version: CPython keeps these layouts within a minor release.
 *
 * The struct is plain data with fixed-width fields so that the BPF program
 * can take it unchanged in a map (it includes this header with __bpf__
 * defined and its own uint*_t typedefs).  A field that a version does not
 * have is PYOFF_NONE.
 *
 * The walk, for every version:
 *   interp = *(_PyRuntime + runtime_interp_head)      (then interp_next)
 *   ts     = *(interp + interp_tstate_head)           (then tstate_next)
 *   match the sampled thread: native_thread_id (3.11+) == kernel tid, or
 *     tstate_thread_id (pthread_self(), = the thread's %fs base on x86-64
 *     glibc/musl) == the task's thread.fsbase; see "Finding the thread".
 *   frame  = tstate_frame_kind:
 *     PYOFF_TS_FRAME:   *(ts + tstate_frame)                       3.8-3.10
 *     PYOFF_TS_CFRAME:  *(*(ts + tstate_frame) + cframe_current)   3.11-3.12
 *     PYOFF_TS_CURRENT: *(ts + tstate_frame)                       3.13
 *   per frame: code = *(frame + frame_code), instr = *(frame + frame_instr)
 *     (frame_instr_size bytes: a C int f_lasti before 3.11, a pointer
 *     prev_instr / instr_ptr from 3.11), next = *(frame + frame_back).
 *   3.11: a frame with *(u8*)(frame + frame_is_entry) set is the first
 *     Python frame of one C call of the eval loop (the native stack has one
 *     _PyEval_EvalFrameDefault per entry frame, below the Python frames up
 *     to and including that one).
 *   3.12, 3.13: a frame whose *(u8*)(frame + frame_owner) ==
 *     frame_owner_cstack is the eval loop's own shim (not a Python
 *     function, its code is not shown): it marks the C eval call boundary,
 *     like is_entry on the frame above it.
 *   3.8-3.10: every Python frame is one C call of _PyEval_EvalFrameDefault.
 *
 * Finding the thread.  The thread-local _Py_tss_tstate (3.12+) is NULL
 * while its thread has released the GIL (time.sleep, I/O, a GIL wait), so a
 * sample of a waiting thread would lose its stack; the gilstate TSS key
 * (autoTSSkey) holds the same pointer but is a pthread key, read through
 * glibc's private struct pthread layout, not a CPython fact.  The
 * interpreter's thread list is valid in every version whoever holds the
 * GIL, so that is what we use: walk interp_tstate_head/tstate_next and
 * match the id (a cache tid -> tstate, revalidated by reading the id back,
 * keeps the walk out of most samples). */
#ifndef PYTOP_PYOFFSETS_H
#define PYTOP_PYOFFSETS_H

#ifndef __bpf__
#include <stdint.h>
#endif

#define PYOFF_NONE 0xffffu

enum pyoff_frame_kind {
	PYOFF_TS_FRAME = 1,   /* tstate->frame: PyFrameObject * (3.8-3.10) */
	PYOFF_TS_CFRAME = 2,  /* tstate->cframe->current_frame (3.11, 3.12) */
	PYOFF_TS_CURRENT = 3, /* tstate->current_frame (3.13) */
};

enum pyoff_instr_kind {
	PYOFF_INSTR_LASTI_BYTES = 1, /* int f_lasti, a byte offset (3.8, 3.9) */
	PYOFF_INSTR_LASTI_UNITS = 2, /* int f_lasti, in 2-byte code units (3.10) */
	PYOFF_INSTR_PTR = 3,         /* pointer into the code object's bytecode at
				      * code + code_adaptive (3.11+: prev_instr,
				      * 3.13: instr_ptr) */
};

struct py_offsets {
	uint16_t version;     /* 0x0308 .. 0x030d: major << 8 | minor */
	uint8_t frame_kind;   /* enum pyoff_frame_kind */
	uint8_t instr_kind;   /* enum pyoff_instr_kind */
	/* _PyRuntimeState */
	uint16_t runtime_interp_head; /* interpreters.head */
	uint16_t runtime_interp_main; /* interpreters.main */
	/* PyInterpreterState */
	uint16_t interp_next;
	uint16_t interp_tstate_head; /* tstate_head (3.8-3.10), threads.head (3.11+) */
	/* PyThreadState */
	uint16_t tstate_next;
	uint16_t tstate_interp;
	uint16_t tstate_frame;            /* frame / cframe / current_frame, see frame_kind */
	uint16_t tstate_thread_id;        /* unsigned long: pthread_self() */
	uint16_t tstate_native_thread_id; /* unsigned long: the kernel tid (3.11+) */
	uint16_t cframe_current;          /* _PyCFrame.current_frame (3.11, 3.12) */
	/* PyFrameObject (3.8-3.10) or _PyInterpreterFrame (3.11+) */
	uint16_t frame_back;     /* f_back / previous */
	uint16_t frame_code;     /* f_code (to 3.12) / f_executable (3.13) */
	uint16_t frame_instr;    /* f_lasti / prev_instr / instr_ptr, see instr_kind */
	uint16_t frame_instr_size; /* 4 (int) or 8 (pointer) */
	uint16_t frame_is_entry; /* char is_entry (3.11) */
	uint16_t frame_owner;    /* char owner (3.11+) */
	uint16_t frame_owner_cstack; /* FRAME_OWNED_BY_CSTACK (3.12+): 3 */
	/* PyObject, PyCodeObject */
	uint16_t ob_type;
	uint16_t code_firstlineno; /* int */
	uint16_t code_name;        /* PyUnicodeObject * co_name */
	uint16_t code_qualname;    /* co_qualname (3.11+) */
	uint16_t code_filename;
	uint16_t code_linetable;   /* PyBytesObject *: co_lnotab (3.8, 3.9), co_linetable */
	uint16_t code_adaptive;    /* co_code_adaptive: bytecode inside the object (3.11+) */
	uint16_t code_size;        /* bytes of PyCodeObject read as its header */
	/* PyBytesObject, PyASCIIObject, PyCompactUnicodeObject */
	uint16_t bytes_size;      /* ob_size */
	uint16_t bytes_data;      /* ob_sval */
	uint16_t unicode_length;  /* length, in code points */
	uint16_t unicode_state;   /* state bit field: kind bits 2-4, compact 5, ascii 6 */
	uint16_t unicode_ascii_data;   /* sizeof(PyASCIIObject): compact ASCII data */
	uint16_t unicode_compact_data; /* sizeof(PyCompactUnicodeObject): other compact data */
};

/* A code object's identity from two of its pointers, co_filename and
 * co_qualname (co_name before 3.11): the same object keeps them; another
 * made at its address after it was freed has (almost surely) others.  The
 * BPF program computes it at the sample, pycode when it reads the object,
 * so a late read of a reused address is told apart. */
static inline uint64_t pyoff_code_ident(uint64_t filename, uint64_t qualname)
{
	return filename ^ (qualname << 17 | qualname >> 47);
}

#ifndef __bpf__
/* The table's entry for CPython major.minor, or NULL when that version is
 * not supported (never a guess from a neighbour). */
const struct py_offsets *pyoff_for_version(unsigned major, unsigned minor);

/* The byte offset into the code's bytecode of a frame's instruction value
 * `instr` (as read at frame_instr, frame_instr_size bytes, zero-extended),
 * for a frame whose code object is at `code`.  Negative: the frame has not
 * started (3.8-3.10 f_lasti -1; 3.11+ a pointer before the first unit). */
int64_t pyoff_instr_offset(const struct py_offsets *o, uint64_t code, uint64_t instr);
#endif

#endif
