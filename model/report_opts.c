/* report_opts: defaults, parsing of option values, filter lists. */
#include "pytop/base/xalloc.h"
#include "pytop/model/filter.h"
#include "pytop/model/report_opts.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const key_names[SORT_KEY_COUNT] = {
	[SORT_COMM] = "comm", [SORT_PID] = "pid", [SORT_TID] = "tid",
	[SORT_DSO] = "dso", [SORT_SYM] = "sym",
};

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void report_opts_init(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->keys[0] = SORT_COMM;
	o->keys[1] = SORT_DSO;
	o->keys[2] = SORT_SYM;
	o->nkeys = 3;
	o->order = ORDER_WEIGHT;
	o->children = CHILDREN_AUTO;
	o->graph = GRAPH_TOTAL;
	o->percentage = PERCENT_RELATIVE;
	o->percent_limit = 0.5;
	o->entry_limit = 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void report_filter_clear(struct report_filter *f)
{
	free_strv(f->comms, f->ncomms);
	free_strv(f->dsos, f->ndsos);
	free(f->pids);
	free(f->tids);
	free(f->symbol);
	memset(f, 0, sizeof(*f));
}

void report_opts_free(struct report_opts *o)
{
	report_filter_clear(&o->filter);
}

static char **copy_strv(char *const *v, size_t n)
{
	char **r;
	if (!n)
		return NULL;
	r = xmalloc(n, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

static uint32_t *copy_u32(const uint32_t *v, size_t n)
{
	uint32_t *r;
	if (!n)
		return NULL;
	r = xmalloc(n, sizeof(*r));
	memcpy(r, v, n * sizeof(*r));
	return r;
}

void report_opts_copy(struct report_opts *dst, const struct report_opts *src)
{
	*dst = *src;
	dst->filter.comms = copy_strv(src->filter.comms, src->filter.ncomms);
	dst->filter.dsos = copy_strv(src->filter.dsos, src->filter.ndsos);
	dst->filter.pids = copy_u32(src->filter.pids, src->filter.npids);
	dst->filter.tids = copy_u32(src->filter.tids, src->filter.ntids);
	dst->filter.symbol = src->filter.symbol ? xstrdup(src->filter.symbol) : NULL;
}

const char *sort_key_name(enum sort_key k)
{
	return (unsigned)k < SORT_KEY_COUNT ? key_names[k] : "?";
}

static const char *const metric_names[METRIC_COUNT] = { "cpu", "off-cpu", "wall" };

const char *report_metric_name(enum report_metric m)
{
	return (unsigned)m < METRIC_COUNT ? metric_names[m] : "?";
}

int report_metric_parse(const char *name)
{
	for (int m = 0; m < METRIC_COUNT; m++)
		if (!strcmp(name, metric_names[m]))
			return m;
	return -1;
}

int sort_key_parse(const char *name)
{
	for (int k = 0; k < SORT_KEY_COUNT; k++)
		if (!strcmp(name, key_names[k]))
			return k;
	if (!strcmp(name, "symbol"))
		return SORT_SYM;
	if (!strcmp(name, "command"))
		return SORT_COMM;
	return -1;
}

/* Split a comma list into items; calls fn for each non-empty item. */
typedef int (*item_fn)(void *ctx, const char *item, char *err, size_t errlen);

static int each_item(const char *list, item_fn fn, void *ctx, char *err, size_t errlen)
{
	char buf[256];
	const char *p = list;
	int n = 0;

	while (*p) {
		size_t len = strcspn(p, ",");
		if (len) {
			if (len >= sizeof(buf))
				return fail(err, errlen, "'%.40s...' is too long", p);
			memcpy(buf, p, len);
			buf[len] = '\0';
			if (fn(ctx, buf, err, errlen) < 0)
				return -1;
			n++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!n)
		return fail(err, errlen, "empty list '%s'", list);
	return 0;
}

struct sort_ctx {
	enum sort_key keys[REPORT_MAX_KEYS];
	size_t n;
};

static int sort_item(void *ctx, const char *item, char *err, size_t errlen)
{
	struct sort_ctx *c = ctx;
	int k = sort_key_parse(item);
	if (k < 0)
		return fail(err, errlen, "unknown sort key '%s' (use comm, pid, tid, dso, sym)", item);
	for (size_t i = 0; i < c->n; i++)
		if (c->keys[i] == (enum sort_key)k)
			return fail(err, errlen, "sort key '%s' given twice", item);
	c->keys[c->n++] = (enum sort_key)k;
	return 0;
}

int report_opts_set_sort(struct report_opts *o, const char *list, char *err, size_t errlen)
{
	struct sort_ctx c = { .n = 0 };
	if (each_item(list, sort_item, &c, err, errlen) < 0)
		return -1;
	memcpy(o->keys, c.keys, sizeof(c.keys));
	o->nkeys = c.n;
	return 0;
}

struct strv_ctx {
	char ***v;
	size_t *n;
	size_t cap;
};

static int str_item(void *ctx, const char *item, char *err, size_t errlen)
{
	struct strv_ctx *c = ctx;
	(void)err;
	(void)errlen;
	*c->v = xrealloc(*c->v, *c->n + 1, sizeof(char *));
	(*c->v)[(*c->n)++] = xstrdup(item);
	return 0;
}

struct u32_ctx {
	uint32_t *tmp;
	size_t n;
	const char *what;
};

static int u32_item(void *ctx, const char *item, char *err, size_t errlen)
{
	struct u32_ctx *c = ctx;
	char *end;
	unsigned long v;
	errno = 0;
	v = strtoul(item, &end, 10);
	if (errno || *end || end == item || v > UINT32_MAX || item[0] == '-')
		return fail(err, errlen, "'%s' is not a valid %s", item, c->what);
	c->tmp = xrealloc(c->tmp, c->n + 1, sizeof(uint32_t));
	c->tmp[c->n++] = (uint32_t)v;
	return 0;
}

static int add_strs(char ***v, size_t *n, const char *list, char *err, size_t errlen)
{
	/* parse into a temporary list so a failure leaves the filter unchanged */
	char **tmp = NULL;
	size_t ntmp = 0;
	struct strv_ctx c = { .v = &tmp, .n = &ntmp };
	if (each_item(list, str_item, &c, err, errlen) < 0) {
		free_strv(tmp, ntmp);
		return -1;
	}
	*v = xrealloc(*v, *n + ntmp, sizeof(char *));
	memcpy(*v + *n, tmp, ntmp * sizeof(char *));
	*n += ntmp;
	free(tmp);
	return 0;
}

static int add_u32s(uint32_t **v, size_t *n, const char *list, const char *what,
		    char *err, size_t errlen)
{
	struct u32_ctx c = { .what = what };
	if (each_item(list, u32_item, &c, err, errlen) < 0) {
		free(c.tmp);
		return -1;
	}
	*v = xrealloc(*v, *n + c.n, sizeof(uint32_t));
	memcpy(*v + *n, c.tmp, c.n * sizeof(uint32_t));
	*n += c.n;
	free(c.tmp);
	return 0;
}

int report_filter_add_comms(struct report_filter *f, const char *list, char *err, size_t errlen)
{
	return add_strs(&f->comms, &f->ncomms, list, err, errlen);
}

int report_filter_add_dsos(struct report_filter *f, const char *list, char *err, size_t errlen)
{
	return add_strs(&f->dsos, &f->ndsos, list, err, errlen);
}

int report_filter_add_pids(struct report_filter *f, const char *list, char *err, size_t errlen)
{
	return add_u32s(&f->pids, &f->npids, list, "pid", err, errlen);
}

int report_filter_add_tids(struct report_filter *f, const char *list, char *err, size_t errlen)
{
	return add_u32s(&f->tids, &f->ntids, list, "tid", err, errlen);
}

int report_filter_set_symbol(struct report_filter *f, const char *regex, char *err, size_t errlen)
{
	regex_t re;
	int rc;

	if (!regex || !*regex) {
		free(f->symbol);
		f->symbol = NULL;
		f->symbol_literal = false;
		return 0;
	}
	rc = regcomp(&re, regex, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[128];
		regerror(rc, &re, msg, sizeof(msg));
		regfree(&re);
		return fail(err, errlen, "bad regular expression '%s': %s", regex, msg);
	}
	regfree(&re);
	free(f->symbol);
	f->symbol = xstrdup(regex);
	f->symbol_literal = false;
	return 0;
}

void report_filter_set_symbol_literal(struct report_filter *f, const char *text)
{
	free(f->symbol);
	f->symbol = text && *text ? xstrdup(text) : NULL;
	f->symbol_literal = f->symbol != NULL;
}

bool report_filter_active(const struct report_filter *f)
{
	return f->ncomms || f->npids || f->ntids || f->ndsos || f->symbol;
}

void report_filter_zoom_thread(struct report_filter *f, uint32_t tid)
{
	free(f->tids);
	f->tids = NULL;
	f->ntids = 0;
	if (tid) {
		f->tids = xmalloc(1, sizeof(uint32_t));
		f->tids[0] = tid;
		f->ntids = 1;
	}
}

void report_filter_zoom_dso(struct report_filter *f, const char *dso)
{
	free_strv(f->dsos, f->ndsos);
	f->dsos = NULL;
	f->ndsos = 0;
	if (dso) {
		f->dsos = xmalloc(1, sizeof(char *));
		f->dsos[0] = xstrdup(dso);
		f->ndsos = 1;
	}
}
