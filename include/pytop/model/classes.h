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
 * An off-CPU sample (a wait: from a switch-out to the next switch-in) gets
 * its class from its whole stack, kernel frames included when recorded:
 *   1. switched out while runnable (preempted)                -> preempted
 *   2. a frame anywhere on the stack matches gil's FRAMES     -> gil
 *      (the wait for the GIL after a blocking call returns)
 *   3. the innermost frame matching an off-CPU class's FRAMES -> that class
 *      (a name matching two classes takes the first in table order)
 *   4. otherwise (no stack, or nothing known)                 -> wait-other
 * Among io waits, the stack tells socket from file/pipe: a frame matching
 * CLASS_IO_SOCKET_FRAMES makes it a socket wait, one matching
 * CLASS_IO_FILE_FRAMES a file or pipe wait (profile_classes.io_*).
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

/* Waiting for the GIL: 3.8-3.12 take_gil under PyEval_RestoreThread /
 * PyEval_AcquireThread; 3.13 under _PyThreadState_Attach. */
#define CLASS_GIL_FRAMES                                                            \
	"take_gil PyEval_RestoreThread PyEval_AcquireThread PyEval_AcquireLock "    \
	"_PyEval_AcquireLock _PyThreadState_Attach PyGILState_Ensure "

#define CLASS_SLEEP_FRAMES                                                          \
	"clock_nanosleep __clock_nanosleep* __GI___clock_nanosleep* nanosleep "     \
	"__nanosleep* __GI___nanosleep usleep sleep pysleep time_sleep "            \
	"do_nanosleep hrtimer_nanosleep common_nsleep __x64_sys_nanosleep "         \
	"__x64_sys_clock_nanosleep __do_sys_clock_nanosleep "

#define CLASS_IO_SOCKET_FRAMES                                                      \
	"recv recvfrom recvmsg recvmmsg __libc_recv* __recv* send sendto sendmsg "  \
	"sendmmsg __libc_send* __send* accept accept4 __libc_accept* connect "      \
	"__libc_connect __connect sock_recv* sock_send* sock_call* sock_accept* "   \
	"sock_connect* sock_sendall* sock_read_iter sock_write_iter sock_recvmsg "  \
	"sock_sendmsg sock_poll tcp_* udp_* unix_stream_* unix_dgram_* inet_* "     \
	"sk_wait_data sk_stream_wait_* __sys_recv* __sys_send* __sys_accept* "      \
	"__sys_connect* __x64_sys_recv* __x64_sys_send* __x64_sys_accept* "         \
	"__x64_sys_connect "

#define CLASS_IO_FILE_FRAMES                                                        \
	"read __libc_read __GI___libc_read __read* write __libc_write "             \
	"__GI___libc_write __write* pread* __pread* pwrite* __pwrite* readv writev " \
	"preadv* pwritev* __libc_pread* __libc_pwrite* _Py_read _Py_write "         \
	"_io_FileIO_read* _io_FileIO_write* _io_FileIO_readinto* _bufferedreader_* " \
	"_io__Buffered_read* _io__Buffered_write* fsync fdatasync __fsync* "        \
	"pipe_read pipe_write pipe_wait* vfs_read vfs_write ksys_read ksys_write "  \
	"__x64_sys_read __x64_sys_write __x64_sys_pread64 __x64_sys_pwrite64 "      \
	"filemap_fault filemap_read folio_wait_bit* wait_on_page_bit* io_schedule* " \
	"ext4_* xfs_* btrfs_* nfs_* do_fsync "

#define CLASS_IO_FRAMES                                                             \
	CLASS_IO_SOCKET_FRAMES CLASS_IO_FILE_FRAMES                                 \
	"poll __poll ppoll __ppoll select __select pselect* epoll_wait epoll_pwait* " \
	"__epoll_wait* io_getevents io_uring_* splice sendfile* "                   \
	"select_select* select_poll* select_epoll* internal_select "                \
	"do_sys_poll do_select core_sys_select do_epoll_wait ep_poll "              \
	"__x64_sys_poll __x64_sys_ppoll __x64_sys_select __x64_sys_pselect6 "       \
	"__x64_sys_epoll_wait __x64_sys_epoll_pwait* "

#define CLASS_LOCK_FRAMES                                                           \
	"PyThread_acquire_lock* lock_PyThread_acquire_lock* rlock_acquire* "        \
	"acquire_timed _PyMutex_LockTimed _PyMutex_LockSlow PyMutex_Lock* "         \
	"_PyParkingLot_Park _PySemaphore_Wait* _PyEvent_WaitTimed PyEvent_Wait* "   \
	"pthread_mutex_lock* __pthread_mutex_lock* ___pthread_mutex_lock "          \
	"__pthread_mutex_cond_lock __lll_lock_wait* pthread_cond_wait* "            \
	"__pthread_cond_wait* ___pthread_cond_wait pthread_cond_timedwait* "        \
	"__pthread_cond_timedwait* ___pthread_cond_timedwait pthread_cond_clockwait* " \
	"__pthread_cond_clockwait* sem_wait sem_timedwait sem_clockwait "           \
	"__new_sem_wait* do_futex_wait* __futex_abstimed_wait* futex_wait* "        \
	"__futex_wait* pthread_rwlock_rdlock pthread_rwlock_wrlock "                \
	"pthread_rwlock_timed* pthread_join __pthread_join __pthread_clockjoin* "   \
	"__pthread_timedjoin* pthread_barrier_wait do_futex __x64_sys_futex "

#define CLASS_SUBPROCESS_FRAMES                                                     \
	"wait4 __wait4 __GI___wait4 waitpid __waitpid __libc_waitpid waitid "       \
	"__waitid os_waitpid* os_wait4* os_waitid* os_wait_impl os_wait "           \
	"__x64_sys_wait4 __x64_sys_waitid kernel_wait4 kernel_waitid do_wait* "     \
	"__do_sys_wait4 "

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
	  "most time has no symbol: install debug symbols or record with -g dwarf")             \
	X(GIL, "gil", SAMPLE_OFF_CPU, CLASS_GIL_FRAMES,                                        \
	  "waiting for the GIL while another thread holds it",                                \
	  "GIL-bound: threads run Python one at a time; use processes, or move the work "     \
	  "into C code that releases the GIL")                                                 \
	X(SLEEP, "sleep", SAMPLE_OFF_CPU, CLASS_SLEEP_FRAMES,                                  \
	  "sleeping: time.sleep, nanosleep",                                                  \
	  "the program sleeps: shorten or remove the sleeps, wait on an event instead")       \
	X(IO, "io", SAMPLE_OFF_CPU, CLASS_IO_FRAMES,                                           \
	  "blocked in I/O: read, write, recv, send, poll, select, epoll",                     \
	  "I/O-bound: faster Python will not help; batch or overlap the I/O (threads, "       \
	  "asyncio), cache, or make the other side answer faster")                             \
	X(LOCK, "lock", SAMPLE_OFF_CPU, CLASS_LOCK_FRAMES,                                     \
	  "waiting on a lock: threading.Lock, Condition, Queue, mutexes, futexes",            \
	  "lock contention: hold locks for less time, share less state between threads")      \
	X(SUBPROCESS, "subprocess", SAMPLE_OFF_CPU, CLASS_SUBPROCESS_FRAMES,                   \
	  "waiting for a child process: wait4, waitpid, waitid",                              \
	  "waiting for child processes: profile the children, or run them in parallel")       \
	X(PREEMPTED, "preempted", SAMPLE_OFF_CPU, "",                                          \
	  "runnable but not running: other work had the CPU",                                 \
	  "CPU contention: the machine is busy; fewer threads or processes than CPUs")        \
	X(WAIT_OTHER, "wait-other", SAMPLE_OFF_CPU, "",                                        \
	  "off CPU for a reason the stack does not tell (or no stack was recorded)",          \
	  "unexplained waits: record as root (kernel stacks) or with -g dwarf")

enum profile_class {
#define PROFILE_CLASS_ENUM(id, name, kind, frames, meaning, advice) CLASS_##id,
	PROFILE_CLASS_TABLE(PROFILE_CLASS_ENUM)
#undef PROFILE_CLASS_ENUM
	CLASS_COUNT
};

/* The off-CPU classes are the table's last rows, from here on. */
#define CLASS_FIRST_OFF_CPU CLASS_GIL

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
	/* of the io weight, what the stacks tell: sockets, files or pipes */
	uint64_t io_socket, io_file;
};

/* The class with the most weight (the lowest on ties), CLASS_COUNT when
 * the split is empty. */
enum profile_class profile_classes_biggest(const struct profile_classes *c);

/* Does `name` match one of the space-separated `patterns` (rules above)? */
int class_pattern_match(const char *patterns, const char *name);

#endif
