/* vstate: the state of a tree-shaped list view, without a terminal.
 *
 * A view shows a forest (histogram entries with their call-graph children)
 * as lines: a node is followed by its children when it is expanded.  vstate
 * keeps the cursor, the first visible line and the expansion state and
 * moves them; it never materialises the whole list, so expanding every
 * entry of a huge profile costs nothing until lines are drawn.  Positions
 * are paths (child indexes from the top), whose lexicographic order is the
 * line order.  Unit tests drive it with a fake tree.  Private to tui/. */
#ifndef PYTOP_TUI_VSTATE_H
#define PYTOP_TUI_VSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A node handle.  TNODE_ROOT is the invisible parent of the top entries;
 * every other id is unique within one tree and stable until it changes. */
typedef uint64_t tnode;
#define TNODE_ROOT ((tnode)0)

/* The tree a view shows, implemented by the row adapter (or a test). */
struct tree_ops {
	size_t (*nchildren)(void *ctx, tnode parent);
	tnode (*child)(void *ctx, tnode parent, size_t i);
	/* Optional: a cheap "may have children" for nodes not yet expanded, so
	 * that drawing a +/- marker does not build a call graph.  Without it
	 * nchildren(n) > 0 is used. */
	bool (*expandable)(void *ctx, tnode n);
};

#define VPATH_MAX 256 /* deepest call-graph line a view can reach */

struct vpath {
	size_t depth;               /* 0 = empty (no lines) */
	size_t idx[VPATH_MAX];      /* child index at each level */
	tnode node[VPATH_MAX];      /* node at each level; node[depth-1] is the line */
};

struct vstate {
	const struct tree_ops *ops;
	void *ctx;
	struct vpath cursor, top;
	size_t row;        /* cursor line - top line, < height */
	size_t height;     /* lines in the window, >= 1 */
	size_t hscroll;    /* columns scrolled right */
	/* expansion: all_expanded XOR member of the set */
	bool all_expanded;
	tnode *set;        /* open-addressing hash set, 0 = empty */
	size_t set_mask, set_used;
};

/* Start on the first line of `ops`'s tree, nothing expanded.  Free with
 * vstate_done(). */
void vstate_init(struct vstate *vs, const struct tree_ops *ops, void *ctx, size_t height);
void vstate_done(struct vstate *vs);
/* The tree changed (new filter, sort, view): back to the first line,
 * nothing expanded. */
void vstate_reset(struct vstate *vs);
/* The window got `height` lines; keeps the cursor visible. */
void vstate_resize(struct vstate *vs, size_t height);

bool vstate_empty(const struct vstate *vs);
/* The node under the cursor (TNODE_ROOT when empty) and its depth (0 = entry). */
tnode vstate_cursor(const struct vstate *vs);
size_t vstate_cursor_depth(const struct vstate *vs);

bool vstate_expandable(const struct vstate *vs, tnode n);
bool vstate_expanded(const struct vstate *vs, tnode n);

/* Movement; each returns true when something changed. */
bool vstate_up(struct vstate *vs, size_t n);
bool vstate_down(struct vstate *vs, size_t n);
bool vstate_first(struct vstate *vs);
bool vstate_last(struct vstate *vs);
/* Put the cursor on the line at path `p` (clamped to the tree). */
void vstate_goto(struct vstate *vs, const struct vpath *p);

/* Expansion of the node under the cursor. */
bool vstate_toggle(struct vstate *vs);
/* Collapse the cursor's node, or when it is not expanded its parent
 * (moving the cursor there). */
bool vstate_collapse(struct vstate *vs);
void vstate_expand_all(struct vstate *vs);
void vstate_collapse_all(struct vstate *vs);

/* The line after / before `p` in line order; false at the end. */
bool vpath_next(const struct vstate *vs, struct vpath *p);
bool vpath_prev(const struct vstate *vs, struct vpath *p);
int vpath_cmp(const struct vpath *a, const struct vpath *b);

/* Walk the visible window: fills up to `max` lines from the top line. */
struct vline {
	tnode node;
	size_t depth;     /* 0 = histogram entry */
	bool selected;
};
size_t vstate_window(const struct vstate *vs, struct vline *out, size_t max);

/* Index of the cursor's top-level entry (0-based) and the entry count. */
size_t vstate_entry_index(const struct vstate *vs);
size_t vstate_entry_count(const struct vstate *vs);

#endif
