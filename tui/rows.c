/* rows: the model's histogram and call graphs as a forest of lines.
 *
 * tnode ids: a histogram row r is r + 1; call-graph node k of row r's graph
 * is CG_TAG | r << 32 | k.  Graphs are created when a row is first asked
 * for its children and freed with the hist. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pytop/base/xalloc.h"
#include "pytop/model/callgraph.h"
#include "pytop/model/filter.h"
#include "pytop/model/hist.h"
#include "rows.h"

#define CG_TAG (1ULL << 63)

struct rows {
	const struct profile *p;
	struct hist *h;
	size_t nrows;
	uint32_t *roots;               /* rows without a hierarchy parent */
	size_t nroots;
	struct callgraph **graphs;     /* per row, NULL until asked */
	uint8_t *graph_tried;
	uint32_t **hkids;              /* hierarchy children per row, lazily */
	uint32_t *nhkids;
	enum hist_col cols[HCOL_COUNT];
	int widths[HCOL_COUNT];
	size_t ncols;
	bool hierarchy;            /* rows show only their level's key */
	int screen;                /* columns to fit in, 0: none (rows_set_width) */
	char ellipsis[8];
	size_t header_fixed;       /* bytes of the header's numeric titles */
	char header[512];
	char line[1024], cell[512];
};

/* ---- query ---- */

void rows_query_set_order(struct rows_query *q, enum rows_order order)
{
	q->order = order;
	q->opts.order = order == ROWS_ORDER_NAME ? ORDER_KEY
			: order == ROWS_ORDER_SELF ? ORDER_SELF : ORDER_WEIGHT;
	q->opts.children = q->children;
}

bool rows_query_set_filter(struct rows_query *q, const char *text, char *err, size_t errlen)
{
	char why[256];
	if (err && errlen)
		err[0] = '\0';
	if (!strcmp(text, q->filter))
		return false;
	if (report_filter_set_symbol(&q->opts.filter, text, why, sizeof(why)) < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", why);
		return false;
	}
	snprintf(q->filter, sizeof(q->filter), "%s", text);
	return true;
}

void rows_query_free(struct rows_query *q)
{
	while (rows_query_zoom_out(q))
		;
	report_opts_free(&q->opts);
}

static void filter_swap(struct report_filter *a, struct report_filter *b)
{
	struct report_filter t = *a;
	*a = *b;
	*b = t;
}

/* Re-apply the typed filter text to opts.filter (after a filter swap). */
static void text_keep(struct rows_query *q)
{
	char text[sizeof(q->filter)];
	snprintf(text, sizeof(text), "%s", q->filter);
	q->filter[0] = '\1';
	q->filter[1] = '\0';
	rows_query_set_filter(q, text, NULL, 0);
}

static void undo_push(struct rows_query *q, char kind, const char *text)
{
	if (q->nundo == ROWS_UNDO_MAX) { /* forget the oldest */
		memmove(q->undo, q->undo + 1, ROWS_UNDO_MAX - 1);
		memmove(q->undo_text, q->undo_text + 1, sizeof(q->undo_text[0]) * (ROWS_UNDO_MAX - 1));
		q->nundo--;
	}
	q->undo[q->nundo] = kind;
	snprintf(q->undo_text[q->nundo], sizeof(q->undo_text[0]), "%s", text);
	q->nundo++;
}

/* Forget the last step of kind (all of them with all). */
static void undo_drop(struct rows_query *q, char kind, bool all)
{
	for (size_t i = q->nundo; i-- > 0;) {
		if (q->undo[i] != kind)
			continue;
		memmove(q->undo + i, q->undo + i + 1, q->nundo - i - 1);
		memmove(q->undo_text + i, q->undo_text + i + 1,
			sizeof(q->undo_text[0]) * (q->nundo - i - 1));
		q->nundo--;
		if (!all)
			return;
	}
}

void rows_query_filter_kept(struct rows_query *q, const char *before)
{
	if (!strcmp(before, q->filter))
		return;
	if (q->filter[0])
		undo_push(q, 'f', before);
	else
		undo_drop(q, 'f', true);
}

bool rows_query_undo(struct rows_query *q)
{
	if (!q->nundo)
		return false;
	if (q->undo[q->nundo - 1] == 'z')
		return rows_query_zoom_out(q);
	q->nundo--;
	rows_query_set_filter(q, q->undo_text[q->nundo], NULL, 0);
	return true;
}

bool rows_query_zoom_out(struct rows_query *q)
{
	struct report_opts tmp;
	if (!q->nzoom)
		return false;
	undo_drop(q, 'z', false);
	/* put the saved filter back and free the zoomed one */
	report_opts_init(&tmp);
	tmp.filter = q->saved[--q->nzoom];
	filter_swap(&tmp.filter, &q->opts.filter);
	report_opts_free(&tmp);
	/* keep the filter typed while zoomed */
	text_keep(q);
	return true;
}

/* ---- building ---- */

static void drop_hist(struct rows *r)
{
	for (size_t i = 0; i < r->nrows; i++) {
		if (r->graphs[i])
			callgraph_free(r->graphs[i]);
		free(r->hkids[i]);
	}
	free(r->graphs);
	free(r->graph_tried);
	free(r->hkids);
	free(r->nhkids);
	free(r->roots);
	if (r->h)
		hist_free(r->h);
	r->h = NULL;
	r->graphs = NULL;
	r->graph_tried = NULL;
	r->hkids = NULL;
	r->nhkids = NULL;
	r->roots = NULL;
	r->nrows = r->nroots = 0;
}

struct rows *rows_new(const struct profile *p)
{
	struct rows *r = xcalloc(1, sizeof(*r));
	r->p = p;
	profile_prepare(p); /* no key pays for the views' first build */
	return r;
}

void rows_free(struct rows *r)
{
	if (!r)
		return;
	drop_hist(r);
	free(r);
}

static void trim_right(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

static bool is_num_col(enum hist_col c)
{
	return c == HCOL_CHILDREN || c == HCOL_SELF || c == HCOL_SAMPLES;
}

/* Hierarchy rows show one key: the column of the level they add. */
static enum hist_col level_col(uint8_t key)
{
	static const enum hist_col cols[SORT_KEY_COUNT] = {
		[SORT_COMM] = HCOL_COMM, [SORT_PID] = HCOL_PID, [SORT_TID] = HCOL_TID,
		[SORT_DSO] = HCOL_DSO, [SORT_SYM] = HCOL_SYM,
	};
	return key < SORT_KEY_COUNT ? cols[key] : HCOL_SYM;
}

/* Display columns of UTF-8 text (one per character: names are escaped). */
static int ucols(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Byte offset of character `col` of s (or its end). */
static size_t ubytes(const char *s, int col)
{
	size_t i = 0;
	for (int c = 0; s[i] && c <= col; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == col)
			return i;
	return i;
}

/* The key columns (not numbers, not the symbol) that share the line with
 * the symbol: narrow the widest until the symbol gets 3/5 of what the
 * numbers leave, or its whole width when that is less; never below a
 * column's title. */
static void fit_columns(struct rows *r)
{
	int names = r->screen - 2, keys = 0, want;
	bool has_sym = false;

	for (size_t i = 0; i < r->ncols; i++) {
		enum hist_col c = r->cols[i];
		int w = r->widths[c] + (i ? 2 : 0);
		if (is_num_col(c))
			names -= w;
		else if (c == HCOL_SYM)
			has_sym = true;
		else
			keys += w;
	}
	if (!has_sym || names <= 0)
		return;
	want = names * 3 / 5;
	if (r->widths[HCOL_SYM] + 2 < want)
		want = r->widths[HCOL_SYM] + 2;
	while (keys > names - want) {
		enum hist_col widest = HCOL_COUNT;
		for (size_t i = 0; i < r->ncols; i++) {
			enum hist_col c = r->cols[i];
			if (is_num_col(c) || c == HCOL_SYM ||
			    r->widths[c] <= (int)strlen(hist_col_title(r->h, c)))
				continue;
			if (widest == HCOL_COUNT || r->widths[c] > r->widths[widest])
				widest = c;
		}
		if (widest == HCOL_COUNT)
			break;
		r->widths[widest]--;
		keys--;
	}
}

static void build_header(struct rows *r)
{
	size_t len = 0;
	bool first_key = true;
	r->ncols = hist_columns(r->h, r->cols);
	r->hierarchy = hist_opts(r->h)->hierarchy;
	r->header[0] = '\0';
	r->header_fixed = 0;
	for (size_t i = 0; i < r->ncols; i++)
		r->widths[r->cols[i]] = hist_col_width(r->h, r->cols[i]);
	if (r->screen > 0 && !r->hierarchy)
		fit_columns(r);
	for (size_t i = 0; i < r->ncols && len + 1 < sizeof(r->header); i++) {
		enum hist_col c = r->cols[i];
		const char *title = hist_col_title(r->h, c);
		bool num = is_num_col(c);
		int w = r->widths[c];
		if (r->hierarchy && !num) {
			/* "Command / Shared Object / Symbol" */
			len += (size_t)snprintf(r->header + len, sizeof(r->header) - len, "%s%s",
						first_key ? "  " : " / ", title);
			first_key = false;
			continue;
		}
		len += (size_t)snprintf(r->header + len, sizeof(r->header) - len,
					num ? "%s%*s" : "%s%-*s", i ? "  " : "", w, title);
		if (num && len < sizeof(r->header) && r->header_fixed == len - (size_t)w - (i ? 2 : 0))
			r->header_fixed = len;
	}
	trim_right(r->header);
}

bool rows_set_width(struct rows *r, int cols, const char *ellipsis)
{
	int before[HCOL_COUNT];
	if (cols == r->screen && !strcmp(ellipsis, r->ellipsis))
		return false;
	r->screen = cols;
	snprintf(r->ellipsis, sizeof(r->ellipsis), "%s", ellipsis);
	if (!r->h)
		return true;
	memcpy(before, r->widths, sizeof(before));
	build_header(r);
	return memcmp(before, r->widths, sizeof(before)) != 0;
}

bool rows_apply(struct rows *r, const struct rows_query *q, char *err, size_t errlen)
{
	struct hist *h = hist_new(r->p, &q->opts, err, errlen);
	if (!h)
		return false;
	drop_hist(r);
	r->h = h;
	r->nrows = hist_nrows(h);
	r->graphs = xcalloc(r->nrows ? r->nrows : 1, sizeof(*r->graphs));
	r->graph_tried = xcalloc(r->nrows ? r->nrows : 1, 1);
	r->hkids = xcalloc(r->nrows ? r->nrows : 1, sizeof(*r->hkids));
	r->nhkids = xcalloc(r->nrows ? r->nrows : 1, sizeof(*r->nhkids));
	r->roots = xmalloc(r->nrows ? r->nrows : 1, sizeof(*r->roots));
	for (size_t i = 0; i < r->nrows; i = hist_row(h, i)->end)
		r->roots[r->nroots++] = (uint32_t)i;
	build_header(r);
	return true;
}

/* ---- the forest ---- */

/* Row's call graph, NULL when it has no lines to show. */
static struct callgraph *graph_of(struct rows *r, size_t row)
{
	if (!r->graph_tried[row]) {
		r->graph_tried[row] = 1;
		if (hist_row_has_graph(r->h, row))
			r->graphs[row] = callgraph_new(r->h, row);
	}
	return r->graphs[row];
}

/* Hierarchy children of row (rows nested directly under it). */
static size_t hier_children(struct rows *r, size_t row, const uint32_t **out)
{
	const struct hist_row *hr = hist_row(r->h, row);
	if (hr->end > row + 1 && !r->hkids[row]) {
		size_t n = 0;
		for (size_t j = row + 1; j < hr->end; j = hist_row(r->h, j)->end)
			n++;
		r->hkids[row] = xmalloc(n, sizeof(uint32_t));
		for (size_t j = row + 1, k = 0; j < hr->end; j = hist_row(r->h, j)->end)
			r->hkids[row][k++] = (uint32_t)j;
		r->nhkids[row] = (uint32_t)n;
	}
	*out = r->hkids[row];
	return r->nhkids[row];
}

static size_t graph_children(struct rows *r, size_t row, uint32_t node, const uint32_t **ids)
{
	struct callgraph *g = graph_of(r, row);

	if (!g)
		return 0;
	return callgraph_children(g, node != CG_NONE ? node : callgraph_root(g), ids);
}

static size_t rows_nchildren(void *ctx, tnode n)
{
	struct rows *r = ctx;
	const uint32_t *ids;

	if (n == TNODE_ROOT)
		return r->nroots;
	if (n & CG_TAG)
		return graph_children(r, (size_t)((n & ~CG_TAG) >> 32), (uint32_t)n, &ids);
	return hier_children(r, (size_t)n - 1, &ids) + graph_children(r, (size_t)n - 1, CG_NONE, &ids);
}

static tnode rows_child(void *ctx, tnode n, size_t i)
{
	struct rows *r = ctx;
	const uint32_t *ids;
	size_t row, nh;

	if (n == TNODE_ROOT)
		return (tnode)r->roots[i] + 1;
	if (n & CG_TAG) {
		row = (size_t)((n & ~CG_TAG) >> 32);
		graph_children(r, row, (uint32_t)n, &ids);
		return CG_TAG | (tnode)row << 32 | ids[i];
	}
	row = (size_t)n - 1;
	nh = hier_children(r, row, &ids);
	if (i < nh)
		return (tnode)ids[i] + 1;
	graph_children(r, row, CG_NONE, &ids);
	return CG_TAG | (tnode)row << 32 | ids[i - nh];
}

/* Exact, without keeping a graph: hierarchy children or graph lines. */
static bool rows_expandable(void *ctx, tnode n)
{
	struct rows *r = ctx;
	size_t row;

	if (n & CG_TAG) /* a visible graph node: its graph exists */
		return rows_nchildren(ctx, n) > 0;
	row = (size_t)n - 1;
	if (r->graph_tried[row])
		return rows_nchildren(ctx, n) > 0;
	return hist_row(r->h, row)->end > row + 1 || hist_row_has_graph(r->h, row);
}

const struct tree_ops rows_tree_ops = {
	.nchildren = rows_nchildren,
	.child = rows_child,
	.expandable = rows_expandable,
};

/* ---- text ---- */

const char *rows_header(struct rows *r, size_t *fixed)
{
	if (fixed)
		*fixed = r->header_fixed;
	return r->header;
}

/* Append cell padded to w columns; a longer one keeps its head and tail
 * around r->ellipsis (a DSO's name and its version both matter). */
static size_t put_cut(struct rows *r, size_t len, const char *cell, int w)
{
	int n = ucols(cell), tail, head;
	size_t cap = sizeof(r->line) - len;
	if (n <= w || w < 3)
		return len + (size_t)snprintf(r->line + len, cap, "%-*s", w, cell);
	tail = (w - 1) / 2;
	head = w - 1 - tail;
	return len + (size_t)snprintf(r->line + len, cap, "%.*s%s%s", (int)ubytes(cell, head), cell,
				      r->ellipsis, cell + ubytes(cell, n - tail));
}

void rows_text(struct rows *r, tnode n, struct rows_text *out)
{
	size_t len = 0;

	if (n & CG_TAG) {
		size_t row = (size_t)((n & ~CG_TAG) >> 32);
		uint32_t id = (uint32_t)n;
		struct callgraph *g = graph_of(r, row);
		out->symbol = callgraph_name(g, id);
		out->kind = callgraph_kind(g, id);
		out->entry = false;
		snprintf(r->line, sizeof(r->line), "%6.2f%% %s", callgraph_percent(g, id), out->symbol);
		out->fixed = strlen(r->line) - strlen(out->symbol);
		out->text = r->line;
		return;
	}
	size_t sym_at = SIZE_MAX;
	r->line[0] = '\0';
	out->fixed = 0;
	out->kind = (enum frame_kind)hist_row(r->h, (size_t)n - 1)->kind;
	out->entry = true;
	for (size_t i = 0; i < r->ncols && len + 1 < sizeof(r->line); i++) {
		enum hist_col c = r->cols[i];
		bool num = is_num_col(c);
		const char *cell;
		if (r->hierarchy && !num && c != level_col(hist_row(r->h, (size_t)n - 1)->level_key))
			continue;
		cell = hist_cell(r->h, (size_t)n - 1, c, r->cell, sizeof(r->cell));
		if (r->hierarchy && !num) {
			len += (size_t)snprintf(r->line + len, sizeof(r->line) - len, "  %s", cell);
			if (c == HCOL_SYM)
				sym_at = len - strlen(cell);
			continue;
		}
		if (i)
			len += (size_t)snprintf(r->line + len, sizeof(r->line) - len, "  ");
		if (c == HCOL_SYM && len < sizeof(r->line))
			sym_at = len;
		if (len + 1 < sizeof(r->line) && !num && c != HCOL_SYM)
			len = put_cut(r, len, cell, r->widths[c]);
		else if (len + 1 < sizeof(r->line))
			len += (size_t)snprintf(r->line + len, sizeof(r->line) - len,
						num ? "%*s" : "%-*s", r->widths[c], cell);
		if (num && out->fixed == len - (size_t)r->widths[c] - (i ? 2 : 0))
			out->fixed = len; /* the numbers that lead the line */
	}
	if (len >= sizeof(r->line))
		len = sizeof(r->line) - 1;
	if (out->fixed > len)
		out->fixed = len;
	/* no padding after the last column: it would be cut with an ellipsis */
	trim_right(r->line);
	/* search looks at the symbol, or at the whole line without one */
	out->symbol = sym_at != SIZE_MAX ? r->line + sym_at : r->line;
	out->text = r->line;
}

const struct hist *rows_hist(struct rows *r)
{
	return r->h;
}

uint32_t rows_sym(struct rows *r, tnode n)
{
	if (n == TNODE_ROOT || !r->h)
		return PROFILE_NONE;
	if (n & CG_TAG) {
		struct callgraph *g = graph_of(r, (size_t)((n & ~CG_TAG) >> 32));
		return g ? callgraph_node(g, (uint32_t)n)->sym : PROFILE_NONE;
	}
	return (size_t)n - 1 < r->nrows ? hist_row(r->h, (size_t)n - 1)->sym : PROFILE_NONE;
}

size_t rows_find_sym(struct rows *r, uint32_t sym)
{
	if (r->hierarchy || sym == PROFILE_NONE)
		return SIZE_MAX;
	for (size_t i = 0; i < r->nroots; i++)
		if (hist_row(r->h, r->roots[i])->sym == sym)
			return i;
	return SIZE_MAX;
}

/* The column that names a row: sym, else the last key column. */
static enum hist_col key_col(const struct rows *r)
{
	enum hist_col c = HCOL_SYM;
	bool has_sym = false;
	for (size_t i = 0; i < r->ncols; i++) {
		if (r->cols[i] == HCOL_SYM)
			has_sym = true;
		if (!is_num_col(r->cols[i]))
			c = r->cols[i];
	}
	return has_sym ? HCOL_SYM : c;
}

/* Keys of symbol entries name the symbol, not its text: the Python view
 * prints the same symbol differently (P keeps the cursor on it). */
#define SYM_KEY "\001sym:"

void rows_entry_key(struct rows *r, tnode n, char *buf, size_t len)
{
	const char *cell;
	size_t row;
	buf[0] = '\0';
	if (!r->h || n == TNODE_ROOT)
		return;
	row = n & CG_TAG ? (size_t)((n & ~CG_TAG) >> 32) : (size_t)n - 1;
	if (key_col(r) == HCOL_SYM && hist_row(r->h, row) &&
	    hist_row(r->h, row)->sym != PROFILE_NONE) {
		snprintf(buf, len, SYM_KEY "%u", hist_row(r->h, row)->sym);
		return;
	}
	cell = hist_cell(r->h, row, key_col(r), r->cell, sizeof(r->cell));
	snprintf(buf, len, "%s", cell);
}

static size_t find_sym_entry(struct rows *r, const char *key, size_t hint)
{
	unsigned long sym = strtoul(key + strlen(SYM_KEY), NULL, 10);
	if (hint < r->nrows && hist_row(r->h, hint)->sym == sym)
		return hint;
	for (size_t i = 0; i < r->nrows; i++)
		if (hist_row(r->h, i)->sym == sym)
			return i;
	return SIZE_MAX;
}

size_t rows_find_entry(struct rows *r, const char *key, size_t hint)
{
	const char *needle = strstr(key, "] ");
	enum hist_col c;
	size_t start = 0;

	if (!r->h || r->hierarchy || !key[0])
		return SIZE_MAX;
	if (!strncmp(key, SYM_KEY, strlen(SYM_KEY)))
		return find_sym_entry(r, key, hint);
	c = key_col(r);
	if (hint < r->nrows && !strcmp(hist_cell(r->h, hint, c, r->cell, sizeof(r->cell)), key))
		return hint;
	needle = needle ? needle + 2 : key;
	/* the model's search is a substring match: check candidates exactly */
	for (int tries = 0; tries < 32 && start < r->nrows; tries++) {
		uint32_t row = hist_search(r->h, needle, start, 1);
		if (row == HIST_NONE || row < start)
			break;
		if (!strcmp(hist_cell(r->h, row, c, r->cell, sizeof(r->cell)), key))
			return row;
		start = (size_t)row + 1;
	}
	return SIZE_MAX;
}

static const char *count_text(uint64_t n, char *buf, size_t len)
{
	if (n >= 1000000)
		snprintf(buf, len, "%.1fM", (double)n / 1e6);
	else if (n >= 100000)
		snprintf(buf, len, "%.0fK", (double)n / 1e3);
	else
		snprintf(buf, len, "%llu", (unsigned long long)n);
	return buf;
}

void rows_title(struct rows *r, struct rows_title *out)
{
	const struct profile_info *pi = profile_info(r->p);
	char n1[32], n2[32], rate[48], shown[64] = "";

	if (pi->freq)
		snprintf(rate, sizeof(rate), "@%lluHz", (unsigned long long)pi->freq);
	else if (pi->period)
		snprintf(rate, sizeof(rate), "@period=%llu", (unsigned long long)pi->period);
	else
		rate[0] = '\0';
	/* the samples the metric counts (on-CPU ones for cpu) */
	uint64_t total = r->h ? hist_metric_samples(r->h) : pi->nsamples;
	if (r->h && hist_kept_samples(r->h) != total)
		snprintf(shown, sizeof(shown), " (shown %s)",
			 count_text(hist_kept_samples(r->h), n2, sizeof(n2)));
	out->duration[0] = out->metric[0] = '\0';
	if (r->h) {
		hist_duration_line(r->h, out->duration, sizeof(out->duration));
		if (profile_has_off_cpu(r->p))
			snprintf(out->metric, sizeof(out->metric), "%s",
				 report_metric_name(hist_opts(r->h)->metric));
	}
	snprintf(out->head, sizeof(out->head), "Samples: %s%s of %s%s",
		 count_text(total, n1, sizeof(n1)), shown, pi->event[0] ? pi->event : "?", rate);
	snprintf(out->cmd, sizeof(out->cmd), "%s", pi->cmdline[0] ? pi->cmdline : "?");
	snprintf(out->tail, sizeof(out->tail), "%s%slost: %llu, truncated: %llu", out->duration,
		 out->duration[0] ? ", " : "", (unsigned long long)pi->lost,
		 (unsigned long long)pi->truncated);
}

void rows_summary(struct rows *r, char *buf, size_t len)
{
	if (!r->h) {
		snprintf(buf, len, "%s", "");
		return;
	}
	/* what the biggest class means first (its advice up to the ';', the
	 * part that fits a narrow screen), then the split */
	char advice[512];
	const char *colon = strchr(hist_classes_advice(r->h, advice, sizeof(advice)), ':');
	size_t n = colon ? strcspn(colon + 2, ";") : 0;
	size_t at = colon ? (size_t)snprintf(buf, len, "%.*s | ", (int)n, colon + 2) : 0;
	if (at < len)
		hist_classes_line(r->h, buf + at, len - at);
}

/* ---- zoom ---- */

static size_t row_of(tnode n)
{
	return n & CG_TAG ? (size_t)((n & ~CG_TAG) >> 32) : (size_t)n - 1;
}

/* Open zoom level q->nzoom (< ROWS_ZOOM_MAX): save a deep copy of the
 * current filter, to put back on zoom out. */
static void zoom_push(struct rows_query *q)
{
	struct report_opts tmp;
	report_opts_copy(&tmp, &q->opts);
	q->saved[q->nzoom++] = tmp.filter;
	memset(&tmp.filter, 0, sizeof(tmp.filter));
	report_opts_free(&tmp);
	undo_push(q, 'z', "");
}

bool rows_zoom_tid(struct rows_query *q, uint32_t tid, char *err, size_t errlen)
{
	if (q->nzoom == ROWS_ZOOM_MAX) {
		snprintf(err, errlen, "zoomed in too deep");
		return false;
	}
	snprintf(q->zoom_label[q->nzoom], sizeof(q->zoom_label[0]), "thread %u", tid);
	zoom_push(q);
	report_filter_zoom_thread(&q->opts.filter, tid);
	return true;
}

bool rows_zoom(struct rows *r, tnode n, bool dso, struct rows_query *q, char *err, size_t errlen)
{
	const struct hist_row *hr;
	uint32_t th;

	if (n == TNODE_ROOT || !r->h || q->nzoom == ROWS_ZOOM_MAX) {
		snprintf(err, errlen, "%s", n == TNODE_ROOT ? "nothing to zoom into" : "zoomed in too deep");
		return false;
	}
	hr = hist_row(r->h, row_of(n));
	if (dso) {
		uint32_t d = PROFILE_NONE;
		if (n & CG_TAG) {
			const struct cg_node *cn = callgraph_node(graph_of(r, row_of(n)), (uint32_t)n);
			d = profile_sym_dso(r->p, cn->sym);
		} else if (hr->dso != PROFILE_NONE) {
			d = hr->dso;
		} else if (hr->sym != PROFILE_NONE) {
			d = profile_sym_dso(r->p, hr->sym);
		}
		if (d == PROFILE_NONE) {
			snprintf(err, errlen, "this line has no DSO to zoom into");
			return false;
		}
		snprintf(q->zoom_label[q->nzoom], sizeof(q->zoom_label[0]), "dso %s",
			 profile_dso_name(r->p, d, false));
		zoom_push(q);
		report_filter_zoom_dso(&q->opts.filter, profile_dso_name(r->p, d, true));
		return true;
	}
	/* the row's thread, or under other keys its heaviest thread */
	if (hr->tid != PROFILE_NONE)
		return rows_zoom_tid(q, hr->tid, err, errlen);
	th = hist_row_thread(r->h, row_of(n));
	if (th == PROFILE_NONE) {
		snprintf(err, errlen, "this line has no samples of a thread to zoom into");
		return false;
	}
	return rows_zoom_tid(q, profile_thread_tid(r->p, th), err, errlen);
}

void rows_query_init(struct rows_query *q, const struct report_opts *o)
{
	memset(q, 0, sizeof(*q));
	report_opts_copy(&q->opts, o);
	q->children = o->children;
	q->order = o->order == ORDER_KEY ? ROWS_ORDER_NAME : ROWS_ORDER_CHILDREN;
}
