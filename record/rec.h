/* rec: the state of one recording, shared by record.c (set-up and loop),
 * events.c (ring buffer records) and resolve.c (building the pdata); its
 * life cycle and messages are rec.c.  Private to record/. */
#ifndef PYTOP_RECORD_REC_H
#define PYTOP_RECORD_REC_H

#include <linux/perf_event.h>

#include "pytop/base/hmap.h"
#include "pytop/format/pdata.h"
#include "pytop/python/bpfread.h"
#include "pytop/record/procmap.h"
#include "pytop/record/record.h"
#include "pytop/record/unwind.h"
#include "spill.h"

#define REC_MAX_FRAMES 1024

/* Raw frame keys: the tag sits in the top bits of the first word. */
#define RF_KERNEL (1ULL << 62)  /* b = kernel address */
#define RF_FILE (2ULL << 62)    /* a = tag | dso id, b = file offset */
#define RF_ANON (3ULL << 62)    /* a = tag | pid, b = address (JIT or unknown) */
#define RF_TAG_MASK (3ULL << 62)
#define RF_PY (1ULL << 61)      /* tag 0: a = RF_PY | Python frame index (pyjoin.c), b = 0 */

struct rec_py; /* pyjoin.c */

struct rec_thread {
	uint32_t pid, tid;
	uint32_t comm;      /* pdata string id */
	uint32_t pd_thread; /* pdata thread for the current comm, PDATA_NONE until sampled */
	uint64_t samples;
	bool seen;          /* had a sample or a context switch */
	uint64_t comm_time; /* time of its last COMM record (its current name's start) */
	/* off-CPU (offcpu.c): the stack of its last switch-out sample, and
	 * the switch-out waiting for its switch-in */
	uint32_t sw_stack;
	uint8_t sw_flags;
	bool sw_have;
	bool out_pending;
	uint8_t out_flags;
	uint32_t out_stack, out_pd;
	uint64_t out_time, out_epoch;
};

/* A pdata thread's first and last event (ns, CLOCK_MONOTONIC). */
struct rec_span {
	uint64_t first, last;
};

struct rec_frame {
	uint64_t a, b;
};

struct rec_node {
	uint32_t parent, frame;
};

/* Where the profile goes (output.c). */
struct rec_out {
	bool through;        /* a character device or FIFO, written through fd */
	int fd;              /* -1 unless through */
	char path[4096];     /* the file to replace (a link's target) or the device */
	char dir[4096];      /* its directory, for the temporary and rescue files */
};

struct rec {
	const struct record_opts *o;
	struct pdata *pd;
	struct procmap *pm;
	struct unwinder *uw;
	uint64_t sample_type;
	uint64_t regs_mask;
	bool dwarf;
	bool nofp;             /* -g fp on a Python without frame pointers */
	bool offline;          /* importing a file: the processes are gone (no /proc) */

	struct rec_thread *thr;
	size_t nthr, cap_thr;
	struct hmap by_tid;

	struct rec_frame *rf;
	size_t nrf, cap_rf;
	struct hmap rf_idx;

	struct rec_node *rn;
	size_t nrn, cap_rn;
	struct hmap rn_idx;

	struct rec_out out;
	struct spill spill; /* the samples (struct spill_rec), out of memory */
	bool spill_warned;

	/* filled by rec_resolve() for the final writer: raw node -> pdata
	 * stack, and per raw node its user frames and named user frames */
	uint32_t *node_map, *node_user, *node_named;
	struct record_result *src_res; /* rec_sample_src(): counters to fill */
	int src_pass;                  /* passes begun over the samples */

	/* off-CPU recording (offcpu.c) */
	bool off_cpu;          /* context-switch events are open */
	struct rec_span *spans; /* per pdata thread */
	size_t cap_spans;
	uint64_t start_mono;   /* the recording's start (spans are relative to it) */
	uint64_t sw_epoch;     /* LOST records seen on the switch rings */
	uint64_t switch_outs, off_samples, off_dropped, switch_lost;

	uint64_t round;        /* drain rounds, 1 for the first */
	uint64_t mono_to_real; /* record times are CLOCK_MONOTONIC; add this for the epoch */
	uint64_t lost, throttled, truncated;
	uint64_t stops[UNWIND_STOP_COUNT];
	uint64_t ips[REC_MAX_FRAMES];
	uint32_t frames[REC_MAX_FRAMES];
	struct rec_py *py;     /* the BPF frame reader, NULL unless --python-frames bpf */
	uint32_t merged[REC_MAX_FRAMES + BPFREAD_MAX_FRAMES];
};

/* ---- rec.c ---- */

/* Start r for options o: an empty pdata, process map (processes started
 * before `now_real`, ns since the epoch, have stale perf maps) and indexes. */
void rec_init(struct rec *r, const struct record_opts *o, uint64_t now_real);
/* Free what r owns (r itself is the caller's). */
void rec_free(struct rec *r);
/* Streams one sample out to r->spill (nothing of it stays in memory but a
 * bounded buffer, unless the temporary file fails: then it says so once). */
void rec_add_sample(struct rec *r, const struct spill_rec *s);
/* Emit a note through the options' message callback (printf-style). */
void rec_message(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- events.c ---- */

/* A sample's thread, time, period and interned stack (raw node). */
struct rec_stack {
	uint32_t pid, tid;
	uint64_t time, period;
	uint32_t stack;
	uint8_t flags; /* SAMPLE_F_TRUNCATED */
};
/* Parses a PERF_RECORD_SAMPLE and interns its stack (unwinding it in dwarf
 * mode); with `count`, a truncated stack counts in r's truncation totals
 * (the CPU samples' header numbers).  Returns false for a malformed record. */
bool rec_sample_stack(struct rec *r, const struct perf_event_header *h, bool count,
		      struct rec_stack *out);

/* Handles one ring-buffer record (a perf_session_drain() callback; ctx is
 * the struct rec). */
void rec_on_record(void *ctx, const struct perf_event_header *h);
/* The thread `tid`; with `create`, made when unknown (comm from /proc). */
struct rec_thread *rec_thread_get(struct rec *r, uint32_t pid, uint32_t tid, bool create);
/* The raw frame (a, b), interned. */
uint32_t rec_raw_frame(struct rec *r, uint64_t a, uint64_t b);
/* Unwinder callbacks (struct unwind_callbacks, ctx = the struct rec). */
bool rec_find_map(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out);
bool rec_find_jit(void *ctx, uint32_t pid, uint64_t addr, uint64_t *start, uint64_t *end);

/* Reads newly appended lines of p's perf map (with `used`, sorted: the
 * rest of the file, keeping only entries that hold one of those addresses);
 * warns once when the file is unsafe, notes once when the map hit its
 * memory cap.  Returns the number of new entries or -1. */
int rec_perfmap_refresh(struct rec *r, struct pm_proc *p, const uint64_t *used, size_t nused);

/* ---- pyjoin.c: the BPF frame reader (all do nothing while r->py is NULL) ---- */

struct perf_session;
/* Loads the BPF frame reader into r->py.  Returns 0, or -1 with why set. */
int rec_py_open(struct rec *r, char *why, size_t whylen);
/* Attaches it to every event of s.  Returns 0, or -1 with why set. */
int rec_py_attach(struct rec *r, struct perf_session *s, char *why, size_t whylen);
/* The fd to poll for its records, or -1. */
int rec_py_fd(const struct rec *r);
/* Process pid maps an interpreter (or forked from one that did): read its
 * Python frames from now on, once pytarget can open it. */
void rec_py_proc(struct rec *r, uint32_t pid);
/* pid ran exec / exited. */
void rec_py_exec(struct rec *r, uint32_t pid);
void rec_py_exit(struct rec *r, uint32_t pid);
/* Reads the records waiting (call before each drain of the perf buffers),
 * after another try at processes not opened yet. */
void rec_py_poll(struct rec *r);
/* Whether a process that maps an interpreter is not read yet (the loop
 * then polls often: its first Python frames are near). */
bool rec_py_pending(const struct rec *r);
/* The raw frames native[0..n) (leaf first) of the sample of tid at time
 * with ip, with its Python frames merged in, into out[0..max).  Returns
 * the count; flags gets SAMPLE_F_TRUNCATED when the Python chain was cut. */
size_t rec_py_merge(struct rec *r, uint32_t pid, uint32_t tid, uint64_t time, uint64_t ip,
		    const uint32_t *native, size_t n, uint32_t *out, size_t max, uint32_t *flags);
/* The name of an RF_PY raw frame into buf, its mapping, kind and source
 * line (0 when unknown).  Returns whether it has a real name. */
bool rec_py_name(struct rec *r, const struct rec_frame *f, char *buf, size_t len,
		 uint32_t *mapping, uint8_t *kind, uint32_t *line);
/* Warnings at the end: processes it could not read, records lost. */
void rec_py_notes(struct rec *r);
void rec_py_free(struct rec *r);

/* ---- offcpu.c ---- */

/* Handles one record of the context-switch events (ctx is the struct rec):
 * switch-out samples (their stacks), switch records (off-CPU time from a
 * switch-out to the next switch-in), lost records. */
void rec_on_switch_record(void *ctx, const struct perf_event_header *h);
/* The pdata thread of t, made when t has none yet; its span starts at
 * `time` (or at its COMM record). */
uint32_t rec_pd_thread(struct rec *r, struct rec_thread *t, uint64_t time);
/* Widens pdata thread pd's span to `time`. */
void rec_span_touch(struct rec *r, uint32_t pd, uint64_t time);
/* At the end of the recording (time end): the waits still open end now;
 * fills the thread spans and the off-CPU metadata of r->pd. */
void rec_off_cpu_finish(struct rec *r, uint64_t end);

/* ---- resolve.c ---- */

/* Fills r->pd's metadata from the options, res (event, call graph, wait
 * status) and the loop's counters; the truncation counts are the caller's. */
void rec_fill_meta(struct rec *r, const struct record_result *res, uint64_t start_real,
		   uint64_t duration, size_t ncpus);
/* Symbolizes every raw frame, fills r->pd's frames and stacks (the
 * samples stay in r->spill).  Sets res->samples. */
void rec_resolve(struct rec *r, struct record_result *res);
/* The recorded samples with pdata stacks, for pdata_write_fd(), after
 * rec_resolve().  Its first pass over the samples fills the resolution
 * counters of res (user_frames, user_named). */
void rec_sample_src(struct rec *r, struct record_result *res, struct pdata_sample_src *src);
/* The in-memory form, for callers that want the whole profile at once (the
 * perf.data importer): appends every recorded sample to r->pd, after
 * rec_resolve(), and fills res's resolution counters.  Returns 0, or -1
 * when the spill cannot be read back. */
int rec_load_samples(struct rec *r, struct record_result *res);
/* Bytes r holds for what it has gathered (tables, indexes and buffers;
 * their capacities): flat while samples repeat known stacks. */
size_t rec_retained_bytes(const struct rec *r);

/* ---- output.c ---- */

/* Decides where the profile goes before the target starts (see output.c):
 * checks the name, its directory and the temporary name's length, and
 * opens a device or FIFO.  Returns 0, or -1 with err = "cannot write
 * OUTPUT: WHY". */
int rec_output_prepare(struct rec *r, char *err, size_t errlen);
/* Writes the profile (after rec_resolve) where rec_output_prepare()
 * decided; when that fails, to a new file in the output's directory or in
 * $TMPDIR, with a warning saying where.  Fills res->written and
 * res->bytes.  Returns 0, or -1 with err filled when no place took it. */
int rec_output_write(struct rec *r, struct record_result *res, char *err, size_t errlen);
/* Closes a device or FIFO left open (rec_free() calls it). */
void rec_output_close(struct rec *r);

#endif
