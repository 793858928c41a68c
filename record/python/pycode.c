/* pycode: resolve code objects of a target once, validate them, cache them
 * by address, and decode their line tables (see pycode.h).
 *
 * The three decoders follow the formats CPython documents in
 * Objects/lnotab_notes.txt (3.8-3.10) and InternalDocs/locations.md
 * (Objects/locations.md in 3.11-3.12): small hand-written loops over bytes,
 * there is no library for them. */
#include "pytop/python/pycode.h"

#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME_MAX_CHARS 4096      /* qualname / name: code points */
#define FILE_MAX_CHARS 16384     /* co_filename */
#define TABLE_MAX_BYTES (4u << 20) /* a line table: far above any real one */

/* ---- decoders ---- */

int pycode_lnotab_line(const uint8_t *tab, size_t len, int firstlineno, int64_t off)
{
	/* pairs (address increment, signed line increment); the line of
	 * `off` is the one in force at the last address <= off */
	int64_t addr = 0;
	int line = firstlineno;
	size_t i;
	if (off < 0)
		return firstlineno;
	for (i = 0; i + 1 < len; i += 2) {
		addr += tab[i];
		if (addr > off)
			break;
		line += (int8_t)tab[i + 1];
	}
	return line > 0 ? line : 0;
}

int pycode_linetable310_line(const uint8_t *tab, size_t len, int firstlineno, int64_t off)
{
	/* pairs (bytes covered, signed line delta; -128: no line) */
	int64_t start = 0;
	int line = firstlineno;
	size_t i;
	if (off < 0)
		return firstlineno;
	for (i = 0; i + 1 < len; i += 2) {
		int64_t end = start + tab[i];
		int8_t d = (int8_t)tab[i + 1];
		if (d != -128)
			line += d;
		if (off >= start && off < end)
			return d == -128 || line <= 0 ? 0 : line;
		start = end;
	}
	return 0;
}

/* A 6-bit-chunk varint of the 3.11+ location table (bit 6: more). */
static unsigned read_varint(const uint8_t *p, const uint8_t *end)
{
	unsigned val, shift = 0;
	uint8_t b;
	if (p >= end)
		return 0;
	b = *p++;
	val = b & 63;
	while ((b & 64) && p < end && shift < 24) {
		b = *p++;
		shift += 6;
		val |= (unsigned)(b & 63) << shift;
	}
	return val;
}

static int read_svarint(const uint8_t *p, const uint8_t *end)
{
	unsigned u = read_varint(p, end);
	return (u & 1) ? -(int)(u >> 1) : (int)(u >> 1);
}

int pycode_locations_line(const uint8_t *tab, size_t len, int firstlineno, int64_t off)
{
	/* entries: a first byte with bit 7 set, code = bits 3-6, code units
	 * covered = bits 0-2 + 1; then code-specific bytes (never bit 7).
	 * codes 0-9 short form (same line), 10-12 line +0/+1/+2, 13 no
	 * columns and 14 long form (signed varint line delta), 15 none. */
	const uint8_t *p = tab, *end = tab + len;
	int64_t start = 0;
	int line = firstlineno;
	if (off < 0)
		return firstlineno;
	while (p < end) {
		unsigned code = (*p >> 3) & 15;
		int64_t stop = start + ((*p & 7) + 1) * 2;
		int here;
		if (!(*p & 128))
			return 0; /* not at an entry: a broken table */
		if (code == 15)
			here = -1;
		else {
			if (code == 13 || code == 14)
				line += read_svarint(p + 1, end);
			else if (code >= 10)
				line += (int)code - 10;
			here = line;
		}
		if (off >= start && off < stop)
			return here > 0 ? here : 0;
		start = stop;
		do
			p++;
		while (p < end && !(*p & 128));
	}
	return 0;
}

int pycode_line(const struct pycode_info *ci, int64_t off)
{
	if (ci->version <= 0x0309)
		return pycode_lnotab_line(ci->linetable, ci->linetable_len, ci->firstlineno, off);
	if (ci->version == 0x030a)
		return pycode_linetable310_line(ci->linetable, ci->linetable_len, ci->firstlineno,
						off);
	return pycode_locations_line(ci->linetable, ci->linetable_len, ci->firstlineno, off);
}

/* ---- the cache ---- */

struct entry {
	struct pycode_info info;
	enum pycode_status status;
};

struct pycode_cache {
	struct py_target *t;
	char cwd[PATH_MAX];  /* the target's working directory when the cache was made */
	struct hmap index; /* code address -> entry number */
	struct entry **entries;
	size_t n, cap;
	struct arena arena;
};

struct pycode_cache *pycode_cache_new(struct py_target *t)
{
	struct pycode_cache *c = xcalloc(1, sizeof(*c));
	char path[64];
	ssize_t n;
	c->t = t;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)t->pid);
	n = readlink(path, c->cwd, sizeof(c->cwd) - 1);
	c->cwd[n > 0 ? n : 0] = 0;
	hmap_init(&c->index);
	arena_init(&c->arena);
	return c;
}

void pycode_cache_free(struct pycode_cache *c)
{
	if (!c)
		return;
	hmap_free(&c->index);
	free(c->entries);
	arena_free(&c->arena);
	free(c);
}

/* Appends code point `cp` as UTF-8. */
static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 63));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 63));
		o[2] = (char)(0x80 | (cp & 63));
		return 3;
	}
	if (cp > 0x10ffff)
		cp = 0xfffd;
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 63));
	o[2] = (char)(0x80 | ((cp >> 6) & 63));
	o[3] = (char)(0x80 | (cp & 63));
	return 4;
}

/* Reads the str object at `addr` as UTF-8 into the arena.  Returns the
 * status: STALE when it is not a compact str of at most `max` points. */
static enum pycode_status read_str(struct pycode_cache *c, uint64_t addr, size_t max,
				   const char **out)
{
	const struct py_offsets *o = &c->t->off;
	uint8_t hdr[128], *raw;
	uint64_t type, length;
	uint32_t state, kind;
	size_t i, n = 0;
	char *s;

	/* PyASCIIObject holds type, length and state; the characters follow
	 * it (ASCII) or the longer compact header (other kinds) */
	if (!addr || py_target_read(c->t, addr, hdr, o->unicode_ascii_data))
		return addr ? PYCODE_UNREADABLE : PYCODE_STALE;
	memcpy(&type, hdr + o->ob_type, 8);
	memcpy(&length, hdr + o->unicode_length, 8);
	memcpy(&state, hdr + o->unicode_state, 4);
	kind = (state >> 2) & 7;
	if (type != c->t->unicode_type || length > max || !((state >> 5) & 1) ||
	    (kind != 1 && kind != 2 && kind != 4))
		return PYCODE_STALE;
	raw = xmalloc(length ? length : 1, kind);
	if (py_target_read(c->t,
			   addr + (((state >> 6) & 1) ? o->unicode_ascii_data
						      : o->unicode_compact_data),
			   raw, length * kind)) {
		free(raw);
		return PYCODE_UNREADABLE;
	}
	s = arena_alloc(&c->arena, length * 4 + 1);
	for (i = 0; i < length; i++) {
		uint32_t cp;
		if (kind == 1)
			cp = raw[i];
		else if (kind == 2) {
			uint16_t u;
			memcpy(&u, raw + 2 * i, 2);
			cp = u;
		} else
			memcpy(&cp, raw + 4 * i, 4);
		if (!cp)
			cp = 0xfffd; /* keep the C string whole */
		n += put_utf8(s + n, cp);
	}
	s[n] = 0;
	free(raw);
	*out = s;
	return PYCODE_OK;
}

/* A relative co_filename ("tests/x.py": 3.8 keeps the script as given)
 * made absolute against the target's working directory, when the file is
 * there (seen through /proc/PID/root); "<frozen ...>", "<string>" and
 * absolute names stay. */
static const char *full_path(struct pycode_cache *c, const char *file)
{
	char probe[PATH_MAX * 2 + 32];
	size_t n;
	char *abs;
	if (file[0] == '/' || file[0] == '<' || !file[0] || !c->cwd[0])
		return file;
	snprintf(probe, sizeof(probe), "/proc/%d/root%s/%s", (int)c->t->pid, c->cwd, file);
	if (access(probe, F_OK))
		return file;
	n = strlen(c->cwd) + strlen(file) + 2;
	abs = arena_alloc(&c->arena, n);
	snprintf(abs, n, "%s/%s", c->cwd, file);
	return abs;
}

/* Reads the bytes object at `addr` into the arena. */
static enum pycode_status read_bytes(struct pycode_cache *c, uint64_t addr, const uint8_t **out,
				     size_t *len)
{
	const struct py_offsets *o = &c->t->off;
	uint64_t hdr[4], type, size;
	uint8_t *b;
	if (!addr || py_target_read(c->t, addr, hdr, sizeof(hdr)))
		return addr ? PYCODE_UNREADABLE : PYCODE_STALE;
	type = hdr[o->ob_type / 8];
	size = hdr[o->bytes_size / 8];
	if (type != c->t->bytes_type || size > TABLE_MAX_BYTES)
		return PYCODE_STALE;
	b = arena_alloc(&c->arena, size + 1);
	if (py_target_read(c->t, addr + o->bytes_data, b, size))
		return PYCODE_UNREADABLE;
	*out = b;
	*len = size;
	return PYCODE_OK;
}

/* The fields of a code object header that name what we read. */
struct code_fields {
	uint64_t refcnt, type, name, qualname, filename, linetable;
	int32_t firstlineno;
};

static enum pycode_status read_fields(struct pycode_cache *c, uint64_t code,
				      struct code_fields *f)
{
	const struct py_offsets *o = &c->t->off;
	uint8_t hdr[256];
	memset(f, 0, sizeof(*f));
	if (o->code_size > sizeof(hdr) || py_target_read(c->t, code, hdr, o->code_size))
		return PYCODE_UNREADABLE;
	memcpy(&f->refcnt, hdr, 8);
	memcpy(&f->type, hdr + o->ob_type, 8);
	memcpy(&f->name, hdr + o->code_name, 8);
	if (o->code_qualname != PYOFF_NONE)
		memcpy(&f->qualname, hdr + o->code_qualname, 8);
	memcpy(&f->filename, hdr + o->code_filename, 8);
	memcpy(&f->linetable, hdr + o->code_linetable, 8);
	memcpy(&f->firstlineno, hdr + o->code_firstlineno, 4);
	/* a freed small object keeps its type but its first word (the
	 * refcount) becomes pymalloc's next-free pointer (an mmap'd arena
	 * address, or NULL): no live object has 0 or more than 2^32 references
	 * (3.12+ immortal objects hold at most UINT32_MAX) */
	if (f->type != c->t->code_type || f->refcnt == 0 || f->refcnt > UINT32_MAX ||
	    f->firstlineno < 0 || f->firstlineno > 100000000)
		return PYCODE_STALE;
	return PYCODE_OK;
}

static enum pycode_status read_code(struct pycode_cache *c, uint64_t code,
				    struct pycode_info *ci)
{
	struct code_fields a, b;
	enum pycode_status st;
	const char *name = NULL;

	if (!code || (code & 7))
		return PYCODE_STALE;
	if ((st = read_fields(c, code, &a)))
		return st;
	ci->firstlineno = a.firstlineno;
	ci->version = c->t->off.version;
	if ((st = read_str(c, a.qualname ? a.qualname : a.name, NAME_MAX_CHARS, &name)) ||
	    (st = read_str(c, a.filename, FILE_MAX_CHARS, &ci->file)) ||
	    (st = read_bytes(c, a.linetable, &ci->linetable, &ci->linetable_len)))
		return st;
	ci->qualname = name;
	ci->ident = pyoff_code_ident(a.filename, a.qualname ? a.qualname : a.name);
	ci->file = full_path(c, ci->file);
	/* a code object freed (and its memory reused) while we read its
	 * parts shows as changed fields: the parts may be another's */
	if ((st = read_fields(c, code, &b)))
		return st;
	a.refcnt = b.refcnt = 0; /* references come and go */
	if (memcmp(&a, &b, sizeof(a)))
		return PYCODE_STALE;
	return PYCODE_OK;
}

const struct pycode_info *pycode_resolve(struct pycode_cache *c, uint64_t code,
					 enum pycode_status *status)
{
	uint32_t k;
	struct entry *e;
	if (!hmap_get(&c->index, code, 0, &k)) {
		e = arena_alloc(&c->arena, sizeof(*e));
		e->status = read_code(c, code, &e->info);
		xgrow(&c->entries, &c->cap, c->n + 1, sizeof(*c->entries));
		k = (uint32_t)c->n;
		c->entries[c->n++] = e;
		hmap_put(&c->index, code, 0, k);
	}
	e = c->entries[k];
	*status = e->status;
	return e->status == PYCODE_OK ? &e->info : NULL;
}

enum pycode_status pycode_symbolize(struct pycode_cache *c, uint64_t code, uint64_t instr,
				    const char **qualname, const char **file, int *line)
{
	enum pycode_status st;
	const struct pycode_info *ci = pycode_resolve(c, code, &st);
	if (!ci)
		return st;
	*qualname = ci->qualname;
	*file = ci->file;
	*line = pycode_line(ci, pyoff_instr_offset(&c->t->off, code, instr));
	return PYCODE_OK;
}

enum pycode_status pycode_symbolize_ident(struct pycode_cache *c, uint64_t code, uint64_t instr,
					  uint64_t ident, const char **qualname,
					  const char **file, int *line)
{
	enum pycode_status st;
	const struct pycode_info *ci = pycode_resolve(c, code, &st);
	if (!ci)
		return st;
	if (ci->ident != ident)
		return PYCODE_STALE;
	*qualname = ci->qualname;
	*file = ci->file;
	*line = pycode_line(ci, pyoff_instr_offset(&c->t->off, code, instr));
	return PYCODE_OK;
}
