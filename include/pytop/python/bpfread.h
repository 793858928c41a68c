/* bpfread: the BPF frame reader's loader (the program is pyframes.bpf.c,
 * built and embedded at build time).
 *
 * It loads the program, attaches it to perf events the caller opened (the
 * sampling events; inherited events of new threads and children carry it
 * too), takes the processes to read (their _PyRuntime and version
 * offsets, pytop/python/pyoffsets.h) and hands back, per sample of such a
 * process, the sampled thread's Python frames: code object address and raw
 * instruction value, innermost first, with entry markers between the C
 * calls of the eval loop. */
#ifndef PYTOP_BPFREAD_H
#define PYTOP_BPFREAD_H

#include "pytop/python/pyoffsets.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* At most this many Python frames per sample (deeper: the innermost). */
#define BPFREAD_MAX_FRAMES 1024

struct bpfread_frame {
	uint64_t code;  /* code object address; 0: an entry marker (see above) */
	uint64_t instr; /* raw instruction value (pyoffsets.h, instr_kind) */
	uint64_t ident; /* the code object's identity at the sample: equal for the
			   same object, different (almost surely) for another
			   one made at the same address after the first was freed */
};

enum bpfread_status {
	BPFREAD_OK = 0,
	BPFREAD_NO_THREAD,  /* the thread has no thread state (yet) */
	BPFREAD_READ_FAULT, /* the chain could not be read to its end (or it led to
			       something that is no code object) */
};

struct bpfread_sample {
	uint64_t time; /* CLOCK_MONOTONIC ns, within microseconds of the perf sample's */
	uint64_t ip;   /* the sampled instruction pointer (equal to the perf sample's) */
	uint32_t pid, tid;
	enum bpfread_status status;
	bool truncated; /* more than BPFREAD_MAX_FRAMES frames: the outer ones are missing */
	size_t nslots;  /* frames[] entries, markers included */
	size_t nframes; /* Python frames among them */
	const struct bpfread_frame *frames;
};

struct bpfread;

/* Loads the program.  Returns it, or NULL with `why` set to one line
 * saying why the kernel refused (permission: root or CAP_BPF+CAP_PERFMON
 * needed; no BTF; ...). Free with bpfread_free(). */
struct bpfread *bpfread_open(char *why, size_t whylen);
/* Detaches and unloads. */
void bpfread_free(struct bpfread *b);

/* Runs the program at each overflow of perf event `perf_fd`.  Returns 0, or
 * -1 with `why` filled. */
int bpfread_attach(struct bpfread *b, int perf_fd, char *why, size_t whylen);

/* Reads Python frames of process `pid` from now on: its _PyRuntime is at
 * `runtime`, its PyCode_Type at `code_type` (a frame whose code object has
 * another type ends the walk, as a read fault).  Returns 0, or -1 (the
 * process table is full). */
int bpfread_add_proc(struct bpfread *b, uint32_t pid, uint64_t runtime, uint64_t code_type,
		     const struct py_offsets *off);
/* Forgets `pid` (it exited or exec'd another program). */
void bpfread_remove_proc(struct bpfread *b, uint32_t pid);

/* A file descriptor that becomes readable when records wait (for poll). */
int bpfread_fd(const struct bpfread *b);
/* Calls fn once per waiting record, in the order they were written (per
 * CPU); a sample is valid during its call only.  Returns the number. */
size_t bpfread_consume(struct bpfread *b,
		       void (*fn)(void *ctx, const struct bpfread_sample *s), void *ctx);
/* Records the ring buffer had no room for, and samples of read processes,
 * since the start. */
uint64_t bpfread_lost(const struct bpfread *b);
uint64_t bpfread_samples(const struct bpfread *b);

#endif
