/* perfdata: the perf.data reader (perfdata.h).  Layout facts from the
 * kernel's perf_event ABI and perf's file header documentation:
 *
 *   header   magic "PERFILE2", header size 104, attr entry size, sections
 *            {offset, size} of attrs, data and event types, 256 feature bits
 *   attrs    entries of { perf_event_attr, section of its u64 sample ids }
 *   data     perf_event records { u32 type, u16 misc, u16 size, ... }
 *   features one section per set feature bit, in bit order, right after
 *            the data section */
#include "pytop/format/perfdata.h"

#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERF_MAGIC 0x32454c4946524550ULL /* "PERFILE2" little-endian */
#define HEADER_SIZE 104
#define ATTR_MIN 64                      /* PERF_ATTR_SIZE_VER0 */
#define NFEATURES 256

enum feature {
	F_BUILD_ID = 2, F_HOSTNAME = 3, F_OSRELEASE = 4, F_VERSION = 5, F_ARCH = 6,
	F_NRCPUS = 7, F_CMDLINE = 11, F_EVENT_DESC = 12, F_SAMPLE_TIME = 21, F_COMPRESSED = 27,
};
/* Features read, or known and not needed (skipped silently). */
static const uint64_t known_features = 0xffffffffULL;

struct perfdata {
	const unsigned char *img;
	size_t len;
	uint64_t data_off, data_size;
	struct perfdata_attr *attrs;
	size_t nattrs;
	struct perfdata_info info;
	struct arena arena;
	bool compressed;
	uint64_t *rec;     /* aligned copy of the current record */
	struct hmap by_id; /* sample id -> attr index (several events) */
};

struct cur {
	const unsigned char *p, *end;
	bool bad;
};

static uint64_t u64(struct cur *c)
{
	uint64_t v = 0;
	if ((size_t)(c->end - c->p) < 8) {
		c->bad = true;
		c->p = c->end;
		return 0;
	}
	memcpy(&v, c->p, 8);
	c->p += 8;
	return v;
}

static uint32_t u32(struct cur *c)
{
	uint32_t v = 0;
	if ((size_t)(c->end - c->p) < 4) {
		c->bad = true;
		c->p = c->end;
		return 0;
	}
	memcpy(&v, c->p, 4);
	c->p += 4;
	return v;
}

/* n bytes, or NULL (and bad) when they are not there */
static const unsigned char *take(struct cur *c, uint64_t n)
{
	const unsigned char *p = c->p;
	if (n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		c->p = c->end;
		return NULL;
	}
	c->p += n;
	return p;
}

/* The bytes [off, off + size) of the image, when they are inside it. */
static bool section(const struct perfdata *pd, uint64_t off, uint64_t size, struct cur *c)
{
	if (off > pd->len || size > pd->len - off)
		return false;
	c->p = pd->img + off;
	c->end = c->p + size;
	c->bad = false;
	return true;
}

/* perf_header_string: u32 length (padding included), bytes, NUL inside. */
static const char *hstring(struct perfdata *pd, struct cur *c)
{
	uint32_t n = u32(c);
	const unsigned char *s = take(c, n);
	if (!s)
		return NULL;
	return arena_strndup(&pd->arena, (const char *)s, strnlen((const char *)s, n));
}

static void set_str(const char **field, const char *s)
{
	if (s)
		*field = s;
}

static int fail(struct pdata_error *err, const char *fmt, const char *what)
{
	snprintf(err->msg, sizeof(err->msg), fmt, what);
	return -1;
}

/* BUILD_ID: records { header, u32 pid, u8 build_id[24], filename } */
static void read_build_ids(struct perfdata *pd, struct cur *c)
{
	size_t cap = 0;
	while ((size_t)(c->end - c->p) >= 8) {
		uint16_t misc, size;
		const unsigned char *body = c->p + 8;
		struct perfdata_build_id *b;
		size_t idlen = 20;

		memcpy(&misc, c->p + 4, 2);
		memcpy(&size, c->p + 6, 2);
		if (size < 36 + 1 || size > (size_t)(c->end - c->p))
			break;
		c->p += size;
		if (misc & (1u << 15) && body[4 + 20] <= 20) /* PERF_RECORD_MISC_BUILD_ID_SIZE */
			idlen = body[4 + 20];
		xgrow(&pd->info.build_ids, &cap, pd->info.nbuild_ids + 1, sizeof(*b));
		b = &pd->info.build_ids[pd->info.nbuild_ids++];
		memcpy(&b->pid, body, 4);
		for (size_t i = 0; i < idlen; i++)
			snprintf(b->hex + 2 * i, 3, "%02x", body[4 + i]);
		b->hex[2 * idlen] = '\0';
		b->path = arena_strndup(&pd->arena, (const char *)body + 28,
					strnlen((const char *)body + 28, (size_t)size - 36));
	}
}

/* EVENT_DESC: u32 nr, u32 attr size, nr x { attr, u32 nr_ids, string, ids } */
static void read_event_desc(struct perfdata *pd, struct cur *c)
{
	uint32_t nr = u32(c), asz = u32(c);
	for (uint32_t i = 0; i < nr && !c->bad; i++) {
		const char *name;
		uint32_t nids;
		if (!take(c, asz))
			return;
		nids = u32(c);
		name = hstring(pd, c);
		if (!name || !take(c, (uint64_t)nids * 8))
			return;
		if (i < pd->nattrs)
			pd->attrs[i].name = name;
	}
}

static void read_features(struct perfdata *pd, const uint64_t bits[4])
{
	uint64_t off = pd->data_off + pd->data_size;
	for (int f = 0; f < NFEATURES; f++) {
		struct cur h, c;
		uint64_t foff, fsize;
		if (!(bits[f / 64] >> (f % 64) & 1))
			continue;
		if (!section(pd, off, 16, &h))
			return; /* a truncated feature table: keep what was read */
		off += 16;
		foff = u64(&h);
		fsize = u64(&h);
		if (f >= 32 || !(known_features >> f & 1))
			pd->info.unknown_features++;
		if (!section(pd, foff, fsize, &c))
			continue;
		switch (f) {
		case F_BUILD_ID: read_build_ids(pd, &c); break;
		case F_HOSTNAME: set_str(&pd->info.hostname, hstring(pd, &c)); break;
		case F_OSRELEASE: set_str(&pd->info.os_release, hstring(pd, &c)); break;
		case F_VERSION: set_str(&pd->info.perf_version, hstring(pd, &c)); break;
		case F_ARCH: set_str(&pd->info.arch, hstring(pd, &c)); break;
		case F_NRCPUS: (void)u32(&c); pd->info.nr_cpus = u32(&c); break;
		case F_CMDLINE: {
			uint32_t n = u32(&c);
			size_t cap = 0, used = 0;
			char *line = NULL;
			for (uint32_t i = 0; i < n && !c.bad; i++) {
				const char *s = hstring(pd, &c);
				size_t sl = s ? strlen(s) : 0;
				if (!s)
					break;
				xgrow(&line, &cap, used + sl + 2, 1);
				if (used)
					line[used++] = ' ';
				memcpy(line + used, s, sl);
				used += sl;
				line[used] = '\0';
			}
			if (line)
				pd->info.cmdline = arena_strndup(&pd->arena, line, used);
			free(line);
			break;
		}
		case F_EVENT_DESC: read_event_desc(pd, &c); break;
		case F_SAMPLE_TIME:
			pd->info.first_time = u64(&c);
			pd->info.last_time = u64(&c);
			if (c.bad)
				pd->info.first_time = pd->info.last_time = 0;
			break;
		case F_COMPRESSED: pd->compressed = true; break;
		default: break;
		}
	}
}

static int read_attrs(struct perfdata *pd, uint64_t attr_size, uint64_t off, uint64_t size,
		      struct pdata_error *err)
{
	struct cur c;
	if (attr_size < ATTR_MIN + 16 || attr_size > 4096)
		return fail(err, "corrupt perf.data: %s", "bad attribute size");
	if (!section(pd, off, size, &c) || size % attr_size || !size)
		return fail(err, "corrupt perf.data: %s", "attribute section outside the file");
	pd->nattrs = size / attr_size;
	pd->attrs = xcalloc(pd->nattrs, sizeof(*pd->attrs));
	for (size_t i = 0; i < pd->nattrs; i++) {
		struct perfdata_attr *a = &pd->attrs[i];
		const unsigned char *e = take(&c, attr_size);
		struct cur f = { e, e + attr_size - 16, false }, ids;
		uint64_t flags, idoff, idsize;
		a->type = u32(&f);
		(void)u32(&f); /* its own size */
		a->config = u64(&f);
		a->sample_period = u64(&f);
		a->sample_type = u64(&f);
		a->read_format = u64(&f);
		flags = u64(&f);
		a->freq = flags >> 10 & 1;
		a->sample_id_all = flags >> 18 & 1;
		a->exclude_kernel = flags >> 5 & 1;
		if (attr_size - 16 >= 96) {
			take(&f, 8 + 8 + 8); /* wakeup/bp_type, config1, config2 */
			a->branch_sample_type = u64(&f);
			a->sample_regs_user = u64(&f);
			a->sample_stack_user = u32(&f);
		}
		a->name = "";
		f.p = e + attr_size - 16;
		f.end = e + attr_size;
		idoff = u64(&f);
		idsize = u64(&f);
		if (idsize && section(pd, idoff, idsize - idsize % 8, &ids)) {
			a->nids = idsize / 8;
			a->ids = arena_alloc(&pd->arena, a->nids * 8);
			memcpy((void *)a->ids, ids.p, a->nids * 8);
		}
	}
	return 0;
}

struct perfdata *perfdata_open(const void *image, size_t len, struct pdata_error *err)
{
	struct perfdata *pd;
	struct cur c = { image, (const unsigned char *)image + len, false };
	uint64_t magic, hsize, attr_size, aoff, asize, bits[4];

	magic = u64(&c);
	if (c.bad || (magic != PERF_MAGIC && magic != __builtin_bswap64(PERF_MAGIC))) {
		fail(err, "%s", "not a perf.data file (no PERFILE2 header)");
		return NULL;
	}
	if (magic != PERF_MAGIC) {
		fail(err, "%s", "perf.data of the other byte order (recorded on a big-endian "
				"machine): not supported");
		return NULL;
	}
	hsize = u64(&c);
	if (hsize == 16) {
		fail(err, "%s", "pipe-mode perf.data (perf record -o -) is not supported: "
				"record to a file (perf record -o FILE)");
		return NULL;
	}
	if (c.bad || hsize < HEADER_SIZE || hsize > len) {
		fail(err, "corrupt perf.data: %s", len < HEADER_SIZE ? "truncated header"
								     : "bad header size");
		return NULL;
	}
	pd = xcalloc(1, sizeof(*pd));
	arena_init(&pd->arena);
	hmap_init(&pd->by_id);
	pd->img = image;
	pd->len = len;
	attr_size = u64(&c);
	aoff = u64(&c);
	asize = u64(&c);
	pd->data_off = u64(&c);
	pd->data_size = u64(&c);
	(void)u64(&c); /* event types: obsolete */
	(void)u64(&c);
	for (int i = 0; i < 4; i++)
		bits[i] = u64(&c);
	pd->info.hostname = pd->info.os_release = pd->info.arch = pd->info.perf_version =
		pd->info.cmdline = "";
	if (pd->data_off > len || pd->data_size > len - pd->data_off) {
		fail(err, "corrupt perf.data: %s", pd->data_size > len ?
			"truncated (the data section ends past the end of the file)" :
			"data section outside the file");
		perfdata_free(pd);
		return NULL;
	}
	if (!pd->data_size) {
		fail(err, "%s", "empty perf.data (no data section: was 'perf record' killed "
				"before it finished writing?)");
		perfdata_free(pd);
		return NULL;
	}
	if (read_attrs(pd, attr_size, aoff, asize, err) < 0) {
		perfdata_free(pd);
		return NULL;
	}
	read_features(pd, bits);
	for (size_t i = 0; pd->nattrs > 1 && i < pd->nattrs; i++)
		for (size_t k = 0; k < pd->attrs[i].nids; k++)
			hmap_put(&pd->by_id, pd->attrs[i].ids[k], 0, (uint32_t)i);
	if (pd->compressed) {
		fail(err, "%s", "compressed perf.data (perf record -z) is not supported: "
				"record without -z");
		perfdata_free(pd);
		return NULL;
	}
	if (*pd->info.arch && strcmp(pd->info.arch, "x86_64")) {
		snprintf(err->msg, sizeof(err->msg),
			 "perf.data recorded on %.64s: pytop reads x86_64 files only", pd->info.arch);
		perfdata_free(pd);
		return NULL;
	}
	pd->rec = xmalloc(65536 / 8, 8);
	return pd;
}

void perfdata_free(struct perfdata *pd)
{
	if (!pd)
		return;
	free(pd->attrs);
	free(pd->info.build_ids);
	free(pd->rec);
	hmap_free(&pd->by_id);
	arena_free(&pd->arena);
	free(pd);
}

const struct perfdata_info *perfdata_info(const struct perfdata *pd)
{
	return &pd->info;
}

size_t perfdata_nattrs(const struct perfdata *pd)
{
	return pd->nattrs;
}

const struct perfdata_attr *perfdata_attr(const struct perfdata *pd, size_t i)
{
	return i < pd->nattrs ? &pd->attrs[i] : NULL;
}

int perfdata_next(struct perfdata *pd, size_t *off, const struct pd_rec_header **h,
		  struct pdata_error *err)
{
	struct pd_rec_header rh;
	uint64_t at = pd->data_off + *off;
	if (*off >= pd->data_size)
		return 0;
	if (pd->data_size - *off < 8) {
		snprintf(err->msg, sizeof(err->msg),
			 "corrupt perf.data: a record is cut off (offset %llu)", (unsigned long long)at);
		return -1;
	}
	memcpy(&rh, pd->img + at, 8);
	if (rh.size < 8 || rh.size > pd->data_size - *off) {
		snprintf(err->msg, sizeof(err->msg),
			 "corrupt perf.data: a record does not fit the data section (offset %llu)",
			 (unsigned long long)at);
		return -1;
	}
	if (rh.type == PD_REC_COMPRESSED) {
		snprintf(err->msg, sizeof(err->msg), "compressed perf.data (perf record -z) is not "
			 "supported: record without -z");
		return -1;
	}
	memcpy(pd->rec, pd->img + at, rh.size);
	*h = (const struct pd_rec_header *)(const void *)pd->rec;
	*off += rh.size;
	return 1;
}

/* The event of a sample: by its id when there are several events. */
static size_t sample_attr(const struct perfdata *pd, const struct pd_rec_header *h, bool *ok)
{
	const struct perfdata_attr *a0 = &pd->attrs[0];
	const unsigned char *p = (const unsigned char *)(h + 1);
	size_t len = h->size - 8;
	uint64_t id;

	*ok = true;
	if (pd->nattrs == 1)
		return 0;
	if (a0->sample_type & PD_S_IDENTIFIER) {
		if (len < 8)
			return *ok = false, 0;
		memcpy(&id, p, 8);
	} else if (a0->sample_type & PD_S_ID) {
		/* before ID: IP, TID, TIME, ADDR (8 bytes each when present) */
		size_t at = 8 * (size_t)__builtin_popcountll(a0->sample_type &
							       (PD_S_IP | PD_S_TID | PD_S_TIME | PD_S_ADDR));
		if (len < at + 8)
			return *ok = false, 0;
		memcpy(&id, p + at, 8);
	} else {
		return 0;
	}
	{
		uint32_t ai;
		if (hmap_get(&pd->by_id, id, 0, &ai))
			return ai;
	}
	return *ok = false, 0;
}

bool perfdata_sample(const struct perfdata *pd, const struct pd_rec_header *h,
		     struct perfdata_sample *s)
{
	bool ok;
	size_t ai = sample_attr(pd, h, &ok);
	const struct perfdata_attr *a = &pd->attrs[ai];
	uint64_t t = a->sample_type, w;
	struct cur c = { (const unsigned char *)(h + 1), (const unsigned char *)h + h->size, false };

	memset(s, 0, sizeof(*s));
	if (!ok)
		return false;
	s->attr = (uint32_t)ai;
	s->misc = h->misc;
	s->period = a->freq ? 1 : a->sample_period;
	if (t & PD_S_IDENTIFIER)
		s->id = u64(&c);
	if (t & PD_S_IP)
		s->ip = u64(&c);
	if (t & PD_S_TID) {
		w = u64(&c);
		s->pid = (uint32_t)w;
		s->tid = (uint32_t)(w >> 32);
	}
	if (t & PD_S_TIME)
		s->time = u64(&c);
	if (t & PD_S_ADDR)
		(void)u64(&c);
	if (t & PD_S_ID)
		s->id = u64(&c);
	if (t & PD_S_STREAM_ID)
		(void)u64(&c);
	if (t & PD_S_CPU)
		s->cpu = (uint32_t)u64(&c);
	if (t & PD_S_PERIOD)
		s->period = u64(&c);
	if (t & PD_S_READ) {
		uint64_t rf = a->read_format;
		size_t per = 1 + !!(rf & 4) + !!(rf & 16); /* value, id, lost */
		if (rf & 8) {                              /* a group */
			uint64_t nr = u64(&c);
			take(&c, 8 * (uint64_t)(!!(rf & 1) + !!(rf & 2)));
			if (nr > (uint64_t)(c.end - c.p) / 8 / per)
				return false;
			take(&c, nr * 8 * per);
		} else {
			take(&c, 8 * (uint64_t)(per + !!(rf & 1) + !!(rf & 2)));
		}
	}
	if (t & PD_S_CALLCHAIN) {
		s->nr = u64(&c);
		if (s->nr > (uint64_t)(c.end - c.p) / 8)
			return false;
		s->chain = take(&c, s->nr * 8);
	}
	if (t & PD_S_RAW)
		take(&c, u32(&c));
	if (t & PD_S_BRANCH_STACK) {
		uint64_t nr = u64(&c);
		if (a->branch_sample_type & (1u << 17)) /* hw_idx */
			(void)u64(&c);
		if (nr > (uint64_t)(c.end - c.p) / 24)
			return false;
		take(&c, nr * 24);
	}
	if (t & PD_S_REGS_USER) {
		s->abi = u64(&c);
		if (s->abi) {
			uint64_t n = (uint64_t)__builtin_popcountll(a->sample_regs_user);
			s->regs_mask = a->sample_regs_user;
			s->regs = take(&c, n * 8);
		}
	}
	if (t & PD_S_STACK_USER) {
		s->stack_size = u64(&c);
		if (s->stack_size) {
			s->stack = take(&c, s->stack_size);
			s->dyn_size = u64(&c);
			if (s->dyn_size > s->stack_size)
				s->dyn_size = s->stack_size;
		}
	}
	return !c.bad;
}

uint64_t perfdata_record_time(const struct perfdata *pd, const struct pd_rec_header *h)
{
	const struct perfdata_attr *a = &pd->attrs[0];
	uint64_t t = a->sample_type, v;
	size_t len = h->size - 8, at;

	if (!(t & PD_S_TIME))
		return UINT64_MAX;
	if (h->type == PD_REC_SAMPLE) {
		at = 8 * (size_t)__builtin_popcountll(t & (PD_S_IDENTIFIER | PD_S_IP | PD_S_TID));
	} else if (h->type < PD_REC_USER_FIRST && a->sample_id_all) {
		/* the sample_id trailer: TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER */
		size_t after = 8 * (size_t)__builtin_popcountll(t & (PD_S_ID | PD_S_STREAM_ID |
									   PD_S_CPU | PD_S_IDENTIFIER));
		if (len < after + 8)
			return UINT64_MAX;
		at = len - after - 8;
	} else {
		return UINT64_MAX;
	}
	if (len < at + 8)
		return UINT64_MAX;
	memcpy(&v, (const unsigned char *)(h + 1) + at, 8);
	return v;
}

const char *perfdata_event_name(const struct perfdata_attr *a)
{
	static const char *hw[] = { "cycles", "instructions", "cache-references", "cache-misses",
				    "branches", "branch-misses", "bus-cycles",
				    "stalled-cycles-frontend", "stalled-cycles-backend",
				    "ref-cycles" };
	static const char *sw[] = { "cpu-clock", "task-clock", "page-faults", "context-switches",
				    "cpu-migrations", "minor-faults", "major-faults" };
	if (a->type == 0 && a->config < sizeof(hw) / sizeof(hw[0]))
		return hw[a->config];
	if (a->type == 1 && a->config < sizeof(sw) / sizeof(sw[0]))
		return sw[a->config];
	return *a->name ? a->name : "unknown-event";
}
