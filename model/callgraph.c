/* callgraph: callee / caller trees of one histogram entry, expanded lazily. */
#include "hist_int.h"

#include "pytop/base/xalloc.h"
#include "pytop/model/callgraph.h"

#include <stdlib.h>
#include <string.h>

struct cpath {
	uint32_t off, len;   /* symbols psyms[off .. off+len), entry first */
	uint64_t weight, samples;
};

struct cgn {
	struct cg_node pub;
	uint32_t rb, re;     /* paths order[rb .. re) pass through this node */
	uint32_t *kids;
	uint32_t nkids;
	bool built;
};

struct callgraph {
	const struct hist *h;
	const struct hist_row *row;
	uint32_t rowi, key;
	bool callers;
	uint32_t *psyms;
	size_t npsyms, cap_psyms;
	struct cpath *paths;
	size_t npaths, cap_paths;
	uint32_t *order;
	struct cgn *nodes;
	size_t nnodes, cap_nodes;
	/* tree mode (callee graphs): node ranges index tn, view nodes of the
	 * row's group grp (subtree sums from group_sum) */
	bool tree;
	uint32_t grp;
	uint32_t *tn;
	size_t ntn, cap_tn;
};

/* For every row, the kept records whose stack contains the row's key (with
 * children) or ends in it (without): one walk over the records, two passes
 * (count, fill).  Cached in the hist. */
static void build_index(struct hist *h)
{
	const struct view *v = h->v;
	size_t nk = h->fk == FK_SYM ? h->p->nsyms : h->fk == FK_DSO ? h->p->ndsos : 1;
	uint32_t *keyrow = xmalloc(nk ? nk : 1, sizeof(uint32_t));
	uint32_t *stamp = xcalloc(nk ? nk : 1, sizeof(uint32_t));
	uint32_t *lastpos = xcalloc(nk ? nk : 1, sizeof(uint32_t));
	uint32_t *gfirst = xmalloc(h->ngroups + 1, sizeof(uint32_t));
	uint32_t *byg = xmalloc(h->nrows ? h->nrows : 1, sizeof(uint32_t));
	uint32_t *fill, st = 0;

	for (size_t k = 0; k < nk; k++)
		keyrow[k] = HIST_NONE;
	/* rows by group (counting sort) */
	memset(gfirst, 0, (h->ngroups + 1) * sizeof(uint32_t));
	for (size_t r = 0; r < h->nrows; r++)
		if (h->row_group[r] != HIST_NONE)
			gfirst[h->row_group[r] + 1]++;
	for (size_t g = 0; g < h->ngroups; g++)
		gfirst[g + 1] += gfirst[g];
	fill = xmalloc(h->ngroups + 1, sizeof(uint32_t));
	memcpy(fill, gfirst, (h->ngroups + 1) * sizeof(uint32_t));
	for (size_t r = 0; r < h->nrows; r++)
		if (h->row_group[r] != HIST_NONE)
			byg[fill[h->row_group[r]]++] = (uint32_t)r;
	free(fill);
	h->ridx_start = xcalloc(h->nrows + 1, sizeof(uint32_t));
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *pos = NULL;
		if (pass == 1) {
			for (size_t r = 0; r < h->nrows; r++)
				h->ridx_start[r + 1] += h->ridx_start[r];
			h->ridx = xmalloc(h->ridx_start[h->nrows] ? h->ridx_start[h->nrows] : 1,
					  sizeof(*h->ridx));
			pos = xmalloc(h->nrows + 1, sizeof(uint32_t));
			memcpy(pos, h->ridx_start, (h->nrows + 1) * sizeof(uint32_t));
		}
		for (size_t g = 0; g < h->ngroups; g++) {
			for (uint32_t i = gfirst[g]; i < gfirst[g + 1]; i++)
				keyrow[hist_node_key_of_row(h, byg[i])] = byg[i];
			for (uint32_t i = h->gstart[g]; i < h->gstart[g + 1]; i++) {
				uint32_t rec = h->order[i];
				uint32_t n = v->recs[rec].leaf;
				st++;
				for (; n != PROFILE_NONE; n = h->children ? v->parent[n] : PROFILE_NONE) {
					uint32_t k = hist_node_key(h, n), r = keyrow[k];
					if (r == HIST_NONE)
						continue;
					if (stamp[k] == st) {
						/* an outer occurrence: the entry node moves up */
						if (pass == 1)
							h->ridx[lastpos[k]].node = n;
						continue;
					}
					stamp[k] = st;
					if (pass == 0) {
						h->ridx_start[r + 1]++;
					} else {
						lastpos[k] = pos[r];
						h->ridx[pos[r]].rec = rec;
						h->ridx[pos[r]++].node = n;
					}
				}
			}
			for (uint32_t i = gfirst[g]; i < gfirst[g + 1]; i++)
				keyrow[hist_node_key_of_row(h, byg[i])] = HIST_NONE;
		}
		free(pos);
	}
	free(keyrow);
	free(stamp);
	free(lastpos);
	free(gfirst);
	free(byg);
}

/* Collect the paths of the entry's records (on the root's first expansion). */
static void collect_paths(struct callgraph *g);

/* The view nodes where a row's call graphs start: the roots when rows are
 * not keyed by symbol or DSO, else the outermost nodes of the row's key. */
static const uint32_t *entry_nodes(const struct hist *h, const struct view *v, uint32_t key,
				   size_t *nx)
{
	if (h->fk == FK_NONE) {
		const uint32_t *cstart, *kids = view_children(v, &cstart);
		*nx = cstart[v->nnodes + 1] - cstart[v->nnodes];
		return kids + cstart[v->nnodes];
	}
	return view_first_nodes(h->p, v, h->fk == FK_SYM ? 2 : 1, key, nx);
}
static void group_sum(struct hist *h, uint32_t grp, uint32_t from, uint32_t to, uint64_t *w,
		      uint64_t *s);

struct callgraph *callgraph_new(const struct hist *h, size_t rowi)
{
	const struct hist_row *row = hist_row(h, rowi);
	struct callgraph *g;
	uint32_t grp, key;

	if (!row || h->o.graph == GRAPH_NONE || !h->p->info.has_callchains)
		return NULL;
	grp = h->row_group[rowi];
	if (grp == HIST_NONE || grp >= h->ngroups)
		return NULL;
	key = h->fk == FK_SYM ? row->sym : h->fk == FK_DSO ? row->dso : 0;
	g = xcalloc(1, sizeof(*g));
	g->h = h;
	g->row = row;
	g->rowi = (uint32_t)rowi;
	g->key = key;
	g->callers = h->callers;
	g->tree = h->children && !h->callers;
	/* the root, before any path is known */
	xgrow(&g->nodes, &g->cap_nodes, 1, sizeof(*g->nodes));
	memset(&g->nodes[0], 0, sizeof(g->nodes[0]));
	g->nodes[0].pub.sym = row->sym;
	g->nodes[0].pub.parent = CG_NONE;
	g->nodes[0].pub.weight = h->children ? row->children : row->self;
	g->nodes[0].pub.samples = h->children ? row->children_samples : row->self_samples;
	g->nnodes = 1;
	return g;
}

/* Append the path of record r through its entry node x: callee order from
 * x down to the leaf, caller order from x up to the outermost frame. */
static void add_path_w(struct callgraph *g, uint32_t leaf, uint32_t x, uint64_t weight,
		       uint64_t samples)
{
	const struct view *v = g->h->v;
	struct cpath *cp;
	uint32_t len;
	xgrow(&g->paths, &g->cap_paths, g->npaths + 1, sizeof(*g->paths));
	cp = &g->paths[g->npaths++];
	cp->off = (uint32_t)g->npsyms;
	cp->weight = weight;
	cp->samples = samples;
	len = g->callers ? v->depth[x] : v->depth[leaf] - v->depth[x] + 1;
	cp->len = len;
	xgrow(&g->psyms, &g->cap_psyms, g->npsyms + len, sizeof(uint32_t));
	if (g->callers) {
		uint32_t *out = g->psyms + g->npsyms;
		for (uint32_t n = x; n != PROFILE_NONE; n = v->parent[n])
			*out++ = v->sym[n];
	} else {
		uint32_t *out = g->psyms + g->npsyms + len;
		for (uint32_t n = leaf;; n = v->parent[n]) {
			*--out = v->sym[n];
			if (n == x)
				break;
		}
	}
	g->npsyms += len;
}

static void add_path(struct callgraph *g, const struct rec *r, uint32_t x)
{
	add_path_w(g, r->leaf, x, r->weight, r->samples);
}

/* Caller paths depend only on the entry node x: one path per x, weighted
 * by the group's records through it (with children: the subtree of each
 * outermost entry node; without: the records ending at x). */
static void collect_caller_paths(struct callgraph *g)
{
	struct hist *h = (struct hist *)g->h; /* prefix cache */
	const struct view *v = h->v;
	uint32_t grp = h->row_group[g->rowi];

	if (h->children) {
		size_t nx;
		const uint32_t *xs = entry_nodes(h, v, g->key, &nx);
		for (size_t i = 0; i < nx; i++) {
			uint64_t w, sm;
			group_sum(h, grp, xs[i], v->end[xs[i]], &w, &sm);
			if (sm)
				add_path_w(g, xs[i], xs[i], w, sm);
		}
	} else {
		/* the group's records are sorted by leaf: one path per leaf run */
		for (uint32_t i = h->gstart[grp]; i < h->gstart[grp + 1];) {
			uint32_t leaf = v->recs[h->order[i]].leaf;
			uint64_t w = 0, sm = 0;
			bool mine = hist_node_key(h, leaf) == g->key;
			for (; i < h->gstart[grp + 1] && v->recs[h->order[i]].leaf == leaf; i++) {
				w += v->recs[h->order[i]].weight;
				sm += v->recs[h->order[i]].samples;
			}
			if (mine)
				add_path_w(g, leaf, leaf, w, sm);
		}
	}
}

static void collect_paths(struct callgraph *g)
{
	struct hist *h = (struct hist *)g->h; /* index cache */
	const struct view *v = h->v;

	if (g->callers) {
		collect_caller_paths(g);
	} else if (!h->ridx_start && h->graphs++ == 0) {
		/* One graph (the TUI's case): find the outermost entry node on
		 * every path with one pass over the tree, then scan the group. */
		uint32_t grp = h->row_group[g->rowi];
		uint32_t *xnode = NULL;
		if (h->children) {
			const uint8_t *first = h->fk == FK_NONE ? NULL
					       : view_first(h->p, v, h->fk == FK_SYM ? 2 : 1);
			xnode = xmalloc(v->nnodes ? v->nnodes : 1, sizeof(uint32_t));
			for (size_t n = 0; n < v->nnodes; n++) {
				uint32_t par = v->parent[n];
				bool here = first ? first[n] && hist_node_key(h, (uint32_t)n) == g->key
						  : par == PROFILE_NONE;
				xnode[n] = here ? (uint32_t)n : par == PROFILE_NONE ? PROFILE_NONE : xnode[par];
			}
		}
		for (uint32_t i = h->gstart[grp]; i < h->gstart[grp + 1]; i++) {
			const struct rec *r = &v->recs[h->order[i]];
			if (xnode) {
				if (xnode[r->leaf] != PROFILE_NONE)
					add_path(g, r, xnode[r->leaf]);
			} else if (hist_node_key(h, r->leaf) == g->key) {
				add_path(g, r, r->leaf);
			}
		}
		free(xnode);
	} else {
		if (!h->ridx_start)
			build_index(h);
		for (uint32_t i = h->ridx_start[g->rowi]; i < h->ridx_start[g->rowi + 1]; i++)
			add_path(g, &v->recs[h->ridx[i].rec], h->ridx[i].node);
	}
	g->order = xmalloc(g->npaths ? g->npaths : 1, sizeof(uint32_t));
	for (size_t i = 0; i < g->npaths; i++)
		g->order[i] = (uint32_t)i;
	g->nodes[0].rb = 0;
	g->nodes[0].re = (uint32_t)g->npaths;
}

void callgraph_free(struct callgraph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nnodes; i++)
		free(g->nodes[i].kids);
	free(g->nodes);
	free(g->tn);
	free(g->order);
	free(g->paths);
	free(g->psyms);
	free(g);
}

bool callgraph_inverted(const struct callgraph *g)
{
	return g->callers;
}

uint32_t callgraph_root(const struct callgraph *g)
{
	(void)g;
	return 0;
}

const struct cg_node *callgraph_node(const struct callgraph *g, uint32_t id)
{
	return id < g->nnodes ? &g->nodes[id].pub : NULL;
}

static int64_t sym_at(const struct callgraph *g, uint32_t path, uint32_t d)
{
	const struct cpath *cp = &g->paths[path];
	return d < cp->len ? (int64_t)g->psyms[cp->off + d] : -1;
}

static int kid_cmp(const void *a, const void *b, void *arg)
{
	const struct callgraph *g = arg;
	const struct cg_node *x = &g->nodes[*(const uint32_t *)a].pub;
	const struct cg_node *y = &g->nodes[*(const uint32_t *)b].pub;
	const struct profile *p = g->h->p;
	int r;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	r = strcmp(profile_sym_name(p, x->sym, g->h->name_flags),
		   profile_sym_name(p, y->sym, g->h->name_flags));
	if (r)
		return r;
	/* same name in two DSOs: a stable order all the same */
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static double percent_of(const struct callgraph *g, uint64_t w)
{
	if (g->h->o.graph == GRAPH_ENTRY)
		return g->nodes[0].pub.weight ? 100.0 * (double)w / (double)g->nodes[0].pub.weight : 0;
	return hist_percent(g->h, w);
}

struct bucket {
	int64_t sym;
	uint32_t count, pos;
	uint64_t weight, samples;
};

/* ---- tree mode: callee graphs from the view tree ---- */

/* Tree mode needs no per-group arrays, so it is always on; the unit tests
 * set this to 0 to compare it with per-record paths. */
size_t callgraph_tree_limit = SIZE_MAX;

/* Prefix sums of (weight, samples) over h->order, whose records are sorted
 * by leaf within each group: built once per hist (one pass). */
static const uint64_t *group_prefix(struct hist *h)
{
	size_t n = h->gstart[h->ngroups];
	if (!h->gtot) {
		const struct view *v = h->v;
		uint64_t *pre = xmalloc(2 * (n + 1), sizeof(uint64_t));
		h->oleaf = xmalloc(n ? n : 1, sizeof(uint32_t));
		pre[0] = pre[1] = 0;
		for (size_t i = 0; i < n; i++) {
			const struct rec *r = &v->recs[h->order[i]];
			h->oleaf[i] = r->leaf;
			pre[2 * i + 2] = pre[2 * i] + r->weight;
			pre[2 * i + 3] = pre[2 * i + 1] + r->samples;
		}
		h->gtot = pre;
	}
	return h->gtot;
}

/* First index in order[lo, hi) whose leaf is >= node (group_prefix first). */
static uint32_t lower_leaf(const struct hist *h, uint32_t lo, uint32_t hi, uint32_t node)
{
	const uint32_t *leaf = h->oleaf;
	while (hi - lo > 16) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (leaf[mid] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < hi && leaf[lo] < node)
		lo++;
	return lo;
}

/* lower_leaf when the answer is likely close to lo: exponential steps,
 * then bisection (cost grows with the log of the distance). */
static uint32_t gallop_leaf(const struct hist *h, uint32_t lo, uint32_t hi, uint32_t node)
{
	uint32_t step = 1;
	if (lo >= hi || h->oleaf[lo] >= node)
		return lo;
	while (lo + step < hi && h->oleaf[lo + step] < node) {
		lo += step;
		step *= 2;
	}
	return lower_leaf(h, lo + 1, lo + step < hi ? lo + step : hi, node);
}

/* (weight, samples) of group grp's kept records with a leaf in view nodes
 * [from, to): a node's subtree with to = end[node], its own samples with
 * to = node + 1.  Two bisections; no per-node arrays. */
static void group_sum(struct hist *h, uint32_t grp, uint32_t from, uint32_t to, uint64_t *w,
		      uint64_t *s)
{
	const uint64_t *pre = group_prefix(h);
	uint32_t lo = h->gstart[grp], hi = h->gstart[grp + 1];
	uint32_t a = lower_leaf(h, lo, hi, from), b = lower_leaf(h, a, hi, to);
	*w = pre[2 * (size_t)b] - pre[2 * (size_t)a];
	*s = pre[2 * (size_t)b + 1] - pre[2 * (size_t)a + 1];
}

/* The root's view nodes: the outermost nodes of the entry's key (the
 * group's roots for entries keyed by thread only) with samples. */
static bool tree_init(struct callgraph *g)
{
	struct hist *h = (struct hist *)g->h; /* totals cache */
	const struct view *v = h->v;
	const uint32_t *xs;
	size_t nx;

	if ((uint64_t)h->ngroups * v->nnodes > callgraph_tree_limit)
		return false;
	g->grp = h->row_group[g->rowi];
	xs = entry_nodes(h, v, g->key, &nx);
	/* expand_tree drops the nodes without records of the group */
	xgrow(&g->tn, &g->cap_tn, nx ? nx : 1, sizeof(*g->tn));
	memcpy(g->tn, xs, nx * sizeof(*xs));
	g->ntn = nx;
	g->nodes[0].rb = 0;
	g->nodes[0].re = (uint32_t)g->ntn;
	return true;
}

static double percent_of(const struct callgraph *g, uint64_t w);
static int kid_cmp(const void *a, const void *b, void *arg);

/* Append a child of node `parent` (at depth d) covering paths [rb, re);
 * returns its index.  g->nodes may move. */
static uint32_t add_child(struct callgraph *g, uint32_t parent, uint32_t d, uint32_t sym,
			  uint64_t weight, uint64_t samples, uint32_t rb, uint32_t re)
{
	struct cgn *c;
	xgrow(&g->nodes, &g->cap_nodes, g->nnodes + 1, sizeof(*g->nodes));
	c = &g->nodes[g->nnodes];
	memset(c, 0, sizeof(*c));
	c->pub.sym = sym;
	c->pub.parent = parent;
	c->pub.depth = d + 1;
	c->pub.weight = weight;
	c->pub.samples = samples;
	c->rb = rb;
	c->re = re;
	return (uint32_t)g->nnodes++;
}

/* Record node id's children (sorted, owned by the node) and what was hidden. */
static void finish_node(struct callgraph *g, uint32_t id, uint64_t self, uint32_t *kids,
			size_t nk, size_t nhidden, uint64_t hidden_w)
{
	struct cgn *n = &g->nodes[id];
	n->pub.self = self;
	n->pub.nhidden = (uint32_t)nhidden;
	n->pub.hidden_weight = hidden_w;
	if (nk > 1)
		qsort_r(kids, nk, sizeof(*kids), kid_cmp, g);
	n->kids = kids;
	n->nkids = (uint32_t)nk;
	n->built = true;
}

struct tbucket {
	uint32_t sym, count, pos;
	uint64_t weight, samples;
	uint32_t node; /* cg node, or CG_NONE when hidden */
};

/* Children of cg node id: at depth 0 the root's view nodes grouped by
 * symbol, below that the view children of the node's view nodes. */
static void expand_tree(struct callgraph *g, uint32_t id)
{
	struct hist *h = (struct hist *)g->h; /* prefix cache */
	const struct view *v = h->v;
	const uint64_t *pre = group_prefix(h);
	struct cgn *n = &g->nodes[id];
	uint32_t rb = n->rb, re = n->re, d = n->pub.depth;
	uint32_t *cand = NULL, *bidx, *slots, *kids = NULL;
	uint64_t *cw = NULL; /* per candidate: subtree (weight, samples) */
	size_t nc = 0, capc = 0, capw = 0, nb = 0, nk = 0, mask = 15, add = 0;
	struct tbucket *b;
	uint64_t sum = 0, nhidden = 0, hidden_w = 0;

	const uint32_t *cstart, *vk = view_children(v, &cstart);
	uint32_t base = h->gstart[g->grp], prevx = 0;
	/* The entry's own line (sym key): its nodes all carry the entry's
	 * symbol and together weigh what the row does; no sums needed. */
	bool whole = d == 0 && h->fk == FK_SYM;
	for (uint32_t i = rb; i < re && whole; i++) {
		xgrow(&cand, &capc, nc + 1, sizeof(*cand));
		xgrow(&cw, &capw, 2 * (nc + 1), sizeof(*cw));
		cw[2 * nc] = i == rb ? n->pub.weight : 0;
		cw[2 * nc + 1] = i == rb ? n->pub.samples : 0;
		cand[nc++] = g->tn[i];
	}
	for (uint32_t i = whole ? re : rb; i < re; i++) {
		uint32_t x = g->tn[i];
		/* the group's records under x, in leaf (pre-order) order; the
		 * children's subtrees follow each other, so each sum starts
		 * where the previous one ended, and children without records
		 * are never visited: the next record's leaf names the next
		 * child (its ancestor one level below x) */
		uint32_t lo, hi;
		if (x < prevx) /* view nodes come in increasing order: search on */
			base = h->gstart[g->grp];
		prevx = x;
		lo = gallop_leaf(h, base, h->gstart[g->grp + 1], d == 0 ? x : x + 1);
		hi = gallop_leaf(h, lo, h->gstart[g->grp + 1], v->end[x]);
		base = hi;
		while (lo < hi) {
			uint32_t c = x, to;
			uint64_t w, sm;
			if (d != 0) {
				/* the last child of x at or before the leaf */
				uint32_t ka = cstart[x], kb = cstart[x + 1], leaf = h->oleaf[lo];
				while (kb - ka > 1) {
					uint32_t m = ka + (kb - ka) / 2;
					if (vk[m] <= leaf)
						ka = m;
					else
						kb = m;
				}
				c = vk[ka];
			}
			to = gallop_leaf(h, lo, hi, v->end[c]);
			w = pre[2 * (size_t)to] - pre[2 * (size_t)lo];
			sm = pre[2 * (size_t)to + 1] - pre[2 * (size_t)lo + 1];
			lo = to;
			if (!sm)
				continue;
			xgrow(&cand, &capc, nc + 1, sizeof(*cand));
			xgrow(&cw, &capw, 2 * (nc + 1), sizeof(*cw));
			cw[2 * nc] = w;
			cw[2 * nc + 1] = sm;
			cand[nc++] = c;
		}
	}
	while (mask < nc * 2)
		mask = mask * 2 + 1;
	slots = xcalloc(mask + 1, sizeof(uint32_t));
	b = xmalloc(nc ? nc : 1, sizeof(*b));
	bidx = xmalloc(nc ? nc : 1, sizeof(*bidx));
	for (size_t i = 0; i < nc; i++) {
		uint32_t sym = v->sym[cand[i]];
		size_t sl = (size_t)(((uint64_t)sym + 1) * 0x9e3779b97f4a7c15ULL >> 7) & mask;
		while (slots[sl] && b[slots[sl] - 1].sym != sym)
			sl = (sl + 1) & mask;
		if (!slots[sl]) {
			memset(&b[nb], 0, sizeof(b[nb]));
			b[nb].sym = sym;
			slots[sl] = (uint32_t)++nb;
		}
		bidx[i] = slots[sl] - 1;
		b[bidx[i]].count++;
		b[bidx[i]].weight += cw[2 * i];
		b[bidx[i]].samples += cw[2 * i + 1];
	}
	free(slots);
	/* visible buckets get a cg node and a range at the end of tn */
	for (size_t k = 0; k < nb; k++) {
		sum += b[k].weight;
		if (percent_of(g, b[k].weight) < g->h->o.percent_limit) {
			b[k].node = CG_NONE;
			nhidden++;
			hidden_w += b[k].weight;
			continue;
		}
		b[k].pos = (uint32_t)(g->ntn + add);
		add += b[k].count;
		b[k].node = add_child(g, id, d, b[k].sym, b[k].weight, b[k].samples, b[k].pos,
				      b[k].pos + b[k].count);
		kids = xrealloc(kids, nk + 1, sizeof(*kids));
		kids[nk++] = b[k].node;
	}
	xgrow(&g->tn, &g->cap_tn, g->ntn + add, sizeof(*g->tn));
	for (size_t i = 0; i < nc; i++) {
		struct tbucket *bk = &b[bidx[i]];
		if (bk->node != CG_NONE)
			g->tn[bk->pos++] = cand[i];
	}
	g->ntn += add;
	free(b);
	free(bidx);
	free(cand);
	free(cw);
	n = &g->nodes[id];
	finish_node(g, id, d == 0 || n->pub.weight < sum ? 0 : n->pub.weight - sum, kids, nk,
		    nhidden, hidden_w);
}

static void expand(struct callgraph *g, uint32_t id)
{
	struct cgn *n = &g->nodes[id];
	uint32_t rb = n->rb, re = n->re, d = n->pub.depth, len;
	uint32_t *kids = NULL, *slots, *bidx, *tmp;
	struct bucket *b;
	size_t nk = 0, nb = 0, mask = 15;
	uint64_t self = 0, nhidden = 0, hidden_w = 0;

	if (id == 0) {
		/* Under the limit, every line of the graph would be hidden. */
		if (g->h->o.graph == GRAPH_TOTAL && hist_percent(g->h, n->pub.weight) < g->h->o.percent_limit) {
			n->built = true;
			n->pub.nhidden = n->pub.weight ? 1 : 0;
			n->pub.hidden_weight = n->pub.weight;
			return;
		}
		if (g->tree && tree_init(g)) {
			expand_tree(g, 0);
			return;
		}
		g->tree = false;
		collect_paths(g);
		n = &g->nodes[0];
		rb = n->rb;
		re = n->re;
	} else if (g->tree) {
		expand_tree(g, id);
		return;
	}
	len = re - rb;
	/* Bucket the paths by their symbol at depth d (hash, linear time),
	 * then lay the range out bucket by bucket so each child owns a
	 * contiguous sub-range. */
	while (mask < (size_t)len * 2)
		mask = mask * 2 + 1;
	slots = xcalloc(mask + 1, sizeof(uint32_t));
	b = xmalloc(len ? len : 1, sizeof(*b));
	bidx = xmalloc(len ? len : 1, sizeof(*bidx));
	for (uint32_t i = 0; i < len; i++) {
		const struct cpath *cp = &g->paths[g->order[rb + i]];
		int64_t sym = sym_at(g, g->order[rb + i], d);
		size_t sl = (size_t)((uint64_t)(sym + 1) * 0x9e3779b97f4a7c15ULL >> 7) & mask;
		while (slots[sl] && b[slots[sl] - 1].sym != sym)
			sl = (sl + 1) & mask;
		if (!slots[sl]) {
			b[nb].sym = sym;
			b[nb].count = 0;
			b[nb].weight = b[nb].samples = 0;
			slots[sl] = (uint32_t)++nb;
		}
		bidx[i] = slots[sl] - 1;
		b[bidx[i]].count++;
		b[bidx[i]].weight += cp->weight;
		b[bidx[i]].samples += cp->samples;
	}
	free(slots);
	{
		uint32_t pos = 0;
		for (size_t k = 0; k < nb; k++) {
			b[k].pos = pos;
			pos += b[k].count;
		}
	}
	tmp = xmalloc(len ? len : 1, sizeof(*tmp));
	for (uint32_t i = 0; i < len; i++)
		tmp[b[bidx[i]].pos++] = g->order[rb + i];
	memcpy(g->order + rb, tmp, len * sizeof(*tmp));
	free(tmp);
	free(bidx);
	for (size_t k = 0; k < nb; k++) {
		uint32_t end = rb + b[k].pos, start = end - b[k].count;
		if (b[k].sym < 0) {
			self += b[k].weight;
			continue;
		}
		if (percent_of(g, b[k].weight) < g->h->o.percent_limit) {
			nhidden++;
			hidden_w += b[k].weight;
			continue;
		}
		kids = xrealloc(kids, nk + 1, sizeof(*kids));
		kids[nk++] = add_child(g, id, d, (uint32_t)b[k].sym, b[k].weight, b[k].samples,
				       start, end);
	}
	free(b);
	finish_node(g, id, self, kids, nk, nhidden, hidden_w);
}

size_t callgraph_children(struct callgraph *g, uint32_t id, const uint32_t **ids)
{
	static const uint32_t none[1];
	if (id >= g->nnodes) {
		*ids = none;
		return 0;
	}
	if (!g->nodes[id].built)
		expand(g, id);
	*ids = g->nodes[id].kids ? g->nodes[id].kids : none;
	return g->nodes[id].nkids;
}

double callgraph_percent(const struct callgraph *g, uint32_t id)
{
	const struct cg_node *n = callgraph_node(g, id);
	if (!n)
		return 0;
	if (g->h->o.graph == GRAPH_ENTRY)
		return g->nodes[0].pub.weight ? 100.0 * (double)n->weight / (double)g->nodes[0].pub.weight : 0;
	return hist_percent(g->h, n->weight);
}

const char *callgraph_name(const struct callgraph *g, uint32_t id)
{
	const struct cg_node *n = callgraph_node(g, id);
	const struct profile *p = g->h->p;
	if (!n)
		return "";
	if (id == 0 && n->sym == PROFILE_NONE) {
		const struct hist_row *r = g->row;
		if (r->dso != PROFILE_NONE)
			return profile_dso_name(p, r->dso, g->h->o.verbose);
		if (r->comm != PROFILE_NONE)
			return pdata_str(p->pd, r->comm);
		return "[all]";
	}
	return profile_sym_name(p, n->sym, g->h->name_flags);
}

enum frame_kind callgraph_kind(const struct callgraph *g, uint32_t id)
{
	const struct cg_node *n = callgraph_node(g, id);
	return n && n->sym != PROFILE_NONE ? profile_sym_kind(g->h->p, n->sym) : FRAME_UNKNOWN;
}

bool callgraph_has_lines(struct callgraph *g)
{
	const uint32_t *ids;
	uint32_t only;
	size_t n = callgraph_children(g, callgraph_root(g), &ids);
	if (n != 1)
		return n > 0;
	only = ids[0];
	return callgraph_children(g, only, &ids) > 0;
}

/* Whether row's graph has lines, from the view's per-thread call edges
 * (view_edges.c) instead of building the graph: 1 or 0, or -1 when they
 * cannot tell.  They can for rows keyed by symbol with Children, without a
 * symbol filter (a DSO filter keeps every stack through a kept row's
 * symbol, and the thread filters pick threads): the graph's root is the
 * row, its only child the entry line, whose children are the outermost
 * nodes' children (callers: parents) by symbol, weighing the edges of the
 * group's kept threads.  Cost: the symbol's edges. */
static int edges_has_graph(const struct hist *h, size_t row)
{
	const struct hist_row *r = &h->rows[row];
	const struct thread_edges *te;
	uint32_t grp = h->row_group[row];
	uint64_t root = r->children, best = 0;
	bool any = false, entry = h->o.graph == GRAPH_ENTRY;
	double limit = h->o.percent_limit;

	if (!h->children || h->fk != FK_SYM || h->sym_filtered || h->metric_drops ||
	    grp == HIST_NONE ||
	    r->sym >= h->p->nsyms || (h->o.graph != GRAPH_TOTAL && !entry) ||
	    !view_edges(h->p, h->v))
		return -1;
	te = h->v->edges[h->callers ? 1 : 0];
	/* the root and the entry line (one bucket: the row's weight) */
	if ((entry ? (root ? 100.0 : 0.0) : hist_percent(h, root)) < limit)
		return 0;
	for (uint32_t e = te->sstart[r->sym]; e < te->sstart[r->sym + 1]; e++) {
		uint64_t w = 0;
		bool here = false;
		for (uint32_t i = te->estart[e]; i < te->estart[e + 1]; i++) {
			uint32_t t = te->thread[i];
			if (!h->thread_ok[t] || h->gid[t] != grp)
				continue;
			here = true;
			w += te->w[i];
		}
		any = any || here;
		if (here && w > best)
			best = w;
	}
	if (!any)
		return 0;
	return !((entry ? 100.0 * (double)best / (double)root : hist_percent(h, best)) < limit);
}

bool hist_row_has_graph(const struct hist *h, size_t row)
{
	struct hist *mh = (struct hist *)h; /* cache fill */
	struct callgraph *g;
	if (row >= h->nrows)
		return false;
	if (!h->has_graph)
		mh->has_graph = xcalloc(h->nrows, 1);
	if (!h->has_graph[row] && h->o.graph != GRAPH_NONE && h->p->info.has_callchains) {
		int e = edges_has_graph(h, row);
		if (e >= 0)
			mh->has_graph[row] = e ? 2 : 1;
	}
	if (!h->has_graph[row]) {
		g = callgraph_new(h, row);
		mh->has_graph[row] = g && callgraph_has_lines(g) ? 2 : 1;
		callgraph_free(g);
	}
	return h->has_graph[row] == 2;
}
