/* perf_session: open sampling events, map and drain their ring buffers. */
#include "pytop/base/xalloc.h"
#include "pytop/record/perf_session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct ring {
	int fd;                    /* the event that owns the mapping */
	enum perf_source src;      /* which kind of event writes into it */
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	size_t size;               /* data bytes, power of two */
};

struct qent;

struct perf_session {
	int *fds;
	size_t nfds, cap_fds;
	struct ring *rings;
	size_t nrings;
	size_t ncpus;
	unsigned char *q;          /* records of one drain, copied out, 8-aligned */
	size_t nq, cap_q;
	struct qent *qi;           /* their times, to deliver them in order */
	size_t nqi, cap_qi;
	uint64_t *heads;
	size_t cap_heads;
};

/* ---- online CPUs ---- */

static size_t online_cpus(int **out)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int *cpus = NULL;
	size_t n = 0, cap = 0;
	int a, b;
	char sep;

	if (f) {
		while (fscanf(f, "%d", &a) == 1) {
			b = a;
			sep = (char)fgetc(f);
			if (sep == '-') {
				if (fscanf(f, "%d", &b) != 1)
					break;
				sep = (char)fgetc(f);
			}
			for (int c = a; c <= b && c - a < 4096; c++) {
				xgrow(&cpus, &cap, n + 1, sizeof(*cpus));
				cpus[n++] = c;
			}
			if (sep != ',')
				break;
		}
		fclose(f);
	}
	if (!n) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		for (long i = 0; i < (c > 0 ? c : 1); i++) {
			xgrow(&cpus, &cap, n + 1, sizeof(*cpus));
			cpus[n++] = (int)i;
		}
	}
	*out = cpus;
	return n;
}

/* ---- events ---- */

uint64_t perf_session_sample_type(const struct perf_session_spec *spec)
{
	uint64_t t = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
		     PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN;
	if (spec->regs_user)
		t |= PERF_SAMPLE_REGS_USER;
	if (spec->stack_user)
		t |= PERF_SAMPLE_STACK_USER;
	return t;
}

static void fill_attr(struct perf_event_attr *a, const struct perf_session_spec *spec)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = spec->type;
	a->config = spec->config;
	a->freq = 1;
	a->sample_freq = spec->freq;
	a->sample_type = perf_session_sample_type(spec);
	a->disabled = 1;
	a->inherit = 1;
	a->enable_on_exec = spec->enable_on_exec;
	a->exclude_kernel = !spec->kernel;
	a->exclude_callchain_kernel = !spec->kernel;
	a->exclude_hv = 1;
	a->exclude_guest = 1;
	a->mmap = 1; /* with mmap2: MMAP2 records for executable mappings */
	a->mmap2 = 1;
	a->comm = 1;
	a->comm_exec = 1;
	a->task = 1;
	a->sample_id_all = 1;
	a->use_clockid = 1; /* times comparable with file timestamps */
	a->clockid = CLOCK_MONOTONIC;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(spec->ring_pages * (size_t)sysconf(_SC_PAGESIZE) / 4);
	if (spec->regs_user) {
		a->sample_regs_user = spec->regs_user;
		a->sample_stack_user = spec->stack_user;
		a->exclude_callchain_user = 1; /* the user part comes from unwinding */
	}
}

/* The context-switch event: a sample (with the sampling events' layout,
 * so one parser reads both) at every switch-out, and context_switch
 * records for the switch-ins and the preempted flag; no mmap, comm or
 * task records (the sampling events give those). */
static void fill_switch_attr(struct perf_event_attr *a, const struct perf_session_spec *spec)
{
	fill_attr(a, spec);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_CONTEXT_SWITCHES;
	a->freq = 0;
	a->sample_period = 1;
	a->mmap = a->mmap2 = a->comm = a->comm_exec = a->task = 0;
	a->context_switch = 1;
}

static int event_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static int map_ring(struct ring *r, int fd, size_t pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (pages + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->fd = fd;
	r->meta = p;
	r->data = (unsigned char *)p + page;
	r->size = pages * page;
	return 0;
}

/* One attempt with `pages` per ring.  Returns the session or NULL with *err
 * (negative for an mmap failure). */
static struct perf_session *try_open(const struct perf_session_spec *spec, size_t pages,
				     const pid_t *tids, size_t ntids, const int *cpus,
				     size_t ncpus, int *err)
{
	struct perf_session *s = xcalloc(1, sizeof(*s));
	struct perf_session_spec sp = *spec;
	struct perf_event_attr attrs[2];
	size_t nkinds = spec->switches ? 2 : 1;

	sp.ring_pages = pages;
	fill_attr(&attrs[PERF_SRC_SAMPLING], &sp);
	fill_switch_attr(&attrs[PERF_SRC_SWITCH], &sp);
	s->rings = xcalloc(ncpus * nkinds, sizeof(*s->rings));
	s->ncpus = ncpus;
	*err = 0;
	for (size_t c = 0; c < ncpus * nkinds; c++) {
		int leader = -1;
		enum perf_source src = c < ncpus ? PERF_SRC_SAMPLING : PERF_SRC_SWITCH;
		for (size_t t = 0; t < ntids; t++) {
			int fd = event_open(&attrs[src], tids[t], cpus[c % ncpus]), rc;
			if (fd < 0) {
				if (errno == ESRCH) /* thread exited meanwhile */
					continue;
				*err = errno;
				goto fail;
			}
			xgrow(&s->fds, &s->cap_fds, s->nfds + 1, sizeof(*s->fds));
			s->fds[s->nfds++] = fd;
			if (leader >= 0) {
				if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, leader) < 0) {
					*err = errno;
					goto fail;
				}
				continue;
			}
			rc = map_ring(&s->rings[s->nrings], fd, pages);
			if (rc < 0) {
				*err = rc;
				goto fail;
			}
			s->rings[s->nrings].src = src;
			s->nrings++;
			leader = fd;
		}
	}
	if (!s->nfds) {
		*err = ESRCH;
		goto fail;
	}
	return s;
fail:
	perf_session_free(s);
	return NULL;
}

struct perf_session *perf_session_open(const struct perf_session_spec *spec, const pid_t *tids,
				       size_t ntids, int *err)
{
	int *cpus;
	size_t ncpus = online_cpus(&cpus), pages = spec->ring_pages;
	struct perf_session *s;

	/* an unprivileged user may lock little memory (perf_event_mlock_kb):
	 * settle for smaller buffers, with the wake-up mark to match */
	while (!(s = try_open(spec, pages, tids, ntids, cpus, ncpus, err)) &&
	       (*err == -EPERM || *err == -ENOMEM) && pages > 8)
		pages /= 2;
	free(cpus);
	return s;
}

void perf_session_free(struct perf_session *s)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (!s)
		return;
	for (size_t i = 0; i < s->nrings; i++)
		munmap(s->rings[i].meta, s->rings[i].size + page);
	for (size_t i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	free(s->fds);
	free(s->rings);
	free(s->q);
	free(s->qi);
	free(s->heads);
	free(s);
}

void perf_session_enable(struct perf_session *s)
{
	for (size_t i = 0; i < s->nfds; i++)
		ioctl(s->fds[i], PERF_EVENT_IOC_ENABLE, 0);
}

void perf_session_disable(struct perf_session *s)
{
	for (size_t i = 0; i < s->nfds; i++)
		ioctl(s->fds[i], PERF_EVENT_IOC_DISABLE, 0);
}

size_t perf_session_nbuffers(const struct perf_session *s)
{
	return s->nrings;
}

int perf_session_fd(const struct perf_session *s, size_t i)
{
	return s->rings[i].fd;
}

size_t perf_session_ncpus(const struct perf_session *s)
{
	return s->ncpus;
}

/* ---- ring buffers ----
 *
 * Each CPU's buffer is in time order, but a FORK on one CPU and the child's
 * first sample on another must be seen in time order too: a drain takes a
 * snapshot of every head first, copies the records out, and delivers them
 * sorted by their timestamp (the sample's TIME field, or the sample_id
 * trailer of the other records). */

struct qent {
	uint64_t time;
	size_t off, seq;
	enum perf_source src;
};

static uint64_t record_time(const struct perf_event_header *h)
{
	const unsigned char *p = (const unsigned char *)h;
	uint64_t t = 0;
	if (h->type == PERF_RECORD_SAMPLE) {
		if (h->size >= sizeof(*h) + 24)
			memcpy(&t, p + sizeof(*h) + 16, 8); /* after IP, TID */
	} else if (h->size >= sizeof(*h) + 24) {
		memcpy(&t, p + h->size - 16, 8); /* sample_id: TID, TIME, CPU */
	}
	return t;
}

static void queue_ring(struct perf_session *s, struct ring *r, uint64_t head)
{
	uint64_t tail = r->meta->data_tail;
	size_t mask = r->size - 1;

	while (tail < head) {
		size_t off = (size_t)tail & mask;
		struct perf_event_header hdr;
		unsigned char *dst;

		if (head - tail < sizeof(hdr))
			break;
		if (off + sizeof(hdr) <= r->size) {
			memcpy(&hdr, r->data + off, sizeof(hdr));
		} else {
			size_t first = r->size - off;
			memcpy(&hdr, r->data + off, first);
			memcpy((unsigned char *)&hdr + first, r->data, sizeof(hdr) - first);
		}
		if (hdr.size < sizeof(hdr) || hdr.size > head - tail)
			break; /* cannot happen with a sane kernel; stop rather than loop */
		xgrow(&s->q, &s->cap_q, s->nq + hdr.size + 8, 1);
		dst = s->q + s->nq;
		if (off + hdr.size <= r->size) {
			memcpy(dst, r->data + off, hdr.size);
		} else {
			size_t first = r->size - off;
			memcpy(dst, r->data + off, first);
			memcpy(dst + first, r->data, hdr.size - first);
		}
		xgrow(&s->qi, &s->cap_qi, s->nqi + 1, sizeof(*s->qi));
		s->qi[s->nqi] = (struct qent){ .time = record_time((const void *)dst), .off = s->nq,
					       .seq = s->nqi, .src = r->src };
		s->nqi++;
		s->nq += (hdr.size + 7u) & ~(size_t)7u;
		tail += hdr.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
}

static int cmp_qent(const void *a, const void *b)
{
	const struct qent *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t perf_session_drain(struct perf_session *s,
			  void (*fn)(void *ctx, const struct perf_event_header *rec,
				     enum perf_source src),
			  void *ctx)
{
	size_t n;

	xgrow(&s->heads, &s->cap_heads, s->nrings + 1, sizeof(*s->heads));
	for (size_t i = 0; i < s->nrings; i++)
		s->heads[i] = __atomic_load_n(&s->rings[i].meta->data_head, __ATOMIC_ACQUIRE);
	s->nq = s->nqi = 0;
	for (size_t i = 0; i < s->nrings; i++)
		queue_ring(s, &s->rings[i], s->heads[i]);
	if (s->nqi)
		qsort(s->qi, s->nqi, sizeof(*s->qi), cmp_qent);
	for (size_t i = 0; i < s->nqi; i++)
		fn(ctx, (const void *)(s->q + s->qi[i].off), s->qi[i].src);
	n = s->nqi;
	if (s->cap_q > (64u << 20)) { /* do not keep a huge burst's buffer */
		free(s->q);
		s->q = NULL;
		s->cap_q = 0;
	}
	return n;
}

size_t perf_session_nevents(const struct perf_session *s)
{
	return s->nfds;
}

int perf_session_event_fd(const struct perf_session *s, size_t i)
{
	return s->fds[i];
}
