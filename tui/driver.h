/* driver: the browser's shared state and main steps, for the main loop
 * (browse.c) and the bench hook (replay.c).  Private to tui/. */
#ifndef PYTOP_TUI_DRIVER_H
#define PYTOP_TUI_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"
#include "pytop/tui/tui.h"
#include "rows.h"
#include "view.h"

#define MIN_COLS 40
#define MIN_LINES 10
#define MAX_VIEWS 4

struct diff_ctx;

struct tui {
	struct rows *rows;         /* NULL in the diff browser */
	struct diff_ctx *diff;     /* the diff browser's comparison (diff_view.c), or NULL */
	const struct view_ops *first_view; /* hist_view_ops unless set */
	struct rows_query query;
	struct view *views[MAX_VIEWS];
	int nviews;
	int cols, lines;
	bool quit, too_small;
	bool quit_asked;           /* Esc at the top level asked; Esc again quits */
	struct view *rebuild_view; /* the query changed: rebuild before drawing */
	char message[256];
	struct {
		bool active;
		char label[64];
		char buf[128];
		size_t len;
		struct view *view;
		prompt_fn fn;
	} prompt;
};

/* Rows and query for profile p with the options o (copied); with p NULL
 * only the query (the diff browser sets t->diff and t->first_view). */
void tui_init(struct tui *t, const struct profile *p, const struct report_opts *o);
/* Run the first query and open the histogram view on the open terminal;
 * false with a message in err. */
bool tui_start(struct tui *t, char *err, size_t errlen);
void tui_fini(struct tui *t);
/* Repaint what changed (after a pending rebuild). */
void tui_draw(struct tui *t);
/* Handle one key; returns the request it became, REQ_COUNT for prompt
 * input, REQ_NONE for none. */
enum request tui_handle_key(struct tui *t, int key);

#endif
