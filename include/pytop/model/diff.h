/* diff: two profiles compared entry by entry (`pytop diff BEFORE AFTER`).
 *
 * diff_new() runs the same report query (hist.h) on both profiles and joins
 * the entries by key, never by address: every sort key of the query
 * contributes its text (command, pid, tid, DSO basename) and a symbol its
 * kind, display name and DSO basename.  A Python function is therefore
 * matched by qualname and file, a native symbol by name and library (a
 * rebuilt library still matches), and two entries that print the same are
 * one entry.  Each entry gets its share of either run (percent of that
 * run's total, hist_total_weight), the delta in percentage points and,
 * when asked, the ratio AFTER/BEFORE.  Entries are sorted by |delta|.
 * Cost: the two queries plus one hash join, in proportion to entries.
 * The profiles must outlive the diff. */
#ifndef PYTOP_DIFF_H
#define PYTOP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/model/hist.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

enum diff_side { DIFF_BEFORE = 0, DIFF_AFTER = 1 };

/* Where an entry was seen. */
enum diff_state {
	DIFF_BOTH = 0,
	DIFF_NEW,  /* only in AFTER */
	DIFF_GONE, /* only in BEFORE */
};

struct diff_entry {
	uint32_t row[2];     /* a hist row of each side (HIST_NONE when absent), for the key cells */
	uint64_t weight[2];  /* summed weight of the entry in each run */
	double share[2];     /* percent of each run's total */
	double delta;        /* share[AFTER] - share[BEFORE], percentage points */
	double ratio;        /* AFTER / BEFORE (see diff_new), valid when has_ratio */
	bool has_ratio;      /* false for new and gone entries */
	enum diff_state state;
	const char *key;     /* the join key (internal form, for tests and search) */
};

/* Columns, in the order they can appear: the diff's own, then the keys. */
enum diff_col {
	DCOL_BASELINE = 0, /* "Baseline": share in BEFORE, "new" when absent */
	DCOL_DELTA,        /* "Delta": "+1.23%" / "-1.23%", "gone" when absent from AFTER */
	DCOL_RATIO,        /* "Ratio" (only with ratio on) */
	DCOL_COMM,
	DCOL_PID,
	DCOL_TID,
	DCOL_DSO,
	DCOL_SYM,
	DCOL_COUNT
};

struct diff_opts {
	bool ratio;    /* a Ratio column */
	bool absolute; /* ratio of raw weights instead of shares */
};

struct diff;

/* Compare `before` and `after` under report options o (copied; its
 * entry_limit hides entries below that share in both runs, hierarchy and
 * order are ignored; the Children weight is compared when o->children is
 * CHILDREN_ON, Self otherwise).  Returns NULL with a one-line reason in err
 * for a bad option value (an invalid --symbol-filter regex).  Free with
 * diff_free(). */
struct diff *diff_new(const struct profile *before, const struct profile *after,
		      const struct report_opts *o, const struct diff_opts *dopts,
		      char *err, size_t errlen);
void diff_free(struct diff *d);

const struct profile *diff_profile(const struct diff *d, enum diff_side side);
/* The query of one side (its totals, classes, title). */
const struct hist *diff_hist(const struct diff *d, enum diff_side side);
const struct report_opts *diff_report_opts(const struct diff *d); /* the diff's own copy */
const struct diff_opts *diff_opts(const struct diff *d);

size_t diff_nentries(const struct diff *d);
/* Entry i (< diff_nentries) in display order, or NULL. */
const struct diff_entry *diff_entry(const struct diff *d, size_t i);

/* The columns to show, in order; returns how many (<= DCOL_COUNT). */
size_t diff_columns(const struct diff *d, enum diff_col *cols);
const char *diff_col_title(const struct diff *d, enum diff_col col);
/* Width of the widest cell (or title) of the column over all entries. */
int diff_col_width(const struct diff *d, enum diff_col col);
/* Text of one cell ("12.50%", "+3.10%", "new", "gone", "1.250", "[.] f"),
 * the one extractor shared by the printers and the browser.  Key cells are
 * the raw program text (printers escape them).  Writes into buf
 * (NUL-terminated) or returns an internal string. */
const char *diff_cell(const struct diff *d, size_t i, enum diff_col col, char *buf, size_t len);

/* The class split of both runs (classes.h), one line, no newline:
 * "python 87.30% -> 3.70%, native 8.20% -> 72.10%, ...; biggest: python -> native".
 * Classes with weight in neither run are left out.  Writes into buf
 * (always NUL-terminated) and returns it. */
const char *diff_classes_line(const struct diff *d, char *buf, size_t len);

/* A class of the split, for printers of structured output. */
struct diff_class {
	const char *name;     /* "python", "interpreter", "native", "kernel", "unknown" */
	double share[2];      /* percent of each run's kept weight */
};
/* Fills out[] (up to max) in the line's order; returns how many. */
size_t diff_classes(const struct diff *d, struct diff_class *out, size_t max);
/* The biggest class of one side ("" when the run has no weight). */
const char *diff_biggest_class(const struct diff *d, enum diff_side side);

/* Notes on comparability, one line each, no newline: different events,
 * different frequencies; i counts from 0.  Returns NULL past the last. */
const char *diff_note(const struct diff *d, size_t i);

#endif
