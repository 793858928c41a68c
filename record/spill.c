/* spill: samples streamed to an unnamed temporary file while recording
 * and read back in order for the final writer.
 *
 * A record is four LEB128 varints: (stack + 1) << 8 | flags, thread,
 * weight, and the time as a zigzag delta from the previous sample's, about
 * ten bytes a sample.  The decoder is the codec's cursor on a window of the
 * file. */
#include "spill.h"

#include "pytop/base/xalloc.h"
#include "pytop/format/pdata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPILL_MAX_RECORD 40 /* 4 varints of at most 10 bytes */

/* An unnamed file in dir: O_TMPFILE where the file system has it, else a
 * name removed at once. */
static int tmp_in(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	if ((size_t)snprintf(path, sizeof(path), "%s/.pytop-samples.XXXXXX", dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

void spill_open(struct spill *s, const char *const *dirs, size_t ndirs)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	buf_init(&s->pending);
	s->err = ENOENT;
	for (size_t i = 0; i < ndirs && s->fd < 0; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		s->fd = tmp_in(dirs[i]);
		s->err = s->fd < 0 ? errno : 0;
	}
}

void spill_close(struct spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	buf_free(&s->pending);
	free(s->rbuf);
	s->rbuf = NULL;
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

/* Moves the pending records to the file.  On a failure they stay pending,
 * the file keeps only the whole records before them, and nothing more is
 * written to it. */
static bool flush(struct spill *s)
{
	if (s->fd < 0 || s->err || !s->pending.len)
		return true;
	if (lseek(s->fd, (off_t)s->file_len, SEEK_SET) < 0 ||
	    write_all(s->fd, s->pending.data, s->pending.len) < 0) {
		s->err = errno ? errno : EIO;
		return false;
	}
	s->file_len += s->pending.len;
	s->pending.len = 0;
	return true;
}

bool spill_put(struct spill *s, const struct spill_rec *r)
{
	uint64_t stack = r->stack == PDATA_NONE ? 0 : (uint64_t)r->stack + 1;

	buf_put_varint(&s->pending, stack << 8 | r->flags);
	buf_put_varint(&s->pending, r->thread);
	buf_put_varint(&s->pending, r->weight);
	buf_put_svarint(&s->pending, (int64_t)(r->time - s->prev_time));
	s->prev_time = r->time;
	s->count++;
	if (s->pending.len >= SPILL_BUFFER && s->fd >= 0 && !s->err)
		return flush(s);
	return true;
}

int spill_rewind(struct spill *s)
{
	flush(s);
	if (!s->rbuf)
		s->rbuf = xmalloc(SPILL_BUFFER + SPILL_MAX_RECORD, 1);
	s->rlen = s->rpos = s->mpos = 0;
	s->roff = 0;
	s->rprev_time = 0;
	return 0;
}

/* Keeps at least one whole record in the window while the file has more. */
static int refill(struct spill *s)
{
	if (s->rlen - s->rpos >= SPILL_MAX_RECORD || s->roff >= s->file_len)
		return 0;
	memmove(s->rbuf, s->rbuf + s->rpos, s->rlen - s->rpos);
	s->rlen -= s->rpos;
	s->rpos = 0;
	while (s->rlen < SPILL_BUFFER && s->roff < s->file_len) {
		size_t want = SPILL_BUFFER - s->rlen;
		ssize_t got;
		if (want > s->file_len - s->roff)
			want = (size_t)(s->file_len - s->roff);
		got = pread(s->fd, s->rbuf + s->rlen, want, (off_t)s->roff);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		s->rlen += (size_t)got;
		s->roff += (uint64_t)got;
	}
	return 0;
}

int spill_next(struct spill *s, struct spill_rec *out)
{
	struct cursor c;
	const unsigned char *p;
	size_t n, *pos;
	uint64_t head, thread;

	if (refill(s) < 0)
		return -1;
	if (s->rpos < s->rlen) { /* the file's part comes first */
		p = s->rbuf + s->rpos;
		n = s->rlen - s->rpos;
		pos = &s->rpos;
	} else if (s->mpos < s->pending.len) {
		p = s->pending.data + s->mpos;
		n = s->pending.len - s->mpos;
		pos = &s->mpos;
	} else {
		return 0;
	}
	cursor_init(&c, p, n, 0);
	head = cursor_varint(&c);
	thread = cursor_varint(&c);
	out->weight = cursor_varint(&c);
	out->time = s->rprev_time + (uint64_t)cursor_svarint(&c);
	if (c.failed || (head >> 8) > (uint64_t)UINT32_MAX + 1 || thread > UINT32_MAX)
		return -1;
	out->stack = (head >> 8) ? (uint32_t)((head >> 8) - 1) : PDATA_NONE;
	out->flags = (uint8_t)head;
	out->thread = (uint32_t)thread;
	s->rprev_time = out->time;
	*pos += c.pos;
	return 1;
}

size_t spill_memory(const struct spill *s)
{
	return s->pending.cap + (s->rbuf ? SPILL_BUFFER + SPILL_MAX_RECORD : 0);
}
