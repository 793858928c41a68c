/* view_edges: the per-thread call edges of each symbol's outermost
 * occurrences, so the browser's + marks (does this entry's call graph
 * have lines?) cost the entry's edges instead of building its graph.
 *
 * A node n with a parent is on two edges: callee (s = sym(parent), other
 * = sym(n)) when the parent is an outermost node of its symbol, caller
 * (s = sym(n), other = sym(parent)) when n is an outermost node of its.
 * The distinct (s, other) pairs get ids in (s, other) order, once per view
 * (a radix sort of the nodes' pairs).  Then per thread one descending pass
 * over the nodes sums each node's subtree (children come after their
 * parent in pre-order) and adds it to its two edges; the threads' edge
 * weights are laid out by edge.  Cost: nodes x (key bytes) for the ids,
 * threads x nodes for the weights, sequential; memory: distinct edges and
 * their threads. */
#include "profile_int.h"

#include "pytop/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

size_t view_edges_limit = (size_t)16 << 20;

struct keyed {
	uint64_t key;
	uint32_t node;
};

/* LSD radix sort of a[0..n) by key, 8 bits a pass up to the highest set
 * bit of maxkey; tmp has room for n.  Returns the sorted array (a or tmp). */
static struct keyed *radix(struct keyed *a, struct keyed *tmp, size_t n, uint64_t maxkey)
{
	for (unsigned shift = 0; shift < 64 && (maxkey >> shift); shift += 8) {
		uint32_t cnt[257] = { 0 };
		struct keyed *x;
		for (size_t i = 0; i < n; i++)
			cnt[((a[i].key >> shift) & 255) + 1]++;
		for (int k = 0; k < 256; k++)
			cnt[k + 1] += cnt[k];
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(a[i].key >> shift) & 255]++] = a[i];
		x = a;
		a = tmp;
		tmp = x;
	}
	return a;
}

/* Edge ids of one kind: node_id[n] (PROFILE_NONE off the kind's edges),
 * te->sstart and te->other filled. */
static void edge_ids(const struct profile *p, const struct view *v, const uint8_t *first,
		     int kind, uint32_t *node_id, struct thread_edges *te)
{
	size_t nn = v->nnodes, ns = p->nsyms, m = 0;
	struct keyed *a = xmalloc(nn ? nn : 1, sizeof(*a)), *tmp = xmalloc(nn ? nn : 1, sizeof(*tmp));
	struct keyed *sorted;

	for (size_t n = 0; n < nn; n++) {
		uint32_t par = v->parent[n];
		node_id[n] = PROFILE_NONE;
		if (par == PROFILE_NONE || !(kind ? first[n] : first[par]))
			continue;
		a[m].key = kind ? (uint64_t)v->sym[n] * ns + v->sym[par]
				: (uint64_t)v->sym[par] * ns + v->sym[n];
		a[m++].node = (uint32_t)n;
	}
	sorted = radix(a, tmp, m, ns ? (uint64_t)ns * ns - 1 : 0);
	te->sstart = xcalloc(ns + 2, sizeof(uint32_t));
	te->other = xmalloc(m ? m : 1, sizeof(uint32_t));
	for (size_t i = 0; i < m; i++) {
		if (i == 0 || sorted[i].key != sorted[i - 1].key) {
			te->other[te->nedges] = (uint32_t)(sorted[i].key % ns);
			te->sstart[sorted[i].key / ns + 1]++;
			te->nedges++;
		}
		node_id[sorted[i].node] = (uint32_t)te->nedges - 1;
	}
	for (size_t s = 0; s < ns; s++)
		te->sstart[s + 1] += te->sstart[s];
	free(a);
	free(tmp);
}

/* Per-thread weights of te's edges, thread-major while summing. */
struct tw_list {
	uint32_t *id, *thread;
	uint64_t *w;
	size_t n, cap_id, cap_t, cap_w;
	uint64_t *acc;      /* per edge */
	uint8_t *has;       /* per edge: in touched */
	uint32_t *touched;  /* edges with weight in acc */
	size_t ntouched;
};

static inline void tw_add(struct tw_list *l, uint32_t id, uint64_t w)
{
	if (!l->has[id]) {
		l->has[id] = 1;
		l->touched[l->ntouched++] = id;
	}
	l->acc[id] += w;
}

static void tw_flush(struct tw_list *l, uint32_t t)
{
	xgrow(&l->id, &l->cap_id, l->n + l->ntouched, sizeof(*l->id));
	xgrow(&l->thread, &l->cap_t, l->n + l->ntouched, sizeof(*l->thread));
	xgrow(&l->w, &l->cap_w, l->n + l->ntouched, sizeof(*l->w));
	for (size_t i = 0; i < l->ntouched; i++) {
		uint32_t id = l->touched[i];
		l->id[l->n] = id;
		l->thread[l->n] = t;
		l->w[l->n++] = l->acc[id];
		l->acc[id] = 0;
		l->has[id] = 0;
	}
	l->ntouched = 0;
}

/* te's (thread, weight) lists by edge (counting sort of l). */
static void tw_layout(struct thread_edges *te, const struct tw_list *l)
{
	uint32_t *pos;
	te->estart = xcalloc(te->nedges + 2, sizeof(uint32_t));
	for (size_t i = 0; i < l->n; i++)
		te->estart[l->id[i] + 1]++;
	for (size_t e = 0; e < te->nedges; e++)
		te->estart[e + 1] += te->estart[e];
	te->n = l->n;
	te->thread = xmalloc(l->n ? l->n : 1, sizeof(uint32_t));
	te->w = xmalloc(l->n ? l->n : 1, sizeof(uint64_t));
	pos = xmalloc(te->nedges + 1, sizeof(uint32_t));
	memcpy(pos, te->estart, (te->nedges + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < l->n; i++) {
		uint32_t k = pos[l->id[i]]++;
		te->thread[k] = l->thread[i];
		te->w[k] = l->w[i];
	}
	free(pos);
}

static void tw_free(struct tw_list *l)
{
	free(l->id);
	free(l->thread);
	free(l->w);
	free(l->acc);
	free(l->has);
	free(l->touched);
}

static void build(const struct profile *p, struct view *v)
{
	size_t nt = profile_nthreads(p), nn = v->nnodes;
	const uint8_t *first = view_first(p, v, 2);
	struct thread_edges *te[2];
	uint32_t *node_id[2], *tstart, *trec, *pos;
	struct tw_list l[2];
	uint64_t *tw;
	bool ok = true;

	if (!v->scratch)
		v->scratch = xcalloc(2 * (nn ? nn : 1), sizeof(uint64_t));
	tw = v->scratch;
	for (int k = 0; k < 2; k++) {
		te[k] = xcalloc(1, sizeof(*te[k]));
		node_id[k] = xmalloc(nn ? nn : 1, sizeof(uint32_t));
		edge_ids(p, v, first, k, node_id[k], te[k]);
		memset(&l[k], 0, sizeof(l[k]));
		l[k].acc = xcalloc(te[k]->nedges ? te[k]->nedges : 1, sizeof(uint64_t));
		l[k].has = xcalloc(te[k]->nedges ? te[k]->nedges : 1, 1);
		l[k].touched = xmalloc(te[k]->nedges ? te[k]->nedges : 1, sizeof(uint32_t));
	}
	/* the records of each thread, in leaf order */
	tstart = xcalloc(nt + 1, sizeof(uint32_t));
	for (size_t i = 0; i < v->nrecs; i++)
		tstart[v->recs[i].thread + 1]++;
	for (size_t t = 0; t < nt; t++)
		tstart[t + 1] += tstart[t];
	trec = xmalloc(v->nrecs ? v->nrecs : 1, sizeof(uint32_t));
	pos = xmalloc(nt + 1, sizeof(uint32_t));
	memcpy(pos, tstart, (nt + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < v->nrecs; i++)
		trec[pos[v->recs[i].thread]++] = (uint32_t)i;
	free(pos);
	for (size_t t = 0; t < nt && ok; t++) {
		uint32_t maxleaf = 0;
		for (uint32_t i = tstart[t]; i < tstart[t + 1]; i++) {
			const struct rec *r = &v->recs[trec[i]];
			tw[2 * (size_t)r->leaf] += r->weight;
			tw[2 * (size_t)r->leaf + 1] += r->samples;
			if (r->leaf > maxleaf)
				maxleaf = r->leaf;
		}
		for (uint32_t n = tstart[t] < tstart[t + 1] ? maxleaf + 1 : 0; n-- > 0;) {
			uint64_t *s = &tw[2 * (size_t)n];
			uint32_t par = v->parent[n];
			if (!s[1])
				continue;
			if (node_id[0][n] != PROFILE_NONE)
				tw_add(&l[0], node_id[0][n], s[0]);
			if (node_id[1][n] != PROFILE_NONE)
				tw_add(&l[1], node_id[1][n], s[0]);
			if (par != PROFILE_NONE) {
				tw[2 * (size_t)par] += s[0];
				tw[2 * (size_t)par + 1] += s[1];
			}
			s[0] = s[1] = 0;
		}
		tw_flush(&l[0], (uint32_t)t);
		tw_flush(&l[1], (uint32_t)t);
		ok = l[0].n + l[1].n <= view_edges_limit;
	}
	free(tstart);
	free(trec);
	for (int k = 0; k < 2; k++) {
		if (ok)
			tw_layout(te[k], &l[k]);
		tw_free(&l[k]);
		free(node_id[k]);
		v->edges[k] = te[k];
	}
	if (!ok)
		view_edges_free(v);
}

bool view_edges(const struct profile *p, const struct view *v)
{
	struct view *mv = (struct view *)v; /* cache fill */
	if (!v->edges_tried) {
		mv->edges_tried = true;
		if ((uint64_t)profile_nthreads(p) * v->nnodes <= view_thread_keys_limit &&
		    p->nsyms < ((uint64_t)1 << 32))
			build(p, mv);
	}
	return v->edges[0] != NULL;
}

static void edges_free(struct thread_edges *te)
{
	if (!te)
		return;
	free(te->sstart);
	free(te->other);
	free(te->estart);
	free(te->thread);
	free(te->w);
	free(te);
}

void view_edges_free(struct view *v)
{
	edges_free(v->edges[0]);
	edges_free(v->edges[1]);
	v->edges[0] = v->edges[1] = NULL;
}
