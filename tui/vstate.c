/* vstate: cursor, scrolling and expansion of a tree-shaped list view. */
#include <stdlib.h>
#include <string.h>

#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"
#include "vstate.h"

/* ---- expansion set ---- */

static size_t hash_node(tnode n)
{
	return (size_t)hmap_mix64(n);
}

static bool set_has(const struct vstate *vs, tnode n)
{
	if (!vs->set)
		return false;
	for (size_t i = hash_node(n) & vs->set_mask;; i = (i + 1) & vs->set_mask) {
		if (vs->set[i] == n)
			return true;
		if (vs->set[i] == 0)
			return false;
	}
}

static void set_insert_raw(tnode *set, size_t mask, tnode n)
{
	size_t i = hash_node(n) & mask;
	while (set[i] && set[i] != n)
		i = (i + 1) & mask;
	set[i] = n;
}

static void set_add(struct vstate *vs, tnode n)
{
	if (set_has(vs, n))
		return;
	if (!vs->set || (vs->set_used + 1) * 2 > vs->set_mask + 1) {
		size_t cap = vs->set ? (vs->set_mask + 1) * 2 : 64;
		tnode *set = xcalloc(cap, sizeof(*set));
		for (size_t i = 0; vs->set && i <= vs->set_mask; i++)
			if (vs->set[i])
				set_insert_raw(set, cap - 1, vs->set[i]);
		free(vs->set);
		vs->set = set;
		vs->set_mask = cap - 1;
	}
	set_insert_raw(vs->set, vs->set_mask, n);
	vs->set_used++;
}

/* Deletion with backward-shift, so lookups stay correct without tombstones. */
static void set_del(struct vstate *vs, tnode n)
{
	size_t i, j;
	if (!vs->set)
		return;
	for (i = hash_node(n) & vs->set_mask; vs->set[i] != n; i = (i + 1) & vs->set_mask)
		if (vs->set[i] == 0)
			return;
	vs->set[i] = 0;
	vs->set_used--;
	for (j = (i + 1) & vs->set_mask; vs->set[j]; j = (j + 1) & vs->set_mask) {
		tnode m = vs->set[j];
		vs->set[j] = 0;
		set_insert_raw(vs->set, vs->set_mask, m);
	}
}

static void set_clear(struct vstate *vs)
{
	free(vs->set);
	vs->set = NULL;
	vs->set_mask = vs->set_used = 0;
}

/* ---- tree access ---- */

static size_t nchildren(const struct vstate *vs, tnode n)
{
	return vs->ops->nchildren(vs->ctx, n);
}

bool vstate_expandable(const struct vstate *vs, tnode n)
{
	if (n == TNODE_ROOT)
		return false;
	return vs->ops->expandable ? vs->ops->expandable(vs->ctx, n) : nchildren(vs, n) > 0;
}

bool vstate_expanded(const struct vstate *vs, tnode n)
{
	return n != TNODE_ROOT && (vs->all_expanded != set_has(vs, n));
}

static void set_expanded(struct vstate *vs, tnode n, bool on)
{
	if (on != vs->all_expanded)
		set_add(vs, n);
	else
		set_del(vs, n);
}

static tnode parent_of(const struct vpath *p, size_t level)
{
	return level ? p->node[level - 1] : TNODE_ROOT;
}

static void path_first(const struct vstate *vs, struct vpath *p)
{
	p->depth = 0;
	if (nchildren(vs, TNODE_ROOT) > 0) {
		p->depth = 1;
		p->idx[0] = 0;
		p->node[0] = vs->ops->child(vs->ctx, TNODE_ROOT, 0);
	}
}

/* Descend to the last visible line inside p's subtree. */
static void path_deepest(const struct vstate *vs, struct vpath *p)
{
	for (;;) {
		tnode n = p->node[p->depth - 1];
		size_t k;
		if (p->depth >= VPATH_MAX || !vstate_expanded(vs, n))
			return;
		k = nchildren(vs, n);
		if (k == 0)
			return;
		p->idx[p->depth] = k - 1;
		p->node[p->depth] = vs->ops->child(vs->ctx, n, k - 1);
		p->depth++;
	}
}

bool vpath_next(const struct vstate *vs, struct vpath *p)
{
	tnode n;
	if (p->depth == 0)
		return false;
	n = p->node[p->depth - 1];
	if (p->depth < VPATH_MAX && vstate_expanded(vs, n) && nchildren(vs, n) > 0) {
		p->idx[p->depth] = 0;
		p->node[p->depth] = vs->ops->child(vs->ctx, n, 0);
		p->depth++;
		return true;
	}
	for (size_t level = p->depth; level > 0; level--) {
		tnode parent = parent_of(p, level - 1);
		if (p->idx[level - 1] + 1 < nchildren(vs, parent)) {
			p->idx[level - 1]++;
			p->node[level - 1] = vs->ops->child(vs->ctx, parent, p->idx[level - 1]);
			p->depth = level;
			return true;
		}
	}
	return false;
}

bool vpath_prev(const struct vstate *vs, struct vpath *p)
{
	size_t level = p->depth;
	if (level == 0)
		return false;
	if (p->idx[level - 1] == 0) {
		if (level == 1)
			return false;
		p->depth--;
		return true;
	}
	p->idx[level - 1]--;
	p->node[level - 1] = vs->ops->child(vs->ctx, parent_of(p, level - 1), p->idx[level - 1]);
	path_deepest(vs, p);
	return true;
}

int vpath_cmp(const struct vpath *a, const struct vpath *b)
{
	size_t n = a->depth < b->depth ? a->depth : b->depth;
	for (size_t i = 0; i < n; i++)
		if (a->idx[i] != b->idx[i])
			return a->idx[i] < b->idx[i] ? -1 : 1;
	return a->depth < b->depth ? -1 : a->depth > b->depth;
}

/* ---- window bookkeeping ---- */

/* Recompute row from top and cursor; when the cursor is above top or more
 * than a window below it, scroll so that it is visible. */
static void fix_window(struct vstate *vs)
{
	struct vpath p;
	size_t row = 0;

	if (vs->cursor.depth == 0) {
		vs->top.depth = 0;
		vs->row = 0;
		return;
	}
	if (vs->top.depth == 0 || vpath_cmp(&vs->cursor, &vs->top) < 0) {
		vs->top = vs->cursor;
		vs->row = 0;
		return;
	}
	p = vs->top;
	while (vpath_cmp(&p, &vs->cursor) < 0 && row < vs->height) {
		if (!vpath_next(vs, &p))
			break;
		row++;
	}
	if (vpath_cmp(&p, &vs->cursor) != 0) {
		/* cursor fell out of the window: put it on the last line */
		vs->top = vs->cursor;
		for (row = 0; row + 1 < vs->height && vpath_prev(vs, &vs->top); row++)
			;
	}
	vs->row = row;
}

void vstate_init(struct vstate *vs, const struct tree_ops *ops, void *ctx, size_t height)
{
	memset(vs, 0, sizeof(*vs));
	vs->ops = ops;
	vs->ctx = ctx;
	vs->height = height ? height : 1;
	vstate_reset(vs);
}

void vstate_done(struct vstate *vs)
{
	set_clear(vs);
}

void vstate_reset(struct vstate *vs)
{
	set_clear(vs);
	vs->all_expanded = false;
	path_first(vs, &vs->cursor);
	vs->top = vs->cursor;
	vs->row = 0;
	vs->hscroll = 0;
}

void vstate_resize(struct vstate *vs, size_t height)
{
	vs->height = height ? height : 1;
	fix_window(vs);
}

bool vstate_empty(const struct vstate *vs)
{
	return vs->cursor.depth == 0;
}

tnode vstate_cursor(const struct vstate *vs)
{
	return vs->cursor.depth ? vs->cursor.node[vs->cursor.depth - 1] : TNODE_ROOT;
}

size_t vstate_cursor_depth(const struct vstate *vs)
{
	return vs->cursor.depth ? vs->cursor.depth - 1 : 0;
}

bool vstate_down(struct vstate *vs, size_t n)
{
	bool moved = false;
	while (n--) {
		if (!vpath_next(vs, &vs->cursor))
			break;
		moved = true;
		if (vs->row + 1 < vs->height)
			vs->row++;
		else
			vpath_next(vs, &vs->top);
	}
	return moved;
}

bool vstate_up(struct vstate *vs, size_t n)
{
	bool moved = false;
	while (n--) {
		if (!vpath_prev(vs, &vs->cursor))
			break;
		moved = true;
		if (vs->row > 0)
			vs->row--;
		else
			vpath_prev(vs, &vs->top);
	}
	return moved;
}

bool vstate_first(struct vstate *vs)
{
	struct vpath p;
	path_first(vs, &p);
	if (vpath_cmp(&p, &vs->cursor) == 0 && vs->row == 0)
		return false;
	vs->cursor = vs->top = p;
	vs->row = 0;
	return true;
}

bool vstate_last(struct vstate *vs)
{
	struct vpath p;
	size_t k = nchildren(vs, TNODE_ROOT);
	if (k == 0)
		return false;
	p.depth = 1;
	p.idx[0] = k - 1;
	p.node[0] = vs->ops->child(vs->ctx, TNODE_ROOT, k - 1);
	path_deepest(vs, &p);
	if (vpath_cmp(&p, &vs->cursor) == 0)
		return false;
	vs->cursor = vs->top = p;
	for (vs->row = 0; vs->row + 1 < vs->height && vpath_prev(vs, &vs->top); vs->row++)
		;
	return true;
}

void vstate_goto(struct vstate *vs, const struct vpath *p)
{
	vs->cursor = *p;
	fix_window(vs);
}

bool vstate_toggle(struct vstate *vs)
{
	tnode n = vstate_cursor(vs);
	if (!vstate_expandable(vs, n))
		return false;
	set_expanded(vs, n, !vstate_expanded(vs, n));
	return true;
}

bool vstate_collapse(struct vstate *vs)
{
	tnode n = vstate_cursor(vs);
	if (vs->cursor.depth == 0)
		return false;
	if (vstate_expanded(vs, n) && vstate_expandable(vs, n)) {
		set_expanded(vs, n, false);
		return true;
	}
	if (vs->cursor.depth == 1)
		return false;
	vs->cursor.depth--;
	set_expanded(vs, vstate_cursor(vs), false);
	fix_window(vs);
	return true;
}

void vstate_expand_all(struct vstate *vs)
{
	set_clear(vs);
	vs->all_expanded = true;
	fix_window(vs);
}

void vstate_collapse_all(struct vstate *vs)
{
	set_clear(vs);
	vs->all_expanded = false;
	if (vs->cursor.depth > 1)
		vs->cursor.depth = 1;
	if (vs->top.depth > 1)
		vs->top.depth = 1;
	fix_window(vs);
}

size_t vstate_window(const struct vstate *vs, struct vline *out, size_t max)
{
	struct vpath p = vs->top;
	size_t n = 0;

	if (p.depth == 0)
		return 0;
	do {
		out[n].node = p.node[p.depth - 1];
		out[n].depth = p.depth - 1;
		out[n].selected = n == vs->row;
		n++;
	} while (n < max && n < vs->height && vpath_next(vs, &p));
	return n;
}

size_t vstate_entry_index(const struct vstate *vs)
{
	return vs->cursor.depth ? vs->cursor.idx[0] : 0;
}

size_t vstate_entry_count(const struct vstate *vs)
{
	return nchildren(vs, TNODE_ROOT);
}
