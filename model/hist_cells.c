/* hist_cells: the hist's accessors and its one column extractor: titles,
 * widths and cell text shared by the printers, the TUI and search. */
#include "hist_int.h"

#include "pytop/base/esc.h"
#include "pytop/base/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- widths ---- */

/* The Shared Object cell's text: in the Python view a Python function's
 * "DSO" is its file (the perf map's "[JIT]" says nothing), named as in its
 * symbol; else the DSO's name. */
static const char *dso_text(const struct hist *h, const struct hist_row *r)
{
	if (h->o.python && r->sym != PROFILE_NONE && h->p->syms[r->sym].kind == FRAME_PYTHON &&
	    h->p->syms[r->sym].file)
		return h->o.verbose || !h->p->syms[r->sym].file_short ? h->p->syms[r->sym].file
								      : h->p->syms[r->sym].file_short;
	return profile_dso_name(h->p, r->dso, h->o.verbose);
}

static int digits(uint64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

void hist_compute_widths(struct hist *h)
{
	for (int c = 0; c < HCOL_COUNT; c++)
		h->widths[c] = (int)strlen(hist_col_title(h, (enum hist_col)c));
	if (h->widths[HCOL_CHILDREN] < 8)
		h->widths[HCOL_CHILDREN] = 8;
	if (h->widths[HCOL_SELF] < 8)
		h->widths[HCOL_SELF] = 8;
	for (size_t i = 0; i < h->nrows; i++) {
		const struct hist_row *r = &h->rows[i];
		int w;
		uint64_t ns = h->children ? r->children_samples : r->self_samples;
		if (digits(ns) > h->widths[HCOL_SAMPLES])
			h->widths[HCOL_SAMPLES] = digits(ns);
		if (r->comm != PROFILE_NONE) {
			w = (int)esc_len(pdata_str(h->p->pd, r->comm), 0);
			if (w > h->widths[HCOL_COMM])
				h->widths[HCOL_COMM] = w;
		}
		if (r->pid != PROFILE_NONE && digits(r->pid) > h->widths[HCOL_PID])
			h->widths[HCOL_PID] = digits(r->pid);
		if (r->tid != PROFILE_NONE && digits(r->tid) > h->widths[HCOL_TID])
			h->widths[HCOL_TID] = digits(r->tid);
		if (r->dso != PROFILE_NONE) {
			w = (int)esc_len(dso_text(h, r), 0);
			if (w > h->widths[HCOL_DSO])
				h->widths[HCOL_DSO] = w;
		}
		if (r->sym != PROFILE_NONE) {
			w = 4 + (int)esc_len(profile_sym_name(h->p, r->sym, h->name_flags), 0);
			if (w > h->widths[HCOL_SYM])
				h->widths[HCOL_SYM] = w;
		}
	}
}

const struct profile *hist_profile(const struct hist *h)
{
	return h->p;
}

const struct report_opts *hist_opts(const struct hist *h)
{
	return &h->o;
}

size_t hist_nrows(const struct hist *h)
{
	return h->nrows;
}

const struct hist_row *hist_row(const struct hist *h, size_t i)
{
	return i < h->nrows ? &h->rows[i] : NULL;
}

bool hist_has_children(const struct hist *h)
{
	return h->children;
}

uint64_t hist_kept_weight(const struct hist *h)
{
	return h->kept_weight;
}

uint64_t hist_kept_samples(const struct hist *h)
{
	return h->kept_samples;
}

uint64_t hist_total_weight(const struct hist *h)
{
	return h->base;
}

double hist_percent(const struct hist *h, uint64_t weight)
{
	return h->base ? 100.0 * (double)weight / (double)h->base : 0.0;
}

const struct profile_classes *hist_classes(const struct hist *h)
{
	return &h->classes;
}

bool hist_callers(const struct hist *h)
{
	return h->callers;
}

const char *hist_sym_name(const struct hist *h, uint32_t sym)
{
	return profile_sym_name(h->p, sym, h->name_flags);
}

size_t hist_nstacks(const struct hist *h)
{
	return h->gstart[h->ngroups];
}

struct hist_stack hist_stack(const struct hist *h, size_t i)
{
	const struct rec *r = &h->v->recs[h->order[i]];
	struct hist_stack st = { r->thread, r->leaf, r->weight, r->samples,
				 (uint8_t)rec_class(h->v, r) };
	return st;
}

uint32_t hist_node_parent(const struct hist *h, uint32_t node)
{
	return h->v->parent[node];
}

uint32_t hist_node_sym(const struct hist *h, uint32_t node)
{
	return h->v->sym[node];
}

enum profile_class hist_node_class(const struct hist *h, uint32_t node)
{
	return node < h->v->nnodes ? (enum profile_class)h->v->cls[node] : CLASS_UNKNOWN;
}

enum profile_class hist_sym_class(const struct hist *h, uint32_t sym)
{
	return sym < h->p->nsyms ? (enum profile_class)view_sym_classes(h->p, h->v)[sym]
				 : CLASS_UNKNOWN;
}

enum profile_class profile_classes_biggest(const struct profile_classes *c)
{
	enum profile_class best = CLASS_COUNT;
	for (int k = 0; k < CLASS_COUNT; k++)
		if (c->weight[k] && (best == CLASS_COUNT || c->weight[k] > c->weight[best]))
			best = (enum profile_class)k;
	return best;
}

const char *hist_classes_line(const struct hist *h, char *buf, size_t len)
{
	const struct profile_classes *c = &h->classes;
	double t = c->total ? (double)c->total : 1.0;
	size_t off = 0;
	if (!len)
		return buf;
	buf[0] = '\0';
	for (int k = 0; k < CLASS_COUNT && off < len; k++) {
		const struct class_info *ci = profile_class_info((enum profile_class)k);
		/* the classes of the metric's samples; waits only with time */
		if (ci->kind == SAMPLE_ON_CPU ? h->o.metric == METRIC_OFF_CPU : !c->weight[k])
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s %.2f%%", off ? ", " : "",
					ci->name, 100.0 * (double)c->weight[k] / t);
		if (k == CLASS_NATIVE && c->top_native[0].sym != PROFILE_NONE) {
			for (int i = 0; i < CLASS_TOP_NATIVE && off < len &&
					c->top_native[i].sym != PROFILE_NONE; i++)
				off += (size_t)snprintf(buf + off, len - off, "%s%s %.2f%%",
							i ? ", " : " (top: ",
							hist_sym_name(h, c->top_native[i].sym),
							100.0 * (double)c->top_native[i].weight / t);
			if (off < len)
				off += (size_t)snprintf(buf + off, len - off, ")");
		}
	}
	return buf;
}

const char *hist_classes_advice(const struct hist *h, char *buf, size_t len)
{
	enum profile_class b = profile_classes_biggest(&h->classes);
	if (b == CLASS_COUNT)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%s: %s", profile_class_name(b), profile_class_info(b)->advice);
	return buf;
}

size_t hist_columns(const struct hist *h, enum hist_col *cols)
{
	size_t n = 0;
	if (h->children)
		cols[n++] = HCOL_CHILDREN;
	cols[n++] = HCOL_SELF;
	if (h->o.show_samples)
		cols[n++] = HCOL_SAMPLES;
	for (size_t i = 0; i < h->o.nkeys; i++)
		cols[n++] = (enum hist_col)(HCOL_COMM + h->o.keys[i]);
	return n;
}

const char *hist_col_title(const struct hist *h, enum hist_col col)
{
	switch (col) {
	case HCOL_CHILDREN: return "Children";
	case HCOL_SELF: return h->children ? "Self" : "Overhead";
	case HCOL_SAMPLES: return "Samples";
	case HCOL_COMM: return "Command";
	case HCOL_PID: return "Pid";
	case HCOL_TID: return "Tid";
	case HCOL_DSO: return "Shared Object";
	case HCOL_SYM: return "Symbol";
	default: return "";
	}
}

int hist_col_width(const struct hist *h, enum hist_col col)
{
	return (unsigned)col < HCOL_COUNT ? h->widths[col] : 0;
}

/* A name as printed: itself when clean, else its escaped form in buf. */
static const char *esc_cell(const char *s, char *buf, size_t len)
{
	if (esc_is_clean(s, 0))
		return s;
	esc_text(buf, len, s, 0);
	return buf;
}

const char *hist_cell(const struct hist *h, size_t row, enum hist_col col, char *buf,
		      size_t len)
{
	const struct hist_row *r = hist_row(h, row);
	if (!r || !len)
		return "";
	switch (col) {
	case HCOL_CHILDREN:
		snprintf(buf, len, "%.2f%%", hist_percent(h, r->children));
		return buf;
	case HCOL_SELF:
		snprintf(buf, len, "%.2f%%", hist_percent(h, r->self));
		return buf;
	case HCOL_SAMPLES:
		snprintf(buf, len, "%llu", (unsigned long long)(h->children ? r->children_samples
										 : r->self_samples));
		return buf;
	case HCOL_COMM:
		return r->comm == PROFILE_NONE ? "" : esc_cell(pdata_str(h->p->pd, r->comm), buf, len);
	case HCOL_PID:
		if (r->pid == PROFILE_NONE)
			return "";
		snprintf(buf, len, "%u", r->pid);
		return buf;
	case HCOL_TID:
		if (r->tid == PROFILE_NONE)
			return "";
		snprintf(buf, len, "%u", r->tid);
		return buf;
	case HCOL_DSO:
		return r->dso == PROFILE_NONE ? "" : esc_cell(dso_text(h, r), buf, len);
	case HCOL_SYM:
		if (r->sym == PROFILE_NONE || len < 5)
			return "";
		snprintf(buf, len, "[%c] ", r->kind == FRAME_KERNEL ? 'k' : '.');
		esc_text(buf + 4, len - 4, profile_sym_name(h->p, r->sym, h->name_flags), 0);
		return buf;
	default:
		return "";
	}
}

uint32_t hist_search(const struct hist *h, const char *needle, size_t start, int dir)
{
	char buf[512];
	size_t n = h->nrows;
	if (!n || !needle || !*needle)
		return HIST_NONE;
	if (start >= n)
		start = dir < 0 ? n - 1 : 0;
	for (size_t step = 0; step < n; step++) {
		size_t i = dir < 0 ? (start + n - step) % n : (start + step) % n;
		const struct hist_row *r = &h->rows[i];
		enum hist_col col = r->sym != PROFILE_NONE ? HCOL_SYM
				    : (enum hist_col)(HCOL_COMM + r->level_key);
		const char *text = hist_cell(h, i, col, buf, sizeof(buf));
		if (strcasestr(text, needle))
			return (uint32_t)i;
	}
	return HIST_NONE;
}

const char *hist_title(const struct hist *h, char *buf, size_t len)
{
	const struct profile_info *in = profile_info(h->p);
	int n = snprintf(buf, len, "Samples: %" PRIu64 " of event '%s'", in->nsamples,
			 *in->event ? in->event : "unknown");
	if (n >= 0 && (size_t)n < len && in->freq)
		n += snprintf(buf + n, len - (size_t)n, " (%" PRIu64 " Hz)", in->freq);
	if (n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ", Event count (approx.): %" PRIu64,
			      in->total_weight);
	if (n >= 0 && (size_t)n < len && h->kept_samples != h->metric_samples)
		snprintf(buf + n, len - (size_t)n, ", kept %" PRIu64 " (%.2f%%)", h->kept_samples,
			 h->metric_samples ? 100.0 * (double)h->kept_samples / (double)h->metric_samples
					   : 0.0);
	return buf;
}

/* ---- row -> thread ---- */

/* hist_row_thread for one row of a query without path filters: its
 * threads' own totals of the row's key (cost: the group's threads' keys). */
static uint32_t row_thread_totals(const struct hist *h, size_t row)
{
	const struct thread_keys *tk = NULL;
	const struct view_totals *vt = NULL;
	uint32_t key = hist_node_key_of_row(h, (uint32_t)row), grp = h->row_group[row];
	uint32_t bestt = PROFILE_NONE;
	uint64_t best = 0;

	if (grp == HIST_NONE)
		return PROFILE_NONE;
	if (h->fk == FK_NONE)
		vt = view_totals(h->p, h->v);
	else
		tk = view_thread_keys(h->p, h->v, h->fk == FK_SYM ? 2 : 1);
	for (size_t t = 0; t < profile_nthreads(h->p); t++) {
		uint64_t w = 0;
		if (!h->thread_ok[t] || h->gid[t] != grp)
			continue;
		if (vt)
			w = vt->t[t].w;
		for (uint32_t e = tk ? tk->start[t] : 0; tk && e < tk->start[t + 1]; e++)
			if (tk->e[e].key == key) {
				w = tk->e[e].w[h->children ? 2 : 0];
				break;
			}
		if (w > best) {
			best = w;
			bestt = (uint32_t)t;
		}
	}
	return bestt;
}

uint32_t hist_row_thread(const struct hist *h, size_t row)
{
	const struct view *v = h->v;
	size_t nt = profile_nthreads(h->p);
	size_t nk = h->fk == FK_SYM ? h->p->nsyms : h->fk == FK_DSO ? h->p->ndsos : 1;
	uint64_t *tw, best = 0;
	uint8_t *mark;
	uint32_t bestt = PROFILE_NONE, *byg, *gpos;
	size_t end, gs = 0; /* start of group g's rows in byg */

	if (row >= h->nrows)
		return PROFILE_NONE;
	end = h->rows[row].end > row ? h->rows[row].end : row + 1;
	if (end == row + 1 && h->unfiltered_paths && !h->metric_drops &&
	    (h->fk == FK_NONE || view_thread_keys(h->p, h->v, h->fk == FK_SYM ? 2 : 1)))
		return row_thread_totals(h, row);
	tw = xcalloc(nt ? nt : 1, sizeof(uint64_t));
	mark = xcalloc(nk ? nk : 1, 1);
	/* the rows by group (counting sort): rows of one group share its
	 * records, so mark their keys and walk the records once */
	gpos = xcalloc(h->ngroups + 1, sizeof(uint32_t));
	byg = xmalloc(end - row, sizeof(uint32_t));
	for (size_t r = row; r < end; r++)
		if (h->row_group[r] != HIST_NONE)
			gpos[h->row_group[r] + 1]++;
	for (size_t g = 0; g < h->ngroups; g++)
		gpos[g + 1] += gpos[g];
	for (size_t r = row; r < end; r++)
		if (h->row_group[r] != HIST_NONE)
			byg[gpos[h->row_group[r]]++] = (uint32_t)r; /* gpos[g]: end of g */
	for (size_t g = 0; g < h->ngroups; gs = gpos[g++]) {
		if (gs == gpos[g])
			continue;
		for (size_t q = gs; q < gpos[g]; q++)
			mark[hist_node_key_of_row(h, byg[q])] = 1;
		for (uint32_t i = h->gstart[g]; i < h->gstart[g + 1]; i++) {
			const struct rec *rc = &v->recs[h->order[i]];
			uint32_t n = rc->leaf;
			/* Children: the key anywhere on the path; Self: at the leaf */
			for (; n != PROFILE_NONE; n = h->children ? v->parent[n] : PROFILE_NONE)
				if (mark[hist_node_key(h, n)]) {
					tw[rc->thread] += rc->weight;
					break;
				}
		}
		for (size_t q = gs; q < gpos[g]; q++)
			mark[hist_node_key_of_row(h, byg[q])] = 0;
	}
	for (size_t t = 0; t < nt; t++)
		if (tw[t] > best) {
			best = tw[t];
			bestt = (uint32_t)t;
		}
	free(tw);
	free(mark);
	free(gpos);
	free(byg);
	return bestt;
}
