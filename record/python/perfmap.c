/* perfmap: read /tmp/perf-PID.map files safely and look addresses up. */
#include "pytop/base/bisect.h"
#include "pytop/base/xalloc.h"
#include "pytop/python/perfmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PERFMAP_MAX_BYTES (512u << 20) /* never read more than this from one file */
#define PERFMAP_CHUNK (1u << 20)       /* bytes read at a time */
#define PERFMAP_ROUND_BYTES (16u << 20) /* read per perfmap_refresh() while recording */
/* What one process's map may cost in memory (entries and names).  CPython
 * writes one short line per code object, so real maps stay far below; a
 * bigger map is a hostile or runaway file.  The final read, which keeps
 * only the entries sampled addresses fall in, may use twice as much. */
#define PERFMAP_MAX_COST (32u << 20)

/* File times are not precise: the kernel stamps them from its coarse clock
 * (one tick, 4 ms at HZ=250, behind the precise time of a fork) and some file
 * systems keep whole seconds.  A forked CPython child writes its map within
 * a millisecond of the fork, so "modified before the process started" must
 * mean well before it; a stale file from an earlier process with the same
 * pid is far older than this (the pid had to be freed and reused first). */
#define PERFMAP_MTIME_SLACK_NS 2000000000ull

struct perfmap {
	uint32_t pid, uid;
	char path[64];
	uint64_t off;        /* next byte to read (start of an unread line) */
	bool failed, loaded;
	dev_t dev;
	ino_t ino;
	struct perfmap_entry *e;
	size_t n, cap;
	bool sorted;
	char *names;
	size_t names_len, names_cap;
	uint32_t seq;
	bool skipping;     /* inside a line longer than a chunk: skip to its end */
	bool capped;       /* an entry was dropped: the map reached its cost cap */
	bool cap_noted;
};

static uint64_t ts_ns(const struct statx_timestamp *t)
{
	return (uint64_t)t->tv_sec * 1000000000ULL + t->tv_nsec;
}

struct perfmap *perfmap_new(uint32_t pid, uint32_t uid, uint64_t started)
{
	struct perfmap *m = xcalloc(1, sizeof(*m));
	struct statx st;

	m->pid = pid;
	m->uid = uid;
	snprintf(m->path, sizeof(m->path), "/tmp/perf-%u.map", pid);
	if (started > PERFMAP_MTIME_SLACK_NS &&
	    statx(AT_FDCWD, m->path, AT_SYMLINK_NOFOLLOW, STATX_SIZE | STATX_MTIME, &st) == 0 &&
	    S_ISREG(st.stx_mode) && ts_ns(&st.stx_mtime) < started - PERFMAP_MTIME_SLACK_NS)
		m->off = st.stx_size; /* untouched since before the process: all stale */
	m->sorted = true;
	return m;
}

void perfmap_free(struct perfmap *m)
{
	if (!m)
		return;
	free(m->e);
	free(m->names);
	free(m);
}

const char *perfmap_path(const struct perfmap *m)
{
	return m->path;
}

bool perfmap_loaded(const struct perfmap *m)
{
	return m->loaded;
}

static bool hex_field(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int digits = 0;

	while (s < end && *s == ' ')
		s++;
	if (s + 1 < end && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s < end; s++, digits++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (digits >= 16)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	if (!digits || (s < end && *s != ' '))
		return false;
	*p = s;
	*v = x;
	return true;
}

bool perfmap_parse_line(const char *line, size_t len, uint64_t *start, uint64_t *size,
			const char **name, size_t *name_len)
{
	const char *p = line, *end = line + len;

	if (!hex_field(&p, end, start) || !hex_field(&p, end, size))
		return false;
	if (p >= end || *p != ' ')
		return false;
	p++;
	while (end > p && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (p >= end || !*size || *start + *size < *start)
		return false;
	*name = p;
	*name_len = (size_t)(end - p);
	return true;
}

size_t perfmap_cost(const struct perfmap *m)
{
	return m->cap * sizeof(*m->e) + m->names_cap;
}

static void add_entry(struct perfmap *m, uint64_t start, uint64_t size, const char *name,
		      size_t len, size_t max_cost)
{
	/* what the next growth of either array would bring the map to */
	size_t grow_e = m->n + 1 > m->cap ? (m->cap ? m->cap : 8) * sizeof(*m->e) : 0;
	size_t grow_n = m->names_len + len + 1 > m->names_cap ? m->names_cap + len + 1 : 0;

	if (m->names_len + len + 1 > UINT32_MAX || perfmap_cost(m) + grow_e + grow_n > max_cost) {
		m->capped = true;
		return;
	}
	xgrow(&m->names, &m->names_cap, m->names_len + len + 1, 1);
	memcpy(m->names + m->names_len, name, len);
	m->names[m->names_len + len] = '\0';
	xgrow(&m->e, &m->cap, m->n + 1, sizeof(*m->e));
	m->e[m->n++] = (struct perfmap_entry){ .start = start, .end = start + size,
					       .name = (uint32_t)m->names_len, .seq = m->seq++ };
	m->names_len += len + 1;
	m->sorted = false;
}

/* Whether [start, start+size) holds one of want[0..nwant) (sorted). */
static bool wanted(const uint64_t *want, size_t nwant, uint64_t start, uint64_t size)
{
	size_t i = bisect_upper(want, nwant, sizeof(*want), 0, start - 1);
	if (!start)
		i = 0;
	return i < nwant && want[i] - start < size;
}

/* Parses the complete lines of buf[0..len); returns the bytes consumed
 * (up to and including the last newline). */
static size_t parse_chunk(struct perfmap *m, const char *buf, size_t len, const uint64_t *want,
			  size_t nwant, bool filter)
{
	size_t pos = 0;
	if (m->skipping) {
		const char *nl = memchr(buf, '\n', len);
		if (!nl)
			return len;
		m->skipping = false;
		pos = (size_t)(nl - buf) + 1;
	}
	for (;;) {
		const char *nl = memchr(buf + pos, '\n', len - pos), *name;
		uint64_t start, size;
		size_t nlen;
		if (!nl)
			break;
		if (perfmap_parse_line(buf + pos, (size_t)(nl - (buf + pos)), &start, &size, &name,
				       &nlen) &&
		    (!filter || wanted(want, nwant, start, size))) {
			add_entry(m, start, size, name, nlen,
				  filter ? 2 * (size_t)PERFMAP_MAX_COST : PERFMAP_MAX_COST);
			if (m->capped && !filter)
				break; /* this line and the rest wait for the final read */
		}
		pos = (size_t)(nl - buf) + 1;
	}
	return pos;
}

/* Reads at most `budget` new bytes, a chunk at a time, keeping the entries
 * that hold a wanted address when filter is set. */
static int refresh(struct perfmap *m, const uint64_t *want, size_t nwant, bool filter,
		   uint64_t budget, char *why, size_t whylen)
{
	struct stat st;
	size_t before = m->n;
	uint64_t end;
	char *buf;
	int fd;

	if (m->failed)
		return -1;
	fd = open(m->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "ignoring %s: %s", m->path,
			 errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		m->failed = true;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != m->uid && st.st_uid != 0) ||
	    (m->loaded && (st.st_dev != m->dev || st.st_ino != m->ino))) {
		snprintf(why, whylen, "ignoring %s: not a regular file owned by uid %u or root",
			 m->path, m->uid);
		m->failed = true;
		close(fd);
		return -1;
	}
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->loaded = true;
	if ((uint64_t)st.st_size < m->off) { /* replaced by a shorter file: start over */
		m->off = 0;
		m->skipping = false;
	}
	end = (uint64_t)st.st_size < PERFMAP_MAX_BYTES ? (uint64_t)st.st_size : PERFMAP_MAX_BYTES;
	if (m->off >= end || (m->capped && !filter)) {
		close(fd);
		return 0;
	}
	buf = xmalloc(PERFMAP_CHUNK, 1);
	while (m->off < end && budget) {
		size_t want_bytes = PERFMAP_CHUNK, used;
		ssize_t got;
		if (want_bytes > end - m->off)
			want_bytes = (size_t)(end - m->off);
		got = pread(fd, buf, want_bytes, (off_t)m->off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used = parse_chunk(m, buf, (size_t)got, want, nwant, filter);
		if (!used && (size_t)got == PERFMAP_CHUNK && !m->capped) {
			m->skipping = true; /* one line longer than a chunk: not a map line */
			used = (size_t)got;
		}
		if (!used) /* a line being written is read next time */
			break;
		m->off += used;
		budget = used < budget ? budget - used : 0;
		if (m->capped && !filter)
			break;
	}
	free(buf);
	close(fd);
	return (int)(m->n - before);
}

int perfmap_refresh(struct perfmap *m, char *why, size_t whylen)
{
	return refresh(m, NULL, 0, false, PERFMAP_ROUND_BYTES, why, whylen);
}

int perfmap_refresh_used(struct perfmap *m, const uint64_t *addrs, size_t n, char *why,
			 size_t whylen)
{
	return refresh(m, addrs, n, true, UINT64_MAX, why, whylen);
}

const char *perfmap_cap_note(struct perfmap *m)
{
	if (!m->capped || m->cap_noted)
		return NULL;
	m->cap_noted = true;
	return "it passed the memory cap for one perf map (32 MB): later entries are kept "
	       "only for sampled addresses, when recording ends";
}

static int cmp_entry(const void *a, const void *b)
{
	const struct perfmap_entry *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

const struct perfmap_entry *perfmap_find(struct perfmap *m, uint64_t addr)
{
	size_t lo;

	if (!m->n)
		return NULL;
	if (!m->sorted) {
		qsort(m->e, m->n, sizeof(*m->e), cmp_entry);
		m->sorted = true;
	}
	/* last entry with start <= addr (the latest line among equal starts) */
	lo = bisect_upper(m->e, m->n, sizeof(*m->e), offsetof(struct perfmap_entry, start), addr);
	if (!lo)
		return NULL;
	for (size_t i = lo; i-- > 0;) {
		if (addr < m->e[i].end)
			return &m->e[i];
		if (lo - i > 8) /* overlaps are rare; do not scan far */
			break;
	}
	return NULL;
}

const char *perfmap_name(const struct perfmap *m, const struct perfmap_entry *e)
{
	return m->names + e->name;
}

int perfmap_remove(struct perfmap *m)
{
	struct stat st;
	if (!m->loaded || m->failed) {
		errno = ENOENT;
		return -1;
	}
	if (lstat(m->path, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_dev != m->dev || st.st_ino != m->ino) {
		errno = EPERM;
		return -1;
	}
	return unlink(m->path);
}
