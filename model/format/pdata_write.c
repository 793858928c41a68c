/* pdata_write: encode a profile and write it atomically, or stream it to a
 * file descriptor with the samples coming from elsewhere. */
#include "pytop/format/codec.h"
#include "pytop/format/pdata.h"
#include "pdata_format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put_section(struct buf *out, uint32_t type, const struct buf *payload)
{
	buf_put_le32(out, type);
	buf_put_le32(out, crc32_update(0, payload->data, payload->len));
	buf_put_le64(out, payload->len);
	buf_put(out, payload->data, payload->len);
}

static void enc_strings(const struct pdata *pd, struct buf *b)
{
	buf_put_varint(b, pd->nstrings);
	for (size_t i = 0; i < pd->nstrings; i++)
		buf_put_bytes(b, pd->strings[i].s, pd->strings[i].len);
}

static void enc_mappings(const struct pdata *pd, struct buf *b)
{
	buf_put_varint(b, pd->nmappings);
	for (size_t i = 0; i < pd->nmappings; i++) {
		buf_put_varint(b, pd->mappings[i].path);
		buf_put_varint(b, pd->mappings[i].build_id);
	}
}

/* Indexes that may be PDATA_NONE are stored plus one, so NONE is 0. */
static uint64_t opt_index(uint32_t i)
{
	return i == PDATA_NONE ? 0 : (uint64_t)i + 1;
}

static void enc_frames(const struct pdata *pd, struct buf *b)
{
	buf_put_varint(b, pd->nframes);
	for (size_t i = 0; i < pd->nframes; i++) {
		const struct pdata_frame *f = &pd->frames[i];
		buf_put_varint(b, f->name);
		buf_put_varint(b, opt_index(f->mapping));
		buf_put_varint(b, f->kind);
		buf_put_varint(b, f->flags);
		buf_put_varint(b, f->addr);
	}
}

static void enc_stacks(const struct pdata *pd, struct buf *b)
{
	buf_put_varint(b, pd->nstacks);
	for (size_t i = 0; i < pd->nstacks; i++) {
		buf_put_varint(b, opt_index(pd->stacks[i].parent));
		buf_put_varint(b, pd->stacks[i].frame);
	}
}

static void enc_threads(const struct pdata *pd, struct buf *b)
{
	buf_put_varint(b, pd->nthreads);
	for (size_t i = 0; i < pd->nthreads; i++) {
		buf_put_varint(b, pd->threads[i].pid);
		buf_put_varint(b, pd->threads[i].tid);
		buf_put_varint(b, pd->threads[i].comm);
	}
}

/* Each sample's time is stored as its distance from a prediction: the
 * previous sample of the same thread plus this sample's weight (for clock
 * events the period is the CPU time the thread ran since its last sample),
 * or the previous sample's time for a thread's first sample.  On busy
 * threads the residual is the timer's jitter, a byte or two.  The state
 * between samples is one struct, so the in-memory encoder and the
 * streaming writer share every byte decision. */
struct sample_enc {
	uint64_t prev_time, prev_weight;
	uint64_t *last; /* per thread: its previous sample's time, 0 = none yet */
	size_t nthreads;
	uint32_t prev_thread;
	bool off;       /* the off-CPU section's records (OFF_SHIFT, preempted bit) */
};

static void sample_enc_init(struct sample_enc *e, size_t nthreads, bool off)
{
	memset(e, 0, sizeof(*e));
	e->nthreads = nthreads;
	e->off = off;
	e->last = xcalloc(nthreads ? nthreads : 1, sizeof(*e->last));
}

/* Does sample s belong in the section e encodes? */
static bool sample_enc_wants(const struct sample_enc *e, const struct pdata_sample *s)
{
	return !(s->flags & SAMPLE_F_OFF_CPU) == !e->off;
}

/* Appends one sample record; false when s names no thread of the profile. */
static bool sample_enc_put(struct sample_enc *e, const struct pdata_sample *s, struct buf *b)
{
	uint64_t head = opt_index(s->stack) << (e->off ? OFF_SHIFT : SAMPLE_SHIFT), predicted;

	if (s->thread >= (e->nthreads ? e->nthreads : 1))
		return false;
	if (e->off && (s->flags & SAMPLE_F_PREEMPTED))
		head |= OFF_BIT_PREEMPTED;
	if (s->flags & SAMPLE_F_TRUNCATED)
		head |= SAMPLE_BIT_TRUNCATED;
	if (s->thread != e->prev_thread)
		head |= SAMPLE_BIT_THREAD;
	if (s->weight != e->prev_weight)
		head |= SAMPLE_BIT_WEIGHT;
	buf_put_varint(b, head);
	if (head & SAMPLE_BIT_THREAD)
		buf_put_varint(b, s->thread);
	if (head & SAMPLE_BIT_WEIGHT)
		buf_put_svarint(b, (int64_t)(s->weight - e->prev_weight));
	predicted = e->last[s->thread] ? e->last[s->thread] + s->weight : e->prev_time;
	buf_put_svarint(b, (int64_t)(s->time - predicted));
	e->last[s->thread] = s->time ? s->time : 1;
	e->prev_time = s->time;
	e->prev_thread = s->thread;
	e->prev_weight = s->weight;
	return true;
}

static void enc_sample_section(const struct pdata *pd, struct buf *b, bool off)
{
	struct sample_enc e;
	size_t n = pd->samples ? (size_t)pd->nsamples : 0; /* aggregate-only: none */
	uint64_t count = !pd->samples ? 0 : off ? pd->off_nsamples : pd->nsamples - pd->off_nsamples;

	sample_enc_init(&e, pd->nthreads, off);
	buf_put_varint(b, count);
	for (size_t i = 0; i < n; i++)
		if (sample_enc_wants(&e, &pd->samples[i]))
			sample_enc_put(&e, &pd->samples[i], b);
	free(e.last);
}

static void enc_samples(const struct pdata *pd, struct buf *b)
{
	enc_sample_section(pd, b, false);
}

static void enc_offcpu(const struct pdata *pd, struct buf *b)
{
	enc_sample_section(pd, b, true);
}

static size_t nspans(const struct pdata *pd)
{
	size_t n = 0;
	for (size_t i = 0; i < pd->nthreads; i++)
		n += pd->threads[i].has_span;
	return n;
}

/* Thread spans: (thread, start, length), ns from the recording's start. */
static void enc_spans(const struct pdata *pd, struct buf *b)
{
	buf_put_varint(b, nspans(pd));
	for (size_t i = 0; i < pd->nthreads; i++) {
		const struct pdata_thread *t = &pd->threads[i];
		if (!t->has_span)
			continue;
		buf_put_varint(b, i);
		buf_put_varint(b, t->span_start);
		buf_put_varint(b, t->span_end >= t->span_start ? t->span_end - t->span_start : 0);
	}
}

static size_t nlines(const struct pdata *pd)
{
	size_t n = 0;
	for (size_t i = 0; i < pd->nframes; i++)
		n += pd->frames[i].line != 0;
	return n;
}

/* Frame lines (1.2): (frame index delta, line) for each frame with a line,
 * in frame order; the first delta is from -1, so it is the index plus 1. */
static void enc_lines(const struct pdata *pd, struct buf *b)
{
	size_t prev = 0;
	buf_put_varint(b, nlines(pd));
	for (size_t i = 0; i < pd->nframes; i++) {
		if (!pd->frames[i].line)
			continue;
		buf_put_varint(b, i + 1 - prev);
		buf_put_varint(b, pd->frames[i].line);
		prev = i + 1;
	}
}

static void enc_meta(const struct pdata *pd, struct buf *b)
{
	size_t n = 0;
	const unsigned char *base = (const unsigned char *)&pd->meta;

	for (size_t i = 0; i < pdata_meta_nfields; i++) {
		const struct meta_field *f = &pdata_meta_fields[i];
		if (f->type == META_STR) {
			uint32_t v;
			memcpy(&v, base + f->offset, sizeof(v));
			if (v == PDATA_NONE)
				continue;
		}
		if (f->optional) {
			uint64_t u;
			memcpy(&u, base + f->offset, sizeof(u));
			if (!u)
				continue;
		}
		n++;
	}
	buf_put_varint(b, n);
	for (size_t i = 0; i < pdata_meta_nfields; i++) {
		const struct meta_field *f = &pdata_meta_fields[i];
		uint32_t s;
		uint64_t u;
		int64_t v;
		switch (f->type) {
		case META_STR:
			memcpy(&s, base + f->offset, sizeof(s));
			if (s == PDATA_NONE)
				continue;
			buf_put_varint(b, f->tag);
			buf_put_varint(b, META_STR);
			buf_put_varint(b, s);
			break;
		case META_U64:
			memcpy(&u, base + f->offset, sizeof(u));
			if (f->optional && !u)
				continue;
			buf_put_varint(b, f->tag);
			buf_put_varint(b, META_U64);
			buf_put_varint(b, u);
			break;
		case META_I64:
			memcpy(&v, base + f->offset, sizeof(v));
			buf_put_varint(b, f->tag);
			buf_put_varint(b, META_I64);
			buf_put_svarint(b, v);
			break;
		}
	}
}

typedef void (*section_encoder)(const struct pdata *, struct buf *);

static const section_encoder encoders[] = {
	[SEC_STRINGS] = enc_strings, [SEC_MAPPINGS] = enc_mappings,
	[SEC_FRAMES] = enc_frames,   [SEC_STACKS] = enc_stacks,
	[SEC_THREADS] = enc_threads, [SEC_SAMPLES] = enc_samples,
	[SEC_META] = enc_meta,       [SEC_OFFCPU] = enc_offcpu,
	[SEC_SPANS] = enc_spans,     [SEC_LINES] = enc_lines,
};

/* Appends sections first..last of pd to file. */
static void put_sections(const struct pdata *pd, struct buf *file, uint32_t first, uint32_t last)
{
	struct buf payload;
	for (uint32_t t = first; t <= last; t++) {
		buf_init(&payload);
		encoders[t](pd, &payload);
		put_section(file, t, &payload);
		buf_free(&payload);
	}
}

/* A file without off-CPU samples, thread spans or frame lines is a 1.0 file,
 * byte for byte what pytop wrote before 1.1 (--no-off-cpu); the minor is the
 * least one that knows every section the file has. */
static void put_header(const struct pdata *pd, struct buf *file, bool ext)
{
	buf_put(file, PDATA_MAGIC, 8);
	buf_put_le16(file, PDATA_MAJOR);
	buf_put_le16(file, nlines(pd) ? 2 : ext ? 1 : 0);
	buf_put_le32(file, PDATA_BOM);
}

/* The 1.1 sections after the metadata, those that are not empty. */
static void put_ext_sections(const struct pdata *pd, struct buf *file, bool offcpu)
{
	if (offcpu)
		put_sections(pd, file, SEC_OFFCPU, SEC_OFFCPU);
	if (nspans(pd))
		put_sections(pd, file, SEC_SPANS, SEC_SPANS);
	if (nlines(pd))
		put_sections(pd, file, SEC_LINES, SEC_LINES);
}

/* The end marker carries the header's checksum, so no header bit goes
 * unchecked; `header` is the file's first PDATA_HEADER_SIZE bytes. */
static void put_end(struct buf *file, const unsigned char *header)
{
	struct buf payload;
	buf_init(&payload);
	buf_put_le32(&payload, crc32_update(0, header, PDATA_HEADER_SIZE));
	put_section(file, SEC_END, &payload);
	buf_free(&payload);
}

void pdata_encode(const struct pdata *pd, unsigned char **out, size_t *len)
{
	struct buf file;

	bool off = pd->samples && pd->off_nsamples;

	buf_init(&file);
	put_header(pd, &file, off || nspans(pd));
	put_sections(pd, &file, SEC_STRINGS, SEC_META);
	put_ext_sections(pd, &file, off);
	put_end(&file, file.data);
	*out = file.data;
	*len = file.len;
}

static void set_err(struct pdata_error *err, const char *what, int errnum)
{
	snprintf(err->msg, sizeof(err->msg), "%s: %s", what, strerror(errnum));
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- streaming writer ---- */

#define STREAM_CHUNK (64u << 10) /* bytes buffered before a write */

/* One pass over src: the payload of the samples section (off false) or of
 * the off-CPU section, chunk by chunk, either only measured (fd < 0:
 * length and CRC) or written to fd. */
static int stream_samples(const struct pdata *pd, const struct pdata_sample_src *src, bool off,
			  int fd, uint64_t *len, uint32_t *crc, struct pdata_error *err)
{
	struct sample_enc e;
	struct pdata_sample s;
	struct buf chunk;
	uint64_t n = 0, all = 0, want = off ? src->count_off : src->count - src->count_off;
	int got, rc = -1;

	if (src->rewind(src->ctx) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot read the recorded samples back");
		return -1;
	}
	sample_enc_init(&e, pd->nthreads, off);
	buf_init(&chunk);
	*len = 0;
	*crc = 0;
	buf_put_varint(&chunk, want);
	while ((got = src->next(src->ctx, &s)) > 0) {
		all++;
		if (!sample_enc_wants(&e, &s))
			continue;
		if (++n > want || !sample_enc_put(&e, &s, &chunk)) {
			snprintf(err->msg, sizeof(err->msg), "the recorded samples do not match the profile");
			goto out;
		}
		if (chunk.len >= STREAM_CHUNK) {
			*crc = crc32_update(*crc, chunk.data, chunk.len);
			*len += chunk.len;
			if (fd >= 0 && write_all(fd, chunk.data, chunk.len) < 0) {
				set_err(err, "cannot write", errno);
				goto out;
			}
			chunk.len = 0;
		}
	}
	if (got < 0 || n != want || all != src->count) {
		snprintf(err->msg, sizeof(err->msg), "cannot read the recorded samples back");
		goto out;
	}
	*crc = crc32_update(*crc, chunk.data, chunk.len);
	*len += chunk.len;
	if (fd >= 0 && write_all(fd, chunk.data, chunk.len) < 0) {
		set_err(err, "cannot write", errno);
		goto out;
	}
	rc = 0;
out:
	buf_free(&chunk);
	free(e.last);
	return rc;
}

/* One streamed section of type `type`: measured, its header written, then
 * written.  Adds its bytes to *nbytes. */
static int stream_section(const struct pdata *pd, const struct pdata_sample_src *src, bool off,
			  uint32_t type, int fd, uint64_t *nbytes, struct pdata_error *err)
{
	struct buf h;
	uint64_t len, len2;
	uint32_t crc, crc2;

	if (stream_samples(pd, src, off, -1, &len, &crc, err) < 0)
		return -1;
	buf_init(&h);
	buf_put_le32(&h, type);
	buf_put_le32(&h, crc);
	buf_put_le64(&h, len);
	if (write_all(fd, h.data, h.len) < 0) {
		set_err(err, "cannot write", errno);
		buf_free(&h);
		return -1;
	}
	buf_free(&h);
	if (stream_samples(pd, src, off, fd, &len2, &crc2, err) < 0)
		return -1;
	if (len2 != len || crc2 != crc) {
		snprintf(err->msg, sizeof(err->msg), "the recorded samples changed while writing");
		return -1;
	}
	*nbytes += PDATA_SECTION_HEADER_SIZE + len;
	return 0;
}

static int put_buf(int fd, const struct buf *b, uint64_t *nbytes, struct pdata_error *err)
{
	if (write_all(fd, b->data, b->len) < 0) {
		set_err(err, "cannot write", errno);
		return -1;
	}
	*nbytes += b->len;
	return 0;
}

int pdata_write_fd(const struct pdata *pd, const struct pdata_sample_src *src, int fd,
		   uint64_t *nbytes, struct pdata_error *err)
{
	struct buf head, mid, tail;
	uint64_t total = 0;
	bool off = src->count_off > 0;
	int rc = -1;

	buf_init(&head);
	buf_init(&mid);
	buf_init(&tail);
	put_header(pd, &head, off || nspans(pd));
	put_sections(pd, &head, SEC_STRINGS, SEC_THREADS);
	if (put_buf(fd, &head, &total, err) < 0 ||
	    stream_section(pd, src, false, SEC_SAMPLES, fd, &total, err) < 0)
		goto out;
	put_sections(pd, &mid, SEC_META, SEC_META);
	if (put_buf(fd, &mid, &total, err) < 0 ||
	    (off && stream_section(pd, src, true, SEC_OFFCPU, fd, &total, err) < 0))
		goto out;
	put_ext_sections(pd, &tail, false);
	put_end(&tail, head.data);
	if (put_buf(fd, &tail, &total, err) < 0)
		goto out;
	if (nbytes)
		*nbytes = total;
	rc = 0;
out:
	buf_free(&head);
	buf_free(&mid);
	buf_free(&tail);
	return rc;
}

int pdata_write(const struct pdata *pd, const char *path, bool keep_old,
		struct pdata_error *err)
{
	size_t plen = strlen(path);
	char *tmp = xmalloc(plen + 16, 1);
	char *old = xmalloc(plen + 8, 1);
	unsigned char *data;
	size_t len;
	int fd, rc = -1;

	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	snprintf(old, plen + 8, "%s.old", path);
	pdata_encode(pd, &data, &len);
	fd = mkstemp(tmp);
	if (fd < 0) {
		set_err(err, "cannot create temporary file", errno);
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		set_err(err, "cannot write", errno);
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0) {
		set_err(err, "cannot write", errno);
		unlink(tmp);
		goto out;
	}
	if (keep_old && access(path, F_OK) == 0 && rename(path, old) < 0) {
		set_err(err, "cannot keep the previous file as .old", errno);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		set_err(err, "cannot rename the temporary file into place", errno);
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(data);
	free(tmp);
	free(old);
	return rc;
}
