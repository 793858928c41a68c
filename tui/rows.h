/* rows: the browser's only window onto the profile model (private to tui/).
 *
 * A thin adapter: it runs the model's query (hist_new) for the current
 * struct report_opts and presents the answer as a forest for vstate:
 * histogram rows at the top (nested in hierarchy mode), call-graph nodes
 * (callgraph.h, built lazily by the model) below them.  Every number, name,
 * filter and order comes from the model; this file only joins cells into
 * lines and maps ids to tnodes. */
#ifndef PYTOP_TUI_ROWS_H
#define PYTOP_TUI_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"
#include "vstate.h"

/* The three orders the `o` key cycles through. */
enum rows_order { ROWS_ORDER_CHILDREN = 0, ROWS_ORDER_SELF, ROWS_ORDER_NAME, ROWS_ORDER_COUNT };

#define ROWS_ZOOM_MAX 8
#define ROWS_UNDO_MAX 16

/* What the user asked for: the model's options plus what the TUI needs to
 * undo (zoom levels) and to show (the typed filter text). */
struct rows_query {
	struct report_opts opts;
	enum children_mode children;      /* the user's choice, for the orders */
	enum rows_order order;
	char filter[128];                 /* literal text typed after '/' */
	size_t nzoom;
	struct report_filter saved[ROWS_ZOOM_MAX]; /* filter before each zoom */
	char zoom_label[ROWS_ZOOM_MAX][96];
	/* the narrowings in the order applied, for Esc: 'f' a filter (with the
	 * text it replaced), 'z' a zoom */
	char undo[ROWS_UNDO_MAX];
	char undo_text[ROWS_UNDO_MAX][128];
	size_t nundo;
};

/* Init q from the command line's options (copied). */
void rows_query_init(struct rows_query *q, const struct report_opts *o);
/* Set the order (and the opts fields it implies). */
void rows_query_set_order(struct rows_query *q, enum rows_order order);
/* Set the symbol filter to text, a regular expression as --symbol-filter
 * takes (filter.h's one rule); true when it changed.  A text that is not
 * a regular expression leaves the filter as it was, with the reason in err
 * (may be NULL). */
bool rows_query_set_filter(struct rows_query *q, const char *text, char *err, size_t errlen);
/* Free the owned filters of q. */
void rows_query_free(struct rows_query *q);
/* Undo the last zoom; false when not zoomed. */
bool rows_query_zoom_out(struct rows_query *q);
/* The filter text `before` was replaced by the one now set (the prompt's
 * Enter): remember it for Esc; a cleared filter forgets every filter step. */
void rows_query_filter_kept(struct rows_query *q, const char *before);
/* Undo the last narrowing, filter or zoom, in the order they were applied
 * (Esc); false when there is none. */
bool rows_query_undo(struct rows_query *q);

/* Line text as the screen shows it, without indentation or marker. */
struct rows_text {
	const char *text;      /* whole line (cells joined as in --stdio) */
	size_t fixed;          /* bytes of its numbers (Right scrolls the rest) */
	const char *symbol;    /* the symbol part, for search */
	enum frame_kind kind;  /* colour */
	bool entry;            /* a histogram row (false: call-graph node) */
};

struct rows;

/* The rows of profile p (not owned; must outlive the rows).  Free with
 * rows_free(). */
struct rows *rows_new(const struct profile *p);
void rows_free(struct rows *r);

/* Run the query q.  On a bad query returns false with a message in err
 * and keeps the previous rows. */
bool rows_apply(struct rows *r, const struct rows_query *q, char *err, size_t errlen);

/* Fit the columns to a screen `cols` wide: when the key columns (command,
 * DSO, ...) would leave the symbol less than 3/5 of the line, the widest
 * are narrowed and their long cells cut in the middle with `ellipsis`
 * (one display column; copied).  cols <= 0: no limit (as --stdio).
 * Returns true when the columns changed (redraw every line). */
bool rows_set_width(struct rows *r, int cols, const char *ellipsis);

/* The forest for vstate; ctx is the struct rows. */
extern const struct tree_ops rows_tree_ops;

/* Column header for the current columns ("Children      Self  Command ...");
 * *fixed (may be NULL) gets the bytes of its numeric titles. */
const char *rows_header(struct rows *r, size_t *fixed);
/* Text of node n; valid until the next rows_text() call. */
void rows_text(struct rows *r, tnode n, struct rows_text *out);
/* Top line facts: head "Samples: 1M of cpu-clock@999Hz", the command
 * line, and tail "Duration 3.20 s, lost: 0, truncated: 0"; and the
 * classification summary. */
struct rows_title {
	char head[128], cmd[256], tail[288];
	char duration[192]; /* "Duration 3.20 s" (hist_duration_line), also in tail */
	char metric[16];    /* "cpu", "off-cpu", "wall"; "" without off-CPU data */
};
void rows_title(struct rows *r, struct rows_title *out);
/* The second line: "CPU-bound Python: loops and calls in Python code
 * dominate | python 61.20%, native ..." (what the biggest class means,
 * then the split); raw program text. */
void rows_summary(struct rows *r, char *buf, size_t len);
/* The identity of node n's histogram entry that survives a new query (the
 * Python view included): its symbol (or last key cell), into buf. */
void rows_entry_key(struct rows *r, tnode n, char *buf, size_t len);
/* Index among the top-level lines of the entry whose key is `key` (from
 * rows_entry_key before a rebuild), or SIZE_MAX; flat mode only.  The
 * line at index `hint` (its old place) is tried first. */
size_t rows_find_entry(struct rows *r, const char *key, size_t hint);

/* The current query's answer (the flame view draws its kept stacks). */
const struct hist *rows_hist(struct rows *r);
/* Profile symbol of node n's line (entry or call-graph line), or
 * PROFILE_NONE for a line without one (hierarchy comm/dso levels). */
uint32_t rows_sym(struct rows *r, tnode n);
/* Index among the top-level lines of the entry for symbol sym (the first,
 * heaviest one), or SIZE_MAX; flat mode only. */
size_t rows_find_sym(struct rows *r, uint32_t sym);

/* Zoom q into node n's DSO (dso = true) or thread; false with a reason in
 * err when n has none. */
bool rows_zoom(struct rows *r, tnode n, bool dso, struct rows_query *q, char *err, size_t errlen);
/* Zoom q into the thread `tid` (the threads view's Enter); false with a
 * reason in err when q is zoomed in too deep. */
bool rows_zoom_tid(struct rows_query *q, uint32_t tid, char *err, size_t errlen);

#endif
