/* view: views as data.  Private to tui/.
 *
 * Each kind of view (histogram, help) is one struct view_ops filled with
 * designated initializers.  A view owns a vstate over the tree its ops
 * name and private state of ops->state_size bytes.  Request handlers return
 * flags and never paint: the driver repaints from state. */
#ifndef PYTOP_TUI_VIEW_H
#define PYTOP_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"
#include "rows.h"
#include "vstate.h"

/* Handler results. */
enum {
	HANDLED = 1u << 0, /* the request was consumed (repaint what changed) */
	REDRAW = 1u << 1,  /* every line may have changed */
	REBUILD = 1u << 2, /* the query changed: rebuild rows, reset the view */
	QUIT = 1u << 3,    /* close this view (the last one closes the browser) */
};

struct tui;
struct view;

/* A line the driver caches to repaint only what changed. */
struct line_cache {
	tnode node;
	size_t depth;
	bool selected, valid;
};

struct view_ops {
	const char *name;
	size_t state_size;               /* bytes of view->priv, zeroed */
	const struct tree_ops *tree;     /* what vstate walks; ctx = view_ctx() */
	void *(*tree_ctx)(struct view *v);
	bool (*open)(struct view *v);    /* false: the view cannot open */
	/* Fixed lines above the list; returns how many it drew at row 0.. */
	int (*draw_head)(struct view *v, int cols);
	void (*draw_line)(struct view *v, const struct vline *line, int y, int cols);
	/* What the list says when it has no lines. */
	const char *empty_text;
	/* Keys for the bottom line, most useful first. */
	const char *(*hint)(struct view *v);
	/* Optional: around a rebuild of the rows (after = false before it),
	 * e.g. to keep the cursor on the same entry. */
	void (*rebuild)(struct view *v, bool after);
	/* Optional: the view draws its whole screen but the bottom line (lines
	 * rows) instead of draw_head + draw_line, e.g. the flame graph. */
	void (*draw)(struct view *v, int cols, int lines);
	/* Optional: the view's own key map (default request_of_key). */
	enum request (*map_key)(int key);
	/* View-specific requests; returns 0 to let the generic driver try. */
	unsigned (*request)(struct view *v, enum request req);
	void (*done)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	struct tui *tui;
	struct vstate vs;
	int head_lines;               /* from the last draw_head */
	struct line_cache *cache;     /* one per list line on screen */
	size_t ncache;
	bool dirty;                   /* repaint every line */
	void *priv;
};

/* A text prompt on the bottom line.  changed() runs on each edit (final =
 * false), on Enter (final = true) and on Esc (cancel = true); it returns
 * handler flags. */
typedef unsigned (*prompt_fn)(struct view *v, const char *text, bool final, bool cancel);
void tui_prompt(struct tui *t, struct view *v, const char *label, const char *initial, prompt_fn fn);
/* A message on the bottom line until the next key. */
void tui_message(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Open a view on top of the current one. */
void tui_push_view(struct tui *t, const struct view_ops *ops);

/* Shared drawing helpers (draw.c).  put_text prints s from display column
 * `skip` on, at most `width` columns, and returns the columns used; when
 * the text is cut on the right and `mark` is set, the last column shows an
 * ellipsis.  s is shown escaped (esc.h, ESC_BIDI): the only way text
 * reaches the screen. */
int put_text(int y, int x, const char *s, size_t skip, int width, int attr, bool mark);
void fill_line(int y, int x, int cols, int attr);

/* The shared state the views see. */
struct rows *tui_rows(struct tui *t);
struct rows_query *tui_query(struct tui *t);

extern const struct view_ops hist_view_ops;
extern const struct view_ops help_view_ops;
extern const struct view_ops diff_view_ops;

/* The diff browser's state (diff_view.c): both profiles (not owned), the
 * diff options and file names, and the current comparison. */
struct diff_ctx;
struct diff_opts;
struct profile;
struct diff_ctx *diff_ctx_new(const struct profile *before, const struct profile *after,
			      const struct diff_opts *dopts, const char *const paths[2]);
void diff_ctx_free(struct diff_ctx *c);
/* The diff browser's state, or NULL in the report browser. */
struct diff_ctx *tui_diff(struct tui *t);
extern const struct view_ops flame_view_ops;

/* The query's scope for a title line: ", filter: 'text', zoom: thread 101
 * -> dso libc.so.6" ("" without filter and zoom), into buf. */
void view_query_scope(const struct rows_query *q, char *buf, size_t len);
/* The prompts of 's' (sort keys) and 'L' (percent limit) of the list and
 * diff views: prompt_fn callbacks that set the query's keys or limit. */
unsigned view_sort_changed(struct view *v, const char *text, bool final, bool cancel);
unsigned view_limit_changed(struct view *v, const char *text, bool final, bool cancel);

extern const struct view_ops threads_view_ops;

/* Put the histogram view's cursor on the entry of symbol sym, if it has
 * one (flat mode); the flame graph closes onto its selected function. */
void hist_view_select_sym(struct view *v, uint32_t sym);

#endif
