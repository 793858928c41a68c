/* hist_threads: per-thread times of a query and their sum (the wall
 * split), built once per hist from its kept stacks, and the orders of a
 * thread list.  The browser's threads view and the headers read them. */
#include "hist_int.h"

#include "pytop/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void build(struct hist *h)
{
	size_t nt = h->p->pd->nthreads, ns = h->gstart[h->ngroups];
	struct hist_wall *w = &h->wall;

	h->ttimes = xcalloc(nt ? nt : 1, sizeof(*h->ttimes));
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < ns; i++) {
		const struct rec *r = &h->v->recs[h->order[i]];
		struct hist_thread_time *t = &h->ttimes[r->thread];
		uint8_t c = h->v->cls[r->leaf];
		t->cpu_ns += r->weight;
		if (c < CLASS_COUNT)
			t->class_ns[c] += r->weight;
	}
	for (size_t t = 0; t < nt; t++) {
		const struct hist_thread_time *tt = &h->ttimes[t];
		w->wall_ns += tt->wall_ns;
		w->cpu_ns += tt->cpu_ns;
		w->off_cpu_ns += tt->off_cpu_ns;
		for (int c = 0; c < CLASS_COUNT; c++)
			w->class_ns[c] += tt->class_ns[c];
		if (tt->wall_ns || tt->cpu_ns || tt->off_cpu_ns)
			w->nthreads++;
	}
}

const struct hist_thread_time *hist_thread_times(const struct hist *h)
{
	if (!h->ttimes)
		build((struct hist *)h); /* cache fill */
	return h->ttimes;
}

const struct hist_wall *hist_wall(const struct hist *h)
{
	hist_thread_times(h);
	return &h->wall;
}

const char *hist_wall_line(const struct hist *h, char *buf, size_t len)
{
	/* no profile has off-CPU data yet: nothing to split */
	(void)h;
	if (len)
		buf[0] = '\0';
	return buf;
}

const char *hist_duration_line(const struct hist *h, char *buf, size_t len)
{
	uint64_t d = profile_info(h->p)->duration;
	if (d)
		snprintf(buf, len, "Duration %.2f s", (double)d / 1e9);
	else
		snprintf(buf, len, "Duration unknown");
	return buf;
}

/* ---- orders ---- */

const char *hist_thread_order_name(enum hist_thread_order o)
{
	static const char *const names[HIST_THREADS_ORDER_COUNT] = { "time", "comm", "tid" };
	return o < HIST_THREADS_ORDER_COUNT ? names[o] : "";
}

uint64_t hist_thread_metric_ns(const struct hist *h, uint32_t thread)
{
	if (thread >= h->p->pd->nthreads)
		return 0;
	return hist_thread_times(h)[thread].cpu_ns;
}

bool hist_metric_has_class(const struct hist *h, enum profile_class c)
{
	const struct class_info *ci = profile_class_info(c);
	(void)h;
	return ci && ci->kind == SAMPLE_ON_CPU;
}

struct order_key {
	const char *comm;
	uint64_t ns;
	uint32_t tid, idx;
};

static int cmp_tid(const struct order_key *a, const struct order_key *b)
{
	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_time(const void *x, const void *y)
{
	const struct order_key *a = x, *b = y;
	if (a->ns != b->ns)
		return a->ns > b->ns ? -1 : 1;
	return cmp_tid(a, b);
}

static int cmp_comm(const void *x, const void *y)
{
	const struct order_key *a = x, *b = y;
	int c = strcmp(a->comm, b->comm);
	return c ? c : cmp_tid(a, b);
}

static int cmp_tid_qsort(const void *x, const void *y)
{
	return cmp_tid(x, y);
}

void hist_thread_order(const struct hist *h, enum hist_thread_order by, uint32_t *out)
{
	size_t nt = h->p->pd->nthreads;
	struct order_key *k = xmalloc(nt ? nt : 1, sizeof(*k));
	int (*cmp)(const void *, const void *) = by == HIST_THREADS_BY_COMM ? cmp_comm
						 : by == HIST_THREADS_BY_TID ? cmp_tid_qsort
									     : cmp_time;
	for (size_t t = 0; t < nt; t++) {
		k[t].comm = profile_thread_comm(h->p, (uint32_t)t);
		k[t].ns = hist_thread_metric_ns(h, (uint32_t)t);
		k[t].tid = profile_thread_tid(h->p, (uint32_t)t);
		k[t].idx = (uint32_t)t;
	}
	qsort(k, nt, sizeof(*k), cmp);
	for (size_t t = 0; t < nt; t++)
		out[t] = k[t].idx;
	free(k);
}
