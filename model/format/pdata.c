/* pdata: in-memory tables of a profile and the builder that interns them. */
#include "pytop/base/hmap.h"
#include "pytop/format/pdata.h"
#include "pdata_format.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[FRAME_KIND_COUNT] = {
	[FRAME_UNKNOWN] = "unknown",
	[FRAME_PYTHON] = "python",
	[FRAME_INTERPRETER] = "interpreter",
	[FRAME_NATIVE] = "native",
	[FRAME_KERNEL] = "kernel",
};

const char *frame_kind_name(enum frame_kind kind)
{
	return (unsigned)kind < FRAME_KIND_COUNT ? kind_names[kind] : "unknown";
}

bool pdata_dso_is_interpreter(const char *path)
{
	const char *base, *rest;
	if (!path)
		return false;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!strncmp(base, "libpython", 9))
		rest = base + 9;
	else if (!strncmp(base, "python", 6))
		rest = base + 6;
	else
		return false;
	return !*rest || *rest == '.' || (*rest >= '0' && *rest <= '9');
}

const char *pdata_trunc_name(enum pdata_trunc why)
{
	static const char *const names[TRUNC_COUNT] = {
		[TRUNC_STACK_SHORT] = "stack copy too small",
		[TRUNC_NO_INFO] = "no unwind info",
		[TRUNC_UNKNOWN_JIT] = "unknown JIT frame shape",
		[TRUNC_MAX_DEPTH] = "too deep",
		[TRUNC_ERROR] = "unwinding error",
		[TRUNC_NO_FP] = "no frame pointers",
	};
	return (unsigned)why < TRUNC_COUNT ? names[why] : "unknown";
}

struct pdata *pdata_new(void)
{
	struct pdata *pd = xcalloc(1, sizeof(*pd));
	arena_init(&pd->arena);
	pd->meta.cmdline = pd->meta.event = pd->meta.callchain = PDATA_NONE;
	pd->meta.callchain_reason = pd->meta.python_path = PDATA_NONE;
	pd->meta.python_version = pd->meta.hostname = PDATA_NONE;
	pd->meta.os_release = pd->meta.arch = pd->meta.pytop_version = PDATA_NONE;
	pd->meta.exit_status = -1;
	pdata_intern_string(pd, "", 0);
	return pd;
}

void pdata_free(struct pdata *pd)
{
	if (!pd)
		return;
	arena_free(&pd->arena);
	free(pd->strings);
	free(pd->mappings);
	free(pd->frames);
	free(pd->stacks);
	free(pd->threads);
	free(pd->samples);
	free(pd->aggs);
	free(pd->h_aggs.slots);
	free(pd->h_strings.slots);
	free(pd->h_frames.slots);
	free(pd->h_stacks.slots);
	free(pd->h_threads.slots);
	free(pd);
}

const char *pdata_str(const struct pdata *pd, uint32_t id)
{
	return id < pd->nstrings ? pd->strings[id].s : "";
}

size_t pdata_stack_depth(const struct pdata *pd, uint32_t stack)
{
	size_t n = 0;
	while (stack < pd->nstacks) {
		n++;
		stack = pd->stacks[stack].parent;
	}
	return n;
}

/* ---- hashing ---- */

static uint64_t hash_string(const struct pdata *pd, uint32_t i)
{
	return hmap_hash_bytes(pd->strings[i].s, pd->strings[i].len);
}

static uint64_t hash_frame_v(const struct pdata_frame *f)
{
	return hmap_mix64(f->name ^ ((uint64_t)f->mapping << 32) ^ hmap_mix64(f->addr) ^
		   ((uint64_t)f->kind << 8) ^ f->flags ^ ((uint64_t)f->line << 16));
}

static uint64_t hash_frame(const struct pdata *pd, uint32_t i)
{
	return hash_frame_v(&pd->frames[i]);
}

static uint64_t hash_stack_v(uint32_t parent, uint32_t frame)
{
	return hmap_mix64(((uint64_t)parent << 32) | frame);
}

static uint64_t hash_stack(const struct pdata *pd, uint32_t i)
{
	return hash_stack_v(pd->stacks[i].parent, pd->stacks[i].frame);
}

static uint64_t hash_thread_v(uint32_t pid, uint32_t tid, uint32_t comm)
{
	return hmap_mix64(((uint64_t)pid << 32) ^ tid ^ ((uint64_t)comm << 17));
}

static uint64_t hash_thread(const struct pdata *pd, uint32_t i)
{
	const struct pdata_thread *t = &pd->threads[i];
	return hash_thread_v(t->pid, t->tid, t->comm);
}

static uint64_t hash_agg_v(uint32_t thread, uint32_t stack, uint8_t flags)
{
	return hmap_mix64((((uint64_t)stack << 32) | thread) ^ ((uint64_t)flags << 56));
}

static uint64_t hash_agg(const struct pdata *pd, uint32_t i)
{
	const struct pdata_agg *a = &pd->aggs[i];
	return hash_agg_v(a->thread, a->stack, a->flags);
}

typedef uint64_t (*hash_fn)(const struct pdata *, uint32_t);

static void hash_insert_slot(struct pdata_hash *h, uint64_t hv, uint32_t idx)
{
	size_t i = hv & h->mask;
	while (h->slots[i])
		i = (i + 1) & h->mask;
	h->slots[i] = idx + 1;
	h->used++;
}

/* Make sure the index covers `n` entries and has room for one more. */
static void hash_prepare(const struct pdata *pd, struct pdata_hash *h, size_t n, hash_fn fn)
{
	size_t want;
	if (h->mask && (h->used + 1) * 2 <= h->mask + 1 && h->used == n)
		return;
	want = 64;
	while (want < (n + 1) * 2)
		want *= 2;
	free(h->slots);
	h->slots = xcalloc(want, sizeof(*h->slots));
	h->mask = want - 1;
	h->used = 0;
	for (size_t i = 0; i < n; i++)
		hash_insert_slot(h, fn(pd, (uint32_t)i), (uint32_t)i);
}

/* ---- builder ---- */

uint32_t pdata_intern_string(struct pdata *pd, const char *s, size_t len)
{
	uint64_t hv = hmap_hash_bytes(s, len);
	struct pdata_hash *h = &pd->h_strings;
	size_t i;

	hash_prepare(pd, h, pd->nstrings, hash_string);
	for (i = hv & h->mask; h->slots[i]; i = (i + 1) & h->mask) {
		const struct pdata_string *e = &pd->strings[h->slots[i] - 1];
		if (e->len == len && memcmp(e->s, s, len) == 0)
			return h->slots[i] - 1;
	}
	xgrow(&pd->strings, &pd->cap_strings, pd->nstrings + 1, sizeof(*pd->strings));
	pd->strings[pd->nstrings].s = arena_strndup(&pd->arena, s, len);
	pd->strings[pd->nstrings].len = (uint32_t)len;
	h->slots[i] = (uint32_t)pd->nstrings + 1;
	h->used++;
	return (uint32_t)pd->nstrings++;
}

uint32_t pdata_intern_cstr(struct pdata *pd, const char *s)
{
	return pdata_intern_string(pd, s, strlen(s));
}

uint32_t pdata_add_mapping(struct pdata *pd, const char *path, const char *build_id)
{
	uint32_t p = pdata_intern_cstr(pd, path);
	uint32_t b = pdata_intern_cstr(pd, build_id ? build_id : "");
	for (size_t i = 0; i < pd->nmappings; i++)
		if (pd->mappings[i].path == p && pd->mappings[i].build_id == b)
			return (uint32_t)i;
	xgrow(&pd->mappings, &pd->cap_mappings, pd->nmappings + 1, sizeof(*pd->mappings));
	pd->mappings[pd->nmappings].path = p;
	pd->mappings[pd->nmappings].build_id = b;
	return (uint32_t)pd->nmappings++;
}

uint32_t pdata_intern_frame(struct pdata *pd, const struct pdata_frame *f)
{
	struct pdata_hash *h = &pd->h_frames;
	size_t i;

	hash_prepare(pd, h, pd->nframes, hash_frame);
	for (i = hash_frame_v(f) & h->mask; h->slots[i]; i = (i + 1) & h->mask) {
		const struct pdata_frame *e = &pd->frames[h->slots[i] - 1];
		if (e->name == f->name && e->mapping == f->mapping && e->addr == f->addr &&
		    e->kind == f->kind && e->flags == f->flags && e->line == f->line)
			return h->slots[i] - 1;
	}
	xgrow(&pd->frames, &pd->cap_frames, pd->nframes + 1, sizeof(*pd->frames));
	pd->frames[pd->nframes] = *f;
	h->slots[i] = (uint32_t)pd->nframes + 1;
	h->used++;
	return (uint32_t)pd->nframes++;
}

uint32_t pdata_intern_stack(struct pdata *pd, uint32_t parent, uint32_t frame)
{
	struct pdata_hash *h = &pd->h_stacks;
	size_t i;

	hash_prepare(pd, h, pd->nstacks, hash_stack);
	for (i = hash_stack_v(parent, frame) & h->mask; h->slots[i]; i = (i + 1) & h->mask) {
		const struct pdata_stack *e = &pd->stacks[h->slots[i] - 1];
		if (e->parent == parent && e->frame == frame)
			return h->slots[i] - 1;
	}
	xgrow(&pd->stacks, &pd->cap_stacks, pd->nstacks + 1, sizeof(*pd->stacks));
	pd->stacks[pd->nstacks].parent = parent;
	pd->stacks[pd->nstacks].frame = frame;
	h->slots[i] = (uint32_t)pd->nstacks + 1;
	h->used++;
	return (uint32_t)pd->nstacks++;
}

uint32_t pdata_intern_thread(struct pdata *pd, uint32_t pid, uint32_t tid, const char *comm)
{
	uint32_t c = pdata_intern_cstr(pd, comm ? comm : "");
	struct pdata_hash *h = &pd->h_threads;
	size_t i;

	hash_prepare(pd, h, pd->nthreads, hash_thread);
	for (i = hash_thread_v(pid, tid, c) & h->mask; h->slots[i]; i = (i + 1) & h->mask) {
		const struct pdata_thread *e = &pd->threads[h->slots[i] - 1];
		if (e->pid == pid && e->tid == tid && e->comm == c)
			return h->slots[i] - 1;
	}
	xgrow(&pd->threads, &pd->cap_threads, pd->nthreads + 1, sizeof(*pd->threads));
	pd->threads[pd->nthreads] = (struct pdata_thread){ .pid = pid, .tid = tid, .comm = c };
	h->slots[i] = (uint32_t)pd->nthreads + 1;
	h->used++;
	return (uint32_t)pd->nthreads++;
}

/* Room for `room` more entries in the aggregate's index. */
static void agg_index_prepare(struct pdata *pd, size_t room)
{
	struct pdata_agg_index *h = &pd->h_aggs;
	size_t want = 1024;

	if (h->mask && (h->used + room) * 2 <= h->mask + 1)
		return;
	while (want < (pd->naggs + room) * 2)
		want *= 2;
	free(h->slots);
	h->slots = xcalloc(want, sizeof(*h->slots));
	h->mask = want - 1;
	h->used = pd->naggs;
	for (size_t k = 0; k < pd->naggs; k++) {
		uint64_t hv = hash_agg(pd, (uint32_t)k);
		size_t i = hv & h->mask;
		while (h->slots[i])
			i = (i + 1) & h->mask;
		h->slots[i] = (hv & 0xffffffff00000000ULL) | (k + 1);
	}
}

/* One sample into the aggregate; the index has room for a new entry. */
static void agg_one(struct pdata *pd, const struct pdata_sample *s, uint64_t hv)
{
	struct pdata_agg_index *h = &pd->h_aggs;
	struct pdata_thread *t = &pd->threads[s->thread];
	uint64_t tag = hv & 0xffffffff00000000ULL;
	struct pdata_agg *a;
	size_t i;

	for (i = hv & h->mask; h->slots[i]; i = (i + 1) & h->mask) {
		if ((h->slots[i] & 0xffffffff00000000ULL) != tag)
			continue;
		a = &pd->aggs[(uint32_t)h->slots[i] - 1];
		if (a->stack == s->stack && a->thread == s->thread && a->flags == s->flags)
			goto found;
	}
	xgrow(&pd->aggs, &pd->cap_aggs, pd->naggs + 1, sizeof(*pd->aggs));
	a = &pd->aggs[pd->naggs];
	*a = (struct pdata_agg){ .thread = s->thread, .stack = s->stack, .flags = s->flags };
	h->slots[i] = tag | (pd->naggs + 1);
	h->used++;
	pd->naggs++;
found:
	a->weight += s->weight;
	a->samples++;
	if (!t->nsamples || s->time < t->first_time)
		t->first_time = s->time;
	if (!t->nsamples || s->time > t->last_time)
		t->last_time = s->time;
	t->nsamples++;
	t->weight += s->weight;
	pd->nsamples++;
	pd->total_weight += s->weight;
	if (s->flags & SAMPLE_F_OFF_CPU) {
		t->off_samples++;
		t->off_weight += s->weight;
		pd->off_nsamples++;
		pd->off_weight += s->weight;
	}
	if (s->flags & SAMPLE_F_TRUNCATED)
		pd->ntruncated++;
}

void pdata_agg_sample(struct pdata *pd, const struct pdata_sample *s)
{
	agg_index_prepare(pd, 1);
	agg_one(pd, s, hash_agg_v(s->thread, s->stack, s->flags));
}

/* The lookups of a batch are independent: their cache misses (the index
 * and the records outgrow the caches on big profiles) overlap when the
 * slots and then the records are prefetched first, instead of costing one
 * full miss after another. */
void pdata_agg_samples(struct pdata *pd, const struct pdata_sample *s, size_t n)
{
	struct pdata_agg_index *h = &pd->h_aggs;
	uint64_t hv[PDATA_AGG_BATCH];

	for (size_t off = 0; off < n; off += PDATA_AGG_BATCH) {
		size_t m = n - off < PDATA_AGG_BATCH ? n - off : PDATA_AGG_BATCH;
		const struct pdata_sample *b = s + off;

		agg_index_prepare(pd, m);
		for (size_t i = 0; i < m; i++) {
			hv[i] = hash_agg_v(b[i].thread, b[i].stack, b[i].flags);
			__builtin_prefetch(&h->slots[hv[i] & h->mask]);
		}
		for (size_t i = 0; i < m; i++) {
			uint64_t tag = hv[i] & 0xffffffff00000000ULL;
			for (size_t k = hv[i] & h->mask; h->slots[k]; k = (k + 1) & h->mask)
				if ((h->slots[k] & 0xffffffff00000000ULL) == tag) {
					__builtin_prefetch(&pd->aggs[(uint32_t)h->slots[k] - 1]);
					break;
				}
		}
		for (size_t i = 0; i < m; i++)
			agg_one(pd, &b[i], hv[i]);
	}
}

void pdata_add_sample(struct pdata *pd, const struct pdata_sample *s)
{
	xgrow(&pd->samples, &pd->cap_samples, pd->nsamples + 1, sizeof(*pd->samples));
	pd->samples[pd->nsamples] = *s;
	pdata_agg_sample(pd, s);
	if (s->flags & SAMPLE_F_TRUNCATED)
		pd->meta.truncated++;
}

/* ---- metadata fields, shared by encoder and decoder ---- */

#include <stddef.h>
#include "pdata_format.h"

#define META(tag, type, field) { tag, type, offsetof(struct pdata_meta, field), #field, 0 }
#define META_OPT(tag, type, field) { tag, type, offsetof(struct pdata_meta, field), #field, 1 }
const struct meta_field pdata_meta_fields[] = {
	META(1, META_STR, cmdline),
	META(2, META_STR, event),
	META(3, META_STR, callchain),
	META(4, META_STR, callchain_reason),
	META(5, META_STR, python_path),
	META(6, META_STR, python_version),
	META(7, META_STR, hostname),
	META(8, META_STR, os_release),
	META(9, META_STR, arch),
	META(10, META_STR, pytop_version),
	META(11, META_U64, freq),
	META(12, META_U64, period),
	META(13, META_U64, stack_bytes),
	META(14, META_U64, start_time),
	META(15, META_U64, duration),
	META(16, META_U64, lost),
	META(17, META_U64, throttled),
	META(18, META_U64, truncated),
	META(19, META_U64, nr_cpus),
	META(20, META_I64, exit_status),
	META(21, META_U64, truncated_why[TRUNC_STACK_SHORT]),
	META(22, META_U64, truncated_why[TRUNC_NO_INFO]),
	META(23, META_U64, truncated_why[TRUNC_UNKNOWN_JIT]),
	META(24, META_U64, truncated_why[TRUNC_MAX_DEPTH]),
	META(25, META_U64, truncated_why[TRUNC_ERROR]),
	META(26, META_U64, truncated_why[TRUNC_NO_FP]),
	META_OPT(27, META_U64, switch_outs),
	META_OPT(28, META_U64, off_cpu_dropped),
	META_OPT(29, META_U64, switch_lost),
};
const size_t pdata_meta_nfields = sizeof(pdata_meta_fields) / sizeof(pdata_meta_fields[0]);
