/* diff_view: the entries of a comparison of two profiles (pytop diff).
 * Every number and name comes from model/diff.c; this view lays the cells
 * out, colours the Delta and re-runs the comparison when the query changes
 * (sort keys, filter, Python view, percent limit). */
#include <curses.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pytop/base/esc.h"
#include "pytop/base/xalloc.h"
#include "pytop/model/diff.h"
#include "terminal.h"
#include "view.h"

struct diff_ctx {
	const struct profile *p[2];
	struct diff_opts dopts;
	char *paths[2];
	struct diff *d;
};

struct diff_view_state {
	char saved_filter[128]; /* restored when the filter prompt is cancelled */
	char keep[2048];        /* the cursor's entry across a rebuild */
	char hint[160];
};

struct diff_ctx *diff_ctx_new(const struct profile *before, const struct profile *after,
			      const struct diff_opts *dopts, const char *const paths[2])
{
	struct diff_ctx *c = xcalloc(1, sizeof(*c));
	c->p[0] = before;
	c->p[1] = after;
	if (dopts)
		c->dopts = *dopts;
	for (int i = 0; i < 2; i++)
		c->paths[i] = xstrdup(paths[i] ? paths[i] : "");
	return c;
}

void diff_ctx_free(struct diff_ctx *c)
{
	if (!c)
		return;
	diff_free(c->d);
	free(c->paths[0]);
	free(c->paths[1]);
	free(c);
}

/* ---- the tree: a flat list, entry i is node i + 1 ---- */

static size_t dt_nchildren(void *ctx, tnode parent)
{
	struct diff_ctx *c = ctx;
	return parent == TNODE_ROOT && c->d ? diff_nentries(c->d) : 0;
}

static tnode dt_child(void *ctx, tnode parent, size_t i)
{
	(void)ctx;
	(void)parent;
	return (tnode)i + 1;
}

static bool dt_expandable(void *ctx, tnode n)
{
	(void)ctx;
	(void)n;
	return false;
}

static const struct tree_ops diff_tree_ops = {
	.nchildren = dt_nchildren,
	.child = dt_child,
	.expandable = dt_expandable,
};

static void *diff_tree_ctx(struct view *v)
{
	return tui_diff(v->tui);
}

/* Re-run the comparison for the current query; false (previous diff kept)
 * with the reason on the bottom line. */
static bool recompute(struct view *v)
{
	struct diff_ctx *c = tui_diff(v->tui);
	char err[256];
	struct diff *d = diff_new(c->p[0], c->p[1], &tui_query(v->tui)->opts, &c->dopts, err,
				  sizeof(err));
	if (!d) {
		tui_message(v->tui, "%s", err);
		return false;
	}
	diff_free(c->d);
	c->d = d;
	return true;
}

static bool diff_open(struct view *v)
{
	return tui_diff(v->tui) && recompute(v);
}

/* ---- drawing ---- */

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

/* The cells of entry i (or the titles, i == SIZE_MAX) joined as --stdio
 * joins them; *delta_at / *delta_len: where the Delta cell sits. */
static void line_text(const struct diff *d, size_t i, char *out, size_t size, size_t *delta_at,
		      size_t *delta_len)
{
	enum diff_col cols[DCOL_COUNT];
	size_t n = diff_columns(d, cols);
	char cell[1024], esc[1024];

	out[0] = '\0';
	for (size_t k = 0; k < n; k++) {
		const char *text = i == SIZE_MAX ? diff_col_title(d, cols[k])
						 : diff_cell(d, i, cols[k], cell, sizeof(cell));
		int w = diff_col_width(d, cols[k]);
		bool num = cols[k] <= DCOL_RATIO;
		esc_text(esc, sizeof(esc), text, ESC_BIDI);
		if (k)
			appendf(out, size, "  ");
		if (cols[k] == DCOL_DELTA) {
			*delta_at = strlen(out);
			*delta_len = (size_t)w;
		}
		if (num)
			appendf(out, size, "%*s", w, esc);
		else if (k + 1 < n)
			appendf(out, size, "%-*s", w, esc);
		else
			appendf(out, size, "%s", esc);
	}
}

static int diff_draw_head(struct view *v, int cols)
{
	struct diff_ctx *c = tui_diff(v->tui);
	struct rows_query *q = tui_query(v->tui);
	const struct profile_info *b = profile_info(c->p[0]), *a = profile_info(c->p[1]);
	char line[2048], pb[512], pa[512];
	size_t at, len;
	int y = 0;
	const char *note;

	esc_text(pb, sizeof(pb), c->paths[0], ESC_BIDI);
	esc_text(pa, sizeof(pa), c->paths[1], ESC_BIDI);
	snprintf(line, sizeof(line), "Diff: %s %s %s, samples %llu %s %llu", pb,
		 term_glyphs()->arrow, pa, (unsigned long long)b->nsamples, term_glyphs()->arrow,
		 (unsigned long long)a->nsamples);
	if (q->filter[0])
		appendf(line, sizeof(line), ", filter: '%s'", q->filter);
	appendf(line, sizeof(line), ", view: %s", q->opts.python ? "python" : "all");
	if (q->opts.entry_limit > 0)
		appendf(line, sizeof(line), ", limit %.1f%%", q->opts.entry_limit);
	fill_line(y, 0, cols, term_attr(ROLE_TITLE));
	put_text(y++, 0, line, 0, cols, term_attr(ROLE_TITLE), true);

	diff_classes_line(c->d, line, sizeof(line));
	move(y, 0);
	clrtoeol();
	put_text(y++, 0, line, 0, cols, 0, true);
	for (size_t i = 0; (note = diff_note(c->d, i)) && i < 2; i++) {
		snprintf(line, sizeof(line), "note: %s", note);
		move(y, 0);
		clrtoeol();
		put_text(y++, 0, line, 0, cols, term_attr(ROLE_INTERP), true);
	}

	fill_line(y, 0, cols, term_attr(ROLE_HEADER));
	memcpy(line, "  ", 3);
	line_text(c->d, SIZE_MAX, line + 2, sizeof(line) - 2, &at, &len);
	put_text(y++, 0, line, v->vs.hscroll, cols, term_attr(ROLE_HEADER), true);
	return y;
}

static void diff_draw_line(struct view *v, const struct vline *line, int y, int cols)
{
	struct diff_ctx *c = tui_diff(v->tui);
	size_t i = (size_t)line->node - 1, at = 0, len = 0, hs = v->vs.hscroll;
	const struct diff_entry *e = diff_entry(c->d, i);
	char buf[4096];
	int attr = line->selected ? term_attr(ROLE_CURSOR) : 0;

	memcpy(buf, "  ", 3);
	line_text(c->d, i, buf + 2, sizeof(buf) - 2, &at, &len);
	at += 2;
	fill_line(y, 0, cols, attr);
	put_text(y, 0, buf, hs, cols, attr, true);
	/* the Delta in colour: red grew, blue shrank (bold / underlined
	 * without colour; the sign says it in any case) */
	if (!line->selected && e && (e->delta >= 0.005 || e->delta <= -0.005) && at + len > hs) {
		size_t skip = hs > at ? hs - at : 0;
		int x = (int)(at > hs ? at - hs : 0);
		char cell[64];
		snprintf(cell, sizeof(cell), "%.*s", (int)len, buf + at);
		if (x < cols)
			put_text(y, x, cell, skip, cols - x,
				 term_attr(e->delta > 0 ? ROLE_GROWTH : ROLE_SHRINK), false);
	}
}

static const char *diff_hint(struct view *v)
{
	struct diff_view_state *ds = v->priv;
	struct rows_query *q = tui_query(v->tui);
	snprintf(ds->hint, sizeof(ds->hint), "%s/ filter  s sort  P python  L limit  ? help  q quit",
		 q->filter[0] ? "n/N match  " : "");
	return ds->hint;
}

/* ---- prompts ---- */

static unsigned filter_changed(struct view *v, const char *text, bool final, bool cancel)
{
	struct diff_view_state *ds = v->priv;
	(void)final;
	return rows_query_set_filter(tui_query(v->tui), cancel ? ds->saved_filter : text, NULL, 0)
		       ? REBUILD : HANDLED;
}

/* The next entry (dir +1 / -1, wrapping) whose symbol (or last key) cell
 * contains the filter text, as the filter matches. */
static unsigned find(struct view *v, int dir)
{
	struct diff_ctx *c = tui_diff(v->tui);
	struct rows_query *q = tui_query(v->tui);
	size_t n = diff_nentries(c->d), cur = vstate_entry_index(&v->vs);
	char cell[1024];

	if (!q->filter[0]) {
		tui_message(v->tui, "no filter: press / to type one");
		return HANDLED;
	}
	if (!n) {
		tui_message(v->tui, "no entries");
		return HANDLED;
	}
	for (size_t step = 1; step <= n; step++) {
		size_t i = dir > 0 ? (cur + step) % n : (cur + n - step % n) % n;
		enum diff_col col = (enum diff_col)(DCOL_COMM + q->opts.keys[q->opts.nkeys - 1]);
		if (strstr(diff_cell(c->d, i, col, cell, sizeof(cell)), q->filter)) {
			struct vpath p = { .depth = 1 };
			p.idx[0] = i;
			p.node[0] = (tnode)i + 1;
			vstate_goto(&v->vs, &p);
			return HANDLED;
		}
	}
	tui_message(v->tui, "no entry matches '%s'", q->filter);
	return HANDLED;
}

static unsigned diff_request(struct view *v, enum request req)
{
	struct diff_view_state *ds = v->priv;
	struct rows_query *q = tui_query(v->tui);
	char label[160], keys[64] = "";

	switch (req) {
	case REQ_FILTER:
		snprintf(ds->saved_filter, sizeof(ds->saved_filter), "%s", q->filter);
		tui_prompt(v->tui, v, "filter: ", "", filter_changed);
		return HANDLED;
	case REQ_FIND_NEXT:
		return find(v, 1);
	case REQ_FIND_PREV:
		return find(v, -1);
	case REQ_SORT:
		for (size_t i = 0; i < q->opts.nkeys; i++)
			appendf(keys, sizeof(keys), "%s%s", i ? "," : "", sort_key_name(q->opts.keys[i]));
		snprintf(label, sizeof(label), "sort keys (comm,pid,tid,dso,sym) [%s]: ", keys);
		tui_prompt(v->tui, v, label, "", view_sort_changed);
		return HANDLED;
	case REQ_PYTHON:
		q->opts.python = !q->opts.python;
		return REBUILD;
	case REQ_PERCENT_LIMIT:
		snprintf(label, sizeof(label), "percent limit [%.1f]: ", q->opts.entry_limit);
		tui_prompt(v->tui, v, label, "", view_limit_changed);
		return HANDLED;
	case REQ_ORDER:
	case REQ_HIERARCHY:
	case REQ_INVERT:
	case REQ_ZOOM_DSO:
	case REQ_ZOOM_THREAD:
	case REQ_THREADS:
	case REQ_METRIC:
		tui_message(v->tui, "%s: not in the diff view (entries are sorted by |Delta|)",
			    request_name(req));
		return HANDLED;
	default:
		return 0;
	}
}

/* Recompute on a query change, keeping the cursor on the same entry. */
static void diff_rebuild(struct view *v, bool after)
{
	struct diff_view_state *ds = v->priv;
	struct diff_ctx *c = tui_diff(v->tui);
	size_t n;

	if (!after) {
		const struct diff_entry *e = vstate_empty(&v->vs) ? NULL
					     : diff_entry(c->d, vstate_entry_index(&v->vs));
		snprintf(ds->keep, sizeof(ds->keep), "%s", e ? e->key : "");
		recompute(v);
		return;
	}
	n = diff_nentries(c->d);
	for (size_t i = 0; ds->keep[0] && i < n; i++)
		if (!strcmp(diff_entry(c->d, i)->key, ds->keep)) {
			struct vpath p = { .depth = 1 };
			p.idx[0] = i;
			p.node[0] = (tnode)i + 1;
			vstate_goto(&v->vs, &p);
			break;
		}
}

const struct view_ops diff_view_ops = {
	.name = "diff",
	.state_size = sizeof(struct diff_view_state),
	.tree = &diff_tree_ops,
	.tree_ctx = diff_tree_ctx,
	.open = diff_open,
	.draw_head = diff_draw_head,
	.draw_line = diff_draw_line,
	.empty_text = "  no entries: / then Enter clears the filter, L 0 lifts the limit",
	.hint = diff_hint,
	.rebuild = diff_rebuild,
	.request = diff_request,
};
