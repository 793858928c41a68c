/* help_view: every key, straight from the request table. */
#include <curses.h>
#include <stdio.h>

#include "terminal.h"
#include "view.h"

static size_t help_nchildren(void *ctx, tnode p)
{
	(void)ctx;
	return p == TNODE_ROOT ? help_line_count() : 0;
}

static tnode help_child(void *ctx, tnode p, size_t i)
{
	(void)ctx;
	(void)p;
	return (tnode)i + 1;
}

static const struct tree_ops help_tree = {
	.nchildren = help_nchildren,
	.child = help_child,
};

static void *help_ctx(struct view *v)
{
	return v;
}

static int help_draw_head(struct view *v, int cols)
{
	const char *title = tui_diff(v->tui) ? "pytop diff: keys (call-graph, order and zoom keys do not apply)"
					     : "pytop report: keys";
	fill_line(0, 0, cols, term_attr(ROLE_TITLE));
	put_text(0, 0, title, 0, cols, term_attr(ROLE_TITLE), true);
	return 1;
}

static void help_draw_line(struct view *v, const struct vline *line, int y, int cols)
{
	struct help_line hl;
	char buf[256];
	int attr;

	help_line_get((size_t)line->node - 1, &hl);
	if (hl.keys)
		snprintf(buf, sizeof(buf), "  %-16s %s", hl.keys, hl.text);
	else
		snprintf(buf, sizeof(buf), "%s", hl.text);
	attr = line->selected ? term_attr(ROLE_CURSOR) : hl.keys ? 0 : term_attr(ROLE_HEADER);
	fill_line(y, 0, cols, attr);
	put_text(y, 0, buf, v->vs.hscroll, cols, attr, true);
}

static const char *help_hint(struct view *v)
{
	(void)v;
	return "q/Esc/? close help  Up/Down/PgUp/PgDn scroll";
}

static unsigned help_request(struct view *v, enum request req)
{
	(void)v;
	switch (req) {
	case REQ_HELP:
	case REQ_QUIT:
	case REQ_ZOOM_OUT:
		return QUIT;
	case REQ_TOGGLE:
	case REQ_COLLAPSE:
	case REQ_EXPAND_ALL:
	case REQ_COLLAPSE_ALL:
		return HANDLED;
	default:
		return 0;
	}
}

const struct view_ops help_view_ops = {
	.name = "help",
	.state_size = 0,
	.tree = &help_tree,
	.tree_ctx = help_ctx,
	.draw_head = help_draw_head,
	.draw_line = help_draw_line,
	.hint = help_hint,
	.request = help_request,
};
