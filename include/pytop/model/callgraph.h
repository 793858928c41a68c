/* callgraph: the call graph of one histogram entry, built lazily.
 *
 * Callee order (default): the entry at the root, its children are what it
 * calls, down to the leaves.  Caller order (opts->inverted, and always
 * without children since self samples call nothing): the entry at the root,
 * its children are its callers, up to the outermost frame.  Recursion counts
 * once, at the outermost occurrence.  Only the root exists at first;
 * callgraph_children() builds a node's children on first use (cost
 * proportional to the stacks through that node), sorted by weight, hiding
 * those under opts->percent_limit. */
#ifndef PYTOP_CALLGRAPH_H
#define PYTOP_CALLGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/model/hist.h"

#define CG_NONE UINT32_MAX

/* Frames below the entry a printer of whole graphs shows (cg_node.depth);
 * deeper lines fold into one marker, so a graph's output stays bounded
 * however deep the stacks (--max-stack cuts the stacks themselves). */
#define CALLGRAPH_MAX_DEPTH 128

struct cg_node {
	uint64_t weight, samples; /* stacks through this path */
	uint64_t self;            /* weight ending at this node (its own frame is the leaf) */
	uint32_t sym;             /* profile symbol */
	uint32_t parent;          /* node id or CG_NONE for the root */
	uint32_t depth;           /* 0 at the root */
	uint32_t nhidden;         /* children hidden by the percent limit (known after
				     expansion; 1 for a root whose whole graph is under
				     the limit, which is then never built) */
	uint64_t hidden_weight;
};

struct callgraph;

/* The call graph of hist row `row`, or NULL when the row has no graph
 * (no stacks, hierarchy rows above the last level, or graph mode none).
 * The hist must outlive the graph.  Free with callgraph_free(). */
struct callgraph *callgraph_new(const struct hist *h, size_t row);
void callgraph_free(struct callgraph *g);

bool callgraph_inverted(const struct callgraph *g); /* children are callers */
uint32_t callgraph_root(const struct callgraph *g);
/* Node data; the pointer is valid until the next callgraph_children(). */
const struct cg_node *callgraph_node(const struct callgraph *g, uint32_t id);
/* Visible children of node id, heaviest first: sets *ids to an array valid
 * until the next callgraph_children() and returns its length. */
size_t callgraph_children(struct callgraph *g, uint32_t id, const uint32_t **ids);
/* True when the graph has lines to draw.  False when the whole graph is
 * under the percent limit, or when the entry itself would be its only line
 * (it calls nothing visible, or in caller order nothing visible calls it):
 * --stdio prints no graph then and the TUI shows no '+'.  Builds the first
 * two levels (invalidates ids from callgraph_children). */
bool callgraph_has_lines(struct callgraph *g);
/* callgraph_new(h, row) && callgraph_has_lines(), asked once per row and
 * remembered by the hist, so a browser can mark expandable rows exactly
 * without keeping graphs.  False for a bad row. */
bool hist_row_has_graph(const struct hist *h, size_t row);

/* The node's percent, of the hist's total (GRAPH_TOTAL) or of the entry. */
double callgraph_percent(const struct callgraph *g, uint32_t id);
/* Display name of the node's symbol (Python view / verbose rules). */
const char *callgraph_name(const struct callgraph *g, uint32_t id);
enum frame_kind callgraph_kind(const struct callgraph *g, uint32_t id);

#endif
