/* callgraph: callee / caller trees of one histogram entry, expanded lazily. */
#include "hist_int.h"

#include "pytop/callgraph.h"
#include "pytop/xalloc.h"

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
	bool callers;
	uint32_t *psyms;
	size_t npsyms, cap_psyms;
	struct cpath *paths;
	size_t npaths, cap_paths;
	uint32_t *order;
	struct cgn *nodes;
	size_t nnodes, cap_nodes;
	char rootname[512];
};

static uint32_t new_node(struct callgraph *g, uint32_t parent, uint32_t sym, uint32_t rb,
			 uint32_t re)
{
	struct cgn *n;
	xgrow(&g->nodes, &g->cap_nodes, g->nnodes + 1, sizeof(*g->nodes));
	n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof(*n));
	n->pub.sym = sym;
	n->pub.parent = parent;
	n->pub.depth = parent == CG_NONE ? 0 : g->nodes[parent].pub.depth + 1;
	n->rb = rb;
	n->re = re;
	for (uint32_t i = rb; i < re; i++) {
		n->pub.weight += g->paths[g->order[i]].weight;
		n->pub.samples += g->paths[g->order[i]].samples;
	}
	return (uint32_t)g->nnodes++;
}

struct callgraph *callgraph_new(const struct hist *h, size_t rowi)
{
	const struct hist_row *row = hist_row(h, rowi);
	const struct view *v = h->v;
	struct callgraph *g;
	uint32_t grp, *tmp = NULL, key;
	size_t cap_tmp = 0;

	if (!row || h->o.graph == GRAPH_NONE || !h->p->info.has_callchains)
		return NULL;
	grp = h->row_group[rowi];
	if (grp == HIST_NONE || grp >= h->ngroups)
		return NULL;
	key = h->fk == FK_SYM ? row->sym : h->fk == FK_DSO ? row->dso : 0;
	g = xcalloc(1, sizeof(*g));
	g->h = h;
	g->row = row;
	g->callers = h->callers;
	for (uint32_t i = h->gstart[grp]; i < h->gstart[grp + 1]; i++) {
		const struct rec *r = &v->recs[h->order[i]];
		size_t depth = 0, x;
		struct cpath *cp;
		for (uint32_t n = r->leaf; n != PROFILE_NONE; n = v->parent[n]) {
			xgrow(&tmp, &cap_tmp, depth + 1, sizeof(*tmp));
			tmp[depth++] = n;
		}
		if (!depth)
			continue;
		if (!h->children) {
			/* self entries: the leaf must be the entry */
			if (hist_node_key(h, tmp[0]) != key)
				continue;
			x = 0;
		} else {
			/* outermost occurrence of the entry */
			x = depth;
			for (size_t j = depth; j-- > 0;)
				if (hist_node_key(h, tmp[j]) == key) {
					x = j;
					break;
				}
			if (x == depth)
				continue;
		}
		xgrow(&g->paths, &g->cap_paths, g->npaths + 1, sizeof(*g->paths));
		cp = &g->paths[g->npaths++];
		cp->off = (uint32_t)g->npsyms;
		cp->weight = r->weight;
		cp->samples = r->samples;
		if (g->callers) {
			cp->len = (uint32_t)(depth - x);
			xgrow(&g->psyms, &g->cap_psyms, g->npsyms + cp->len, sizeof(uint32_t));
			for (size_t j = x; j < depth; j++)
				g->psyms[g->npsyms++] = v->sym[tmp[j]];
		} else {
			cp->len = (uint32_t)(x + 1);
			xgrow(&g->psyms, &g->cap_psyms, g->npsyms + cp->len, sizeof(uint32_t));
			for (size_t j = x + 1; j-- > 0;)
				g->psyms[g->npsyms++] = v->sym[tmp[j]];
		}
	}
	free(tmp);
	g->order = xmalloc(g->npaths ? g->npaths : 1, sizeof(uint32_t));
	for (size_t i = 0; i < g->npaths; i++)
		g->order[i] = (uint32_t)i;
	new_node(g, CG_NONE, row->sym, 0, (uint32_t)g->npaths);
	return g;
}

void callgraph_free(struct callgraph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nnodes; i++)
		free(g->nodes[i].kids);
	free(g->nodes);
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

struct sort_ctx {
	const struct callgraph *g;
	uint32_t d;
};

static int64_t sym_at(const struct callgraph *g, uint32_t path, uint32_t d)
{
	const struct cpath *cp = &g->paths[path];
	return d < cp->len ? (int64_t)g->psyms[cp->off + d] : -1;
}

static int path_cmp(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	int64_t x = sym_at(c->g, *(const uint32_t *)a, c->d);
	int64_t y = sym_at(c->g, *(const uint32_t *)b, c->d);
	return x < y ? -1 : x > y;
}

static int kid_cmp(const void *a, const void *b, void *arg)
{
	const struct callgraph *g = arg;
	const struct cg_node *x = &g->nodes[*(const uint32_t *)a].pub;
	const struct cg_node *y = &g->nodes[*(const uint32_t *)b].pub;
	const struct profile *p = g->h->p;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(profile_sym_name(p, x->sym, g->h->name_flags),
		      profile_sym_name(p, y->sym, g->h->name_flags));
}

static void expand(struct callgraph *g, uint32_t id)
{
	struct cgn *n = &g->nodes[id];
	uint32_t rb = n->rb, re = n->re, d = n->pub.depth, i;
	struct sort_ctx c = { g, d };
	uint32_t *kids = NULL;
	size_t nk = 0, capk = 0;
	uint64_t self = 0;

	/* The root holds whole paths (depth 0 = the entry's first symbol). */
	qsort_r(g->order + rb, re - rb, sizeof(uint32_t), path_cmp, &c);
	for (i = rb; i < re && sym_at(g, g->order[i], d) < 0; i++)
		self += g->paths[g->order[i]].weight;
	while (i < re) {
		uint32_t j = i, kid;
		int64_t s = sym_at(g, g->order[i], d);
		while (j < re && sym_at(g, g->order[j], d) == s)
			j++;
		kid = new_node(g, id, (uint32_t)s, i, j);
		xgrow(&kids, &capk, nk + 1, sizeof(*kids));
		kids[nk++] = kid;
		i = j;
	}
	n = &g->nodes[id]; /* new_node may have moved the array */
	n->pub.self = self;
	if (nk > 1)
		qsort_r(kids, nk, sizeof(*kids), kid_cmp, g);
	/* hide lines under the percent limit */
	{
		size_t out = 0;
		for (size_t k = 0; k < nk; k++) {
			if (callgraph_percent(g, kids[k]) < g->h->o.percent_limit) {
				n->pub.nhidden++;
				n->pub.hidden_weight += g->nodes[kids[k]].pub.weight;
				continue;
			}
			kids[out++] = kids[k];
		}
		nk = out;
	}
	n->kids = kids;
	n->nkids = (uint32_t)nk;
	n->built = true;
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
