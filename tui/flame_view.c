/* flame_view: the flame graph of the current query (`f`).
 *
 * The model's flame tree and layout (flame.h) of the list's hist, drawn
 * one row per depth with the root on top (as flamelens does): each frame a
 * block as wide as its share, a vertical bar at its left edge (so blocks
 * stay apart in monochrome and under NO_COLOR), its name inside when it
 * fits.  Frames narrower than one cell are merged per parent into one '+'
 * block.  The view keeps a zoom stack of frames and one selected frame;
 * the layout is computed again only when the zoom, the width or the query
 * changes, so moving costs a look-up in the layout. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pytop/base/esc.h"
#include "pytop/model/flame.h"
#include "driver.h"
#include "terminal.h"
#include "view.h"

#define ZOOM_MAX 64
#define HEAD_LINES 3 /* title, legend, zoom path */

struct flame_state {
	struct flame *f;
	const struct hist *h;      /* the hist f was built from */
	uint32_t zoom[ZOOM_MAX];   /* zoom stack; the root (0) below it */
	size_t nzoom;
	uint32_t sel;              /* selected flame node */
	struct flame_layout l;
	int laid_cols;             /* width of l; 0 = lay out again */
	uint32_t laid_zoom;
	size_t top_row;            /* first depth row on screen */
	char search[128], saved[128];
	uint64_t match_weight;
	uint32_t keep_sym;         /* the selection's function across a rebuild */
	uint32_t want_sym;         /* select its widest drawn frame at the next draw */
	char hint[256];
};

static uint32_t zoom_root(const struct flame_state *fs)
{
	return fs->nzoom ? fs->zoom[fs->nzoom - 1] : 0;
}

static void *flame_ctx(struct view *v)
{
	return v;
}

static size_t no_children(void *ctx, tnode n)
{
	(void)ctx;
	(void)n;
	return 0;
}

static tnode no_child(void *ctx, tnode n, size_t i)
{
	(void)ctx;
	(void)n;
	(void)i;
	return TNODE_ROOT;
}

static const struct tree_ops flame_tree = { .nchildren = no_children, .child = no_child };

/* ---- layout and selection ---- */

static void lay_out(struct flame_state *fs, int cols)
{
	if (fs->laid_cols == cols && fs->laid_zoom == zoom_root(fs))
		return;
	flame_layout(fs->f, zoom_root(fs), 1.0 / (double)(cols > 0 ? cols : 1), UINT32_MAX,
		     &fs->l);
	fs->laid_cols = cols;
	fs->laid_zoom = zoom_root(fs);
}

/* Index of node n's block in the layout, or SIZE_MAX. */
static size_t block_of(const struct flame_state *fs, uint32_t n)
{
	const struct flame_node *nd = flame_node(fs->f, n);
	uint32_t zd = flame_node(fs->f, zoom_root(fs))->depth, d;
	if (nd->depth < zd)
		return SIZE_MAX;
	d = nd->depth - zd;
	if (d >= fs->l.nrows)
		return SIZE_MAX;
	for (size_t i = fs->l.row_start[d]; i < fs->l.row_start[d + 1]; i++)
		if (fs->l.blocks[i].node == n)
			return i;
	return SIZE_MAX;
}

/* Keep the selection on a drawn block: the nearest drawn ancestor. */
static void fix_selection(struct flame_state *fs)
{
	uint32_t n = fs->sel;
	while (n != FLAME_NONE && block_of(fs, n) == SIZE_MAX)
		n = flame_node(fs->f, n)->parent;
	fs->sel = n != FLAME_NONE ? n : zoom_root(fs);
	if (block_of(fs, fs->sel) == SIZE_MAX)
		fs->sel = zoom_root(fs);
}

static size_t body_rows(int lines)
{
	int n = lines - HEAD_LINES - 1; /* the status line */
	return n > 0 ? (size_t)n : 1;
}

static void scroll_to_selection(struct flame_state *fs, int lines)
{
	size_t d = flame_node(fs->f, fs->sel)->depth - flame_node(fs->f, zoom_root(fs))->depth;
	size_t rows = body_rows(lines);
	if (d < fs->top_row)
		fs->top_row = d;
	else if (d >= fs->top_row + rows)
		fs->top_row = d - rows + 1;
}

static void select_wanted(struct flame_state *fs);

/* ---- drawing ---- */

static int block_attr(struct flame_state *fs, const struct flame_block *b, bool selected)
{
	if (selected)
		return term_color() ? term_attr(ROLE_CURSOR) | (int)A_BOLD : (int)(A_BOLD | A_UNDERLINE);
	if (b->node != FLAME_NONE && flame_matches(fs->f, b->node))
		return term_color() ? term_attr(ROLE_MATCH) | (int)A_BOLD
				    : (int)(A_REVERSE | A_UNDERLINE | A_BOLD);
	if (b->node == FLAME_NONE)
		return term_color() ? term_attr(ROLE_UNKNOWN) | (int)A_REVERSE : (int)(A_DIM | A_REVERSE);
	return term_attr(term_role_of_class(flame_node_class(fs->f, b->node))) | A_REVERSE;
}

static void draw_block(struct flame_state *fs, const struct flame_block *b, int y, int cols)
{
	int x0 = flame_column(b->start, fs->l.base, cols);
	int x1 = flame_column(b->start + b->weight, fs->l.base, cols);
	int attr = block_attr(fs, b, b->node == fs->sel);
	char name[512];

	if (x1 <= x0)
		return;
	fill_line(y, x0, x1, attr);
	put_text(y, x0, term_glyphs()->vbar, 0, 1, attr, false);
	if (x1 - x0 < 2)
		return;
	if (b->node == FLAME_NONE) {
		char plus[256];
		int w = x1 - x0 - 1 < (int)sizeof(plus) - 1 ? x1 - x0 - 1 : (int)sizeof(plus) - 1;
		memset(plus, '+', (size_t)w);
		plus[w] = '\0';
		put_text(y, x0 + 1, plus, 0, w, attr, false);
		return;
	}
	esc_text(name, sizeof(name), flame_name(fs->f, b->node), ESC_BIDI);
	put_text(y, x0 + 1, name, 0, x1 - x0 - 1, attr, true);
}

/* The classes from THE class table (classes.h), each in its colour. */
static void draw_legend(int y, int cols)
{
	int x = 0;
	move(y, 0);
	clrtoeol();
	x += put_text(y, x, "classes: ", 0, cols - x, 0, false);
	/* frames are coloured by their on-CPU class (hist_node_class) */
	for (unsigned c = 0; c < CLASS_FIRST_OFF_CPU && x < cols; c++) {
		x += put_text(y, x, profile_class_name((enum profile_class)c), 0, cols - x,
			      term_attr(term_role_of_class(c)) | A_REVERSE, false);
		x += put_text(y, x, " ", 0, cols - x, 0, false);
	}
	if (x < cols)
		put_text(y, x, "+ merged (narrower than a cell)", 0, cols - x,
			 (term_color() ? term_attr(ROLE_UNKNOWN) : (int)A_DIM) | (int)A_REVERSE, true);
}

static void draw_path(struct flame_state *fs, int y, int cols)
{
	char path[1024], name[256];
	size_t len = 0;
	uint32_t chain[ZOOM_MAX + 1];
	size_t n = 0;

	int x = 0;

	move(y, 0);
	clrtoeol();
	if (fs->search[0]) {
		snprintf(path, sizeof(path), "search '%s': %.2f%%", fs->search,
			 hist_percent(fs->h, fs->match_weight));
		x = put_text(y, 0, path, 0, cols, term_attr(ROLE_MATCH), true) + 2;
	}
	if (!fs->nzoom || x >= cols)
		return;
	/* the zoom root's ancestors, outermost first (at most ZOOM_MAX shown) */
	for (uint32_t a = flame_node(fs->f, zoom_root(fs))->parent; a != FLAME_NONE && n < ZOOM_MAX;
	     a = flame_node(fs->f, a)->parent)
		chain[n++] = a;
	path[0] = '\0';
	len += (size_t)snprintf(path, sizeof(path), "zoom: ");
	while (n-- && len + 1 < sizeof(path)) {
		esc_text(name, sizeof(name), flame_name(fs->f, chain[n]), ESC_BIDI);
		len += (size_t)snprintf(path + len, sizeof(path) - len, "%s %s ", name,
					term_glyphs()->arrow);
	}
	put_text(y, x, path, 0, cols - x, A_DIM, true);
}

static void draw_status(struct flame_state *fs, int y, int cols)
{
	const struct flame_node *nd = flame_node(fs->f, fs->sel);
	char line[1200], name[512], where[512], wq[520];
	move(y, 0);
	clrtoeol();
	esc_text(name, sizeof(name), flame_name(fs->f, fs->sel), ESC_BIDI);
	flame_where(fs->f, fs->sel, where, sizeof(where));
	wq[0] = '\0';
	if (where[0]) {
		char we[512];
		esc_text(we, sizeof(we), where, ESC_BIDI);
		snprintf(wq, sizeof(wq), " in %s", we);
	}
	snprintf(line, sizeof(line), "%s%s  samples %llu  total %.2f%%  self %.2f%%", name, wq,
		 (unsigned long long)nd->total_samples, hist_percent(fs->h, nd->total),
		 hist_percent(fs->h, nd->self));
	put_text(y, 0, line, 0, cols, A_BOLD, true);
}

static void flame_draw(struct view *v, int cols, int lines)
{
	struct flame_state *fs = v->priv;
	struct rows_title rt = { 0 };
	const struct report_opts *o = hist_opts(fs->h);
	char title[1024];
	size_t rows = body_rows(lines);

	lay_out(fs, cols);
	select_wanted(fs);
	fix_selection(fs);
	scroll_to_selection(fs, lines);
	rows_title(tui_rows(v->tui), &rt);
	snprintf(title, sizeof(title), "Flame graph: %s, view: %s%s%s%s, cmd: %s", rt.head,
		 o->python ? "python" : "all", o->inverted ? " callers (icicle)" : "",
		 rt.metric[0] ? ", metric: " : "", rt.metric, rt.cmd);
	fill_line(0, 0, cols, term_attr(ROLE_TITLE));
	put_text(0, 0, title, 0, cols, term_attr(ROLE_TITLE), true);
	draw_legend(1, cols);
	draw_path(fs, 2, cols);
	for (size_t r = 0; r < rows; r++) {
		size_t d = fs->top_row + r;
		int y = HEAD_LINES + (int)r;
		move(y, 0);
		clrtoeol();
		if (d >= fs->l.nrows)
			continue;
		for (size_t i = fs->l.row_start[d]; i < fs->l.row_start[d + 1]; i++)
			draw_block(fs, &fs->l.blocks[i], y, cols);
	}
	draw_status(fs, lines - 1, cols);
}

static const char *flame_hint(struct view *v)
{
	struct flame_state *fs = v->priv;
	snprintf(fs->hint, sizeof(fs->hint),
		 "arrows/hjkl move  Enter zoom  %s/ search%s  P python  i %s  ? help  q list",
		 fs->nzoom ? "Esc zoom out  " : "Esc list  ", fs->search[0] ? "  n/N match" : "",
		 hist_opts(fs->h)->inverted ? "callees" : "callers");
	return fs->hint;
}

/* ---- building ---- */

/* The flame of the current hist; the selection starts on the widest drawn
 * frame of the list's cursor function when there is one (at the first
 * draw, when the layout is known). */
static void build(struct view *v, uint32_t want_sym)
{
	struct flame_state *fs = v->priv;

	flame_free(fs->f);
	fs->h = rows_hist(tui_rows(v->tui));
	fs->f = flame_new(fs->h);
	fs->nzoom = 0;
	fs->sel = 0;
	fs->top_row = 0;
	fs->laid_cols = 0;
	fs->want_sym = want_sym;
	fs->match_weight = flame_search(fs->f, fs->search);
}

static void select_wanted(struct flame_state *fs)
{
	uint64_t best = 0;
	if (fs->want_sym == PROFILE_NONE)
		return;
	for (size_t i = 1; i < fs->l.nblocks; i++) {
		const struct flame_block *b = &fs->l.blocks[i];
		if (b->node != FLAME_NONE && flame_node(fs->f, b->node)->sym == fs->want_sym &&
		    b->weight > best) {
			best = b->weight;
			fs->sel = b->node;
		}
	}
	fs->want_sym = PROFILE_NONE;
}

static bool flame_open(struct view *v)
{
	struct tui *t = v->tui;
	uint32_t sym = PROFILE_NONE;
	/* the view below is the list: start on its cursor's function */
	if (t->nviews && !vstate_empty(&t->views[t->nviews - 1]->vs))
		sym = rows_sym(tui_rows(t), vstate_cursor(&t->views[t->nviews - 1]->vs));
	build(v, sym);
	return true;
}

static void flame_rebuild(struct view *v, bool after)
{
	struct flame_state *fs = v->priv;
	if (!after) {
		fs->keep_sym = fs->f ? flame_node(fs->f, fs->sel)->sym : PROFILE_NONE;
		return;
	}
	build(v, fs->keep_sym);
}

static void flame_done(struct view *v)
{
	struct flame_state *fs = v->priv;
	flame_layout_free(&fs->l);
	flame_free(fs->f);
}

/* ---- requests ---- */

static unsigned move_row(struct flame_state *fs, int dir)
{
	size_t b = block_of(fs, fs->sel), d;
	if (b == SIZE_MAX)
		return HANDLED;
	d = fs->l.blocks[b].depth;
	for (size_t i = b;;) {
		if (dir < 0 ? i == fs->l.row_start[d] : i + 1 >= fs->l.row_start[d + 1])
			return HANDLED;
		i = dir < 0 ? i - 1 : i + 1;
		if (fs->l.blocks[i].node != FLAME_NONE) {
			fs->sel = fs->l.blocks[i].node;
			return HANDLED;
		}
	}
}

static unsigned move_child(struct view *v)
{
	struct flame_state *fs = v->priv;
	size_t b = block_of(fs, fs->sel), d, best = SIZE_MAX;
	if (b == SIZE_MAX)
		return HANDLED;
	d = fs->l.blocks[b].depth + 1;
	if (d >= fs->l.nrows)
		return HANDLED;
	for (size_t i = fs->l.row_start[d]; i < fs->l.row_start[d + 1]; i++) {
		const struct flame_block *c = &fs->l.blocks[i];
		if (c->parent == fs->sel && c->node != FLAME_NONE &&
		    (best == SIZE_MAX || c->weight > fs->l.blocks[best].weight))
			best = i;
	}
	if (best != SIZE_MAX)
		fs->sel = fs->l.blocks[best].node;
	else if (flame_node(fs->f, fs->sel)->total > flame_node(fs->f, fs->sel)->self)
		tui_message(v->tui, "the frames below are narrower than a cell: Enter zooms in");
	return HANDLED;
}

/* Next (dir 1) or previous highlighted block in reading order, wrapping. */
static unsigned find_match(struct view *v, int dir)
{
	struct flame_state *fs = v->priv;
	size_t n = fs->l.nblocks, b = block_of(fs, fs->sel);
	if (!fs->search[0]) {
		tui_message(v->tui, "no search: press / to type one");
		return HANDLED;
	}
	if (b == SIZE_MAX)
		b = 0;
	for (size_t step = 1; step <= n; step++) {
		size_t i = dir > 0 ? (b + step) % n : (b + n - step % n) % n;
		const struct flame_block *c = &fs->l.blocks[i];
		if (c->node != FLAME_NONE && flame_matches(fs->f, c->node)) {
			fs->sel = c->node;
			return HANDLED;
		}
	}
	tui_message(v->tui, "no drawn frame matches '%s'", fs->search);
	return HANDLED;
}

static unsigned search_changed(struct view *v, const char *text, bool final, bool cancel)
{
	struct flame_state *fs = v->priv;
	(void)final;
	snprintf(fs->search, sizeof(fs->search), "%s", cancel ? fs->saved : text);
	fs->match_weight = flame_search(fs->f, fs->search);
	if (final && fs->search[0] && !flame_matches(fs->f, fs->sel))
		find_match(v, 1);
	return REDRAW;
}

static unsigned close_view(struct view *v)
{
	struct flame_state *fs = v->priv;
	struct tui *t = v->tui;
	/* the list below gets the cursor on the selected function */
	if (t->nviews >= 2 && t->views[t->nviews - 2]->ops == &hist_view_ops && fs->sel)
		hist_view_select_sym(t->views[t->nviews - 2], flame_node(fs->f, fs->sel)->sym);
	return QUIT;
}

static unsigned flame_request(struct view *v, enum request req)
{
	struct flame_state *fs = v->priv;
	struct rows_query *q = tui_query(v->tui);

	switch (req) {
	case REQ_FLAME_PARENT:
		if (fs->sel != zoom_root(fs))
			fs->sel = flame_node(fs->f, fs->sel)->parent;
		return HANDLED;
	case REQ_FLAME_CHILD:
		return move_child(v);
	case REQ_FLAME_LEFT:
		return move_row(fs, -1);
	case REQ_FLAME_RIGHT:
		return move_row(fs, 1);
	case REQ_FLAME_ZOOM:
		if (fs->sel == zoom_root(fs) || fs->nzoom == ZOOM_MAX)
			return HANDLED;
		fs->zoom[fs->nzoom++] = fs->sel;
		fs->top_row = 0;
		return REDRAW;
	case REQ_FLAME_UNZOOM:
		if (!fs->nzoom)
			return close_view(v);
		fs->sel = fs->zoom[--fs->nzoom];
		fs->top_row = 0;
		return REDRAW;
	case REQ_FLAME_SEARCH:
		snprintf(fs->saved, sizeof(fs->saved), "%s", fs->search);
		tui_prompt(v->tui, v, "search: ", "", search_changed);
		return HANDLED;
	case REQ_FLAME_NEXT:
		return find_match(v, 1);
	case REQ_FLAME_PREV:
		return find_match(v, -1);
	case REQ_FLAME_CLOSE:
	case REQ_FLAME:
		return close_view(v);
	case REQ_PYTHON:
		q->opts.python = !q->opts.python;
		return REBUILD;
	case REQ_INVERT:
		q->opts.inverted = !q->opts.inverted;
		return REBUILD;
	case REQ_HELP:
	case REQ_REDRAW:
	case REQ_QUIT:
	case REQ_METRIC:
		return 0; /* the generic driver */
	default:
		tui_message(v->tui, "%s: not in the flame graph (q returns to the list)",
			    request_name(req));
		return HANDLED;
	}
}

const struct view_ops flame_view_ops = {
	.name = "flame",
	.state_size = sizeof(struct flame_state),
	.tree = &flame_tree,
	.tree_ctx = flame_ctx,
	.open = flame_open,
	.draw = flame_draw,
	.hint = flame_hint,
	.rebuild = flame_rebuild,
	.map_key = request_of_flame_key,
	.request = flame_request,
	.done = flame_done,
};
