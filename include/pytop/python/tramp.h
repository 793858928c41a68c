/* tramp: CPython's perf trampolines (x86-64), decoded and stepped.
 *
 * With -X perf, CPython runs each Python frame's evaluation through a copy
 * of a tiny trampoline that has no CFI.  tramp_parse() recognises the code
 * the interpreter uses (the shapes are listed in record/python/tramp.c) and
 * tramp_step() gives a trampoline frame's caller from the depth the code has
 * pushed at each instruction.  The unwinder (record/unwind.c) calls these
 * for frames inside perf-map regions.  Pure functions: no I/O, no state. */
#ifndef PYTOP_PYTHON_TRAMP_H
#define PYTOP_PYTHON_TRAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRAMP_MAX_INSNS 8

/* The decoded trampoline: for each instruction start, how many bytes the
 * trampoline has pushed below its return address, and whether the caller's
 * RBP is saved at [SP + depth - 8]. */
struct tramp_shape {
	unsigned len;           /* code bytes */
	unsigned after_call;    /* offset of the return address of `call *%rcx` */
	unsigned n;             /* instructions */
	unsigned char off[TRAMP_MAX_INSNS];
	unsigned char depth[TRAMP_MAX_INSNS];
	bool rbp_saved[TRAMP_MAX_INSNS];
	const char *name;       /* "sub-rsp", "push-rbp" (+ "endbr64 ") */
};

/* Decode trampoline code.  Returns false for any shape we do not know (out
 * is then untouched). */
bool tramp_parse(const unsigned char *code, size_t len, struct tramp_shape *out);

enum tramp_step_result {
	TRAMP_STEPPED = 0,  /* ip/sp/bp now hold the caller's registers */
	TRAMP_BAD_OFFSET,   /* no frame of this shape can be at that offset */
	TRAMP_READ_FAILED,  /* `read` failed (it knows why); registers untouched */
};

/* The caller's registers of a frame at `offset` in a trampoline.  `leaf` is
 * true for the sampled IP (any instruction start), false for a return
 * address (only the one after the call is valid).  `read` reads a stack
 * word of the sampled thread. */
enum tramp_step_result tramp_step(const struct tramp_shape *t, uint64_t offset, bool leaf,
				  bool (*read)(void *ctx, uint64_t addr, uint64_t *val), void *ctx,
				  uint64_t *ip, uint64_t *sp, uint64_t *bp);

#endif
