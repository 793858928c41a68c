/* pdata_read: decode a pytop.data image that may be hostile.
 *
 * Rules: every count is bounded by the bytes left in its section (each entry
 * takes at least one byte), so no allocation is sized by an unchecked field;
 * every index is checked against the table it points into; sections must
 * come in the writer's order, each known one exactly once; unknown section
 * types are skipped; the END section must close the file exactly.  Samples
 * are aggregated as they are decoded (no per-sample array unless asked),
 * and numbers that must agree are cross-checked at the end. */
#include "pytop/format/codec.h"
#include "pytop/format/pdata.h"
#include "pdata_format.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void corrupt(struct pdata_error *err, const char *why, uint64_t offset)
{
	snprintf(err->msg, sizeof(err->msg), "corrupt sample file: %s (offset %llu)",
		 why, (unsigned long long)offset);
}

/* Read an entry count: each entry takes at least min_bytes. */
static size_t dec_count(struct cursor *c, size_t min_bytes)
{
	return (size_t)cursor_varint_max(c, cursor_left(c) / min_bytes,
					 "entry count larger than its section");
}

static uint32_t dec_index(struct cursor *c, size_t n, const char *why)
{
	if (n == 0) {
		(void)cursor_varint(c);
		if (!c->failed)
			cursor_fail(c, why);
		return 0;
	}
	return (uint32_t)cursor_varint_max(c, n - 1, why);
}

/* Optional index stored plus one; 0 is PDATA_NONE. */
static uint32_t dec_opt_index(struct cursor *c, size_t n, const char *why)
{
	uint64_t v = cursor_varint_max(c, n, why);
	return v == 0 ? PDATA_NONE : (uint32_t)(v - 1);
}

static void dec_strings(struct pdata *pd, struct cursor *c)
{
	size_t n = dec_count(c, 1);
	if (c->failed)
		return;
	if (n == 0) {
		cursor_fail(c, "empty string table");
		return;
	}
	pd->strings = xcalloc(n, sizeof(*pd->strings));
	pd->cap_strings = n;
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t len;
		size_t at = c->pos;
		const unsigned char *s = cursor_bytes(c, &len);
		if (!s)
			break;
		if (len > UINT32_MAX || memchr(s, '\0', len)) {
			c->pos = at;
			cursor_fail(c, "string contains a NUL byte");
			break;
		}
		if (i == 0 && len != 0) {
			c->pos = at;
			cursor_fail(c, "first string is not empty");
			break;
		}
		pd->strings[i].s = arena_strndup(&pd->arena, (const char *)s, len);
		pd->strings[i].len = (uint32_t)len;
		pd->nstrings = i + 1;
	}
}

static void dec_mappings(struct pdata *pd, struct cursor *c)
{
	size_t n = dec_count(c, 2);
	if (c->failed)
		return;
	pd->mappings = xcalloc(n ? n : 1, sizeof(*pd->mappings));
	pd->cap_mappings = n;
	for (size_t i = 0; i < n && !c->failed; i++) {
		pd->mappings[i].path = dec_index(c, pd->nstrings, "mapping path index out of range");
		pd->mappings[i].build_id = dec_index(c, pd->nstrings, "mapping build-id index out of range");
		pd->nmappings = i + 1;
	}
}

static void dec_frames(struct pdata *pd, struct cursor *c)
{
	size_t n = dec_count(c, 5);
	if (c->failed)
		return;
	pd->frames = xcalloc(n ? n : 1, sizeof(*pd->frames));
	pd->cap_frames = n;
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct pdata_frame *f = &pd->frames[i];
		f->name = dec_index(c, pd->nstrings, "frame name index out of range");
		f->mapping = dec_opt_index(c, pd->nmappings, "frame mapping index out of range");
		f->kind = (uint8_t)cursor_varint_max(c, FRAME_KIND_COUNT - 1, "unknown frame kind");
		f->flags = (uint8_t)cursor_varint_max(c, FRAME_F_INLINED, "unknown frame flags");
		f->addr = cursor_varint(c);
		if (!c->failed)
			pd->nframes = i + 1;
	}
}

static void dec_stacks(struct pdata *pd, struct cursor *c)
{
	size_t n = dec_count(c, 2);
	if (c->failed)
		return;
	pd->stacks = xcalloc(n ? n : 1, sizeof(*pd->stacks));
	pd->cap_stacks = n;
	for (size_t i = 0; i < n && !c->failed; i++) {
		/* parent < i keeps the tree acyclic and walks finite */
		pd->stacks[i].parent = dec_opt_index(c, i, "stack parent is not an earlier stack");
		pd->stacks[i].frame = dec_index(c, pd->nframes, "stack frame index out of range");
		if (!c->failed)
			pd->nstacks = i + 1;
	}
}

static void dec_threads(struct pdata *pd, struct cursor *c)
{
	size_t n = dec_count(c, 3);
	if (c->failed)
		return;
	pd->threads = xcalloc(n ? n : 1, sizeof(*pd->threads));
	pd->cap_threads = n;
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct pdata_thread *t = &pd->threads[i];
		t->pid = (uint32_t)cursor_varint_max(c, UINT32_MAX - 1, "pid out of range");
		t->tid = (uint32_t)cursor_varint_max(c, UINT32_MAX - 1, "tid out of range");
		t->comm = dec_index(c, pd->nstrings, "thread comm index out of range");
		if (!c->failed)
			pd->nthreads = i + 1;
	}
}

/* Decoding state beyond one section: what the caller asked for and, for a
 * file mapping, how much of it has been handed back to the kernel. */
struct dec {
	struct pdata *pd;
	unsigned flags;                /* enum pdata_read_flags */
	bool mapped;                   /* data is a private read-only file mapping */
	const unsigned char *released; /* mapped bytes before this are dropped */
	uint64_t samples_at, meta_at;  /* section offsets, for cross-check errors */
};

/* Drop the mapped pages wholly before `upto` from the process (they stay in
 * the page cache; touching them again reads them back), so a report's RSS
 * does not follow the file's size. */
static void release_to(struct dec *d, const unsigned char *upto)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = (uintptr_t)d->released, to = (uintptr_t)upto & ~(page - 1);

	if (!d->mapped || to <= from)
		return;
	(void)madvise((void *)from, to - from, MADV_DONTNEED);
	d->released = (const unsigned char *)to;
}

/* Bytes of samples decoded between checksum updates and page releases. */
#define SAMPLE_CHUNK (1u << 20)

/* Mirrors enc_samples() in pdata_write.c, time prediction included.  Each
 * sample goes straight into the aggregate (and into pd->samples only with
 * PDATA_KEEP_SAMPLES).  The section's checksum is computed as it is decoded
 * (one pass over the bytes, which may be most of the file) and returned in
 * *crc; the caller compares it. */
static void dec_samples(struct dec *d, struct cursor *c, bool off, uint32_t *crc)
{
	unsigned shift = off ? OFF_SHIFT : SAMPLE_SHIFT;
	size_t base = d->pd->nsamples; /* records already decoded (the on-CPU ones) */
	uint64_t base_weight = d->pd->total_weight;
	struct pdata *pd = d->pd;
	struct pdata_sample batch[PDATA_AGG_BATCH], *b = batch;
	uint64_t time = 0, weight = 0, *last;
	uint32_t thread = 0;
	uint64_t total = 0;
	size_t n = dec_count(c, 2), crc_pos = 0, nb = 0;

	*crc = 0;
	if (c->failed)
		return;
	if (d->flags & PDATA_KEEP_SAMPLES) {
		/* n is bounded by the section's bytes (dec_count) */
		pd->samples = xrealloc(pd->samples, base + n + 1, sizeof(*pd->samples));
		pd->cap_samples = base + n;
	}
	last = xcalloc(pd->nthreads ? pd->nthreads : 1, sizeof(*last));
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t at = c->pos;
		uint64_t head = cursor_varint(c);
		uint64_t stack1 = head >> shift;

		if (c->failed)
			break;
		if (stack1 > pd->nstacks) {
			c->pos = at;
			cursor_fail(c, "sample stack index out of range");
			break;
		}
		if (head & SAMPLE_BIT_THREAD)
			thread = dec_index(c, pd->nthreads, "sample thread index out of range");
		else if (thread >= pd->nthreads) {
			cursor_fail(c, "sample has no thread");
			break;
		}
		if (head & SAMPLE_BIT_WEIGHT)
			weight += (uint64_t)cursor_svarint(c);
		if (c->failed)
			break;
		/* the event count must not wrap: refuse a total of 2^63 or more */
		if (weight > (uint64_t)INT64_MAX - total - base_weight) {
			c->pos = at;
			cursor_fail(c, "sample weights add up to 2^63 or more");
			break;
		}
		time = (last[thread] ? last[thread] + weight : time) + (uint64_t)cursor_svarint(c);
		if (c->failed)
			break;
		last[thread] = time ? time : 1;
		total += weight;
		if (pd->samples && nb == 0)
			b = pd->samples + base + i; /* the kept records are the batch */
		b[nb++] = (struct pdata_sample){
			.time = time, .weight = weight, .thread = thread,
			.stack = stack1 ? (uint32_t)(stack1 - 1) : PDATA_NONE,
			.flags = (uint8_t)(((head & SAMPLE_BIT_TRUNCATED) ? SAMPLE_F_TRUNCATED : 0) |
					   (off ? SAMPLE_F_OFF_CPU : 0) |
					   (off && (head & OFF_BIT_PREEMPTED) ? SAMPLE_F_PREEMPTED : 0)),
		};
		if (nb == PDATA_AGG_BATCH) {
			pdata_agg_samples(pd, b, nb);
			nb = 0;
		}
		if (c->pos - crc_pos >= SAMPLE_CHUNK) {
			*crc = crc32_update(*crc, c->data + crc_pos, c->pos - crc_pos);
			crc_pos = c->pos;
			release_to(d, c->data + crc_pos);
		}
	}
	pdata_agg_samples(pd, b, nb);
	if (!c->failed) {
		*crc = crc32_update(*crc, c->data + crc_pos, c->len - crc_pos);
		release_to(d, c->data + c->len);
	}
	free(last);
}

static void dec_meta(struct pdata *pd, struct cursor *c)
{
	unsigned char *base = (unsigned char *)&pd->meta;
	size_t n = dec_count(c, 3);

	for (size_t i = 0; i < n && !c->failed; i++) {
		uint64_t tag = cursor_varint(c);
		uint64_t type = cursor_varint_max(c, META_I64, "unknown metadata type");
		const struct meta_field *f = NULL;
		uint32_t s;
		uint64_t u;
		int64_t v;

		if (c->failed)
			break;
		for (size_t k = 0; k < pdata_meta_nfields; k++)
			if (pdata_meta_fields[k].tag == tag)
				f = &pdata_meta_fields[k];
		if (f && f->type != type) {
			cursor_fail(c, "metadata field has the wrong type");
			break;
		}
		switch (type) {
		case META_STR:
			s = dec_index(c, pd->nstrings, "metadata string index out of range");
			if (f && !c->failed)
				memcpy(base + f->offset, &s, sizeof(s));
			break;
		case META_U64:
			u = cursor_varint(c);
			if (f && !c->failed)
				memcpy(base + f->offset, &u, sizeof(u));
			break;
		default:
			v = cursor_svarint(c);
			if (f && !c->failed)
				memcpy(base + f->offset, &v, sizeof(v));
			break;
		}
	}
}

/* Thread spans (1.1): (thread, start, length), once per thread. */
static void dec_spans(struct pdata *pd, struct cursor *c)
{
	size_t n = dec_count(c, 3);
	for (size_t i = 0; i < n && !c->failed; i++) {
		uint32_t t = dec_index(c, pd->nthreads, "span thread index out of range");
		uint64_t start = cursor_varint(c), len = cursor_varint(c);
		if (c->failed)
			break;
		if (pd->threads[t].has_span) {
			cursor_fail(c, "two spans for one thread");
			break;
		}
		if (start > UINT64_MAX / 2 || len > UINT64_MAX / 2) {
			cursor_fail(c, "thread span out of range");
			break;
		}
		pd->threads[t].has_span = true;
		pd->threads[t].span_start = start;
		pd->threads[t].span_end = start + len;
	}
}

/* Frame lines (1.2): (frame index delta, line), indices strictly rising. */
static void dec_lines(struct pdata *pd, struct cursor *c)
{
	size_t n = dec_count(c, 2);
	uint64_t at = 0; /* next frame index + 1 */
	for (size_t i = 0; i < n && !c->failed; i++) {
		uint64_t delta = cursor_varint(c), line = cursor_varint(c);
		if (c->failed)
			break;
		if (delta == 0 || delta > pd->nframes - at) {
			cursor_fail(c, "line frame index out of range or not rising");
			break;
		}
		if (line == 0 || line > INT32_MAX) {
			cursor_fail(c, "frame line out of range");
			break;
		}
		at += delta;
		pd->frames[at - 1].line = (uint32_t)line;
	}
}

typedef void (*decoder_fn)(struct pdata *, struct cursor *);

static const struct {
	decoder_fn fn; /* NULL for samples: dec_samples() */
	const char *name;
} sections[] = {
	[SEC_STRINGS] = { dec_strings, "strings" },
	[SEC_MAPPINGS] = { dec_mappings, "mappings" },
	[SEC_FRAMES] = { dec_frames, "frames" },
	[SEC_STACKS] = { dec_stacks, "stacks" },
	[SEC_THREADS] = { dec_threads, "threads" },
	[SEC_SAMPLES] = { NULL, "samples" },
	[SEC_META] = { dec_meta, "metadata" },
};

/* Numbers that only make sense together, checked once every section is
 * in: the header's counts against what the samples say. */
static bool cross_check(const struct dec *d, struct pdata_error *err)
{
	const struct pdata *pd = d->pd;
	const struct pdata_meta *m = &pd->meta;
	uint64_t why = 0;
	char msg[160];

	if (pd->nsamples && !pd->total_weight) {
		snprintf(msg, sizeof(msg), "%" PRIu64 " samples but every weight is zero",
			 (uint64_t)pd->nsamples);
		corrupt(err, msg, d->samples_at);
		return false;
	}
	if (m->off_cpu_dropped > m->switch_outs) {
		corrupt(err, "more dropped switch-outs than switch-outs", d->meta_at);
		return false;
	}
	if (m->truncated > pd->nsamples) {
		snprintf(msg, sizeof(msg),
			 "truncated count %" PRIu64 " is larger than the sample count %" PRIu64,
			 m->truncated, (uint64_t)pd->nsamples);
		corrupt(err, msg, d->meta_at);
		return false;
	}
	for (int k = 0; k < TRUNC_COUNT; k++)
		why = m->truncated_why[k] > UINT64_MAX - why ? UINT64_MAX : why + m->truncated_why[k];
	if (why > m->truncated) {
		snprintf(msg, sizeof(msg),
			 "truncation reasons add up to more than the truncated count %" PRIu64,
			 m->truncated);
		corrupt(err, msg, d->meta_at);
		return false;
	}
	return true;
}

static void init_meta(struct pdata_meta *m)
{
	*m = (struct pdata_meta){
		.cmdline = PDATA_NONE, .event = PDATA_NONE, .callchain = PDATA_NONE,
		.callchain_reason = PDATA_NONE, .python_path = PDATA_NONE,
		.python_version = PDATA_NONE, .hostname = PDATA_NONE,
		.os_release = PDATA_NONE, .arch = PDATA_NONE, .pytop_version = PDATA_NONE,
		.exit_status = -1,
	};
}

static struct pdata *decode(struct dec *d, const void *data, size_t len, struct pdata_error *err)
{
	const unsigned char *p = data;
	struct cursor c;
	struct pdata *pd;
	uint32_t next = SEC_STRINGS;
	bool seen_off = false, seen_spans = false, seen_lines = false;
	uint16_t major, minor;

	if (len >= 8 && memcmp(p, "PERFILE2", 8) == 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "this is a perf.data file, not a pytop sample file (open it with perf report)");
		return NULL;
	}
	cursor_init(&c, data, len, 0);
	if (len < PDATA_HEADER_SIZE || memcmp(p, PDATA_MAGIC, 8) != 0) {
		corrupt(err, len < 8 ? "file too short for a header" : "bad magic, not a pytop sample file", 0);
		return NULL;
	}
	c.pos = 8;
	major = cursor_le16(&c);
	minor = cursor_le16(&c);
	if (cursor_le32(&c) != PDATA_BOM) {
		corrupt(err, "unknown byte order", 12);
		return NULL;
	}
	if (major != PDATA_MAJOR) {
		snprintf(err->msg, sizeof(err->msg),
			 "sample file format %u.%u is not supported (this pytop reads %u.x; %s)",
			 (unsigned)major, (unsigned)minor, (unsigned)PDATA_MAJOR,
			 major > PDATA_MAJOR ? "upgrade pytop" : "the file is too old");
		return NULL;
	}

	pd = xcalloc(1, sizeof(*pd));
	d->pd = pd;
	arena_init(&pd->arena);
	init_meta(&pd->meta);
	for (;;) {
		uint64_t at = c.pos, slen;
		uint32_t type, crc, got = 0;
		struct cursor sc;

		if (cursor_left(&c) == 0) {
			corrupt(err, "file ends before the end marker (truncated?)", at);
			goto fail;
		}
		if (cursor_left(&c) < PDATA_SECTION_HEADER_SIZE) {
			corrupt(err, "file ends inside a section header (truncated?)", at);
			goto fail;
		}
		type = cursor_le32(&c);
		crc = cursor_le32(&c);
		slen = cursor_le64(&c);
		if (slen > cursor_left(&c)) {
			corrupt(err, "section runs past the end of the file (truncated?)", at);
			goto fail;
		}
		/* samples are checksummed as they are decoded (dec_samples) */
		if (type != SEC_SAMPLES && type != SEC_OFFCPU &&
		    crc32_update(0, p + c.pos, (size_t)slen) != crc) {
			corrupt(err, "section checksum mismatch", at);
			goto fail;
		}
		if (type == SEC_END) {
			if (next <= SEC_META) {
				char why[64];
				snprintf(why, sizeof(why), "missing %s section", sections[next].name);
				corrupt(err, why, at);
				goto fail;
			}
			if (slen != 4) {
				corrupt(err, "bad end marker", at);
				goto fail;
			}
			cursor_init(&sc, p + c.pos, 4, c.pos);
			if (cursor_le32(&sc) != crc32_update(0, p, PDATA_HEADER_SIZE)) {
				corrupt(err, "header checksum mismatch", 0);
				goto fail;
			}
			if (cursor_left(&c) != 4) {
				corrupt(err, "data after the end marker", c.pos + 4);
				goto fail;
			}
			break;
		}
		if (type >= SEC_STRINGS && type <= SEC_META) {
			if (type != next) {
				corrupt(err, type < next ? "duplicate or out-of-order section"
							 : "section out of order", at);
				goto fail;
			}
			cursor_init(&sc, p + c.pos, (size_t)slen, c.pos);
			if (type == SEC_SAMPLES) {
				d->samples_at = at;
				dec_samples(d, &sc, false, &got);
			} else {
				if (type == SEC_META)
					d->meta_at = at;
				sections[type].fn(pd, &sc);
			}
			if (!sc.failed && cursor_left(&sc) != 0)
				cursor_fail(&sc, "unused bytes at the end of a section");
			if (sc.failed) {
				corrupt(err, sc.why, sc.why_offset);
				goto fail;
			}
			if (type == SEC_SAMPLES && got != crc) {
				corrupt(err, "section checksum mismatch", at);
				goto fail;
			}
			next++;
		} else if (type == SEC_OFFCPU || type == SEC_SPANS || type == SEC_LINES) {
			bool *seen = type == SEC_OFFCPU ? &seen_off
				     : type == SEC_SPANS ? &seen_spans : &seen_lines;
			if (next <= SEC_META || *seen) {
				corrupt(err, *seen ? "duplicate or out-of-order section"
						   : "section out of order", at);
				goto fail;
			}
			*seen = true;
			cursor_init(&sc, p + c.pos, (size_t)slen, c.pos);
			if (type == SEC_OFFCPU)
				dec_samples(d, &sc, true, &got);
			else if (type == SEC_SPANS)
				dec_spans(pd, &sc);
			else
				dec_lines(pd, &sc);
			if (!sc.failed && cursor_left(&sc) != 0)
				cursor_fail(&sc, "unused bytes at the end of a section");
			if (sc.failed) {
				corrupt(err, sc.why, sc.why_offset);
				goto fail;
			}
			if (type == SEC_OFFCPU && got != crc) {
				corrupt(err, "section checksum mismatch", at);
				goto fail;
			}
		}
		c.pos += (size_t)slen; /* unknown types are skipped */
		release_to(d, p + c.pos);
	}
	if (!cross_check(d, err))
		goto fail;
	return pd;
fail:
	pdata_free(pd);
	return NULL;
}

struct pdata *pdata_decode_ex(const void *data, size_t len, unsigned flags,
			      struct pdata_error *err)
{
	struct dec d = { .flags = flags };
	return decode(&d, data, len, err);
}

struct pdata *pdata_decode(const void *data, size_t len, struct pdata_error *err)
{
	return pdata_decode_ex(data, len, 0, err);
}

static const char *file_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return "is a directory";
	if (S_ISFIFO(mode))
		return "not a regular file (a FIFO)";
	if (S_ISSOCK(mode))
		return "not a regular file (a socket)";
	return "not a regular file";
}

static void size_text(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (1ULL << 30))
		snprintf(buf, len, "%.1f GiB", (double)bytes / (double)(1ULL << 30));
	else
		snprintf(buf, len, "%.1f MiB", (double)bytes / (double)(1ULL << 20));
}

struct pdata *pdata_read_ex(const char *path, unsigned flags, struct pdata_error *err)
{
	struct dec d = { .flags = flags };
	struct stat st;
	struct pdata *pd;
	void *map;
	int fd;

	/* the type first: open() of a FIFO would wait for a writer */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", file_type(st.st_mode));
		return NULL;
	}
	/* O_NONBLOCK: if it became a FIFO since, open still returns at once */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno;
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s",
			 fstat(fd, &st) < 0 ? strerror(e) : file_type(st.st_mode));
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > PDATA_MAX_FILE_SIZE) {
		char have[32], max[32];
		size_text((uint64_t)st.st_size, have, sizeof(have));
		size_text(PDATA_MAX_FILE_SIZE, max, sizeof(max));
		snprintf(err->msg, sizeof(err->msg),
			 "file too large to be a sample file (%s; pytop reads at most %s)", have, max);
		close(fd);
		return NULL;
	}
	if (st.st_size == 0) {
		close(fd);
		return decode(&d, "", 0, err);
	}
	/* mapped, not read: no allocation follows the file's size, and pages
	 * are released as they are decoded (release_to).  pytop replaces files
	 * by rename, never truncates one in place, so the mapping stays whole. */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(errno));
		return NULL;
	}
	(void)madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	d.mapped = true;
	d.released = map;
	pd = decode(&d, map, (size_t)st.st_size, err);
	munmap(map, (size_t)st.st_size);
	return pd;
}

struct pdata *pdata_read(const char *path, struct pdata_error *err)
{
	return pdata_read_ex(path, 0, err);
}
