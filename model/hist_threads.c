/* hist_threads: per-thread times of a query and their sum (the wall
 * split), gathered by hist_new()'s pass over the records (both kinds,
 * whatever the metric), the header's wall and duration lines, and the
 * orders of a thread list.  The browser's threads view and the headers
 * read them. */
#include "hist_int.h"
#include "profile_int.h"

#include "pytop/base/xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hist_wall_begin(struct hist *h)
{
	const struct profile *p = h->p;
	size_t nt = profile_nthreads(p);
	const struct profile_info *in = &p->info;

	h->tt = xcalloc(nt ? nt : 1, sizeof(*h->tt));
	memset(&h->wall, 0, sizeof(h->wall));
	h->wall.has_off_cpu = in->has_off_cpu;
	switch (h->o.metric) {
	case METRIC_OFF_CPU:
		h->metric_samples = in->off_cpu_samples;
		h->metric_weight = in->off_cpu_weight;
		break;
	case METRIC_WALL:
		h->metric_samples = in->nsamples + in->off_cpu_samples;
		h->metric_weight = in->total_weight + in->off_cpu_weight;
		break;
	default:
		h->metric_samples = in->nsamples;
		h->metric_weight = in->total_weight;
		break;
	}
}

void hist_wall_add(struct hist *h, const struct rec *r, enum profile_class cls)
{
	struct hist_thread_time *t = &h->tt[r->thread];
	if ((r->cls & REC_CLASS_MASK) == REC_ON_CPU) {
		t->cpu_ns += r->weight;
	} else {
		t->off_cpu_ns += r->weight;
		if (cls == CLASS_IO && (r->cls & REC_IO_SOCKET))
			h->wall.io_socket_ns += r->weight;
		else if (cls == CLASS_IO && (r->cls & REC_IO_FILE))
			h->wall.io_file_ns += r->weight;
	}
	if ((unsigned)cls < CLASS_COUNT)
		t->class_ns[cls] += r->weight;
	t->shown = true;
}

void hist_wall_add_totals(struct hist *h, uint32_t thread, const struct thread_tot *tt)
{
	struct hist_thread_time *t = &h->tt[thread];
	t->cpu_ns += tt->on_w;
	t->off_cpu_ns += tt->w - tt->on_w;
	h->wall.io_socket_ns += tt->io_socket;
	h->wall.io_file_ns += tt->io_file;
	for (int c = 0; c < CLASS_COUNT; c++)
		t->class_ns[c] += tt->cw[c];
	t->shown = t->shown || tt->s;
}

void hist_wall_end(struct hist *h, const uint8_t *thread_ok)
{
	const struct profile *p = h->p;
	size_t nt = profile_nthreads(p);
	struct hist_wall *w = &h->wall;

	for (size_t i = 0; i < nt; i++) {
		struct hist_thread_time *t = &h->tt[i];
		if (profile_thread_span(p, (uint32_t)i, &t->start_ns, &t->end_ns)) {
			t->wall_ns = t->end_ns - t->start_ns;
			t->shown = true;
		}
		t->shown = t->shown && thread_ok[i];
		if (!t->shown)
			continue;
		w->nthreads++;
		w->wall_ns += t->wall_ns;
		w->cpu_ns += t->cpu_ns;
		w->off_cpu_ns += t->off_cpu_ns;
		for (int c = 0; c < CLASS_COUNT; c++)
			w->class_ns[c] += t->class_ns[c];
	}
}

const struct hist_thread_time *hist_thread_times(const struct hist *h)
{
	return h->tt;
}

const struct hist_wall *hist_wall(const struct hist *h)
{
	return &h->wall;
}

uint64_t hist_metric_samples(const struct hist *h)
{
	return h->metric_samples;
}

uint64_t hist_metric_weight(const struct hist *h)
{
	return h->metric_weight;
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* Appends printf text to buf at *off, never past len. */
static void add(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = *off + (size_t)n < len ? *off + (size_t)n : len - 1;
}

const char *hist_wall_line(const struct hist *h, char *buf, size_t len)
{
	const struct hist_wall *w = &h->wall;
	bool done[CLASS_COUNT] = { false };
	size_t off = 0;
	bool first = true;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!w->has_off_cpu)
		return buf;
	add(buf, len, &off, "Wall %.2f s, %" PRIu32 " thread%s: on CPU %.2f s (%.0f%%); waiting %.2f s",
	    secs(w->wall_ns), w->nthreads, w->nthreads == 1 ? "" : "s", secs(w->cpu_ns),
	    w->wall_ns ? 100.0 * (double)w->cpu_ns / (double)w->wall_ns : 0.0,
	    secs(w->off_cpu_ns));
	for (;;) { /* the waits, biggest first (ties: table order) */
		int best = -1;
		for (int c = CLASS_FIRST_OFF_CPU; c < CLASS_COUNT; c++)
			if (!done[c] && w->class_ns[c] &&
			    (best < 0 || w->class_ns[c] > w->class_ns[best]))
				best = c;
		if (best < 0)
			break;
		done[best] = true;
		add(buf, len, &off, "%s%s %.2f s", first ? ": " : ", ",
		    profile_class_name((enum profile_class)best), secs(w->class_ns[best]));
		first = false;
		if (best == CLASS_IO && (w->io_socket_ns || w->io_file_ns)) {
			add(buf, len, &off, " (");
			if (w->io_socket_ns)
				add(buf, len, &off, "socket %.2f s%s", secs(w->io_socket_ns),
				    w->io_file_ns ? ", " : "");
			if (w->io_file_ns)
				add(buf, len, &off, "file/pipe %.2f s", secs(w->io_file_ns));
			add(buf, len, &off, ")");
		}
	}
	return buf;
}

const char *hist_duration_line(const struct hist *h, char *buf, size_t len)
{
	const struct profile_info *in = &h->p->info;
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (in->duration)
		add(buf, len, &off, "Duration %.2f s", secs(in->duration));
	else
		add(buf, len, &off, "Duration unknown");
	if (in->off_cpu_dropped && in->switch_outs)
		add(buf, len, &off,
		    "; off-CPU: %" PRIu64 " of %" PRIu64 " switch-outs not recorded (records lost), "
		    "the others' times scaled by %.3f",
		    in->off_cpu_dropped, in->switch_outs,
		    (double)in->switch_outs / (double)(in->switch_outs - in->off_cpu_dropped
						       ? in->switch_outs - in->off_cpu_dropped : 1));
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
	const struct hist_thread_time *t;
	if (thread >= h->p->pd->nthreads)
		return 0;
	t = &h->tt[thread];
	return h->o.metric == METRIC_CPU ? t->cpu_ns
	       : h->o.metric == METRIC_OFF_CPU ? t->off_cpu_ns : t->cpu_ns + t->off_cpu_ns;
}

bool hist_metric_has_class(const struct hist *h, enum profile_class c)
{
	const struct class_info *ci = profile_class_info(c);
	if (!ci)
		return false;
	return h->o.metric == METRIC_WALL ||
	       (ci->kind == SAMPLE_ON_CPU) == (h->o.metric == METRIC_CPU);
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
