/* driver: the browser's main loop, view stack and generic requests
 * (tig's view_driver): keys become requests, the top view handles what is
 * specific to it, the shared switch below does the rest, and the screen is
 * repainted from state, dirty lines only. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pytop/base/xalloc.h"
#include "pytop/model/hist.h"
#include "pytop/tui/tui.h"
#include "driver.h"
#include "terminal.h"
#include "view.h"

struct rows *tui_rows(struct tui *t)
{
	return t->rows;
}

struct diff_ctx *tui_diff(struct tui *t)
{
	return t->diff;
}

struct rows_query *tui_query(struct tui *t)
{
	return &t->query;
}

void tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
}

void tui_prompt(struct tui *t, struct view *v, const char *label, const char *initial, prompt_fn fn)
{
	t->prompt.active = true;
	snprintf(t->prompt.label, sizeof(t->prompt.label), "%s", label);
	snprintf(t->prompt.buf, sizeof(t->prompt.buf), "%s", initial ? initial : "");
	t->prompt.len = strlen(t->prompt.buf);
	t->prompt.view = v;
	t->prompt.fn = fn;
}

/* ---- views ---- */

static size_t list_height(const struct tui *t, const struct view *v)
{
	int h = t->lines - v->head_lines - 1;
	return h > 0 ? (size_t)h : 1;
}

static void view_invalidate(struct view *v)
{
	v->dirty = true;
}

static struct view *view_open(struct tui *t, const struct view_ops *ops)
{
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = ops;
	v->tui = t;
	v->priv = ops->state_size ? xcalloc(1, ops->state_size) : NULL;
	v->head_lines = 3;
	if (ops->open && !ops->open(v)) {
		free(v->priv);
		free(v);
		return NULL;
	}
	vstate_init(&v->vs, ops->tree, ops->tree_ctx(v), list_height(t, v));
	v->dirty = true;
	return v;
}

static void view_close(struct view *v)
{
	if (v->ops->done)
		v->ops->done(v);
	vstate_done(&v->vs);
	free(v->cache);
	free(v->priv);
	free(v);
}

void tui_push_view(struct tui *t, const struct view_ops *ops)
{
	struct view *v;
	if (t->nviews == MAX_VIEWS)
		return;
	v = view_open(t, ops);
	if (v)
		t->views[t->nviews++] = v;
	clear();
}

static struct view *top_view(struct tui *t)
{
	return t->nviews ? t->views[t->nviews - 1] : NULL;
}

static void pop_view(struct tui *t)
{
	if (!t->nviews)
		return;
	if (t->rebuild_view == t->views[t->nviews - 1])
		t->rebuild_view = NULL;
	view_close(t->views[--t->nviews]);
	if (!t->nviews)
		t->quit = true;
	else
		view_invalidate(top_view(t));
	clear();
}

/* ---- drawing ---- */

static void draw_bottom(struct tui *t, struct view *v)
{
	int y = t->lines - 1;
	fill_line(y, 0, t->cols, term_attr(ROLE_TITLE));
	if (t->prompt.active) {
		char line[256];
		size_t width;
		int used;
		snprintf(line, sizeof(line), "%s%s", t->prompt.label, t->prompt.buf);
		/* keep the end of a long input in view, where the typing happens */
		width = strlen(line);
		used = put_text(y, 0, line, width + 1 > (size_t)t->cols ? width + 1 - (size_t)t->cols : 0,
				t->cols - 1, term_attr(ROLE_TITLE), false);
		put_text(y, used, " ", 0, 1, term_attr(ROLE_TITLE) ^ A_REVERSE, false);
		/* a message about the input (a bad regex) replaces the hint */
		if (used + 4 < t->cols)
			put_text(y, used + 4, t->message[0] ? t->message : "Enter keeps  Esc cancels", 0,
				 t->cols - used - 4,
				 term_attr(t->message[0] ? ROLE_ERROR : ROLE_TITLE), true);
	} else if (t->message[0]) {
		put_text(y, 0, t->message, 0, t->cols, term_attr(ROLE_ERROR), true);
	} else {
		put_text(y, 0, v->ops->hint(v), 0, t->cols, term_attr(ROLE_TITLE), true);
	}
}

static void draw_view(struct tui *t, struct view *v)
{
	struct vline lines[512];
	size_t n, height;
	int head;

	if (v->ops->draw) {
		v->ops->draw(v, t->cols, t->lines - 1);
		v->dirty = false;
		return;
	}
	head = v->ops->draw_head(v, t->cols);
	if (head != v->head_lines) {
		v->head_lines = head;
		vstate_resize(&v->vs, list_height(t, v));
		v->dirty = true;
	}
	height = list_height(t, v);
	if (height > 512)
		height = 512;
	if (v->ncache != height) {
		free(v->cache);
		v->cache = xcalloc(height, sizeof(*v->cache));
		v->ncache = height;
		v->dirty = true;
	}
	n = vstate_window(&v->vs, lines, height);
	for (size_t i = 0; i < height; i++) {
		struct line_cache *c = &v->cache[i];
		int y = head + (int)i;
		if (i >= n) {
			if (v->dirty || c->valid) {
				move(y, 0);
				clrtoeol();
				if (i == 0 && v->ops->empty_text)
					put_text(y, 0, v->ops->empty_text, 0, t->cols, A_BOLD, true);
			}
			c->valid = false;
			continue;
		}
		if (!v->dirty && c->valid && c->node == lines[i].node && c->depth == lines[i].depth &&
		    c->selected == lines[i].selected)
			continue;
		c->node = lines[i].node;
		c->depth = lines[i].depth;
		c->selected = lines[i].selected;
		c->valid = true;
		v->ops->draw_line(v, &lines[i], y, t->cols);
	}
	v->dirty = false;
}

static void draw_too_small(struct tui *t)
{
	char msg[64];
	erase();
	put_text(0, 0, "terminal too small", 0, t->cols, A_BOLD, true);
	snprintf(msg, sizeof(msg), "%dx%d, need %dx%d", t->cols, t->lines, MIN_COLS, MIN_LINES);
	if (t->lines > 1)
		put_text(1, 0, msg, 0, t->cols, 0, true);
	if (t->lines > 2)
		put_text(2, 0, "resize, or q to quit", 0, t->cols, 0, true);
}

static void rebuild(struct tui *t, struct view *v);

void tui_draw(struct tui *t)
{
	struct view *v = top_view(t);
	if (!v)
		return;
	if (t->rebuild_view) {
		rebuild(t, t->rebuild_view);
		t->rebuild_view = NULL;
	}
	if (t->too_small) {
		draw_too_small(t);
	} else {
		draw_view(t, v);
		draw_bottom(t, v);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void on_resize(struct tui *t)
{
	t->cols = COLS;
	t->lines = LINES;
	t->too_small = t->cols < MIN_COLS || t->lines < MIN_LINES;
	for (int i = 0; i < t->nviews; i++) {
		vstate_resize(&t->views[i]->vs, list_height(t, t->views[i]));
		view_invalidate(t->views[i]);
	}
	clear();
}

/* ---- requests ---- */

static void rebuild(struct tui *t, struct view *v)
{
	char err[256];
	for (int i = 0; i < t->nviews; i++)
		if (t->views[i]->ops->rebuild)
			t->views[i]->ops->rebuild(t->views[i], false);
	if (t->rows && !rows_apply(t->rows, &t->query, err, sizeof(err)))
		tui_message(t, "%s", err);
	for (int i = 0; i < t->nviews; i++)
		if (t->views[i]->ops == &hist_view_ops || t->views[i] == v) {
			vstate_reset(&t->views[i]->vs);
			if (t->views[i]->ops->rebuild)
				t->views[i]->ops->rebuild(t->views[i], true);
			view_invalidate(t->views[i]);
		}
}

/* w: the next metric (cpu, off-cpu, wall) for every view of the query,
 * when the recording has off-CPU data. */
static unsigned cycle_metric(struct tui *t)
{
	const struct hist *h = t->rows ? rows_hist(t->rows) : NULL;
	struct report_opts *o = &t->query.opts;

	if (!h)
		return HANDLED;
	if (!profile_has_off_cpu(hist_profile(h))) {
		tui_message(t, "w: no off-CPU data in this recording; record without --no-off-cpu");
		return HANDLED;
	}
	o->metric = (enum report_metric)((o->metric + 1) % METRIC_COUNT);
	return REBUILD;
}

/* Esc with nothing left to undo: on a view above the first it closes
 * that view; on the first it asks (perf does), and Esc again quits. */
static unsigned esc_request(struct tui *t, bool asked)
{
	if (t->nviews > 1 || asked)
		return QUIT;
	t->quit_asked = true;
	tui_message(t, "%s", "quit? Esc again quits (q quits at once); any other key stays");
	return HANDLED;
}

static unsigned generic_request(struct tui *t, struct view *v, enum request req, bool asked)
{
	struct vstate *vs = &v->vs;
	size_t page = vs->height > 1 ? vs->height - 1 : 1;

	switch (req) {
	case REQ_MOVE_UP: vstate_up(vs, 1); return HANDLED;
	case REQ_MOVE_DOWN: vstate_down(vs, 1); return HANDLED;
	case REQ_MOUSE_UP: vstate_up(vs, 3); return HANDLED;
	case REQ_MOUSE_DOWN: vstate_down(vs, 3); return HANDLED;
	case REQ_PAGE_UP: vstate_up(vs, page); return HANDLED;
	case REQ_PAGE_DOWN: vstate_down(vs, page); return HANDLED;
	case REQ_MOVE_FIRST: vstate_first(vs); return HANDLED;
	case REQ_MOVE_LAST: vstate_last(vs); return HANDLED;
	case REQ_SCROLL_RIGHT: vs->hscroll += 8; return REDRAW;
	case REQ_SCROLL_LEFT:
		if (vs->hscroll == 0)
			return HANDLED;
		vs->hscroll = vs->hscroll > 8 ? vs->hscroll - 8 : 0;
		return REDRAW;
	case REQ_TOGGLE: return vstate_toggle(vs) ? REDRAW : HANDLED;
	case REQ_COLLAPSE: return vstate_collapse(vs) ? REDRAW : HANDLED;
	case REQ_EXPAND_ALL: vstate_expand_all(vs); return REDRAW;
	case REQ_COLLAPSE_ALL: vstate_collapse_all(vs); return REDRAW;
	case REQ_HELP: tui_push_view(t, &help_view_ops); return HANDLED;
	case REQ_METRIC: return cycle_metric(t);
	case REQ_REDRAW: clear(); return REDRAW;
	case REQ_ZOOM_OUT: return esc_request(t, asked);
	case REQ_QUIT: return QUIT;
	default: return 0;
	}
}

static void apply_result(struct tui *t, struct view *v, unsigned res)
{
	if (res & REBUILD)
		t->rebuild_view = v;
	if (res & REDRAW)
		view_invalidate(v);
	if (res & QUIT)
		pop_view(t);
}

static void prompt_key(struct tui *t, int key)
{
	struct view *v = t->prompt.view;
	unsigned res = 0;

	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		t->prompt.active = false;
		res = t->prompt.fn(v, t->prompt.buf, true, false);
	} else if (key == 27) {
		t->prompt.active = false;
		res = t->prompt.fn(v, t->prompt.buf, false, true);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (t->prompt.len == 0)
			return;
		/* drop one UTF-8 character */
		do
			t->prompt.len--;
		while (t->prompt.len && (t->prompt.buf[t->prompt.len] & 0xc0) == 0x80);
		t->prompt.buf[t->prompt.len] = '\0';
		res = t->prompt.fn(v, t->prompt.buf, false, false);
	} else if (key == TUI_KEY_CTRL('u')) {
		t->prompt.len = 0;
		t->prompt.buf[0] = '\0';
		res = t->prompt.fn(v, t->prompt.buf, false, false);
	} else if (key >= 32 && key < 256 && t->prompt.len + 1 < sizeof(t->prompt.buf)) {
		t->prompt.buf[t->prompt.len++] = (char)key;
		t->prompt.buf[t->prompt.len] = '\0';
		res = t->prompt.fn(v, t->prompt.buf, false, false);
	}
	apply_result(t, v, res);
}

static enum request mouse_request(void)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return REQ_NONE;
	if (ev.bstate & BUTTON4_PRESSED)
		return REQ_MOUSE_UP;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		return REQ_MOUSE_DOWN;
#endif
	return REQ_NONE;
}

/* One key: returns the request it became (REQ_NONE for prompt input). */
enum request tui_handle_key(struct tui *t, int key)
{
	struct view *v = top_view(t);
	enum request req;
	unsigned res;
	bool asked = t->quit_asked;

	if (key == KEY_RESIZE) {
		on_resize(t);
		return REQ_NONE;
	}
	t->quit_asked = false; /* any key but Esc answers "stay" */
	t->message[0] = '\0';
	if (t->prompt.active) {
		prompt_key(t, key);
		return REQ_COUNT; /* "prompt input" */
	}
	req = key == KEY_MOUSE ? mouse_request()
	      : v && v->ops->map_key ? v->ops->map_key(key) : request_of_key(key);
	if (t->too_small) {
		if (req == REQ_QUIT || req == REQ_ZOOM_OUT)
			t->quit = true;
		return req;
	}
	if (req == REQ_NONE) {
		if (key != ERR)
			tui_message(t, "unbound key %s, press ? for help", key_name(key));
		return req;
	}
	res = v->ops->request ? v->ops->request(v, req) : 0;
	if (!res)
		res = generic_request(t, v, req, asked);
	apply_result(t, v, res);
	return req;
}

/* ---- setup and main loop ---- */

void tui_init(struct tui *t, const struct profile *p, const struct report_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->rows = p ? rows_new(p) : NULL;
	rows_query_init(&t->query, o);
}

bool tui_start(struct tui *t, char *err, size_t errlen)
{
	if (t->rows && !rows_apply(t->rows, &t->query, err, errlen))
		return false;
	on_resize(t);
	tui_push_view(t, t->first_view ? t->first_view : &hist_view_ops);
	if (!t->nviews) {
		snprintf(err, errlen, "cannot open the %s view",
			 t->first_view ? t->first_view->name : "histogram");
		return false;
	}
	return true;
}

void tui_fini(struct tui *t)
{
	while (t->nviews)
		view_close(t->views[--t->nviews]);
	rows_free(t->rows);
	diff_ctx_free(t->diff);
	rows_query_free(&t->query);
}
