/* threads_view: every thread of the profile (`T`), one line each: its
 * tid, command, times and share under the query's metric, and a bar as
 * long as its time (the longest thread fills the bar column) split by
 * class.  Each class has a letter (legend line), so the bar reads in
 * monochrome and under NO_COLOR; with colours the letters are drawn in the
 * class's colour as in the flame graph.  The numbers are the list's query
 * (hist_thread_times: its filters, zoom and view); Enter zooms the list
 * into the thread under the cursor. */
#include <curses.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pytop/base/xalloc.h"
#include "pytop/model/hist.h"
#include "driver.h"
#include "terminal.h"
#include "view.h"

#define COL_COMM 10   /* " %7u  " before the command */
#define COMM_WIDTH 15 /* a Linux comm is at most 15 bytes */
#define COL_FIGURES (COL_COMM + COMM_WIDTH + 1)
#define COL_BAR (COL_FIGURES + 4 * 8 + 1) /* Wall, On-CPU, Off-CPU, % */

struct threads_state {
	const struct hist *h;      /* the list's hist the lines were built from */
	uint32_t *order;           /* profile thread indexes, in line order */
	size_t n;
	uint64_t longest;          /* most metric time of a thread: a full bar */
	enum hist_thread_order by;
	uint32_t keep;             /* the cursor's thread across a rebuild */
	char hint[192];
};

/* ---- class letters ---- */

/* The bar letter of each class, from its name: the first letter not taken
 * by an earlier class of the same kind, lower case on CPU and upper case
 * off CPU (python p, native n, ...).  Computed once from THE class table,
 * so a new class gets a letter without an edit here. */
static char class_letter(enum profile_class c)
{
	static char letters[CLASS_COUNT];
	static bool done;
	if (!done) {
		for (int k = 0; k < CLASS_COUNT; k++) {
			const struct class_info *ci = profile_class_info((enum profile_class)k);
			bool off = ci->kind != SAMPLE_ON_CPU;
			char pick = '?';
			for (const char *s = ci->name; *s && pick == '?'; s++) {
				char l = (char)(off ? toupper((unsigned char)*s) : tolower((unsigned char)*s));
				bool taken = !isalpha((unsigned char)l);
				for (int j = 0; j < k && !taken; j++)
					taken = letters[j] == l;
				if (!taken)
					pick = l;
			}
			letters[k] = pick;
		}
		done = true;
	}
	return c < CLASS_COUNT ? letters[c] : '?';
}

static int class_attr(enum profile_class c)
{
	return term_attr(term_role_of_class(c)) | (term_color() ? (int)A_REVERSE : 0);
}

/* ---- the list ---- */

static size_t threads_nchildren(void *ctx, tnode p)
{
	struct view *v = ctx;
	struct threads_state *ts = v->priv;
	return p == TNODE_ROOT ? ts->n : 0;
}

static tnode threads_child(void *ctx, tnode p, size_t i)
{
	(void)ctx;
	(void)p;
	return (tnode)i + 1;
}

static const struct tree_ops threads_tree = {
	.nchildren = threads_nchildren,
	.child = threads_child,
};

static void *threads_ctx(struct view *v)
{
	return v;
}

/* Lines in order `by` from the list's current hist. */
static void build(struct view *v)
{
	struct threads_state *ts = v->priv;
	const struct hist *h = rows_hist(tui_rows(v->tui));

	ts->h = h;
	ts->n = h ? profile_nthreads(hist_profile(h)) : 0;
	free(ts->order);
	ts->order = xmalloc(ts->n ? ts->n : 1, sizeof(*ts->order));
	ts->longest = 0;
	if (!h)
		return;
	hist_thread_order(h, ts->by, ts->order);
	for (size_t i = 0; i < ts->n; i++) {
		uint64_t ns = hist_thread_metric_ns(h, ts->order[i]);
		if (ns > ts->longest)
			ts->longest = ns;
	}
}

/* Put the cursor on the line of thread `th`, if it has one. */
static void select_thread(struct view *v, uint32_t th)
{
	struct threads_state *ts = v->priv;
	for (size_t i = 0; i < ts->n; i++)
		if (ts->order[i] == th) {
			struct vpath p = { .depth = 1 };
			p.idx[0] = i;
			p.node[0] = (tnode)i + 1;
			vstate_goto(&v->vs, &p);
			return;
		}
}

static uint32_t cursor_thread(struct view *v)
{
	struct threads_state *ts = v->priv;
	size_t i = vstate_entry_index(&v->vs);
	return !vstate_empty(&v->vs) && i < ts->n ? ts->order[i] : PROFILE_NONE;
}

static bool threads_open(struct view *v)
{
	build(v);
	return true;
}

static void threads_done(struct view *v)
{
	struct threads_state *ts = v->priv;
	free(ts->order);
}

static void threads_rebuild(struct view *v, bool after)
{
	struct threads_state *ts = v->priv;
	if (!after) {
		ts->keep = cursor_thread(v);
		return;
	}
	build(v);
	if (ts->keep != PROFILE_NONE)
		select_thread(v, ts->keep);
}

/* ---- drawing ---- */

/* A time as at most 7 columns: "12.3s", "1.25s", "120.5ms", "35us", "0". */
static const char *time_text(uint64_t ns, char *buf, size_t len)
{
	double d = (double)ns;
	if (d >= 100e9)
		snprintf(buf, len, "%.0fs", d / 1e9);
	else if (d >= 10e9)
		snprintf(buf, len, "%.1fs", d / 1e9);
	else if (d >= 1e9)
		snprintf(buf, len, "%.2fs", d / 1e9);
	else if (d >= 1e6)
		snprintf(buf, len, "%.1fms", d / 1e6);
	else if (d >= 1e3)
		snprintf(buf, len, "%.0fus", d / 1e3);
	else if (ns)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else
		snprintf(buf, len, "0");
	return buf;
}

/* "bar: p python  n native ..." for the classes of the metric that have
 * time in some thread. */
static void draw_legend(struct threads_state *ts, int y, int cols)
{
	const struct hist_wall *w = hist_wall(ts->h);
	int x;
	move(y, 0);
	clrtoeol();
	x = put_text(y, 0, "bar:", 0, cols, 0, false);
	for (unsigned c = 0; c < CLASS_COUNT && x < cols; c++) {
		char l[2] = { class_letter((enum profile_class)c), '\0' };
		if (!w->class_ns[c] || !hist_metric_has_class(ts->h, (enum profile_class)c))
			continue;
		x += put_text(y, x, x > 4 ? "  " : " ", 0, cols - x, 0, false);
		x += put_text(y, x, l, 0, cols - x, class_attr((enum profile_class)c), false);
		x += put_text(y, x, " ", 0, cols - x, 0, false);
		x += put_text(y, x, profile_class_name((enum profile_class)c), 0, cols - x, 0, false);
	}
}

static int threads_draw_head(struct view *v, int cols)
{
	struct threads_state *ts = v->priv;
	struct rows_query *q = tui_query(v->tui);
	struct rows_title rt = { 0 };
	char title[1280], scope[512];

	int y = 1;

	rows_title(tui_rows(v->tui), &rt);
	view_query_scope(q, scope, sizeof(scope));
	snprintf(title, sizeof(title), "Threads: %zu, by %s%s%s%s, view: %s, %s, cmd: %s", ts->n,
		 hist_thread_order_name(ts->by), rt.metric[0] ? ", metric: " : "", rt.metric, scope,
		 q->opts.python ? "python" : "all", rt.duration, rt.cmd);
	fill_line(0, 0, cols, term_attr(ROLE_TITLE));
	put_text(0, 0, title, 0, cols, term_attr(ROLE_TITLE), true);
	/* with off-CPU data, the wall split under the title */
	if (ts->h && *hist_wall_line(ts->h, title, sizeof(title))) {
		move(y, 0);
		clrtoeol();
		put_text(y++, 0, title, 0, cols, 0, true);
	}
	if (ts->h)
		draw_legend(ts, y, cols);
	y++;
	fill_line(y, 0, cols, term_attr(ROLE_HEADER));
	snprintf(title, sizeof(title), "%8s  %-*s %7s %7s %7s %7s  %s", "Tid", COMM_WIDTH, "Command",
		 "Wall", "On-CPU", "Off-CPU", "%", "Time by class");
	put_text(y, 0, title, 0, cols, term_attr(ROLE_HEADER), true);
	return y + 1;
}

/* The bar of thread tt from column x to cols: each class of the metric
 * as many cells as its share of the longest thread's time. */
static void draw_bar(struct threads_state *ts, const struct hist_thread_time *tt, int y, int x,
		     int cols)
{
	int width = cols - x, at = 0;
	uint64_t cum = 0;
	if (width <= 0 || !ts->longest)
		return;
	for (unsigned c = 0; c < CLASS_COUNT; c++) {
		char cells[256];
		int end, n;
		if (!tt->class_ns[c] || !hist_metric_has_class(ts->h, (enum profile_class)c))
			continue;
		cum += tt->class_ns[c];
		end = (int)(((double)cum * width) / (double)ts->longest + 0.5);
		n = end - at;
		if (n <= 0)
			continue;
		if (n > (int)sizeof(cells) - 1)
			n = (int)sizeof(cells) - 1;
		memset(cells, class_letter((enum profile_class)c), (size_t)n);
		cells[n] = '\0';
		at += put_text(y, x + at, cells, 0, width - at, class_attr((enum profile_class)c), false);
	}
}

static void threads_draw_line(struct view *v, const struct vline *line, int y, int cols)
{
	struct threads_state *ts = v->priv;
	const struct profile *p = hist_profile(ts->h);
	uint32_t th = ts->order[(size_t)line->node - 1];
	const struct hist_thread_time *tt = &hist_thread_times(ts->h)[th];
	bool off = hist_wall(ts->h)->has_off_cpu;
	char buf[256], wall[32], cpu[32], offc[32];
	int attr = line->selected ? term_attr(ROLE_CURSOR) : 0;

	fill_line(y, 0, cols, attr);
	snprintf(buf, sizeof(buf), " %7u", profile_thread_tid(p, th));
	put_text(y, 0, buf, 0, cols, attr, false);
	if (cols > COL_COMM)
		put_text(y, COL_COMM, profile_thread_comm(p, th), 0,
			 cols - COL_COMM < COMM_WIDTH ? cols - COL_COMM : COMM_WIDTH, attr, true);
	snprintf(buf, sizeof(buf), "%7s %7s %7s %6.2f%%",
		 off ? time_text(tt->wall_ns, wall, sizeof(wall)) : "-",
		 time_text(tt->cpu_ns, cpu, sizeof(cpu)),
		 off ? time_text(tt->off_cpu_ns, offc, sizeof(offc)) : "-",
		 hist_percent(ts->h, hist_thread_metric_ns(ts->h, th)));
	if (cols > COL_FIGURES)
		put_text(y, COL_FIGURES, buf, 0, cols - COL_FIGURES, attr, true);
	draw_bar(ts, tt, y, COL_BAR, cols);
}

static const char *threads_hint(struct view *v)
{
	struct threads_state *ts = v->priv;
	snprintf(ts->hint, sizeof(ts->hint), "Enter zoom into thread  s order (%s)  %s? help  q list",
		 hist_thread_order_name(ts->by),
		 ts->h && hist_wall(ts->h)->has_off_cpu ? "w metric  " : "");
	return ts->hint;
}

/* ---- requests ---- */

static unsigned zoom_thread(struct view *v)
{
	struct tui *t = v->tui;
	struct threads_state *ts = v->priv;
	uint32_t th = cursor_thread(v);
	char err[160];

	if (th == PROFILE_NONE)
		return HANDLED;
	if (!rows_zoom_tid(tui_query(t), profile_thread_tid(hist_profile(ts->h), th), err,
			   sizeof(err))) {
		tui_message(t, "%s", err);
		return HANDLED;
	}
	/* close onto the list, which runs the zoomed query */
	if (t->nviews >= 2)
		t->rebuild_view = t->views[t->nviews - 2];
	return QUIT;
}

static unsigned threads_request(struct view *v, enum request req)
{
	struct threads_state *ts = v->priv;
	uint32_t th;

	switch (req) {
	case REQ_THREADS_SORT:
		th = cursor_thread(v);
		ts->by = (enum hist_thread_order)((ts->by + 1) % HIST_THREADS_ORDER_COUNT);
		build(v);
		if (th != PROFILE_NONE)
			select_thread(v, th);
		return REDRAW;
	case REQ_THREADS_ZOOM:
		return zoom_thread(v);
	case REQ_THREADS_CLOSE:
		return QUIT;
	case REQ_HELP:
	case REQ_REDRAW:
	case REQ_QUIT:
	case REQ_METRIC:
	case REQ_MOVE_UP:
	case REQ_MOVE_DOWN:
	case REQ_PAGE_UP:
	case REQ_PAGE_DOWN:
	case REQ_MOVE_FIRST:
	case REQ_MOVE_LAST:
	case REQ_MOUSE_UP:
	case REQ_MOUSE_DOWN:
		return 0; /* the generic driver */
	default:
		tui_message(v->tui, "%s: not in the threads view (q returns to the list)",
			    request_name(req));
		return HANDLED;
	}
}

const struct view_ops threads_view_ops = {
	.name = "threads",
	.state_size = sizeof(struct threads_state),
	.tree = &threads_tree,
	.tree_ctx = threads_ctx,
	.open = threads_open,
	.draw_head = threads_draw_head,
	.draw_line = threads_draw_line,
	.empty_text = "  no threads in this profile",
	.hint = threads_hint,
	.rebuild = threads_rebuild,
	.map_key = request_of_threads_key,
	.request = threads_request,
	.done = threads_done,
};
