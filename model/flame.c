/* flame: the flame graph of a hist query (tree, search, layout). */
#include "pytop/model/flame.h"

#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"
#include "hist_int.h"

#include <stdlib.h>
#include <string.h>

struct flame {
	const struct hist *h;
	struct flame_node *nodes;  /* parents before children (ids grow downwards) */
	size_t n, cap;
	uint32_t *cstart, *kids;   /* children of i: kids[cstart[i] .. cstart[i + 1]) */
	uint8_t *sorted;           /* per node: its children are in display order */
	uint8_t *match;            /* per node: matches the last search */
	uint32_t max_depth;
};

static uint32_t add_node(struct flame *f, uint32_t parent, uint32_t sym)
{
	struct flame_node *nd;
	xgrow(&f->nodes, &f->cap, f->n + 1, sizeof(*f->nodes));
	nd = &f->nodes[f->n];
	memset(nd, 0, sizeof(*nd));
	nd->sym = sym;
	nd->parent = parent;
	nd->depth = parent == FLAME_NONE ? 0 : f->nodes[parent].depth + 1;
	if (nd->depth > f->max_depth)
		f->max_depth = nd->depth;
	return (uint32_t)f->n++;
}

/* Callees: the view's prefix tree already has one node per path from the
 * root, so a view node maps to one flame node (memo); each view node on a
 * kept path is visited once. */
static void build_callees(struct flame *f)
{
	const struct hist *h = f->h;
	size_t nview = h->v->nnodes, ns = hist_nstacks(h);
	uint32_t *memo = xcalloc(nview ? nview : 1, sizeof(uint32_t)); /* flame id + 1 */
	uint32_t *path = NULL;
	size_t pcap = 0;

	for (size_t i = 0; i < ns; i++) {
		struct hist_stack st = hist_stack(h, i);
		size_t depth = 0;
		uint32_t n = st.leaf, at = 0;
		while (n != HIST_NONE && !memo[n]) {
			xgrow(&path, &pcap, depth + 1, sizeof(*path));
			path[depth++] = n;
			n = hist_node_parent(h, n);
		}
		if (n != HIST_NONE)
			at = memo[n] - 1;
		while (depth) {
			uint32_t v = path[--depth];
			at = add_node(f, at, hist_node_sym(h, v));
			memo[v] = at + 1;
		}
		f->nodes[at].self += st.weight;
		f->nodes[at].self_samples += st.samples;
	}
	free(path);
	free(memo);
}

/* Callers: paths from the leaf outwards share no view nodes, so the tree
 * is built through a (parent, symbol) map; stacks of one leaf in several
 * threads are merged first (one walk per unique leaf). */
static void build_callers(struct flame *f)
{
	const struct hist *h = f->h;
	size_t nview = h->v->nnodes, ns = hist_nstacks(h);
	uint64_t *w = xcalloc(nview ? nview * 2 : 1, sizeof(uint64_t));
	uint32_t *leaves = xmalloc(ns ? ns : 1, sizeof(uint32_t));
	size_t nleaves = 0;
	struct hmap m;

	for (size_t i = 0; i < ns; i++) {
		struct hist_stack st = hist_stack(h, i);
		if (!w[2 * st.leaf] && !w[2 * st.leaf + 1])
			leaves[nleaves++] = st.leaf;
		w[2 * st.leaf] += st.weight;
		w[2 * st.leaf + 1] += st.samples;
	}
	hmap_init(&m);
	for (size_t i = 0; i < nleaves; i++) {
		uint32_t at = 0;
		for (uint32_t n = leaves[i]; n != HIST_NONE; n = hist_node_parent(h, n)) {
			uint32_t sym = hist_node_sym(h, n), id;
			if (!hmap_get(&m, at, sym, &id)) {
				id = add_node(f, at, sym);
				hmap_put(&m, at, sym, id);
			}
			at = id;
		}
		f->nodes[at].self += w[2 * leaves[i]];
		f->nodes[at].self_samples += w[2 * leaves[i] + 1];
	}
	hmap_free(&m);
	free(leaves);
	free(w);
}

struct flame *flame_new(const struct hist *h)
{
	struct flame *f = xcalloc(1, sizeof(*f));
	uint32_t *pos;

	f->h = h;
	add_node(f, FLAME_NONE, PROFILE_NONE);
	if (hist_opts(h)->inverted)
		build_callers(f);
	else
		build_callees(f);
	/* totals: children after parents, so one backward pass */
	for (size_t i = 0; i < f->n; i++) {
		f->nodes[i].total += f->nodes[i].self;
		f->nodes[i].total_samples += f->nodes[i].self_samples;
	}
	for (size_t i = f->n; i-- > 1;) {
		struct flame_node *p = &f->nodes[f->nodes[i].parent];
		p->total += f->nodes[i].total;
		p->total_samples += f->nodes[i].total_samples;
	}
	/* children lists, in id order until first asked for */
	f->cstart = xcalloc(f->n + 1, sizeof(uint32_t));
	for (size_t i = 1; i < f->n; i++)
		f->cstart[f->nodes[i].parent + 1]++;
	for (size_t i = 0; i < f->n; i++)
		f->cstart[i + 1] += f->cstart[i];
	f->kids = xmalloc(f->n, sizeof(uint32_t));
	pos = xmalloc(f->n, sizeof(uint32_t));
	memcpy(pos, f->cstart, f->n * sizeof(uint32_t));
	for (size_t i = 1; i < f->n; i++)
		f->kids[pos[f->nodes[i].parent]++] = (uint32_t)i;
	free(pos);
	f->sorted = xcalloc(f->n, 1);
	f->match = xcalloc(f->n, 1);
	return f;
}

void flame_free(struct flame *f)
{
	if (!f)
		return;
	free(f->nodes);
	free(f->cstart);
	free(f->kids);
	free(f->sorted);
	free(f->match);
	free(f);
}

const struct hist *flame_hist(const struct flame *f)
{
	return f->h;
}

size_t flame_nnodes(const struct flame *f)
{
	return f->n;
}

const struct flame_node *flame_node(const struct flame *f, uint32_t n)
{
	return &f->nodes[n];
}

uint32_t flame_max_depth(const struct flame *f)
{
	return f->max_depth;
}

const char *flame_name(const struct flame *f, uint32_t n)
{
	return n == 0 ? "all" : hist_sym_name(f->h, f->nodes[n].sym);
}

unsigned flame_node_class(const struct flame *f, uint32_t n)
{
	if (n == 0)
		return FRAME_UNKNOWN;
	return (unsigned)profile_sym_kind(hist_profile(f->h), f->nodes[n].sym);
}

static int child_cmp(const void *a, const void *b, void *arg)
{
	const struct flame *f = arg;
	uint32_t x = f->nodes[*(const uint32_t *)a].sym, y = f->nodes[*(const uint32_t *)b].sym;
	int c = x == y ? 0 : strcmp(hist_sym_name(f->h, x), hist_sym_name(f->h, y));
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

size_t flame_children(const struct flame *f, uint32_t n, const uint32_t **out)
{
	struct flame *mf = (struct flame *)f; /* cache fill: sorted on first use */
	size_t k = f->cstart[n + 1] - f->cstart[n];

	if (!f->sorted[n]) {
		if (k > 1)
			qsort_r(mf->kids + f->cstart[n], k, sizeof(uint32_t), child_cmp, mf);
		mf->sorted[n] = 1;
	}
	*out = f->kids + f->cstart[n];
	return k;
}

/* ---- search ---- */

uint64_t flame_search(struct flame *f, const char *needle)
{
	const struct profile *p = hist_profile(f->h);
	size_t nsyms = profile_nsyms(p);
	uint8_t *symm, *covered;
	uint64_t sum = 0;

	memset(f->match, 0, f->n);
	if (!needle || !*needle)
		return 0;
	symm = xcalloc(nsyms ? nsyms : 1, 1);
	for (size_t s = 0; s < nsyms; s++)
		symm[s] = strcasestr(hist_sym_name(f->h, (uint32_t)s), needle) != NULL;
	covered = xcalloc(f->n, 1);
	for (size_t i = 1; i < f->n; i++) {
		const struct flame_node *nd = &f->nodes[i];
		f->match[i] = nd->sym < nsyms && symm[nd->sym];
		/* count a stack at its first matching frame from the root */
		if (f->match[i] && !covered[nd->parent])
			sum += nd->total;
		covered[i] = f->match[i] || covered[nd->parent];
	}
	free(covered);
	free(symm);
	return sum;
}

bool flame_matches(const struct flame *f, uint32_t n)
{
	return n < f->n && f->match[n];
}

/* ---- layout ---- */

static void push_block(struct flame_layout *l, const struct flame_block *b)
{
	xgrow(&l->blocks, &l->cap, l->nblocks + 1, sizeof(*l->blocks));
	l->blocks[l->nblocks++] = *b;
}

void flame_layout(const struct flame *f, uint32_t zoom, double min_frac, uint32_t max_depth,
		  struct flame_layout *out)
{
	const struct flame_node *z = &f->nodes[zoom];
	struct flame_block b = { .node = zoom, .parent = z->parent, .weight = z->total };
	double limit = min_frac * (double)z->total;
	size_t rcap;

	out->nblocks = 0;
	out->nrows = 0;
	out->base = z->total;
	push_block(out, &b);
	/* breadth first: the blocks come out by depth, then left to right */
	for (size_t i = 0; i < out->nblocks; i++) {
		struct flame_block pb = out->blocks[i];
		struct flame_block mb = { .node = FLAME_NONE, .parent = pb.node, .depth = pb.depth + 1 };
		const uint32_t *kids;
		uint64_t at = pb.start;
		size_t k;

		if (pb.node == FLAME_NONE || pb.depth >= max_depth)
			continue;
		k = flame_children(f, pb.node, &kids);
		for (size_t j = 0; j < k; j++) {
			const struct flame_node *c = &f->nodes[kids[j]];
			if ((double)c->total < limit || !c->total) {
				mb.weight += c->total;
				mb.nmerged++;
				continue;
			}
			b.node = kids[j];
			b.parent = pb.node;
			b.depth = pb.depth + 1;
			b.nmerged = 0;
			b.start = at;
			b.weight = c->total;
			at += c->total;
			push_block(out, &b);
		}
		if (mb.nmerged && mb.weight) {
			mb.start = at;
			push_block(out, &mb);
		}
	}
	rcap = out->nblocks ? out->blocks[out->nblocks - 1].depth + 2 : 1;
	out->row_start = xrealloc(out->row_start, rcap, sizeof(uint32_t));
	for (size_t i = 0; i < out->nblocks; i++)
		while (out->nrows <= out->blocks[i].depth)
			out->row_start[out->nrows++] = (uint32_t)i;
	out->row_start[out->nrows] = (uint32_t)out->nblocks;
}

void flame_layout_free(struct flame_layout *l)
{
	free(l->blocks);
	free(l->row_start);
	memset(l, 0, sizeof(*l));
}

int flame_column(uint64_t pos, uint64_t base, int cols)
{
	if (!base)
		return 0;
	return (int)((double)pos / (double)base * (double)cols + 0.5);
}
