/* pdata: the pytop.data sample file, in memory and on disk.
 *
 * A struct pdata holds the tables of DESIGN.md "The sample file": strings,
 * mappings, frames (with kind), a stack prefix tree, threads, samples and
 * metadata.  The recorder and the fixture tool fill one through the
 * pdata_intern_* / pdata_add_* builder calls and write it with pdata_write();
 * the report reads one with pdata_read(), which trusts nothing in the file.
 *
 * Samples are held two ways: the aggregate (one struct pdata_agg per
 * distinct (thread, stack, flags), plus each thread's span and totals),
 * which every report works from, and the per-sample array, which only the
 * builder (to write a file) and pdata_read_ex(PDATA_KEEP_SAMPLES) keep.  A
 * plain pdata_read() never holds per-sample records, so a report's memory
 * follows unique stacks and threads, not the recording's length.
 * The on-disk layout is documented in man/pytop-data.5. */
#ifndef PYTOP_PDATA_H
#define PYTOP_PDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/base/xalloc.h"

#define PDATA_MAJOR 1
#define PDATA_MINOR 2 /* 1.1: off-CPU samples and thread spans; 1.2: frame lines (each written
                       * only when present, the header says the least minor that reads it) */
#define PDATA_NONE UINT32_MAX /* "no such entry" for any index */

/* Frame kinds, DESIGN.md "Frame classification".  Stored in the file. */
enum frame_kind {
	FRAME_UNKNOWN = 0,
	FRAME_PYTHON,      /* py:: perf-map trampoline */
	FRAME_INTERPRETER, /* libpython / python executable */
	FRAME_NATIVE,      /* any other user-space DSO */
	FRAME_KERNEL,
	FRAME_KIND_COUNT
};

enum frame_flags {
	FRAME_F_INLINED = 1u << 0, /* an inlined call inside the next frame out */
};

enum sample_flags {
	SAMPLE_F_TRUNCATED = 1u << 0, /* the stack misses its outermost frames */
	/* 1.1: time off the CPU (weight = ns from the thread's switch-out, whose
	 * time and stack the sample has, to its next switch-in); stored in the
	 * off-CPU section, never in the samples section */
	SAMPLE_F_OFF_CPU = 1u << 1,
	SAMPLE_F_PREEMPTED = 1u << 2, /* off CPU while runnable (preempted) */
};

/* Why a stack is truncated, counted in the metadata.  The order matches
 * enum unwind_stop after its UNWIND_END (the recorder relies on it). */
enum pdata_trunc {
	TRUNC_STACK_SHORT = 0, /* the user stack copy ended first */
	TRUNC_NO_INFO,         /* a frame had no unwind information */
	TRUNC_UNKNOWN_JIT,     /* a JIT frame of an unknown shape */
	TRUNC_MAX_DEPTH,       /* deeper than the recorder keeps */
	TRUNC_ERROR,           /* any other unwinding failure */
	TRUNC_NO_FP,           /* -g fp through code built without frame pointers */
	TRUNC_COUNT
};

struct pdata_string {
	const char *s; /* NUL-terminated, owned by the pdata's arena */
	uint32_t len;
};

struct pdata_mapping {
	uint32_t path;     /* string id */
	uint32_t build_id; /* string id of the hex build-id ("" when unknown) */
};

struct pdata_frame {
	uint32_t name;    /* string id: symbol, "py::qual:file" or "[dso+0xoff]" */
	uint32_t mapping; /* mapping index or PDATA_NONE */
	uint64_t addr;    /* address (relative to the mapping's file when known) */
	uint8_t kind;     /* enum frame_kind */
	uint8_t flags;    /* enum frame_flags */
	uint32_t line;    /* source line (1.2), 0 when unknown; part of the frame's identity */
};

/* One node of the stack prefix tree.  The root end is the outermost caller;
 * a sample's stack id names its innermost (leaf) frame's node.  parent is
 * always smaller than the node's own index, or PDATA_NONE for a root. */
struct pdata_stack {
	uint32_t parent;
	uint32_t frame;
};

struct pdata_thread {
	uint32_t pid, tid;
	uint32_t comm; /* string id */
	/* from its samples, not stored in the file's thread table: how many,
	 * their summed weight and the times of the first and last one (all 0
	 * when the thread has no sample) */
	uint64_t nsamples, weight;
	uint64_t first_time, last_time;
	/* of those, the off-CPU samples (SAMPLE_F_OFF_CPU) and their weight */
	uint64_t off_samples, off_weight;
	/* stored (1.1 thread spans section): the thread's life within the
	 * recording, ns from the recording's start; has_span false when the
	 * file does not say */
	uint64_t span_start, span_end;
	bool has_span;
};

struct pdata_sample {
	uint64_t time;   /* ns, perf clock */
	uint64_t weight; /* event period (ns for cpu-clock) */
	uint32_t thread; /* thread index */
	uint32_t stack;  /* leaf stack node or PDATA_NONE for an empty stack */
	uint8_t flags;   /* enum sample_flags */
};

/* The samples of one (thread, stack, flags): how many and their summed
 * weight.  The report's unit of work (DESIGN.md "aggregate once"). */
struct pdata_agg {
	uint64_t weight, samples;
	uint32_t thread; /* thread index */
	uint32_t stack;  /* leaf stack node or PDATA_NONE */
	uint8_t flags;   /* enum sample_flags */
};

/* Metadata.  String fields are string ids, PDATA_NONE when absent. */
struct pdata_meta {
	uint32_t cmdline;          /* the profiled command line */
	uint32_t event;            /* "cpu-clock", "cycles", ... */
	uint32_t callchain;        /* "fp", "dwarf" or "none" */
	uint32_t callchain_reason; /* why that mode was chosen */
	uint32_t python_path;      /* interpreter that ran the target */
	uint32_t python_version;   /* "3.12.1" */
	uint32_t hostname;
	uint32_t os_release;
	uint32_t arch;
	uint32_t pytop_version;
	uint64_t freq;             /* Hz; 0 when sampling by period */
	uint64_t period;           /* sample period when freq == 0 */
	uint64_t stack_bytes;      /* user stack copy size for dwarf mode */
	uint64_t start_time;       /* ns since the Unix epoch */
	uint64_t duration;         /* ns */
	uint64_t lost;             /* samples the kernel dropped */
	uint64_t throttled;        /* throttle events */
	uint64_t truncated;        /* samples whose stack is flagged truncated */
	uint64_t truncated_why[TRUNC_COUNT]; /* of those, how many for each reason */
	uint64_t nr_cpus;
	int64_t exit_status;       /* target's exit status; -1 unknown */
	/* 1.1, off-CPU recording (0 and not written when there is none) */
	uint64_t switch_outs;      /* switch-outs of the target's threads seen */
	uint64_t off_cpu_dropped;  /* of those, not recorded (their switch-in or
				      stack was lost); the others' weights are
				      scaled by switch_outs / (switch_outs - dropped) */
	uint64_t switch_lost;      /* switch records the kernel dropped */
};

struct pdata_hash {
	uint32_t *slots; /* entry index + 1, 0 = empty */
	size_t mask;     /* slot count - 1, or 0 when not built */
	size_t used;
};

/* The aggregate's index: agg index + 1 in the low 32 bits (0 = empty), the
 * key's hash's high 32 bits above, so a probe rarely touches a record that
 * is not the one it looks for. */
struct pdata_agg_index {
	uint64_t *slots;
	size_t mask, used;
};

struct pdata {
	struct arena arena; /* owns the string bytes */
	struct pdata_string *strings;
	struct pdata_mapping *mappings;
	struct pdata_frame *frames;
	struct pdata_stack *stacks;
	struct pdata_thread *threads;
	/* per-sample records in file order: filled by pdata_add_sample() and
	 * by pdata_read_ex(PDATA_KEEP_SAMPLES), NULL after a plain read (then
	 * nsamples still counts them) */
	struct pdata_sample *samples;
	struct pdata_agg *aggs; /* every sample, aggregated; first-seen order */
	size_t nstrings, nmappings, nframes, nstacks, nthreads, naggs;
	size_t nsamples;        /* samples in the profile (sum of aggs' samples),
				   on- and off-CPU */
	uint64_t total_weight;  /* sum of every sample's weight (< 2^63) */
	/* of those, the off-CPU samples and their weight (ns) */
	uint64_t off_nsamples, off_weight;
	uint64_t ntruncated;    /* samples flagged SAMPLE_F_TRUNCATED */
	size_t cap_strings, cap_mappings, cap_frames, cap_stacks, cap_threads, cap_samples;
	size_t cap_aggs;
	struct pdata_meta meta;
	/* builder indexes, built on first use */
	struct pdata_hash h_strings, h_frames, h_stacks, h_threads;
	struct pdata_agg_index h_aggs;
};

/* An empty profile with string 0 = "" and every meta string absent.
 * Free with pdata_free(). */
struct pdata *pdata_new(void);
void pdata_free(struct pdata *pd);

/* The string for id, or "" for PDATA_NONE / out of range. */
const char *pdata_str(const struct pdata *pd, uint32_t id);

/* ---- builder: each returns the index of an equal existing entry or of a
 * new one.  Indexes are stable. ---- */
uint32_t pdata_intern_string(struct pdata *pd, const char *s, size_t len);
uint32_t pdata_intern_cstr(struct pdata *pd, const char *s);
uint32_t pdata_add_mapping(struct pdata *pd, const char *path, const char *build_id);
uint32_t pdata_intern_frame(struct pdata *pd, const struct pdata_frame *f);
/* parent is a stack index or PDATA_NONE for a root frame. */
uint32_t pdata_intern_stack(struct pdata *pd, uint32_t parent, uint32_t frame);
uint32_t pdata_intern_thread(struct pdata *pd, uint32_t pid, uint32_t tid, const char *comm);
/* Appends a sample (kept for pdata_write) and adds it to the aggregate
 * and its thread's totals and span; counts truncated samples in
 * meta.truncated.  s->thread must be a valid thread index, s->stack a
 * valid stack index or PDATA_NONE. */
void pdata_add_sample(struct pdata *pd, const struct pdata_sample *s);
/* Adds a sample to the aggregate and its thread's totals and span only (no
 * per-sample record, meta.truncated unchanged): for importers that build a
 * profile to show, not to write.  Same preconditions; do not mix the two
 * on one profile. */
void pdata_agg_sample(struct pdata *pd, const struct pdata_sample *s);

/* Number of frames from node `stack` up to its root (0 for PDATA_NONE). */
size_t pdata_stack_depth(const struct pdata *pd, uint32_t stack);

/* ---- file I/O ---- */

struct pdata_error {
	char msg[512]; /* "corrupt sample file: WHAT (offset N)", no path, no newline */
};

/* The largest file pdata_read() accepts (64 GiB, some 20 billion samples:
 * days of recording); larger is refused before anything is read. */
#define PDATA_MAX_FILE_SIZE (64ULL << 30)

/* Serialise pd into a heap buffer (caller frees *out with free()).  pd must
 * hold its per-sample records (a builder, or a read with
 * PDATA_KEEP_SAMPLES); an aggregate-only pdata encodes no samples. */
void pdata_encode(const struct pdata *pd, unsigned char **out, size_t *len);

/* Write pd to `path` through a temporary file in the same directory and an
 * atomic rename, so readers never see a torn file.  When keep_old is true
 * an existing `path` is first renamed to `path.old`.  Returns 0, or -1 with
 * err filled (the temporary file is removed). */
int pdata_write(const struct pdata *pd, const char *path, bool keep_old,
		struct pdata_error *err);

/* Samples for pdata_write_fd(), in file order, from wherever the caller
 * keeps them.  next() fills *s and returns 1, 0 after the last sample or -1
 * on a read error; rewind() restarts at the first sample (0, or -1).
 * count is the number of samples next() yields. */
struct pdata_sample_src {
	int (*next)(void *ctx, struct pdata_sample *s);
	int (*rewind)(void *ctx);
	void *ctx;
	uint64_t count;
	uint64_t count_off; /* of those, off-CPU samples (SAMPLE_F_OFF_CPU) */
};

/* Writes the file of pd to fd with the samples taken from src instead of
 * pd->samples (ignored; pd->meta is written as it is): the same bytes
 * pdata_encode() gives for pd holding those samples.  Only what grows with
 * unique entries is held in memory; src is read twice (the section's length
 * and checksum precede it), so fd may be a pipe or a device.  Returns 0 and
 * the file's size in *nbytes (when not NULL), or -1 with err filled (what
 * was written stays written). */
int pdata_write_fd(const struct pdata *pd, const struct pdata_sample_src *src, int fd,
		   uint64_t *nbytes, struct pdata_error *err);

enum pdata_read_flags {
	/* also keep the per-sample records in pd->samples (tools that print
	 * samples in file order, round-trip tests); memory grows with samples */
	PDATA_KEEP_SAMPLES = 1u << 0,
};

/* Decode a file image into tables and the sample aggregate (no per-sample
 * records).  Returns a new pdata, or NULL with err filled.  Every count,
 * length, index and offset is checked; allocations are bounded by the
 * input size.  Numbers are cross-checked: a total weight of 2^63 or more,
 * samples whose weights are all zero, a truncated count above the sample
 * count or below its reasons' sum are refused as corrupt. */
struct pdata *pdata_decode(const void *data, size_t len, struct pdata_error *err);
/* pdata_decode() with enum pdata_read_flags. */
struct pdata *pdata_decode_ex(const void *data, size_t len, unsigned flags,
			      struct pdata_error *err);

/* Read and decode `path` (mapped read-only, its pages released as they are
 * decoded, so memory does not follow the file's size).  Refuses what is
 * not a regular file before any blocking open ("not a regular file (a
 * FIFO)"), and a file over PDATA_MAX_FILE_SIZE ("file too large to be a
 * sample file").  Returns NULL with err filled on any I/O or format error
 * ("cannot open: No such file or directory", "corrupt sample file: ..."). */
struct pdata *pdata_read(const char *path, struct pdata_error *err);
/* pdata_read() with enum pdata_read_flags. */
struct pdata *pdata_read_ex(const char *path, unsigned flags, struct pdata_error *err);

/* Words for a truncation reason: "stack copy too small", "no unwind info", ... */
const char *pdata_trunc_name(enum pdata_trunc why);

/* Name of a frame kind: "python", "interpreter", "native", "kernel", "unknown". */
const char *frame_kind_name(enum frame_kind kind);

/* THE rule for a DSO that belongs to the interpreter (frame kind
 * FRAME_INTERPRETER): its base name starts with "python" or "libpython"
 * followed by the end, a digit or '.' ("python3.12", "libpython3.12.so.1.0",
 * "python"; not "pythonista.so").  The recorder, the model and the tools all
 * ask here.  path may be NULL (false). */
bool pdata_dso_is_interpreter(const char *path);

#endif
