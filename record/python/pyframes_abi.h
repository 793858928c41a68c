/* pyframes_abi: what the BPF frame reader (pyframes.bpf.c) and its loader
 * (bpfread.c) share: the per-process configuration user space puts in the
 * `procs` map and the record the program writes per sample into its ring
 * buffer.  Private to record/python; plain fixed-width data, no padding
 * holes, because both clang -target bpf and the host compiler lay it out. */
#ifndef PYTOP_PYFRAMES_ABI_H
#define PYTOP_PYFRAMES_ABI_H

#include "pytop/python/pyoffsets.h"

/* Frames the program reads per sample (the innermost ones); entry markers
 * between C eval calls take slots of their own. */
#define PYF_MAX_FRAMES 1024
#define PYF_SLOTS (PYF_MAX_FRAMES + 128)
/* Thread states looked at per interpreter when the tid cache misses. */
#define PYF_MAX_THREADS 1024
#define PYF_MAX_INTERPS 4

/* procs map: key the process id (tgid). */
struct pyf_proc {
	uint64_t runtime;      /* address of _PyRuntime in the process */
	uint64_t code_type;    /* &PyCode_Type: a frame whose code is not one ends the walk */
	uint32_t frame_read;   /* bytes of a frame read at once (covers every field) */
	uint32_t code_read;    /* bytes of a code object read at once (type, name, file) */
	struct py_offsets off; /* the interpreter's version (pyoffsets.h) */
};

/* A frame slot: code object address, raw instruction value (see
 * pyoffsets.h, instr_kind) and the code object's identity at the sample
 * (pyoff_code_ident(): a code object freed and another made at its address
 * differ there).  code == 0 is an entry marker: the frames
 * before it (inner) ran in one C call of the eval loop, the frames after
 * it in the next outer one (3.11+; before 3.11 every frame is its own call
 * and there are no markers). */
struct pyf_frame {
	uint64_t code;
	uint64_t instr;
	uint64_t ident;
};

enum pyf_status {
	PYF_OK = 0,
	PYF_NO_THREAD,   /* no thread state for this thread (not a Python thread yet) */
	PYF_READ_FAULT,  /* a read of the chain failed part way, or a frame's code was no
			    code object (a torn chain): the frames kept are the inner ones */
};

enum pyf_flags {
	PYF_F_TRUNCATED = 1, /* the chain goes on past PYF_MAX_FRAMES frames */
};

/* Ring buffer record: header, then nslots struct pyf_frame, innermost first. */
struct pyf_sample {
	uint64_t time;   /* bpf_ktime_get_ns(): CLOCK_MONOTONIC, as the perf samples */
	uint64_t ip;     /* the sampled instruction pointer (the perf sample's ip) */
	uint32_t pid, tid;
	uint16_t nslots;
	uint8_t status;  /* enum pyf_status */
	uint8_t flags;   /* enum pyf_flags */
	uint32_t nframes; /* Python frames among the slots */
	struct pyf_frame frames[PYF_SLOTS];
};

/* counters map (per CPU array) indexes */
enum pyf_counter {
	PYF_C_SAMPLES = 0, /* samples of configured processes */
	PYF_C_LOST,        /* records the ring buffer had no room for */
	PYF_C_COUNT,
};

#endif
