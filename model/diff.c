/* diff: two report queries joined by entry key (diff.h). */
#include "pytop/model/diff.h"

#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIFF_NOTES 3

struct diff {
	const struct profile *p[2];
	struct hist *h[2];
	struct report_opts o;
	struct diff_opts dopts;
	struct diff_entry *e;
	size_t n, cap;
	struct arena arena; /* key strings */
	int widths[DCOL_COUNT];
	char notes[DIFF_NOTES][256];
	size_t nnotes;
};

/* ---- keys ---- */

/* The join key of hist row `row` of h: the text of each sort key, a
 * symbol as kind + display name + DSO basename, separated by \x1f (a byte
 * the escaper would show, so no printed name contains it raw... and if one
 * did, both runs would build the same key from it anyway). */
static size_t row_key(const struct hist *h, size_t row, char *buf, size_t len)
{
	const struct profile *p = hist_profile(h);
	const struct report_opts *o = hist_opts(h);
	const struct hist_row *r = hist_row(h, row);
	size_t at = 0;
	char cell[64];

	buf[0] = '\0';
	for (size_t k = 0; k < o->nkeys && at + 1 < len; k++) {
		const char *text = "";
		char kind = 0;
		uint32_t dso = PROFILE_NONE;
		switch (o->keys[k]) {
		case SORT_COMM: text = hist_cell(h, row, HCOL_COMM, cell, sizeof(cell)); break;
		case SORT_PID: text = hist_cell(h, row, HCOL_PID, cell, sizeof(cell)); break;
		case SORT_TID: text = hist_cell(h, row, HCOL_TID, cell, sizeof(cell)); break;
		case SORT_DSO:
			if (r->dso != PROFILE_NONE)
				text = profile_dso_name(p, r->dso, false);
			break;
		case SORT_SYM:
			if (r->sym != PROFILE_NONE) {
				text = hist_sym_name(h, r->sym);
				kind = (char)('0' + r->kind);
				dso = profile_sym_dso(p, r->sym);
			}
			break;
		default: break;
		}
		if (kind)
			at += (size_t)snprintf(buf + at, len - at, "%c", kind);
		if (at + 1 < len)
			at += (size_t)snprintf(buf + at, len - at, "%s", text);
		if (dso != PROFILE_NONE && at + 1 < len)
			at += (size_t)snprintf(buf + at, len - at, "@%s", profile_dso_name(p, dso, false));
		if (k + 1 < o->nkeys && at + 1 < len)
			buf[at++] = '\x1f', buf[at] = '\0';
	}
	return at < len ? at : len - 1;
}

static uint64_t weight_of(const struct diff *d, const struct hist *h, size_t row)
{
	const struct hist_row *r = hist_row(h, row);
	return d->o.children == CHILDREN_ON && hist_has_children(h) ? r->children : r->self;
}

/* Join one side's rows into d->e through map (key hash -> entry index).
 * Hash collisions of different keys probe on with the second word. */
static void join_side(struct diff *d, struct hmap *map, enum diff_side side)
{
	const struct hist *h = d->h[side];
	char key[2048];

	for (size_t i = 0; i < hist_nrows(h); i++) {
		size_t len = row_key(h, i, key, sizeof(key));
		uint64_t a = hmap_hash_bytes(key, len), b = len;
		uint32_t idx;
		struct diff_entry *e;
		while (hmap_get(map, a, b, &idx) && strcmp(d->e[idx].key, key))
			b += 1ull << 32;
		if (!hmap_get(map, a, b, &idx)) {
			xgrow(&d->e, &d->cap, d->n + 1, sizeof(*d->e));
			idx = (uint32_t)d->n++;
			e = &d->e[idx];
			memset(e, 0, sizeof(*e));
			e->row[0] = e->row[1] = HIST_NONE;
			e->key = arena_strndup(&d->arena, key, len);
			hmap_put(map, a, b, idx);
		}
		e = &d->e[idx];
		if (e->row[side] == HIST_NONE)
			e->row[side] = (uint32_t)i;
		e->weight[side] += weight_of(d, h, i);
	}
}

/* ---- order ---- */

static int cmp_entry(const void *pa, const void *pb)
{
	const struct diff_entry *a = pa, *b = pb;
	double da = fabs(a->delta), db = fabs(b->delta);
	double ma = fmax(a->share[0], a->share[1]), mb = fmax(b->share[0], b->share[1]);
	/* deltas closer than printing can show are equal: the order then
	 * follows the shares, then the key, and never rounding noise */
	if (fabs(da - db) > 1e-9)
		return da > db ? -1 : 1;
	if (fabs(ma - mb) > 1e-9)
		return ma > mb ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* ---- notes ---- */

static void add_note(struct diff *d, const char *fmt, const char *a, const char *b)
{
	if (d->nnotes < DIFF_NOTES)
		snprintf(d->notes[d->nnotes++], sizeof(d->notes[0]), fmt, a, b);
}

static void compute_notes(struct diff *d)
{
	const struct profile_info *b = profile_info(d->p[0]), *a = profile_info(d->p[1]);
	bool differ = false;
	char fb[32], fa[32];

	if (strcmp(b->event, a->event)) {
		add_note(d, "the runs sampled different events ('%s' before, '%s' after); shares are compared",
			 *b->event ? b->event : "unknown", *a->event ? a->event : "unknown");
		differ = true;
	}
	if (b->freq != a->freq || b->period != a->period) {
		if (b->freq)
			snprintf(fb, sizeof(fb), "%llu Hz", (unsigned long long)b->freq);
		else
			snprintf(fb, sizeof(fb), "period %llu", (unsigned long long)b->period);
		if (a->freq)
			snprintf(fa, sizeof(fa), "%llu Hz", (unsigned long long)a->freq);
		else
			snprintf(fa, sizeof(fa), "period %llu", (unsigned long long)a->period);
		add_note(d, "the runs sampled at different rates (%s before, %s after); shares are compared", fb, fa);
		differ = true;
	}
	if (differ && d->dopts.ratio && d->dopts.absolute)
		add_note(d, "%s%s", "--absolute: the ratios divide raw weights of different sampling set-ups", "");
	else if (differ && d->dopts.ratio)
		add_note(d, "%s%s", "ratios are of shares: raw weights are not comparable (--absolute forces them)", "");
}

/* ---- building ---- */

static void compute_widths(struct diff *d)
{
	char buf[1024];
	for (int c = 0; c < DCOL_COUNT; c++)
		d->widths[c] = (int)strlen(diff_col_title(d, (enum diff_col)c));
	if (d->widths[DCOL_BASELINE] < 8)
		d->widths[DCOL_BASELINE] = 8;
	if (d->widths[DCOL_DELTA] < 8)
		d->widths[DCOL_DELTA] = 8;
	for (size_t i = 0; i < d->n; i++)
		for (int c = 0; c < DCOL_COUNT; c++) {
			int w = (int)strlen(diff_cell(d, i, (enum diff_col)c, buf, sizeof(buf)));
			if (w > d->widths[c])
				d->widths[c] = w;
		}
}

struct diff *diff_new(const struct profile *before, const struct profile *after,
		      const struct report_opts *o, const struct diff_opts *dopts,
		      char *err, size_t errlen)
{
	struct diff *d = xcalloc(1, sizeof(*d));
	struct report_opts q;
	struct hmap map;
	size_t kept = 0;

	d->p[0] = before;
	d->p[1] = after;
	if (dopts)
		d->dopts = *dopts;
	report_opts_copy(&d->o, o);
	/* the query of each side: flat, every entry (the limit applies to the
	 * joined entries, else an entry under it on one side would look new) */
	report_opts_copy(&q, o);
	q.hierarchy = false;
	q.entry_limit = 0;
	q.order = ORDER_WEIGHT;
	d->h[0] = hist_new(before, &q, err, errlen);
	d->h[1] = d->h[0] ? hist_new(after, &q, err, errlen) : NULL;
	report_opts_free(&q);
	if (!d->h[1]) {
		diff_free(d);
		return NULL;
	}
	arena_init(&d->arena);
	hmap_init(&map);
	join_side(d, &map, DIFF_BEFORE);
	join_side(d, &map, DIFF_AFTER);
	hmap_free(&map);

	for (size_t i = 0; i < d->n; i++) {
		struct diff_entry *e = &d->e[i];
		e->share[0] = hist_percent(d->h[0], e->weight[0]);
		e->share[1] = hist_percent(d->h[1], e->weight[1]);
		e->delta = e->share[1] - e->share[0];
		e->state = e->row[0] == HIST_NONE ? DIFF_NEW : e->row[1] == HIST_NONE ? DIFF_GONE
										      : DIFF_BOTH;
		if (e->state == DIFF_BOTH && e->weight[0] && e->share[0] > 0) {
			e->has_ratio = true;
			e->ratio = d->dopts.absolute ? (double)e->weight[1] / (double)e->weight[0]
						     : e->share[1] / e->share[0];
		}
		if (d->o.entry_limit > 0 && e->share[0] < d->o.entry_limit &&
		    e->share[1] < d->o.entry_limit)
			continue;
		d->e[kept++] = *e;
	}
	d->n = kept;
	if (d->n)
		qsort(d->e, d->n, sizeof(*d->e), cmp_entry);
	compute_notes(d);
	compute_widths(d);
	return d;
}

void diff_free(struct diff *d)
{
	if (!d)
		return;
	hist_free(d->h[0]);
	hist_free(d->h[1]);
	report_opts_free(&d->o);
	free(d->e);
	arena_free(&d->arena);
	free(d);
}

/* ---- accessors ---- */

const struct profile *diff_profile(const struct diff *d, enum diff_side side)
{
	return d->p[side != DIFF_BEFORE];
}

const struct hist *diff_hist(const struct diff *d, enum diff_side side)
{
	return d->h[side != DIFF_BEFORE];
}

const struct report_opts *diff_report_opts(const struct diff *d)
{
	return &d->o;
}

const struct diff_opts *diff_opts(const struct diff *d)
{
	return &d->dopts;
}

size_t diff_nentries(const struct diff *d)
{
	return d->n;
}

const struct diff_entry *diff_entry(const struct diff *d, size_t i)
{
	return i < d->n ? &d->e[i] : NULL;
}

size_t diff_columns(const struct diff *d, enum diff_col *cols)
{
	size_t n = 0;
	cols[n++] = DCOL_BASELINE;
	cols[n++] = DCOL_DELTA;
	if (d->dopts.ratio)
		cols[n++] = DCOL_RATIO;
	for (size_t i = 0; i < d->o.nkeys; i++)
		cols[n++] = (enum diff_col)(DCOL_COMM + d->o.keys[i]);
	return n;
}

const char *diff_col_title(const struct diff *d, enum diff_col col)
{
	switch (col) {
	case DCOL_BASELINE: return "Baseline";
	case DCOL_DELTA: return "Delta";
	case DCOL_RATIO: return "Ratio";
	case DCOL_COMM: return "Command";
	case DCOL_PID: return "Pid";
	case DCOL_TID: return "Tid";
	case DCOL_DSO: return "Shared Object";
	case DCOL_SYM: return "Symbol";
	default: (void)d; return "";
	}
}

int diff_col_width(const struct diff *d, enum diff_col col)
{
	return (unsigned)col < DCOL_COUNT ? d->widths[col] : 0;
}

const char *diff_cell(const struct diff *d, size_t i, enum diff_col col, char *buf, size_t len)
{
	const struct diff_entry *e = diff_entry(d, i);
	enum diff_side side;
	if (!e || !len)
		return "";
	switch (col) {
	case DCOL_BASELINE:
		if (e->state == DIFF_NEW)
			return "new";
		snprintf(buf, len, "%.2f%%", e->share[0]);
		return buf;
	case DCOL_DELTA:
		if (e->state == DIFF_GONE)
			return "gone";
		/* "+0.00%" / "-0.00%" would say a change that printing hides */
		if (fabs(e->delta) < 0.005)
			return "0.00%";
		snprintf(buf, len, "%+.2f%%", e->delta);
		return buf;
	case DCOL_RATIO:
		if (!e->has_ratio)
			return "";
		snprintf(buf, len, "%.3f", e->ratio);
		return buf;
	default:
		break;
	}
	if ((unsigned)col >= DCOL_COUNT)
		return "";
	/* key cells: AFTER's text when the entry is there (its current name) */
	side = e->row[1] != HIST_NONE ? DIFF_AFTER : DIFF_BEFORE;
	return hist_cell(d->h[side], e->row[side], (enum hist_col)(HCOL_COMM + (col - DCOL_COMM)),
			 buf, len);
}

/* ---- classes ---- */

/* A class's share of a query's kept weight (the class table, classes.h). */
static double class_share(const struct profile_classes *c, int cls)
{
	double t = c->total ? (double)c->total : 1.0;
	return c->total ? 100.0 * (double)c->weight[cls] / t : 0.0;
}

#define NCLASSES ((size_t)CLASS_COUNT)

size_t diff_classes(const struct diff *d, struct diff_class *out, size_t max)
{
	struct diff_class all[NCLASSES] = { { NULL, { 0, 0 } } };
	size_t n = 0;
	for (size_t k = 0; k < NCLASSES; k++) {
		struct diff_class c = { profile_class_name((enum profile_class)k),
					{ class_share(hist_classes(d->h[0]), (int)k),
					  class_share(hist_classes(d->h[1]), (int)k) } };
		size_t at = n;
		if (c.share[0] <= 0 && c.share[1] <= 0)
			continue;
		/* biggest first (the larger of its two shares), stable */
		while (at > 0 && fmax(all[at - 1].share[0], all[at - 1].share[1]) <
				 fmax(c.share[0], c.share[1])) {
			all[at] = all[at - 1];
			at--;
		}
		all[at] = c;
		n++;
	}
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = all[i];
	return n < max ? n : max;
}

const char *diff_biggest_class(const struct diff *d, enum diff_side side)
{
	const struct profile_classes *c = hist_classes(d->h[side != DIFF_BEFORE]);
	const char *best = "";
	double bw = 0;
	for (size_t k = 0; k < NCLASSES; k++) {
		double s = class_share(c, (int)k);
		if (s > bw)
			bw = s, best = profile_class_name((enum profile_class)k);
	}
	return best;
}

const char *diff_classes_line(const struct diff *d, char *buf, size_t len)
{
	struct diff_class c[NCLASSES];
	size_t n = diff_classes(d, c, NCLASSES), at = 0;
	const char *b = diff_biggest_class(d, DIFF_BEFORE), *a = diff_biggest_class(d, DIFF_AFTER);

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < n && at + 1 < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s %.2f%% -> %.2f%%", i ? ", " : "",
				       c[i].name, c[i].share[0], c[i].share[1]);
	if (at + 1 < len)
		snprintf(buf + at, len - at, "%sbiggest: %s -> %s", n ? "; " : "", *b ? b : "none",
			 *a ? a : "none");
	return buf;
}

const char *diff_note(const struct diff *d, size_t i)
{
	return i < d->nnotes ? d->notes[i] : NULL;
}
