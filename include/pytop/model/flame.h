/* flame: the flame graph of one hist query, shared by the browser's flame
 * view and the SVG printer.
 *
 * flame_new() merges the query's kept stacks (hist_nstacks: its view,
 * Python or all frames, its filters and zoom) into one tree of frames:
 * threads merge, a node is a frame reached by one path of symbols from the
 * root.  Callee direction (the default) puts the outermost frames at the
 * top of the tree; with the query's caller direction (hist_callers: -G,
 * --inverted) the tree starts at the leaf functions and goes out to their
 * callers (an icicle of callers).  Node 0 is the virtual root "all".
 *
 * Children are ordered by display name (then symbol id), as FlameGraph
 * does: a frame keeps its place when weights change, so two runs or two
 * zoom levels compare by eye.  Cost: flame_new is one pass over the kept
 * stacks; a node's children are made when first asked for (the layout asks
 * only for drawn blocks), so a graph costs what it draws; nothing is done
 * per sample.  The flame keeps a pointer to the hist, which must
 * outlive it. */
#ifndef PYTOP_MODEL_FLAME_H
#define PYTOP_MODEL_FLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/model/classes.h"
#include "pytop/model/hist.h"

#define FLAME_NONE UINT32_MAX

struct flame_node {
	uint32_t sym;      /* profile symbol; PROFILE_NONE for the root */
	uint32_t parent;   /* FLAME_NONE for the root */
	uint32_t depth;    /* root 0 */
	uint64_t total, self;            /* weight through / ending at this node */
	uint64_t total_samples, self_samples;
};

struct flame;

/* The flame graph of h's kept stacks.  Never NULL; free with flame_free(). */
struct flame *flame_new(const struct hist *h);
void flame_free(struct flame *f);

const struct hist *flame_hist(const struct flame *f);
/* Nodes made so far (children are made when first asked for). */
size_t flame_nnodes(const struct flame *f);
/* Node n (< flame_nnodes); the pointer is valid until the next
 * flame_children or flame_layout call, which may make nodes. */
const struct flame_node *flame_node(const struct flame *f, uint32_t n);
/* Children of n in display order; *out points into the flame (valid until
 * flame_free).  Returns how many. */
size_t flame_children(const struct flame *f, uint32_t n, const uint32_t **out);
/* Display name of n (the query's hist_sym_name; "all" for the root). */
const char *flame_name(const struct flame *f, uint32_t n);
/* Where n's code lives, into buf: the Python file (full path) for a
 * Python function, else the full path of its DSO; "" when unknown.
 * Returns buf. */
const char *flame_where(const struct flame *f, uint32_t n, char *buf, size_t len);
/* Deepest node depth (0 with only the root). */
uint32_t flame_max_depth(const struct flame *f);

/* The class a node is coloured by (classes.h): its frame's class where it
 * sits (hist_node_class); CLASS_UNKNOWN for the root. */
enum profile_class flame_node_class(const struct flame *f, uint32_t n);

/* ---- search ---- */

/* Mark the nodes whose name contains `needle` (case-insensitive; NULL or
 * "" clears).  Returns the combined weight of the matches: a stack counts
 * once however many of its frames match, so the share never exceeds 100%.
 * Cost: one pass over the symbols and one over the nodes. */
uint64_t flame_search(struct flame *f, const char *needle);
/* Does node n match the last flame_search? */
bool flame_matches(const struct flame *f, uint32_t n);

/* ---- layout ---- */

/* One drawn block: a node, or the frames of one parent too narrow to draw
 * merged into one block (node == FLAME_NONE, nmerged of them). */
struct flame_block {
	uint32_t node;     /* flame node, or FLAME_NONE for a merged block */
	uint32_t parent;   /* node of the parent block (the zoom root's own parent for it) */
	uint32_t depth;    /* rows below the zoom root (0 = the zoom root) */
	uint32_t nmerged;  /* frames in a merged block, 0 otherwise */
	uint64_t start;    /* weight offset from the zoom root's left edge */
	uint64_t weight;   /* the block's total weight */
};

struct flame_layout {
	struct flame_block *blocks; /* by depth, then left to right */
	size_t nblocks, cap;
	uint32_t *row_start;        /* blocks of depth d: [row_start[d], row_start[d + 1]) */
	size_t nrows;               /* depths present (>= 1 when there are blocks) */
	uint64_t base;              /* the zoom root's total: the full width */
};

/* Lay out the subtree of `zoom` (flame node), at most `max_depth` rows
 * below it: a frame gets start/base .. (start+weight)/base of the width.
 * Frames below min_frac of the zoom root (e.g. 1/cols for a terminal,
 * 0.0005 for SVG) are merged, per parent, into one block after their
 * drawn siblings; their subtrees are not laid out, so the cost follows the
 * blocks drawn, not the tree.  out is reused between calls (zero it first;
 * flame_layout_free frees it). */
void flame_layout(const struct flame *f, uint32_t zoom, double min_frac, uint32_t max_depth,
		  struct flame_layout *out);
void flame_layout_free(struct flame_layout *l);

/* Column of weight offset `pos` on a line of `cols` cells (rounded; the
 * same offset always maps to the same column, so blocks tile exactly). */
int flame_column(uint64_t pos, uint64_t base, int cols);

#endif
