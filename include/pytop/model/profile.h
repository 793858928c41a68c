/* profile: a pytop.data loaded once into structures built for queries.
 *
 * profile_load() reads the file (pdata_read validates it), classifies every
 * frame (DESIGN.md "Frame classification"; kinds the file leaves unknown are
 * recomputed from name and DSO), merges frames into symbols (name + DSO) and
 * aggregates the samples once into per-(thread, stack) weights.  Every
 * query after that (hist.h, callgraph.h, report_print.h) costs in proportion
 * to unique stacks, never to samples.
 *
 * Ids: a "sym" is a symbol (a name in a DSO, or the Python view's
 * "[interpreter]"), a "dso" a mapping path, a "thread" an index of the
 * file's thread table.  Ids are stable for the profile's lifetime.
 * A profile is read-only after loading except for internal caches, so one
 * thread at a time may query it. */
#ifndef PYTOP_PROFILE_H
#define PYTOP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/format/pdata.h"

#define PROFILE_NONE UINT32_MAX

struct profile;

/* Header facts for the report's '#' block and the TUI's title line. Strings
 * are never NULL ("" when the file does not say). */
struct profile_info {
	uint64_t nsamples;      /* on-CPU samples in the file */
	uint64_t total_weight;  /* sum of their weights (event count) */
	/* off-CPU recording (all 0 / false without): samples, their time (ns),
	 * and the recorder's switch-out counts (pdata_meta) */
	bool has_off_cpu;
	uint64_t off_cpu_samples, off_cpu_weight;
	uint64_t switch_outs, off_cpu_dropped, switch_lost;
	uint64_t nstacks;       /* unique stack nodes */
	uint64_t nthreads;
	uint64_t lost, throttled, truncated; /* from the file's metadata */
	uint64_t truncated_why[TRUNC_COUNT];  /* truncated samples by reason */
	uint64_t empty;         /* samples without any frame */
	uint64_t freq, period;  /* sampling frequency (Hz) or period */
	uint64_t start_time, duration; /* ns */
	bool has_callchains;    /* some sample has more than one frame */
	const char *event, *cmdline, *callchain, *callchain_reason;
	const char *python_path, *python_version, *hostname, *os_release, *arch;
	const char *pytop_version;
};

/* Load `path`.  Returns NULL with err filled ("corrupt sample file: ...",
 * "cannot open: ...") on failure.  Free with profile_free(). */
struct profile *profile_load(const char *path, struct pdata_error *err);
/* Build a profile from pd, which the profile then owns. Never NULL. */
struct profile *profile_from_pdata(struct pdata *pd);
void profile_free(struct profile *p);

/* Build now what queries otherwise build on first use: both stack views
 * (normal and Python) and their per-key indexes.  A browser calls this
 * when it opens so that no later key (e.g. the first Python toggle) pays
 * for them; one-shot printers need not. */
void profile_prepare(const struct profile *p);

const struct profile_info *profile_info(const struct profile *p);
/* Does some frame of the profile belong to a Python function?  (A report
 * then opens in the Python view.) */
bool profile_has_python(const struct profile *p);
/* Does the file have off-CPU samples or thread spans (a wall-clock
 * recording)?  Without, only METRIC_CPU keeps samples. */
bool profile_has_off_cpu(const struct profile *p);
/* Thread `thread`'s span in ns from the recording's start (0..duration):
 * from its first to its last event as the recorder saw them.  Returns
 * false with zeros when the file does not say. */
bool profile_thread_span(const struct profile *p, uint32_t thread, uint64_t *start_ns,
			 uint64_t *end_ns);
const struct pdata *profile_pdata(const struct profile *p);

/* Kind of a frame from its name and DSO path (dso may be NULL), by the rules
 * of DESIGN.md: py:: -> python; [kernel.kallsyms] or a kernel address name
 * -> kernel; an interpreter DSO (pdata_dso_is_interpreter) -> interpreter;
 * other DSO -> native;
 * no DSO and a "[...]" or hex name -> unknown. */
enum frame_kind profile_classify_frame(const char *name, const char *dso);

/* ---- symbols, DSOs, threads ---- */

enum {
	PNAME_VERBOSE = 1u << 0, /* full paths (Python files, DSOs) */
	PNAME_RAW = 1u << 1,     /* the stored name: "py::qual:/path/file.py" */
};

size_t profile_nsyms(const struct profile *p);
/* Display name of sym: Python frames print "qualname (file.py)", with
 * PNAME_VERBOSE "qualname (/full/path/file.py)", with PNAME_RAW unchanged.
 * Returns a string valid for the profile's lifetime.  The short file name
 * never makes two files look alike: relative to the site-packages or
 * stdlib directory it came from ("json/__init__.py"), the script as the
 * command line gave it, other files of the script's directory relative to
 * it, any other file with its full path. */
const char *profile_sym_name(const struct profile *p, uint32_t sym, unsigned flags);
enum frame_kind profile_sym_kind(const struct profile *p, uint32_t sym);
/* The function of sym: a Python frame's qualname, a native symbol's name
 * (without "(inlined)"). */
const char *profile_sym_function(const struct profile *p, uint32_t sym);
/* The Python file of sym (NULL when it is not a Python frame): the short
 * form of the display names, or with verbose the full path. */
const char *profile_sym_file(const struct profile *p, uint32_t sym, bool verbose);
/* The source line of a --lines symbol (a Python function at one line),
 * 0 for any other symbol. */
uint32_t profile_sym_line(const struct profile *p, uint32_t sym);
uint32_t profile_sym_dso(const struct profile *p, uint32_t sym); /* PROFILE_NONE if none */

size_t profile_ndsos(const struct profile *p);
/* Basename ("libc.so.6"), or the full path with verbose.  Frames without a
 * mapping use "[unknown]" ("[python]" for Python frames). */
const char *profile_dso_name(const struct profile *p, uint32_t dso, bool verbose);

size_t profile_nthreads(const struct profile *p);
const char *profile_thread_comm(const struct profile *p, uint32_t thread);
uint32_t profile_thread_pid(const struct profile *p, uint32_t thread);
uint32_t profile_thread_tid(const struct profile *p, uint32_t thread);
/* Totals of every on-CPU sample of a thread / of every thread of a
 * process (unfiltered; 0 for unknown ids). */
uint64_t profile_thread_weight(const struct profile *p, uint32_t thread);
uint64_t profile_thread_samples(const struct profile *p, uint32_t thread);
void profile_pid_totals(const struct profile *p, uint32_t pid, uint64_t *weight,
			uint64_t *samples);

#endif
