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
};

static void sample_enc_init(struct sample_enc *e, size_t nthreads)
{
	memset(e, 0, sizeof(*e));
	e->nthreads = nthreads;
	e->last = xcalloc(nthreads ? nthreads : 1, sizeof(*e->last));
}

/* Appends one sample record; false when s names no thread of the profile. */
static bool sample_enc_put(struct sample_enc *e, const struct pdata_sample *s, struct buf *b)
{
	uint64_t head = opt_index(s->stack) << SAMPLE_SHIFT, predicted;

	if (s->thread >= (e->nthreads ? e->nthreads : 1))
		return false;
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

static void enc_samples(const struct pdata *pd, struct buf *b)
{
	struct sample_enc e;
	size_t n = pd->samples ? (size_t)pd->nsamples : 0; /* aggregate-only: none */

	sample_enc_init(&e, pd->nthreads);
	buf_put_varint(b, n);
	for (size_t i = 0; i < n; i++)
		sample_enc_put(&e, &pd->samples[i], b);
	free(e.last);
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
	[SEC_META] = enc_meta,
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

static void put_header(struct buf *file)
{
	buf_put(file, PDATA_MAGIC, 8);
	buf_put_le16(file, PDATA_MAJOR);
	buf_put_le16(file, PDATA_MINOR);
	buf_put_le32(file, PDATA_BOM);
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

	buf_init(&file);
	put_header(&file);
	put_sections(pd, &file, SEC_STRINGS, SEC_META);
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

/* One pass over src: the sample section's payload, chunk by chunk, either
 * only measured (fd < 0: length and CRC) or written to fd. */
static int stream_samples(const struct pdata *pd, const struct pdata_sample_src *src, int fd,
			  uint64_t *len, uint32_t *crc, struct pdata_error *err)
{
	struct sample_enc e;
	struct pdata_sample s;
	struct buf chunk;
	uint64_t n = 0;
	int got, rc = -1;

	if (src->rewind(src->ctx) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot read the recorded samples back");
		return -1;
	}
	sample_enc_init(&e, pd->nthreads);
	buf_init(&chunk);
	*len = 0;
	*crc = 0;
	buf_put_varint(&chunk, src->count);
	while ((got = src->next(src->ctx, &s)) > 0) {
		if (++n > src->count || !sample_enc_put(&e, &s, &chunk)) {
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
	if (got < 0 || n != src->count) {
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

int pdata_write_fd(const struct pdata *pd, const struct pdata_sample_src *src, int fd,
		   uint64_t *nbytes, struct pdata_error *err)
{
	struct buf head, tail;
	uint64_t len, len2;
	uint32_t crc, crc2;
	int rc = -1;

	buf_init(&head);
	buf_init(&tail);
	put_header(&head);
	put_sections(pd, &head, SEC_STRINGS, SEC_THREADS);
	if (stream_samples(pd, src, -1, &len, &crc, err) < 0)
		goto out;
	buf_put_le32(&head, SEC_SAMPLES);
	buf_put_le32(&head, crc);
	buf_put_le64(&head, len);
	if (write_all(fd, head.data, head.len) < 0) {
		set_err(err, "cannot write", errno);
		goto out;
	}
	if (stream_samples(pd, src, fd, &len2, &crc2, err) < 0)
		goto out;
	if (len2 != len || crc2 != crc) {
		snprintf(err->msg, sizeof(err->msg), "the recorded samples changed while writing");
		goto out;
	}
	put_sections(pd, &tail, SEC_META, SEC_META);
	put_end(&tail, head.data);
	if (write_all(fd, tail.data, tail.len) < 0) {
		set_err(err, "cannot write", errno);
		goto out;
	}
	if (nbytes)
		*nbytes = head.len + len + tail.len;
	rc = 0;
out:
	buf_free(&head);
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
