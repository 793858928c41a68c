/* unwind: user-stack unwinding for `-g dwarf` (x86-64).
 *
 * The recorder samples PERF_SAMPLE_REGS_USER (with unwind_sample_regs_mask())
 * and PERF_SAMPLE_STACK_USER, and for every sample calls unwinder_unwind()
 * with the registers and the stack copy.  The unwinder walks the stack with
 * libunwind's remote API over those bytes and the mapped ELF files'
 * .eh_frame, and steps CPython perf trampolines (py:: regions) by their own
 * code.  It never touches the target process.
 *
 * The recorder owns the view of each process's address space and answers
 * the unwinder through the callbacks below. */
#ifndef PYTOP_UNWIND_H
#define PYTOP_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A file-backed executable mapping of a process. */
struct unwind_map {
	/* file to read unwind info from; valid until the next callback.
	 * "[vdso]" names the kernel's vDSO (the unwinder reads its own copy). */
	const char *path;
	uint64_t start, end, pgoff;
};

struct unwind_callbacks {
	/* The executable file mapping of `pid` that contains `addr`.
	 * Returns false when there is none (anonymous/JIT memory, unknown). */
	bool (*find_map)(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out);
	/* True when `addr` lies in a perf-map (JIT, e.g. py:: trampoline) region
	 * of `pid`; *start and *end bound the region. */
	bool (*find_jit)(void *ctx, uint32_t pid, uint64_t addr, uint64_t *start, uint64_t *end);
	void *ctx;
};

/* Why a walk stopped. */
enum unwind_stop {
	UNWIND_END = 0,      /* reached the outermost frame: the stack is complete */
	UNWIND_STACK_SHORT,  /* the stack copy ended first (truncated) */
	UNWIND_NO_INFO,      /* no unwind info for a frame (truncated) */
	UNWIND_UNKNOWN_JIT,  /* a JIT frame of a shape the unwinder does not know */
	UNWIND_MAX_DEPTH,    /* the caller's ips[] was full (truncated) */
	UNWIND_ERROR,        /* anything else (truncated) */
	UNWIND_NO_FP,        /* -g fp: the kernel's frame-pointer walk went through code
				without frame pointers (set by the recorder, never here) */
	UNWIND_STOP_COUNT
};

/* Default user-stack copy for `-g dwarf`, in bytes.  Measured with
 * bench/unwind_stack.sh on the pyenv builds here: under -X perf every Python
 * call costs 528 bytes of native stack on CPython 3.12.1 (C eval frame +
 * trampoline) and 592 bytes on 3.13.0, and a program's outermost frames
 * (_start to the first Python frame, with argv/env above) take 7-10 KiB on
 * the main thread and 7 KiB in a thread.  32 KiB thus holds about 47 nested
 * Python calls on 3.12 (38 on 3.13) from the main thread and 49 (43) in a
 * thread, which completes every stack of the seeds' examples including the
 * import machinery at startup (16 KiB truncated 2% of those samples).
 * Deeper stacks keep their innermost 32 KiB (~60 Python frames), flagged
 * truncated.  The kernel's ceiling is 65528 (-g dwarf,65528). */
#define UNWIND_DEFAULT_STACK_BYTES 32768

struct unwinder;

/* PERF_SAMPLE_REGS_USER mask the unwinder needs (bits of enum perf_event_x86_regs):
 * AX BX CX DX SI DI BP SP IP and R8-R15, 17 registers. */
uint64_t unwind_sample_regs_mask(void);

/* A new unwinder using `cb` (copied).  Free with unwinder_free(). */
struct unwinder *unwinder_new(const struct unwind_callbacks *cb);
void unwinder_free(struct unwinder *u);

/* Forget cached state of `pid` (call on its EXIT or exec). */
void unwinder_forget_pid(struct unwinder *u, uint32_t pid);

/* Unwind one sample of `pid`.  `regs` holds the sampled user registers in
 * the kernel's order (ascending bits of unwind_sample_regs_mask());
 * `stack`/`stack_len` is the user stack copy starting at the sampled SP.
 * Writes at most `max` instruction addresses to `ips`, innermost first (ips[0]
 * is the sampled IP; the others are return addresses), returns how many, and
 * sets *why.  Any *why other than UNWIND_END means the stack is truncated. */
size_t unwinder_unwind(struct unwinder *u, uint32_t pid, const uint64_t *regs,
		       const unsigned char *stack, size_t stack_len,
		       uint64_t *ips, size_t max, enum unwind_stop *why);

/* Words for the summary and the report: "complete", "stack copy too small", ... */
const char *unwind_stop_name(enum unwind_stop why);

#endif
