/* hist: histogram entries of a profile for one struct report_opts.
 *
 * hist_new() answers one query: it applies the filters, groups the kept
 * weight by the sort keys (Children = samples whose stack contains the
 * entry, counted once per stack; Self = samples whose leaf is the entry),
 * sorts, and for --hierarchy nests the levels (comm -> dso -> sym) in
 * pre-order.  Cost is proportional to unique stacks, so the TUI re-queries
 * after every sort/filter/view change.  Rows and their text stay valid until
 * hist_free(); the profile must outlive the hist. */
#ifndef PYTOP_HIST_H
#define PYTOP_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/model/classes.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

#define HIST_NONE UINT32_MAX

/* Columns, in the order they can appear. */
enum hist_col {
	HCOL_CHILDREN = 0, /* "Children" (only with children on) */
	HCOL_SELF,         /* "Self", or "Overhead" without children */
	HCOL_SAMPLES,      /* "Samples": sample count of Children (or Self without
			      children); shown with opts->show_samples */
	HCOL_COMM,
	HCOL_PID,
	HCOL_TID,
	HCOL_DSO,
	HCOL_SYM,          /* "[.] name" / "[k] name" */
	HCOL_COUNT
};

struct hist_row {
	uint64_t self, children;            /* weight; children == self when children are off */
	uint64_t self_samples, children_samples;
	/* Key values; PROFILE_NONE for keys this row is not keyed by. */
	uint32_t comm;   /* string id of the command name (pdata_str) */
	uint32_t pid, tid;
	uint32_t dso, sym;
	uint32_t parent; /* hierarchy parent row, or HIST_NONE */
	uint32_t end;    /* index after this row's subtree (flat: index + 1) */
	uint16_t depth;  /* hierarchy level, 0 in flat mode */
	uint8_t level_key; /* enum sort_key this row adds (hierarchy) or the last key */
	uint8_t kind;    /* enum frame_kind of sym (FRAME_UNKNOWN without sym) */
};

struct hist;

/* Run a query.  Returns NULL with a one-line reason in err only for a bad
 * option value (an invalid --symbol-filter regex).  Free with hist_free(). */
struct hist *hist_new(const struct profile *p, const struct report_opts *o,
		      char *err, size_t errlen);
void hist_free(struct hist *h);

const struct profile *hist_profile(const struct hist *h);
const struct report_opts *hist_opts(const struct hist *h); /* the hist's own copy */

size_t hist_nrows(const struct hist *h);
const struct hist_row *hist_row(const struct hist *h, size_t i);

bool hist_has_children(const struct hist *h); /* is the Children column shown */
uint64_t hist_kept_weight(const struct hist *h);  /* weight of the kept samples */
uint64_t hist_kept_samples(const struct hist *h);
uint64_t hist_total_weight(const struct hist *h); /* base of the percentages */
/* weight as a percent of hist_total_weight (0 when the total is 0). */
double hist_percent(const struct hist *h, uint64_t weight);

/* Do call graphs of this query show callers (-G, or no Children column)? */
bool hist_callers(const struct hist *h);
/* Display name of profile symbol sym under this query's view and verbosity
 * (the names every printer of the query uses). */
const char *hist_sym_name(const struct hist *h, uint32_t sym);

/* ---- the kept stacks, for printers of whole stacks (folded, exports) ----
 * The query's kept samples as unique (thread, stack) records of its view
 * (Python or all frames); a stack is a node of the view's prefix tree of
 * symbols, read leaf to root with hist_node_parent(). */
struct hist_stack {
	uint32_t thread;          /* profile thread index */
	uint32_t leaf;            /* view node of the innermost frame */
	uint64_t weight, samples;
	uint8_t cls;              /* enum profile_class of its samples */
};
size_t hist_nstacks(const struct hist *h);
/* Record i (< hist_nstacks), in no promised order. */
struct hist_stack hist_stack(const struct hist *h, size_t i);
/* Parent of a view node (HIST_NONE at a root) and its profile symbol. */
uint32_t hist_node_parent(const struct hist *h, uint32_t node);
uint32_t hist_node_sym(const struct hist *h, uint32_t node);

/* The class split of the kept samples (classes.h). */
const struct profile_classes *hist_classes(const struct hist *h);
/* One line, no newline, names as this query prints them: "python 61.20%,
 * native 20.00% (top: builtin_compile 15.00%, sre_ucs1_match 3.00%),
 * memory 5.00%, kernel 5.00%, interpreter 3.80%, unknown 0.00%" (every
 * on-CPU class unless the metric is off-cpu; the waiting classes that have
 * weight).  Raw program text (the
 * names): escape it when printing.  Writes buf (NUL-terminated), returns it. */
const char *hist_classes_line(const struct hist *h, char *buf, size_t len);
/* "python: CPU-bound Python: ..." for the biggest class ("" when none). */
const char *hist_classes_advice(const struct hist *h, char *buf, size_t len);
/* The class of view node `node` as a frame where it sits: the class a
 * sample whose leaf it is has (a flame graph colours frames by it). */
enum profile_class hist_node_class(const struct hist *h, uint32_t node);
/* The class of symbol sym in this query's view: that of the first node
 * carrying it (a Python function: python; a C function called from Python:
 * native; the eval loop under a Python frame: python...).  For entries and
 * call-graph nodes, which name symbols. */
enum profile_class hist_sym_class(const struct hist *h, uint32_t sym);

/* ---- wall-clock time (off-CPU recordings; hist_threads.c) ---- */

/* The samples and weight of the whole profile that the query's metric
 * counts (the base of "kept N of M"). */
uint64_t hist_metric_samples(const struct hist *h);
uint64_t hist_metric_weight(const struct hist *h);

/* One thread's time under a query's filters, whatever its metric: both its
 * on-CPU and its off-CPU samples are counted. */
struct hist_thread_time {
	uint64_t start_ns, end_ns;      /* span, from the recording's start (0: unknown) */
	uint64_t wall_ns;               /* end_ns - start_ns */
	uint64_t cpu_ns;                /* weight of its kept on-CPU samples */
	uint64_t off_cpu_ns;            /* its kept off-CPU time */
	uint64_t class_ns[CLASS_COUNT]; /* kept time by class: on-CPU classes (under
					   the query's view) and waits */
	bool shown;                     /* passes the thread filters and has a span
					   or a kept sample */
};
/* profile_nthreads() entries, by profile thread index; valid until
 * hist_free(). */
const struct hist_thread_time *hist_thread_times(const struct hist *h);

/* The sum over the shown threads. */
struct hist_wall {
	uint64_t wall_ns, cpu_ns, off_cpu_ns;
	uint64_t class_ns[CLASS_COUNT];
	uint64_t io_socket_ns, io_file_ns; /* of class_ns[CLASS_IO] */
	uint32_t nthreads;
	bool has_off_cpu;                  /* profile_has_off_cpu() */
};
const struct hist_wall *hist_wall(const struct hist *h);
/* "Wall 3.20 s, 4 threads: on CPU 1.10 s (34%); waiting 2.10 s: io 0.80 s,
 * sleep 0.80 s, lock 0.45 s, gil 0.05 s" (waits with time, biggest first;
 * io says "(socket 0.30 s, file/pipe 0.50 s)" where stacks told), or ""
 * without off-CPU data.  No program text in it.  Writes buf, returns it. */
const char *hist_wall_line(const struct hist *h, char *buf, size_t len);
/* "Duration 3.20 s" ("Duration unknown" when the file does not say), plus,
 * when switch-outs were not all recorded, "; off-CPU: 120 of 40,000
 * switch-outs not recorded (records lost), the others' times scaled by
 * 1.003".  Writes buf, returns it. */
const char *hist_duration_line(const struct hist *h, char *buf, size_t len);

/* The columns to show, in order; returns how many (<= HCOL_COUNT). */
size_t hist_columns(const struct hist *h, enum hist_col *cols);
/* Header title of a column ("Children", "Self"/"Overhead", "Command", "Pid",
 * "Tid", "Shared Object", "Symbol"). */
const char *hist_col_title(const struct hist *h, enum hist_col col);
/* Width of the widest cell (or title) of the column over all rows. */
int hist_col_width(const struct hist *h, enum hist_col col);
/* Text of one cell, e.g. "61.20%", "python3", "libc.so.6", "[.] main";
 * the one column extractor shared by printing, sorting and searching.
 * Names are escaped as esc.h prints them (esc_text, no flags): the cell is
 * safe to print and hist_col_width counts what is printed.  Writes into buf
 * (NUL-terminated) or returns an internal string. */
const char *hist_cell(const struct hist *h, size_t row, enum hist_col col,
		      char *buf, size_t len);

/* perf's one-line title for a browser: "Samples: 1000 of event 'cpu-clock'
 * (999 Hz), Event count (approx.): 1000000", plus ", kept 250 (25.00%)"
 * when filters drop samples.  Writes into buf (NUL-terminated), returns it. */
const char *hist_title(const struct hist *h, char *buf, size_t len);

/* The thread (profile thread index) contributing the most kept weight to
 * row `row` and, in hierarchy mode, to the rows nested under it: Children
 * weight when that column is shown, else Self; ties go to the lower index.
 * Works under any sort keys (the TUI's zoom into a thread).  Returns
 * PROFILE_NONE for a bad row or a row without weight.  Cost: one pass over
 * the kept stacks of the row's thread group. */
uint32_t hist_row_thread(const struct hist *h, size_t row);

/* Next row whose symbol (or, for rows without sym, last key) contains
 * `needle` (case-insensitive), searching from `start` in direction dir
 * (+1 / -1), wrapping once.  Returns the row or HIST_NONE. */
uint32_t hist_search(const struct hist *h, const char *needle, size_t start, int dir);

/* ---- orders of a thread list (hist_threads.c) ---- */

/* Orders of a thread list (the browser's threads view). */
enum hist_thread_order {
	HIST_THREADS_BY_TIME = 0, /* most time under the query's metric first */
	HIST_THREADS_BY_COMM,     /* command name */
	HIST_THREADS_BY_TID,
	HIST_THREADS_ORDER_COUNT
};
/* "time", "comm", "tid". */
const char *hist_thread_order_name(enum hist_thread_order o);
/* Thread t's time under the query's metric (cpu: its on-CPU time,
 * off-cpu: its waits, wall: both). */
uint64_t hist_thread_metric_ns(const struct hist *h, uint32_t thread);
/* Does class c count under the query's metric (cpu: the on-CPU classes,
 * off-cpu: the waiting ones, wall: all)? */
bool hist_metric_has_class(const struct hist *h, enum profile_class c);
/* Every profile thread index (profile_nthreads() of them) into out, in
 * order `by`; ties by tid, then index. */
void hist_thread_order(const struct hist *h, enum hist_thread_order by, uint32_t *out);

#endif
