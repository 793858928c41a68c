/* view_threads: per-thread key totals of a view, so that a query without
 * path filters (no symbol or DSO filter) groups threads instead of
 * re-walking the stack tree: re-keying, re-ordering and thread zooms then
 * cost in proportion to threads x keys. */
#include "profile_int.h"

#include "pytop/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

uint64_t view_thread_keys_limit = (uint64_t)8 << 20;

static struct thread_keys *build(const struct profile *p, const struct view *v, int fk)
{
	struct view *mv = (struct view *)v; /* scratch cache */
	size_t nt = p->pd->nthreads, nn = v->nnodes;
	size_t nk = fk == 2 ? p->nsyms : p->ndsos, cap = 0;
	const uint8_t *first = view_first(p, v, fk);
	struct thread_keys *tk = xcalloc(1, sizeof(*tk));
	uint32_t *tstart = xcalloc(nt + 1, sizeof(uint32_t)), *trec, *pos, *touched;
	uint64_t *acc = xcalloc(nk ? nk * 4 : 1, sizeof(uint64_t)), *tw;
	uint8_t *seen = xcalloc(nk ? nk : 1, 1);

	if (!mv->scratch)
		mv->scratch = xcalloc(2 * (nn ? nn : 1), sizeof(uint64_t));
	tw = mv->scratch;
	touched = xmalloc(nk ? nk : 1, sizeof(uint32_t));
	/* the records of each thread, in leaf order */
	/* every record: a query whose metric drops some walks them instead
	 * (hist.c, filter_state.no_tk) */
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
	tk->start = xcalloc(nt + 1, sizeof(uint32_t));
	for (size_t t = 0; t < nt; t++) {
		size_t ntouched = 0;
		uint32_t maxleaf = 0;
		for (uint32_t i = tstart[t]; i < tstart[t + 1]; i++) {
			const struct rec *r = &v->recs[trec[i]];
			uint32_t n = r->leaf, k = fk == 2 ? v->sym[n] : p->syms[v->sym[n]].dso;
			if (!seen[k]) {
				seen[k] = 1;
				touched[ntouched++] = k;
			}
			acc[4 * (size_t)k] += r->weight;
			acc[4 * (size_t)k + 1] += r->samples;
			tw[2 * (size_t)n] += r->weight;
			tw[2 * (size_t)n + 1] += r->samples;
			if (n > maxleaf)
				maxleaf = n;
		}
		/* children after parents: one descending pass sees each node's
		 * subtree sum; credit outermost occurrences, push up, clear */
		if (tstart[t] < tstart[t + 1])
			for (uint32_t n = maxleaf + 1; n-- > 0;) {
				uint64_t *s = &tw[2 * (size_t)n];
				uint32_t par = v->parent[n];
				if (!s[1])
					continue;
				if (first[n]) {
					uint32_t k = fk == 2 ? v->sym[n] : p->syms[v->sym[n]].dso;
					if (!seen[k]) {
						seen[k] = 1;
						touched[ntouched++] = k;
					}
					acc[4 * (size_t)k + 2] += s[0];
					acc[4 * (size_t)k + 3] += s[1];
				}
				if (par != PROFILE_NONE) {
					tw[2 * (size_t)par] += s[0];
					tw[2 * (size_t)par + 1] += s[1];
				}
				s[0] = s[1] = 0;
			}
		xgrow(&tk->e, &cap, tk->n + ntouched, sizeof(*tk->e));
		for (size_t i = 0; i < ntouched; i++) {
			uint32_t k = touched[i];
			struct thread_key *e = &tk->e[tk->n++];
			e->key = k;
			memcpy(e->w, &acc[4 * (size_t)k], sizeof(e->w));
			memset(&acc[4 * (size_t)k], 0, 4 * sizeof(uint64_t));
			seen[k] = 0;
		}
		tk->start[t + 1] = (uint32_t)tk->n;
	}
	free(tstart);
	free(trec);
	free(acc);
	free(seen);
	free(touched);
	return tk;
}

const struct thread_keys *view_thread_keys(const struct profile *p, const struct view *v, int fk)
{
	struct view *mv = (struct view *)v; /* cache fill */
	if (fk < 1 || fk > 2)
		return NULL;
	if (!v->tk_tried[fk]) {
		mv->tk_tried[fk] = 1;
		if ((uint64_t)p->pd->nthreads * v->nnodes <= view_thread_keys_limit)
			mv->tk[fk] = build(p, v, fk);
	}
	return v->tk[fk];
}
