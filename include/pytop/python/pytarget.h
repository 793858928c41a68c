/* pytarget: a running CPython process seen from outside: where its
 * _PyRuntime is, which version it runs, its interpreters and thread states.
 *
 * Memory is read with process_vm_readv(2), falling back to /proc/PID/mem
 * (both need ptrace access to the target: same user with ptrace_scope 0/1
 * for our children, or CAP_SYS_PTRACE).  Nothing is ever written.
 *
 * Finding the interpreter: the mapped file of /proc/PID/maps (the executable
 * or a libpython*.so) whose ELF symbols (.symtab, else .dynsym: Debian's
 * stripped python3.11 keeps _PyRuntime, Py_Version and the type objects in
 * its dynamic symbols) define _PyRuntime; its load bias comes from the
 * mapping of file offset 0.  The version: the interpreter's Py_Version
 * (3.11+, PY_VERSION_HEX read from the target), else the file name
 * ("libpython3.9.so.1.0", "python3.9": CPython's build names both
 * python$(VERSION); maps show the real path, not a "python3" symlink).  Both
 * are read when both exist and must agree.  3.13+: the _Py_DebugOffsets at
 * the start of _PyRuntime (cookie "xdebugpy") must name the same version,
 * and its offsets must equal the table's (a mismatch is refused: a build
 * we do not know).  An unknown version is refused, never guessed. */
#ifndef PYTOP_PYTARGET_H
#define PYTOP_PYTARGET_H

#include "pytop/python/pyoffsets.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct py_target {
	pid_t pid;
	int mem_fd;           /* /proc/PID/mem once the fallback is used, else -1 */
	bool no_vm_readv;     /* process_vm_readv refused: use mem_fd */
	unsigned major, minor;
	uint64_t version_hex; /* PY_VERSION_HEX when known (3.11+), else 0 */
	char path[PATH_MAX];  /* the file defining _PyRuntime */
	uint64_t bias;        /* load bias of that file */
	uint64_t runtime;     /* address of _PyRuntime */
	uint64_t code_type;   /* &PyCode_Type */
	uint64_t unicode_type; /* &PyUnicode_Type */
	uint64_t bytes_type;  /* &PyBytes_Type */
	uint64_t pthread_tid_off; /* glibc's struct pthread tid offset (libc's
				   * _thread_db_pthread_tid), UINT64_MAX unknown */
	struct py_offsets off; /* a copy of the version's table entry */
};

/* Opens process `pid`.  Returns 0, or -1 with `why` set to one line
 * ("WHAT: WHY", no "pytop: " prefix): not a CPython we know (the version
 * named), no interpreter found, memory unreadable (errno).  On success free
 * with py_target_close(). */
int py_target_open(pid_t pid, struct py_target *t, char *why, size_t whylen);
void py_target_close(struct py_target *t);

/* Reads len bytes at addr of the target.  Returns 0, or -1 (errno set;
 * a partial read is EFAULT). */
int py_target_read(struct py_target *t, uint64_t addr, void *buf, size_t len);

/* One thread state of the target. */
struct py_thread {
	uint64_t tstate;
	uint64_t interp;
	uint64_t thread_id;   /* pthread_self() of the thread */
	uint32_t tid;         /* kernel tid: native_thread_id (3.11+), else read
			       * from glibc's struct pthread; 0 unknown */
	uint64_t frame;       /* the current (innermost) frame, 0 none */
};

/* Fills out[0..max) with the thread states of every interpreter (the main
 * one first), at most `max`.  Returns the number found, or -1 when the
 * lists cannot be read (errno). */
int py_target_threads(struct py_target *t, struct py_thread *out, int max);

/* The current frame of the thread state at `tstate` (0 when it has none),
 * or -1 when unreadable. */
int py_target_frame(struct py_target *t, uint64_t tstate, uint64_t *frame);

/* One frame: its code object (0 for a shim), raw instruction value (see
 * pyoffsets.h) and the previous (outer) frame.  `entry`: a C call of the
 * eval loop started with this frame (3.11 is_entry; before 3.11 every
 * frame).  `shim` (3.12+): the eval loop's own frame (owner
 * FRAME_OWNED_BY_CSTACK), not a Python function: the frame read just before
 * it (the inner neighbour) is the entry frame.  Returns 0, or -1 when
 * unreadable. */
struct py_frame {
	uint64_t code, instr, back;
	bool entry;
	bool shim;
};
int py_target_read_frame(struct py_target *t, uint64_t frame, struct py_frame *f);

#endif
