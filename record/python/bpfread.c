/* bpfread: load the BPF frame reader, attach it, configure processes, read
 * its ring buffer.  libbpf does the loading (the skeleton bpftool generated
 * from pyframes.bpf.c at build time embeds the object). */
#include "pytop/python/bpfread.h"
#include "pytop/base/xalloc.h"
#include "pyframes_abi.h"
#include "pyframes.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

_Static_assert(sizeof(struct bpfread_frame) == sizeof(struct pyf_frame) &&
		       offsetof(struct bpfread_frame, instr) == offsetof(struct pyf_frame, instr) &&
		       offsetof(struct bpfread_frame, ident) == offsetof(struct pyf_frame, ident),
	       "bpfread_frame mirrors pyf_frame");
_Static_assert(BPFREAD_MAX_FRAMES == PYF_MAX_FRAMES, "one frame limit");

struct bpfread {
	struct pyframes_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;
	size_t nlinks, cap_links;
	void (*fn)(void *ctx, const struct bpfread_sample *s);
	void *fn_ctx;
	size_t delivered;
};

/* libbpf's messages: the last warning is kept for the one-line error. */
static char last_msg[256];

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
		last_msg[strcspn(last_msg, "\n")] = '\0';
	}
	return 0;
}

struct bpfread *bpfread_open(char *why, size_t whylen)
{
	struct bpfread *b = xcalloc(1, sizeof(*b));
	int e;

	libbpf_set_print(on_libbpf_print);
	last_msg[0] = '\0';
	b->skel = pyframes_bpf__open();
	if (!b->skel) {
		snprintf(why, whylen, "cannot open the BPF frame reader: %s", strerror(errno));
		free(b);
		return NULL;
	}
	e = pyframes_bpf__load(b->skel);
	if (e) {
		e = e < 0 ? -e : e;
		if (e == EPERM || e == EACCES)
			snprintf(why, whylen, "the kernel refused the BPF frame reader (%s): it needs "
					      "root or CAP_BPF and CAP_PERFMON", strerror(e));
		else
			snprintf(why, whylen, "the kernel refused the BPF frame reader: %s%s%s",
				 strerror(e), last_msg[0] ? ": " : "", last_msg);
		pyframes_bpf__destroy(b->skel);
		free(b);
		return NULL;
	}
	return b;
}

void bpfread_free(struct bpfread *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nlinks; i++)
		bpf_link__destroy(b->links[i]);
	free(b->links);
	ring_buffer__free(b->rb);
	pyframes_bpf__destroy(b->skel);
	free(b);
}

int bpfread_attach(struct bpfread *b, int perf_fd, char *why, size_t whylen)
{
	struct bpf_link *l = bpf_program__attach_perf_event(b->skel->progs.pyf_on_sample, perf_fd);
	if (!l) {
		snprintf(why, whylen, "cannot attach the BPF frame reader to a perf event: %s",
			 strerror(errno));
		return -1;
	}
	xgrow(&b->links, &b->cap_links, b->nlinks + 1, sizeof(*b->links));
	b->links[b->nlinks++] = l;
	return 0;
}

/* Bytes from the start the program must read to see fields f[0..n). */
static uint32_t read_size(const uint16_t *f, size_t n)
{
	uint32_t size = 0;
	for (size_t i = 0; i < n; i++)
		if (f[i] != PYOFF_NONE && (uint32_t)f[i] + 8 > size)
			size = (uint32_t)f[i] + 8;
	return size;
}

int bpfread_add_proc(struct bpfread *b, uint32_t pid, uint64_t runtime, uint64_t code_type,
		     const struct py_offsets *off)
{
	uint16_t fr[] = { off->frame_code, off->frame_back, off->frame_instr, off->frame_owner,
			  off->frame_is_entry };
	uint16_t co[] = { off->ob_type, off->code_filename,
			  off->code_qualname != PYOFF_NONE ? off->code_qualname : off->code_name };
	struct pyf_proc p = { .runtime = runtime, .code_type = code_type,
			      .frame_read = read_size(fr, sizeof(fr) / sizeof(fr[0])),
			      .code_read = read_size(co, sizeof(co) / sizeof(co[0])), .off = *off };
	if (p.frame_read > 128 || p.code_read > 256)
		return -1; /* the program's buffers: no known version needs more */
	return bpf_map__update_elem(b->skel->maps.procs, &pid, sizeof(pid), &p, sizeof(p),
				    BPF_ANY) ? -1 : 0;
}

void bpfread_remove_proc(struct bpfread *b, uint32_t pid)
{
	bpf_map__delete_elem(b->skel->maps.procs, &pid, sizeof(pid), 0);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct bpfread *b = ctx;
	const struct pyf_sample *s = data;
	size_t head = offsetof(struct pyf_sample, frames);
	struct bpfread_sample v;

	if (size < head || s->nslots > PYF_SLOTS ||
	    (size - head) / sizeof(struct pyf_frame) < s->nslots)
		return 0;
	v = (struct bpfread_sample){ .time = s->time, .ip = s->ip, .pid = s->pid, .tid = s->tid,
				     .status = (enum bpfread_status)s->status,
				     .truncated = s->flags & PYF_F_TRUNCATED,
				     .nslots = s->nslots, .nframes = s->nframes,
				     .frames = (const struct bpfread_frame *)(const void *)s->frames };
	b->fn(b->fn_ctx, &v);
	b->delivered++;
	return 0;
}

int bpfread_fd(const struct bpfread *b)
{
	return b->rb ? ring_buffer__epoll_fd(b->rb) : -1;
}

size_t bpfread_consume(struct bpfread *b,
		       void (*fn)(void *ctx, const struct bpfread_sample *s), void *ctx)
{
	b->fn = fn;
	b->fn_ctx = ctx;
	b->delivered = 0;
	if (!b->rb) {
		b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_record, b, NULL);
		if (!b->rb)
			return 0;
	}
	ring_buffer__consume(b->rb);
	return b->delivered;
}

static uint64_t counter(const struct bpfread *b, uint32_t which)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum = 0, *v;
	if (ncpu <= 0)
		return 0;
	v = xcalloc((size_t)ncpu, sizeof(*v));
	if (!bpf_map__lookup_elem(b->skel->maps.counters, &which, sizeof(which), v,
				  (size_t)ncpu * sizeof(*v), 0))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

uint64_t bpfread_lost(const struct bpfread *b)
{
	return counter(b, PYF_C_LOST);
}

uint64_t bpfread_samples(const struct bpfread *b)
{
	return counter(b, PYF_C_SAMPLES);
}
