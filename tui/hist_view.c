/* hist_view: the histogram entries with their call graphs. */
#include <curses.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pytop/model/filter.h"
#include "pytop/model/hist.h"
#include "terminal.h"
#include "view.h"

struct hist_state {
	char saved_filter[128]; /* restored when the filter prompt is cancelled */
	char keep[512];         /* the cursor's entry across a rebuild */
	size_t keep_at;         /* and its index before the rebuild */
	char hint[160];
};

static const char *const order_names[ROWS_ORDER_COUNT] = { "children", "self", "name" };

static void *hist_ctx(struct view *v)
{
	return tui_rows(v->tui);
}

__attribute__((format(printf, 3, 4)))
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

void view_query_scope(const struct rows_query *q, char *buf, size_t len)
{
	buf[0] = '\0';
	if (q->filter[0])
		appendf(buf, len, ", filter: '%s'", q->filter);
	for (size_t i = 0; i < q->nzoom; i++)
		appendf(buf, len, "%s%s%s%s", i ? " " : ", zoom: ", i ? term_glyphs()->arrow : "",
			i ? " " : "", q->zoom_label[i]);
}

/* Text at row y with its first `fixed` bytes (numbers) kept in place and
 * the rest scrolled by hscroll (Right moves names, not percentages). */
static void put_scrolled(int y, const char *text, size_t fixed, size_t hscroll, int cols, int attr)
{
	char head[256];
	int used;
	if (!hscroll || fixed >= sizeof(head) || (int)fixed >= cols) {
		put_text(y, 0, text, hscroll, cols, attr, true);
		return;
	}
	while (text[fixed] == ' ' && fixed + 1 < sizeof(head))
		fixed++; /* and the gap after them */
	memcpy(head, text, fixed);
	head[fixed] = '\0';
	used = put_text(y, 0, head, 0, cols, attr, false);
	put_text(y, used, text + fixed, hscroll, cols - used, attr, true);
}

static int hist_draw_head(struct view *v, int cols)
{
	struct rows_query *q = tui_query(v->tui);
	struct rows *r = tui_rows(v->tui);
	char title[1280], extra[512];
	struct rows_title rt = { 0 };
	size_t fixed;
	int y;

	if (rows_set_width(r, cols, term_glyphs()->ellipsis))
		v->dirty = true;
	rows_title(r, &rt);
	view_query_scope(q, extra, sizeof(extra));
	appendf(extra, sizeof(extra), ", view: %s%s%s%s", q->opts.python ? "python" : "all",
		q->opts.lines ? " lines" : "", q->opts.inverted ? " callers" : "",
		q->opts.hierarchy ? " hierarchy" : "");
	if (rt.metric[0])
		appendf(extra, sizeof(extra), ", metric: %s", rt.metric);
	if (q->order != ROWS_ORDER_CHILDREN)
		appendf(extra, sizeof(extra), ", by %s", order_names[q->order]);
	if (q->opts.entry_limit > 0)
		appendf(extra, sizeof(extra), ", limit %.1f%%", q->opts.entry_limit);
	/* The command line comes last: it is the part to cut on narrow screens. */
	snprintf(title, sizeof(title), "%s%s, %s, cmd: %s", rt.head, extra, rt.tail, rt.cmd);
	fill_line(0, 0, cols, term_attr(ROLE_TITLE));
	put_text(0, 0, title, 0, cols, term_attr(ROLE_TITLE), true);

	/* with off-CPU data, the wall split under the title */
	y = 1;
	if (rows_hist(r) && *hist_wall_line(rows_hist(r), title, sizeof(title))) {
		move(y, 0);
		clrtoeol();
		put_text(y++, 0, title, 0, cols, 0, true);
	}
	rows_summary(r, title, sizeof(title));
	move(y, 0);
	clrtoeol();
	put_text(y++, 0, title, 0, cols, 0, true);

	fill_line(y, 0, cols, term_attr(ROLE_HEADER));
	snprintf(title, sizeof(title), "  %s", rows_header(r, &fixed));
	put_scrolled(y, title, 2 + fixed, v->vs.hscroll, cols, term_attr(ROLE_HEADER));
	return y + 1;
}

static void hist_draw_line(struct view *v, const struct vline *line, int y, int cols)
{
	struct rows *r = tui_rows(v->tui);
	struct rows_text rt;
	char buf[1024];
	size_t indent = line->depth ? 2 + 3 * line->depth : 0;
	char marker = ' ';
	int attr;

	if (vstate_expanded(&v->vs, line->node))
		marker = rows_tree_ops.nchildren(r, line->node) ? '-' : ' ';
	else if (vstate_expandable(&v->vs, line->node))
		marker = '+';
	rows_text(r, line->node, &rt);
	if (indent > 200)
		indent = 200;
	snprintf(buf, sizeof(buf), "%*s%c %s", (int)indent, "", marker, rt.text);
	attr = line->selected ? term_attr(ROLE_CURSOR) : term_attr(term_role_of_kind(rt.kind));
	fill_line(y, 0, cols, line->selected ? attr : 0);
	put_scrolled(y, buf, indent + 2 + rt.fixed, v->vs.hscroll, cols, attr);
}

static const char *hist_hint(struct view *v)
{
	struct hist_state *hs = v->priv;
	struct rows_query *q = tui_query(v->tui);
	tnode n = vstate_cursor(&v->vs);
	const char *toggle = !vstate_expandable(&v->vs, n) ? "" :
			     vstate_expanded(&v->vs, n) ? "Enter collapse  " : "Enter expand  ";

	const struct hist *h = rows_hist(tui_rows(v->tui));

	snprintf(hs->hint, sizeof(hs->hint), "%s%s%s%s/ filter  s sort  o order  P python  i %s  "
		 "d/t zoom  f flame  ? help  q quit",
		 toggle, q->nundo ? "Esc undo  " : "", q->filter[0] ? "n/N match  " : "",
		 h && hist_wall(h)->has_off_cpu ? "w metric  " : "",
		 q->opts.inverted ? "callees" : "callers");
	return hs->hint;
}

/* ---- prompts ---- */

static unsigned filter_changed(struct view *v, const char *text, bool final, bool cancel)
{
	struct hist_state *hs = v->priv;
	struct rows_query *q = tui_query(v->tui);
	char err[256];
	unsigned res = rows_query_set_filter(q, cancel ? hs->saved_filter : text, err, sizeof(err))
			       ? REBUILD : HANDLED;
	if (err[0]) /* "(" while typing "(a|b)": the last good filter stays */
		tui_message(v->tui, "filter: %s", err);
	if (final)
		rows_query_filter_kept(q, hs->saved_filter); /* Esc undoes it */
	return res;
}

unsigned view_sort_changed(struct view *v, const char *text, bool final, bool cancel)
{
	char err[160];
	if (!final || cancel || !text[0])
		return HANDLED;
	if (report_opts_set_sort(&tui_query(v->tui)->opts, text, err, sizeof(err)) < 0) {
		tui_message(v->tui, "sort: %s", err);
		return HANDLED;
	}
	return REBUILD;
}

unsigned view_limit_changed(struct view *v, const char *text, bool final, bool cancel)
{
	struct rows_query *q = tui_query(v->tui);
	char *end;
	double d;
	if (!final || cancel || !text[0])
		return HANDLED;
	d = strtod(text, &end);
	if (end == text || *end || d < 0 || d > 100) {
		tui_message(v->tui, "percent limit: '%s' is not a number from 0 to 100", text);
		return HANDLED;
	}
	q->opts.entry_limit = d;
	q->opts.percent_limit = d;
	return REBUILD;
}

/* ---- search ---- */

/* The model's rule (filter.h): the line's symbol matches the regex; a
 * line without one (a hierarchy level) by its text. */
static bool line_matches(struct view *v, tnode n, const regex_t *re)
{
	struct rows *r = tui_rows(v->tui);
	uint32_t sym = rows_sym(r, n);
	struct rows_text rt;
	if (sym != PROFILE_NONE)
		return report_symbol_matches(hist_profile(rows_hist(r)), sym, re);
	rows_text(r, n, &rt);
	return !regexec(re, rt.symbol, 0, NULL, 0);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#define SEARCH_BUDGET_MS 100.0 /* walking expanded graphs builds them: bound it */

static unsigned find(struct view *v, bool forward)
{
	struct rows_query *q = tui_query(v->tui);
	struct vpath p = v->vs.cursor;
	double t0 = now_ms();
	regex_t re;

	if (!q->filter[0]) {
		tui_message(v->tui, "no filter: press / to type one");
		return HANDLED;
	}
	if (regcomp(&re, q->filter, REG_EXTENDED | REG_NOSUB)) /* kept filters compile */
		return HANDLED;
	for (size_t i = 1;; i++) {
		if (!(forward ? vpath_next(&v->vs, &p) : vpath_prev(&v->vs, &p)))
			break;
		if (line_matches(v, p.node[p.depth - 1], &re)) {
			vstate_goto(&v->vs, &p);
			regfree(&re);
			return HANDLED;
		}
		if (i % 64 == 0 && now_ms() - t0 > SEARCH_BUDGET_MS) {
			/* continue from here on the next n / N */
			vstate_goto(&v->vs, &p);
			tui_message(v->tui, "no match in %zu lines; %s searches on", i,
				    forward ? "n" : "N");
			regfree(&re);
			return HANDLED;
		}
	}
	regfree(&re);
	tui_message(v->tui, "no %s line matches '%s'", forward ? "later" : "earlier", q->filter);
	return HANDLED;
}

/* ---- zoom ---- */

static unsigned zoom_in(struct view *v, bool dso)
{
	char err[160];
	if (vstate_empty(&v->vs))
		return HANDLED;
	if (!rows_zoom(tui_rows(v->tui), vstate_cursor(&v->vs), dso, tui_query(v->tui), err,
		       sizeof(err))) {
		tui_message(v->tui, "%s", err);
		return HANDLED;
	}
	return REBUILD;
}

static unsigned hist_request(struct view *v, enum request req)
{
	struct hist_state *hs = v->priv;
	struct rows_query *q = tui_query(v->tui);
	char label[160], keys[64] = "";

	switch (req) {
	case REQ_FILTER:
		snprintf(hs->saved_filter, sizeof(hs->saved_filter), "%s", q->filter);
		tui_prompt(v->tui, v, "filter: ", "", filter_changed);
		return HANDLED;
	case REQ_FIND_NEXT:
		return find(v, true);
	case REQ_FIND_PREV:
		return find(v, false);
	case REQ_SORT:
		for (size_t i = 0; i < q->opts.nkeys; i++)
			appendf(keys, sizeof(keys), "%s%s", i ? "," : "", sort_key_name(q->opts.keys[i]));
		snprintf(label, sizeof(label), "sort keys (comm,pid,tid,dso,sym) [%s]: ", keys);
		tui_prompt(v->tui, v, label, "", view_sort_changed);
		return HANDLED;
	case REQ_ORDER:
		rows_query_set_order(q, (enum rows_order)((q->order + 1) % ROWS_ORDER_COUNT));
		return REBUILD;
	case REQ_PYTHON:
		q->opts.python = !q->opts.python;
		return REBUILD;
	case REQ_LINES:
		q->opts.lines = !q->opts.lines;
		return REBUILD;
	case REQ_INVERT:
		q->opts.inverted = !q->opts.inverted;
		return REBUILD;
	case REQ_HIERARCHY:
		q->opts.hierarchy = !q->opts.hierarchy;
		return REBUILD;
	case REQ_ZOOM_DSO:
		return zoom_in(v, true);
	case REQ_ZOOM_THREAD:
		return zoom_in(v, false);
	case REQ_SCROLL_LEFT:
		/* Left at column 0 zooms out */
		if (v->vs.hscroll > 0 || !q->nzoom)
			return 0;
		return rows_query_zoom_out(q) ? REBUILD : 0;
	case REQ_ZOOM_OUT:
		/* the last filter or zoom; with none the driver asks to quit */
		return rows_query_undo(q) ? REBUILD : 0;
	case REQ_FLAME:
		tui_push_view(v->tui, &flame_view_ops);
		return HANDLED;
	case REQ_THREADS:
		tui_push_view(v->tui, &threads_view_ops);
		return HANDLED;
	case REQ_PERCENT_LIMIT:
		snprintf(label, sizeof(label), "percent limit [%.1f]: ", q->opts.entry_limit);
		tui_prompt(v->tui, v, label, "", view_limit_changed);
		return HANDLED;
	default:
		return 0;
	}
}

void hist_view_select_sym(struct view *v, uint32_t sym)
{
	struct rows *r = tui_rows(v->tui);
	size_t i = rows_find_sym(r, sym);
	struct vpath p;

	if (i == SIZE_MAX || i >= rows_tree_ops.nchildren(r, TNODE_ROOT))
		return;
	p.depth = 1;
	p.idx[0] = i;
	p.node[0] = rows_tree_ops.child(r, TNODE_ROOT, i);
	vstate_goto(&v->vs, &p);
	v->dirty = true;
}

/* Keep the cursor on the same entry when the query changes (sort, view,
 * caller/callee, filter), if the entry is still there. */
static void hist_rebuild(struct view *v, bool after)
{
	struct hist_state *hs = v->priv;
	struct vpath p;
	size_t i;

	if (!after) {
		hs->keep[0] = '\0';
		if (!vstate_empty(&v->vs) && v->vs.cursor.idx[0] > 0) {
			rows_entry_key(tui_rows(v->tui), v->vs.cursor.node[0], hs->keep,
				       sizeof(hs->keep));
			hs->keep_at = v->vs.cursor.idx[0];
		}
		return;
	}
	i = rows_find_entry(tui_rows(v->tui), hs->keep, hs->keep_at);
	if (i == SIZE_MAX || i >= rows_tree_ops.nchildren(tui_rows(v->tui), TNODE_ROOT))
		return;
	p.depth = 1;
	p.idx[0] = i;
	p.node[0] = rows_tree_ops.child(tui_rows(v->tui), TNODE_ROOT, i);
	vstate_goto(&v->vs, &p);
}

const struct view_ops hist_view_ops = {
	.name = "histogram",
	.state_size = sizeof(struct hist_state),
	.tree = &rows_tree_ops,
	.tree_ctx = hist_ctx,
	.draw_head = hist_draw_head,
	.draw_line = hist_draw_line,
	.empty_text = "  no entries: Esc undoes the last filter or zoom, / then Enter clears the filter, "
		      "L 0 lifts the limit",
	.hint = hist_hint,
	.rebuild = hist_rebuild,
	.request = hist_request,
};
