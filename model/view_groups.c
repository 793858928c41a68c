/* view_groups: what every query of a view would otherwise recompute from
 * its records, computed once per view and kept with it:
 *   - the records grouped by a thread key (comm, pid, tid or a mix), in
 *     leaf order within a group, with prefix sums of (weight, samples): a
 *     query that keeps every record shares them instead of sorting the
 *     records again (view_groups);
 *   - per-thread totals (weight, samples, class split, native entries): a
 *     query without path filters sums its threads' (view_totals).
 * So re-keying, re-ordering, toggling the view or the graph direction and
 * zooming into a thread cost in proportion to threads and keys, not
 * records. */
#include "profile_int.h"

#include "pytop/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- thread groups ---- */

struct group_ctx {
	const struct profile *p;
	unsigned mask;
};

static int thread_cmp(const void *a, const void *b, void *arg)
{
	const struct group_ctx *c = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (c->mask & VIEW_GROUP_COMM) {
		int r = strcmp(profile_thread_comm(c->p, x), profile_thread_comm(c->p, y));
		if (r)
			return r;
	}
	if ((c->mask & VIEW_GROUP_PID) && profile_thread_pid(c->p, x) != profile_thread_pid(c->p, y))
		return profile_thread_pid(c->p, x) < profile_thread_pid(c->p, y) ? -1 : 1;
	if ((c->mask & VIEW_GROUP_TID) && profile_thread_tid(c->p, x) != profile_thread_tid(c->p, y))
		return profile_thread_tid(c->p, x) < profile_thread_tid(c->p, y) ? -1 : 1;
	return 0;
}

/* Group id per thread for the thread keys in mask, groups in key order;
 * the representative (first) thread of each group in g->rep. */
static void thread_groups(const struct profile *p, unsigned mask, struct view_groups *g)
{
	size_t nt = profile_nthreads(p);
	uint32_t *idx = xmalloc(nt ? nt : 1, sizeof(uint32_t));
	struct group_ctx c = { p, mask };

	g->gid = xmalloc(nt ? nt : 1, sizeof(uint32_t));
	g->rep = xmalloc(nt ? nt : 1, sizeof(uint32_t));
	g->ngroups = 0;
	for (size_t i = 0; i < nt; i++)
		idx[i] = (uint32_t)i;
	if (!mask) {
		for (size_t i = 0; i < nt; i++)
			g->gid[i] = 0;
		g->rep[0] = 0;
		g->ngroups = nt ? 1 : 0;
		free(idx);
		return;
	}
	qsort_r(idx, nt, sizeof(uint32_t), thread_cmp, &c);
	for (size_t i = 0; i < nt; i++) {
		if (i == 0 || thread_cmp(&idx[i - 1], &idx[i], &c))
			g->rep[g->ngroups++] = idx[i];
		g->gid[idx[i]] = (uint32_t)g->ngroups - 1;
	}
	free(idx);
}

/* Counting sort of every record by group (stable: leaf order within a
 * group), and the prefix sums the call graphs bisect. */
static void group_records(const struct view *v, struct view_groups *g)
{
	size_t n = v->nrecs;
	uint32_t *pos = xmalloc(g->ngroups + 1, sizeof(uint32_t));

	g->gstart = xcalloc(g->ngroups + 1, sizeof(uint32_t));
	g->order = xmalloc(n ? n : 1, sizeof(uint32_t));
	g->oleaf = xmalloc(n ? n : 1, sizeof(uint32_t));
	g->pre = xmalloc(2 * (n + 1), sizeof(uint64_t));
	for (size_t i = 0; i < n; i++)
		g->gstart[g->gid[v->recs[i].thread] + 1]++;
	for (size_t k = 0; k < g->ngroups; k++)
		g->gstart[k + 1] += g->gstart[k];
	memcpy(pos, g->gstart, (g->ngroups + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
		g->order[pos[g->gid[v->recs[i].thread]]++] = (uint32_t)i;
	free(pos);
	g->pre[0] = g->pre[1] = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rec *r = &v->recs[g->order[i]];
		g->oleaf[i] = r->leaf;
		g->pre[2 * i + 2] = g->pre[2 * i] + r->weight;
		g->pre[2 * i + 3] = g->pre[2 * i + 1] + r->samples;
	}
}

const struct view_groups *view_groups(const struct profile *p, const struct view *v,
				      unsigned mask, bool records)
{
	struct view *mv = (struct view *)v; /* cache fill */
	struct view_groups *g;

	mask &= VIEW_GROUP_ALL;
	if (!v->groups[mask]) {
		g = xcalloc(1, sizeof(*g));
		thread_groups(p, mask, g);
		mv->groups[mask] = g;
	}
	g = mv->groups[mask];
	if (records && !g->order)
		group_records(v, g);
	return g;
}

void view_groups_free(struct view_groups *g)
{
	if (!g)
		return;
	free(g->gid);
	free(g->rep);
	free(g->order);
	free(g->gstart);
	free(g->oleaf);
	free(g->pre);
	free(g);
}

/* ---- per-thread totals ---- */

static struct view_totals *build_totals(const struct profile *p, const struct view *v)
{
	size_t nt = profile_nthreads(p), ns = p->nsyms, cap = 0;
	struct view_totals *vt = xcalloc(1, sizeof(*vt));
	uint32_t *tstart = xcalloc(nt + 1, sizeof(uint32_t)), *trec, *pos, *touched;
	uint64_t *acc = xcalloc(ns ? ns : 1, sizeof(uint64_t));

	vt->t = xcalloc(nt ? nt : 1, sizeof(*vt->t));
	vt->nstart = xcalloc(nt + 1, sizeof(uint32_t));
	touched = xmalloc(ns ? ns : 1, sizeof(uint32_t));
	/* the records of each thread */
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
	for (size_t t = 0; t < nt; t++) {
		struct thread_tot *tt = &vt->t[t];
		size_t ntouched = 0;
		for (uint32_t i = tstart[t]; i < tstart[t + 1]; i++) {
			const struct rec *r = &v->recs[trec[i]];
			enum profile_class cls = rec_class(v, r);
			uint32_t e = v->entry[r->leaf];
			tt->w += r->weight;
			tt->s += r->samples;
			tt->cw[cls] += r->weight;
			tt->cs[cls] += r->samples;
			if ((r->cls & REC_CLASS_MASK) == REC_ON_CPU)
				tt->on_w += r->weight;
			else if (r->cls & REC_IO_SOCKET)
				tt->io_socket += r->weight;
			else if (r->cls & REC_IO_FILE)
				tt->io_file += r->weight;
			if (cls != CLASS_NATIVE || e == PROFILE_NONE)
				continue;
			if (!acc[e] && r->weight)
				touched[ntouched++] = e;
			acc[e] += r->weight;
		}
		xgrow(&vt->nat, &cap, vt->nnat + ntouched, sizeof(*vt->nat));
		for (size_t i = 0; i < ntouched; i++) {
			vt->nat[vt->nnat].sym = touched[i];
			vt->nat[vt->nnat++].w = acc[touched[i]];
			acc[touched[i]] = 0;
		}
		vt->nstart[t + 1] = (uint32_t)vt->nnat;
	}
	free(tstart);
	free(trec);
	free(acc);
	free(touched);
	return vt;
}

const struct view_totals *view_totals(const struct profile *p, const struct view *v)
{
	struct view *mv = (struct view *)v; /* cache fill */
	if (!v->totals)
		mv->totals = build_totals(p, v);
	return v->totals;
}

void view_totals_free(struct view_totals *vt)
{
	if (!vt)
		return;
	free(vt->t);
	free(vt->nstart);
	free(vt->nat);
	free(vt);
}
