/* classes: THE table of sample classes ("classify the bottleneck", seed 004).
 *
 * Every sample has exactly one class.  A class is one line of
 * PROFILE_CLASS_TABLE below: its id, its name (JSON key, header word), the
 * kind of sample it applies to (on or off CPU), the frame names that mark it
 * (patterns, "" for the structural classes), what it means and what to do
 * about it.  The enum, the names, the legends, the JSON keys, the man page's
 * list and every printer's split derive from this one table, so a new class
 * (the off-CPU ones: io, sleep, lock, gil, subprocess, preempted, wait-other)
 * joins in one place.
 *
 * How a sample gets its class (profile.c, view_python.c), first rule that
 * applies:
 *   1. on CPU, the leaf frame is a kernel frame         -> kernel
 *   2. a frame from the leaf up to the innermost Python frame (excluded)
 *      matches a class's FRAMES patterns, classes of the sample's kind in
 *      table order                                       -> that class
 *   3. no Python frame on the stack: an interpreter frame on it
 *      -> interpreter, else by the leaf: native or unknown
 *   4. the Python view's leaf is the Python function itself (its own
 *      bytecode, the interpreter work it does directly) -> python
 *   5. the leaf is inside a C function called from Python -> native
 *      (unknown when the leaf frame has no symbol)
 * Helpers that only serve their caller (__tls_get_addr, PLT stubs,
 * _dl_runtime_*) are skipped: the caller's frame decides.
 *
 * Patterns: space-separated; "name" exact, "pre*" prefix, "*suf" suffix;
 * compiler suffixes (.cold, .part.N, .constprop.N, .isra.N) are ignored. */
#ifndef PYTOP_MODEL_CLASSES_H
#define PYTOP_MODEL_CLASSES_H

#include <stdint.h>

#include "pytop/model/profile.h"

/* What a sample measured: time running on a CPU, or time off it (waiting). */
enum sample_kind { SAMPLE_ON_CPU = 0, SAMPLE_OFF_CPU };

/* The allocator, deallocators and the cyclic garbage collector, wherever
 * they are called from. */
#define CLASS_MEMORY_FRAMES                                                          \
	"malloc free calloc realloc cfree aligned_alloc memalign posix_memalign "    \
	"valloc pvalloc __libc_malloc __libc_free __libc_calloc __libc_realloc "     \
	"__libc_memalign _int_malloc _int_free _int_realloc _int_memalign "          \
	"malloc_consolidate sysmalloc systrim unlink_chunk* tcache_* _mid_memalign " \
	"__GI___libc_free __GI___libc_malloc __malloc_* je_* tc_* "                  \
	"PyMem_* _PyMem_* PyObject_Malloc PyObject_Calloc PyObject_Realloc "         \
	"PyObject_Free _PyObject_Malloc _PyObject_Calloc _PyObject_Realloc "         \
	"_PyObject_Free pymalloc_* _PyObject_ArenaMmap _PyObject_ArenaMunmap "       \
	"new_arena allocate_from_new_pool insert_to_usedpool insert_to_freepool "    \
	"PyObject_GC_Del _PyObject_GC_New _PyObject_GC_NewVar _PyObject_GC_Resize "  \
	"_PyObject_GC_Link _PyObject_New _PyObject_NewVar PyType_GenericAlloc "      \
	"_PyType_AllocNoTrack gc_alloc _PyObject_GC_Alloc "                          \
	"_Py_Dealloc *_dealloc *dealloc _PyObject_ClearFreeLists _Py_ClearFreeLists " \
	"_PyGC_* PyGC_* _Py_RunGC gc_collect* "              \
	"collect_generations collect_with_callback deduce_unreachable update_refs "  \
	"subtract_refs visit_decref visit_reachable move_unreachable "               \
	"move_legacy_finalizers delete_garbage finalize_garbage "                    \
	"handle_legacy_finalizers handle_weakrefs gc_collect_region "

/* X(ID, "name", sample kind, FRAMES patterns, "meaning", "advice") */
#define PROFILE_CLASS_TABLE(X)                                                                 \
	X(PYTHON, "python", SAMPLE_ON_CPU, "",                                                 \
	  "Python code: the bytecode of Python functions (their Self)",                       \
	  "CPU-bound Python: loops and calls in Python code dominate; change the algorithm, " \
	  "move the loop into a built-in or a C extension, or compile it")                     \
	X(NATIVE, "native", SAMPLE_ON_CPU, "",                                                 \
	  "C functions called from Python: built-ins, C extensions, native libraries",        \
	  "native work dominates: the C code is likely optimized already; call it less or "   \
	  "on less data")                                                                      \
	X(MEMORY, "memory", SAMPLE_ON_CPU, CLASS_MEMORY_FRAMES,                                \
	  "allocation, deallocation and the cyclic garbage collector",                        \
	  "memory-bound: allocation churn or garbage collection; create fewer objects, "      \
	  "reuse buffers, avoid reference cycles")                                             \
	X(KERNEL, "kernel", SAMPLE_ON_CPU, "",                                                 \
	  "the kernel on CPU: system calls, page faults, interrupts",                         \
	  "kernel-bound: system calls or page faults; batch I/O, make fewer calls")            \
	X(INTERPRETER, "interpreter", SAMPLE_ON_CPU, "",                                       \
	  "the interpreter with no Python frame: start-up, shutdown, imports in C",           \
	  "interpreter start-up or shutdown dominates: the program is short; profile a "      \
	  "longer run")                                                                        \
	X(UNKNOWN, "unknown", SAMPLE_ON_CPU, "",                                               \
	  "frames without a symbol (stripped code, JIT, lost stacks)",                        \
	  "most time has no symbol: install debug symbols or record with -g dwarf")

enum profile_class {
#define PROFILE_CLASS_ENUM(id, name, kind, frames, meaning, advice) CLASS_##id,
	PROFILE_CLASS_TABLE(PROFILE_CLASS_ENUM)
#undef PROFILE_CLASS_ENUM
	CLASS_COUNT
};

struct class_info {
	const char *name;       /* "python", "memory", ... */
	enum sample_kind kind;  /* the samples it applies to */
	const char *frames;     /* FRAMES patterns ("" for structural classes) */
	const char *meaning;    /* one line: what its time is */
	const char *advice;     /* one line: what a dominant class means (seed 004) */
};

/* The table's row for c; NULL when c >= CLASS_COUNT. */
const struct class_info *profile_class_info(enum profile_class c);
/* The name of c ("unknown" when out of range). */
const char *profile_class_name(enum profile_class c);
/* The class named `name`, or -1. */
int profile_class_by_name(const char *name);

/* The class a frame of symbol sym marks on its own, without its stack:
 * kernel frames -> kernel, a frame matching a class's FRAMES -> that class,
 * Python functions -> python, interpreter frames -> interpreter, other
 * named frames -> native, frames without a symbol -> unknown.  The class of
 * a sample also depends on its stack: hist_node_class() (hist.h) gives the
 * class of a frame where it sits in a view, as a flame graph colours it. */
enum profile_class profile_sym_class(const struct profile *p, uint32_t sym);

/* How many native entries a split names. */
#define CLASS_TOP_NATIVE 3

/* The kept samples of a query split by class (hist_classes()). */
struct profile_classes {
	uint64_t total;                  /* weight of the samples split */
	uint64_t weight[CLASS_COUNT];    /* in the samples' unit */
	uint64_t samples[CLASS_COUNT];
	/* the C functions called from Python (or leaves of native code without
	 * Python) holding the most native weight; sym PROFILE_NONE when fewer */
	struct { uint32_t sym; uint64_t weight; } top_native[CLASS_TOP_NATIVE];
};

/* The class with the most weight (the lowest on ties), CLASS_COUNT when
 * the split is empty. */
enum profile_class profile_classes_biggest(const struct profile_classes *c);

/* Does `name` match one of the space-separated `patterns` (rules above)? */
int class_pattern_match(const char *patterns, const char *name);

#endif
