/* perf_import: replay a perf.data file through the recorder (struct rec):
 * each record of the file becomes the ring-buffer record the live loop
 * would have read, so unwinding, perf maps and symbolization are the same
 * code as `pytop record`'s. */
#include "pytop/record/perf_import.h"

#include "pytop/base/xalloc.h"
#include "pytop/format/perfdata.h"
#include "pytop/record/symbolize.h"
#include "rec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NOTES 5

bool perf_import_is_perfdata(const char *path)
{
	char magic[8];
	struct stat st;
	int fd;
	bool yes;
	/* regular files only: reading a FIFO's first bytes would take them
	 * from the pytop.data reader */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	yes = read(fd, magic, 8) == 8 && !memcmp(magic, "PERFILE2", 8);
	close(fd);
	return yes;
}

/* A sample rewritten in the recorder's layout (events.c parse_sample: IP,
 * TID, TIME, CPU, PERIOD, CALLCHAIN, then with dwarf REGS_USER in the
 * unwinder's register set and STACK_USER) into buf; returns its size. */
static size_t normalize(const struct rec *r, const struct perfdata_sample *s, uint64_t *buf,
			size_t cap_words)
{
	struct perf_event_header *h = (struct perf_event_header *)(void *)buf;
	uint64_t *w = buf + 1;
	size_t fixed, room;

	h->type = PERF_RECORD_SAMPLE;
	h->misc = s->misc;
	*w++ = s->ip;
	*w++ = (uint64_t)s->pid | (uint64_t)s->tid << 32;
	*w++ = s->time;
	*w++ = s->cpu;
	*w++ = s->period;
	{
		/* the record's u16 size must hold it all: 7 words here, 20 for
		 * the registers, abi and stack fields in dwarf mode */
		uint64_t nr = s->nr, max = (65535 / 8) - 7 - (r->dwarf ? 20 : 0);
		if (nr > max)
			nr = max;
		*w++ = nr;
		memcpy(w, s->chain, nr * 8);
		w += nr;
	}
	if (r->dwarf) {
		*w++ = s->regs ? s->abi : 0;
		if (s->regs) {
			/* the unwinder's registers, in ascending bit order, from
			 * the file's (perf records a superset) */
			for (int b = 0; b < 64; b++) {
				uint64_t v = 0;
				if (!(r->regs_mask >> b & 1))
					continue;
				if (s->regs_mask >> b & 1) {
					size_t at = (size_t)__builtin_popcountll(s->regs_mask &
										 ((1ULL << b) - 1));
					memcpy(&v, s->regs + at * 8, 8);
				}
				*w++ = v;
			}
		}
		fixed = (size_t)(w - buf) * 8 + 16;
		room = fixed < 65535 ? (65535 - fixed) & ~(size_t)7 : 0;
		if (cap_words * 8 < fixed + room)
			room = 0;
		{
			uint64_t n = s->stack ? s->stack_size : 0, dyn = s->dyn_size;
			if (n > room)
				n = room; /* keep the innermost bytes: the unwinder starts at SP */
			if (dyn > n)
				dyn = n;
			*w++ = n;
			if (n) {
				memcpy(w, s->stack, n);
				w += (n + 7) / 8;
				*w++ = dyn;
			}
		}
	}
	h->size = (uint16_t)((size_t)(w - buf) * 8);
	return h->size;
}

/* MMAP (not MMAP2): pid, tid, addr, len, pgoff, filename. */
static void on_mmap(struct rec *r, const struct pd_rec_header *h)
{
	const unsigned char *p = (const unsigned char *)(h + 1);
	size_t len = h->size - 8;
	uint32_t pid;
	uint64_t addr, mlen, pgoff;
	if (len <= 32 || !memchr(p + 32, '\0', len - 32))
		return;
	memcpy(&pid, p, 4);
	memcpy(&addr, p + 8, 8);
	memcpy(&mlen, p + 16, 8);
	memcpy(&pgoff, p + 24, 8);
	if (pid == UINT32_MAX)
		return; /* the kernel's maps: kernel frames resolve through kallsyms */
	procmap_add(r->pm, pid, addr, mlen, pgoff, (const char *)p + 32);
}

struct order {
	uint64_t time, off;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Every record's (time, offset), sorted by time, file order among equals;
 * records without a time keep the time of the record before them.
 * Returns the count, or -1 (err filled) for a corrupt data section. */
static ssize_t time_order(struct perfdata *pf, struct order **out, struct pdata_error *err)
{
	struct order *o = NULL;
	size_t n = 0, cap = 0, off = 0, at = 0;
	uint64_t last = 0;
	const struct pd_rec_header *h;
	int rc;

	while ((rc = perfdata_next(pf, &off, &h, err)) == 1) {
		uint64_t t = perfdata_record_time(pf, h);
		if (t == UINT64_MAX)
			t = last;
		last = t;
		xgrow(&o, &cap, n + 1, sizeof(*o));
		o[n++] = (struct order){ t, at };
		at = off;
	}
	if (rc < 0) {
		free(o);
		return -1;
	}
	if (n > 1)
		qsort(o, n, sizeof(*o), order_cmp);
	*out = o;
	return (ssize_t)n;
}

static void note(struct rec *r, size_t *n, const char *fmt, const char *a, const char *b)
{
	if ((*n)++ < MAX_NOTES)
		rec_message(r, fmt, a, b);
}

/* Each binary with recorded samples, checked against its recorded build-id. */
static void check_build_ids(struct rec *r, const struct perfdata_info *in)
{
	struct symbolizer *sy = symbolizer_new();
	size_t nnotes = 0;
	for (size_t i = 0; i < in->nbuild_ids; i++) {
		const struct perfdata_build_id *b = &in->build_ids[i];
		const char *have;
		if (b->path[0] != '/' || !b->hex[0])
			continue; /* [kernel.kallsyms], [vdso], ... */
		if (access(b->path, R_OK) != 0) {
			note(r, &nnotes, "note: %s: not on this machine (%s); its frames stay unnamed",
			     b->path, strerror(errno));
			continue;
		}
		have = symbolizer_build_id(sy, (uint32_t)i, b->path); /* key: a dense id */
		if (*have && strcmp(have, b->hex))
			note(r, &nnotes, "note: %s: build-id %s differs from the recorded one: the "
			     "file changed since the recording, its names may be wrong", b->path, have);
	}
	if (nnotes > MAX_NOTES) {
		char more[32];
		snprintf(more, sizeof(more), "%zu", nnotes - MAX_NOTES);
		rec_message(r, "note: ... and %s more binaries%s", more, "");
	}
	symbolizer_free(sy);
}

static void fill_meta(struct rec *r, const struct perfdata *pf, uint64_t tmin, uint64_t tmax)
{
	const struct perfdata_info *in = perfdata_info(pf);
	const struct perfdata_attr *a = perfdata_attr(pf, 0);
	struct pdata *pd = r->pd;
	struct pdata_meta *m = &pd->meta;
	bool chain = a->sample_type & PD_S_CALLCHAIN;

	m->cmdline = pdata_intern_cstr(pd, in->cmdline);
	m->event = pdata_intern_cstr(pd, perfdata_event_name(a));
	m->callchain = pdata_intern_cstr(pd, r->dwarf ? "dwarf" : chain ? "fp" : "none");
	m->callchain_reason = pdata_intern_cstr(pd, r->dwarf ? "perf.data: --call-graph dwarf"
							     : chain ? "perf.data: -g"
								     : "perf.data: no call graph");
	if (*in->hostname)
		m->hostname = pdata_intern_cstr(pd, in->hostname);
	if (*in->os_release)
		m->os_release = pdata_intern_cstr(pd, in->os_release);
	m->arch = pdata_intern_cstr(pd, *in->arch ? in->arch : "x86_64");
	m->pytop_version = pdata_intern_cstr(pd, PYTOP_VERSION);
	m->freq = a->freq ? a->sample_period : 0;
	m->period = a->freq ? 0 : a->sample_period;
	m->stack_bytes = r->dwarf ? a->sample_stack_user : 0;
	if (in->first_time && in->last_time > in->first_time) {
		tmin = in->first_time;
		tmax = in->last_time;
	}
	m->duration = tmax > tmin ? tmax - tmin : 0;
	m->lost = r->lost;
	m->throttled = r->throttled;
	m->nr_cpus = in->nr_cpus;
	m->exit_status = -1;
}

struct pdata *perf_import(const char *path, void (*message)(void *ctx, const char *line),
			  void *ctx, struct pdata_error *err)
{
	struct record_opts o = { .message = message, .message_ctx = ctx, .cmdline = "" };
	struct record_result res = { 0 };
	struct unwind_callbacks cb;
	struct perfdata *pf;
	struct rec r;
	struct stat st;
	const struct pd_rec_header *h;
	const struct perfdata_attr *a0;
	uint64_t *buf, tmin = UINT64_MAX, tmax = 0, other = 0, bad = 0;
	struct order *ord = NULL;
	ssize_t nrec;
	void *img;
	int fd, rc;
	struct pdata *pd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 16) {
		snprintf(err->msg, sizeof(err->msg), "%s", S_ISREG(st.st_mode) ?
			 "corrupt perf.data: truncated header" : "perf.data must be a regular file");
		close(fd);
		return NULL;
	}
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED) {
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(errno));
		return NULL;
	}
	pf = perfdata_open(img, (size_t)st.st_size, err);
	if (!pf) {
		munmap(img, (size_t)st.st_size);
		return NULL;
	}
	a0 = perfdata_attr(pf, 0);
	rec_init(&r, &o, 0); /* 0: every perf map line belongs to its process */
	r.offline = true;
	r.round = 1;
	r.dwarf = (a0->sample_type & PD_S_REGS_USER) && (a0->sample_type & PD_S_STACK_USER);
	if (r.dwarf) {
		r.sample_type = PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
		r.regs_mask = unwind_sample_regs_mask();
		cb = (struct unwind_callbacks){ .find_map = rec_find_map, .find_jit = rec_find_jit,
						.ctx = &r };
		r.uw = unwinder_new(&cb);
	}
	buf = xmalloc(65536 / 8 + 64, 8);
	nrec = time_order(pf, &ord, err);
	rc = nrec < 0 ? -1 : 0;
	for (ssize_t i = 0; i < nrec; i++) {
		struct perfdata_sample s;
		size_t off = ord[i].off;
		if (perfdata_next(pf, &off, &h, err) != 1) { /* read before: cannot fail */
			rc = -1;
			break;
		}
		switch (h->type) {
		case PD_REC_SAMPLE:
			if (!perfdata_sample(pf, h, &s)) {
				bad++;
				break;
			}
			if (s.attr != 0) {
				other++;
				break;
			}
			if (s.time < tmin)
				tmin = s.time;
			if (s.time > tmax)
				tmax = s.time;
			normalize(&r, &s, buf, 65536 / 8 + 64);
			rec_on_record(&r, (const struct perf_event_header *)(const void *)buf);
			break;
		case PD_REC_MMAP:
			on_mmap(&r, h);
			break;
		case PD_REC_MMAP2:
		case PD_REC_COMM:
		case PD_REC_FORK:
		case PD_REC_EXIT:
		case PD_REC_LOST:
		case PD_REC_LOST_SAMPLES:
		case PD_REC_THROTTLE:
			rec_on_record(&r, (const struct perf_event_header *)(const void *)h);
			break;
		default:
			break; /* perf's own records, switches, ...: not needed */
		}
	}
	free(buf);
	free(ord);
	if (rc < 0) {
		perfdata_free(pf);
		munmap(img, (size_t)st.st_size);
		rec_free(&r);
		return NULL;
	}
	if (other)
		rec_message(&r, "note: %llu samples of other events left out (pytop shows the "
			    "first event, %s)", (unsigned long long)other, perfdata_event_name(a0));
	if (bad)
		rec_message(&r, "warning: %llu malformed samples skipped", (unsigned long long)bad);
	check_build_ids(&r, perfdata_info(pf));
	fill_meta(&r, pf, tmin, tmax);
	rec_resolve(&r, &res);
	if (rec_load_samples(&r, &res) < 0)
		rec_message(&r, "warning: some samples could not be read back");
	r.pd->meta.truncated = r.truncated;
	for (int k = 0; k < TRUNC_COUNT; k++)
		r.pd->meta.truncated_why[k] = r.stops[k + 1];
	pd = r.pd;
	r.pd = NULL;
	perfdata_free(pf);
	munmap(img, (size_t)st.st_size);
	rec_free(&r);
	return pd;
}
