/* report_opts: the options of a report query, shared by `pytop report
 * --stdio`, the exports and the TUI.
 *
 * A struct report_opts says what to show (sort keys, children, graph
 * direction, Python view, limits) and which samples to keep (filters).  The
 * front end fills one from the command line; the TUI changes fields and
 * re-queries (hist_new) after each change.  Nothing here touches a profile. */
#ifndef PYTOP_REPORT_OPTS_H
#define PYTOP_REPORT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Histogram sort keys, perf's names: comm, pid, tid, dso, sym. */
enum sort_key {
	SORT_COMM = 0,
	SORT_PID,
	SORT_TID,
	SORT_DSO,
	SORT_SYM,
	SORT_KEY_COUNT
};
#define REPORT_MAX_KEYS SORT_KEY_COUNT

/* How entries are ordered: by weight (children, else self; ties by key),
 * by key values in sort-key order, or by self weight (ties by children,
 * then key) with the Children column shown as for ORDER_WEIGHT. */
enum sort_order { ORDER_WEIGHT = 0, ORDER_KEY, ORDER_SELF };

/* The Children column: on when the profile has call stacks (perf's default),
 * or forced. */
enum children_mode { CHILDREN_AUTO = 0, CHILDREN_ON, CHILDREN_OFF };

/* Call-graph percentages: of the total (perf's "graph") or of the entry. */
enum graph_mode { GRAPH_TOTAL = 0, GRAPH_ENTRY, GRAPH_NONE };

/* With filters: percentages of the kept samples (relative, perf's default)
 * or of every sample (absolute). */
enum percentage_mode { PERCENT_RELATIVE = 0, PERCENT_ABSOLUTE };

/* What a query weighs (--metric): time on the CPU (the on-CPU samples,
 * weights in the event's unit; the default), time off it (the off-CPU
 * samples, weights in ns), or both (wall-clock time, ns). */
enum report_metric { METRIC_CPU = 0, METRIC_OFF_CPU, METRIC_WALL, METRIC_COUNT };

/* Sample filters.  Empty lists keep everything; a sample is kept when it
 * passes every non-empty filter.  Owned strings/arrays (report_opts_free). */
struct report_filter {
	char **comms;    /* thread command names, exact */
	size_t ncomms;
	uint32_t *pids;
	size_t npids;
	uint32_t *tids;
	size_t ntids;
	char **dsos;     /* DSO basename or full path, exact; keeps samples with
			    a frame in one of them and entries of those DSOs */
	size_t ndsos;
	char *symbol;    /* POSIX ERE matched against every frame's name
			    (raw and display form); NULL = no filter */
	bool symbol_literal; /* symbol is a plain substring, not a regex */
};

struct report_opts {
	enum sort_key keys[REPORT_MAX_KEYS]; /* default comm,dso,sym */
	size_t nkeys;
	enum sort_order order;
	enum children_mode children;
	bool inverted;   /* -G: call graphs show callers instead of callees */
	bool hierarchy;  /* nested levels by the sort keys (self weights) */
	bool python;     /* the Python view: fold interpreter frames */
	bool python_set; /* --python or --no-python given (else: the Python view
			    when the profile has Python frames) */
	bool verbose;    /* full paths for DSOs and Python files */
	bool lines;      /* --lines: Python frames split by source line when known */
	enum graph_mode graph;
	enum percentage_mode percentage;
	double percent_limit; /* hide call-graph lines below this percent (0.5) */
	double entry_limit;   /* hide entries below this percent (0) */
	struct report_filter filter;
	bool show_samples; /* -n: a Samples column (sample counts) */
	uint32_t max_stack; /* --max-stack: keep the innermost N frames of each
			       stack, the cut ones under "[truncated]" (0: all) */
	enum report_metric metric; /* --metric (METRIC_CPU) */
};

/* Defaults: comm,dso,sym, by weight, children auto, callee graphs of the
 * total, relative percentages, percent_limit 0.5, entry_limit 0. */
void report_opts_init(struct report_opts *o);
/* Free the filter lists; o can be re-initialised afterwards. */
void report_opts_free(struct report_opts *o);
/* Deep copy (filters included) of src into dst (dst need not be initialised). */
void report_opts_copy(struct report_opts *dst, const struct report_opts *src);

/* Name of a sort key ("comm", ...), and the key for a name (-1 if none). */
const char *sort_key_name(enum sort_key k);
int sort_key_parse(const char *name);
/* "cpu", "off-cpu", "wall"; and the metric for a name (-1 if none). */
const char *report_metric_name(enum report_metric m);
int report_metric_parse(const char *name);

/* Each parser returns 0, or -1 with a one-line reason in err (no prefix, no
 * newline) and o unchanged. */
/* "comm,dso,sym": replaces the key list; duplicate or unknown keys fail. */
int report_opts_set_sort(struct report_opts *o, const char *list, char *err, size_t errlen);
/* Append to a filter list from a comma-separated value. */
int report_filter_add_comms(struct report_filter *f, const char *list, char *err, size_t errlen);
int report_filter_add_pids(struct report_filter *f, const char *list, char *err, size_t errlen);
int report_filter_add_tids(struct report_filter *f, const char *list, char *err, size_t errlen);
int report_filter_add_dsos(struct report_filter *f, const char *list, char *err, size_t errlen);
/* Set (regex != NULL, validated with regcomp) or clear (NULL or "") the
 * symbol filter. */
int report_filter_set_symbol(struct report_filter *f, const char *regex, char *err, size_t errlen);
/* Set (text non-empty) or clear (NULL or "") the symbol filter as a literal
 * substring: no character is special (the TUI's '/'). */
void report_filter_set_symbol_literal(struct report_filter *f, const char *text);
/* Drop every filter. */
void report_filter_clear(struct report_filter *f);
/* True when any filter is set. */
bool report_filter_active(const struct report_filter *f);

#endif
