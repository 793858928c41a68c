/* report_stdio: `pytop report --stdio`, laid out like perf report --stdio:
 * the '#' header, the column header, entries with [.]/[k] markers and call
 * graphs drawn with perf's glyphs. */
#include "pytop/report/report_print.h"

#include "pytop/base/esc.h"
#include "pytop/base/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- header ---- */

static void print_filter(FILE *out, const struct report_filter *f)
{
	const char *sep = "";
	fputs("# Filter:", out);
	if (f->ncomms) {
		fputs(" comm=", out);
		for (size_t i = 0; i < f->ncomms; i++) {
			fputs(i ? "," : "", out);
			esc_fputs(out, f->comms[i], 0);
		}
		sep = ";";
	}
	if (f->npids) {
		fprintf(out, "%s pid=", sep);
		for (size_t i = 0; i < f->npids; i++)
			fprintf(out, "%s%u", i ? "," : "", f->pids[i]);
		sep = ";";
	}
	if (f->ntids) {
		fprintf(out, "%s tid=", sep);
		for (size_t i = 0; i < f->ntids; i++)
			fprintf(out, "%s%u", i ? "," : "", f->tids[i]);
		sep = ";";
	}
	if (f->ndsos) {
		fprintf(out, "%s dso=", sep);
		for (size_t i = 0; i < f->ndsos; i++) {
			fputs(i ? "," : "", out);
			esc_fputs(out, f->dsos[i], 0);
		}
		sep = ";";
	}
	if (f->symbol) {
		fprintf(out, "%s symbol=/", sep);
		esc_fputs(out, f->symbol, 0);
		fputc('/', out);
	}
	fputc('\n', out);
}

void report_print_header(FILE *out, const struct hist *h)
{
	const struct profile_info *in = profile_info(hist_profile(h));
	const struct report_opts *o = hist_opts(h);
	char line[1024];
	double all = in->nsamples ? (double)in->nsamples : 1.0;

	fprintf(out, "# pytop report\n#\n");
	fprintf(out, "# Total Lost Samples: %" PRIu64 "\n#\n", in->lost);
	fprintf(out, "# Samples: %" PRIu64 "  of event '", in->nsamples);
	esc_fputs(out, *in->event ? in->event : "unknown", 0);
	fputc('\'', out);
	if (in->freq)
		fprintf(out, " (%" PRIu64 " Hz)", in->freq);
	fputc('\n', out);
	fprintf(out, "# Event count (approx.): %" PRIu64 "\n", in->total_weight);
	fprintf(out, "# %s\n", hist_duration_line(h, line, sizeof(line)));
	if (*hist_wall_line(h, line, sizeof(line))) {
		fprintf(out, "# %s\n", line);
		fprintf(out, "# Off-CPU: %" PRIu64 " waits, %.2f s; metric %s%s\n", in->off_cpu_samples,
			(double)in->off_cpu_weight / 1e9, report_metric_name(o->metric),
			o->metric == METRIC_CPU ? " (--metric off-cpu or wall shows the waits)" : "");
	}
	if (*in->cmdline) {
		fputs("# Command line: ", out);
		esc_fputs(out, in->cmdline, 0);
		fputc('\n', out);
	}
	if (*in->python_version || *in->python_path) {
		fputs("# Python: ", out);
		esc_fputs(out, *in->python_version ? in->python_version : "?", 0);
		if (*in->python_path) {
			fputs(" (", out);
			esc_fputs(out, in->python_path, 0);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	if (*in->callchain) {
		fputs("# Unwinding: ", out);
		esc_fputs(out, in->callchain, 0);
		if (*in->callchain_reason) {
			fputs(" (", out);
			esc_fputs(out, in->callchain_reason, 0);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	fprintf(out, "# Truncated stacks: %" PRIu64 " of %" PRIu64 " samples (%.2f%%)",
		in->truncated, in->nsamples, 100.0 * (double)in->truncated / all);
	for (int k = 0, first = 1; k < TRUNC_COUNT; k++) {
		if (!in->truncated_why[k])
			continue;
		fprintf(out, "%s%s %" PRIu64, first ? ": " : ", ", pdata_trunc_name(k),
			in->truncated_why[k]);
		first = 0;
	}
	fputc('\n', out);
	if (in->throttled)
		fprintf(out, "# Throttle events: %" PRIu64 "\n", in->throttled);
	if (report_filter_active(&o->filter)) {
		print_filter(out, &o->filter);
		fprintf(out, "# Kept samples: %" PRIu64 " of %" PRIu64 " (%.2f%%), percentages of %s\n",
			hist_kept_samples(h), hist_metric_samples(h),
			100.0 * (double)hist_kept_samples(h) /
				(hist_metric_samples(h) ? (double)hist_metric_samples(h) : 1.0),
			o->percentage == PERCENT_ABSOLUTE ? "all samples" : "kept samples");
	}
	if (o->python)
		fprintf(out, "# View: Python (interpreter frames folded)\n");
	fputs("# Classes: ", out);
	esc_fputs(out, hist_classes_line(h, line, sizeof(line)), 0);
	fputc('\n', out);
	if (*hist_classes_advice(h, line, sizeof(line))) {
		fputs("# Biggest class: ", out);
		esc_fputs(out, line, 0);
		fputc('\n', out);
	}
	fprintf(out, "#\n");
}

/* ---- call graphs ---- */

struct gctx {
	FILE *out;
	struct callgraph *g;
	int margin;
	char *mask;   /* mask[i]: draw a pipe at level i */
	size_t cap;
};

static void set_mask(struct gctx *c, size_t i, char v)
{
	if (i >= c->cap) {
		size_t old = c->cap;
		xgrow(&c->mask, &c->cap, i + 1, 1);
		memset(c->mask + old, 0, c->cap - old);
	}
	c->mask[i] = v;
}

static char get_mask(const struct gctx *c, size_t i)
{
	return i < c->cap ? c->mask[i] : 0;
}

/* The separator line: pipes of every open level, trailing spaces dropped. */
static void graph_line(struct gctx *c, int depth)
{
	int last = -1;
	for (int i = 0; i < depth; i++)
		if (get_mask(c, (size_t)i))
			last = i;
	fprintf(c->out, "%*s", c->margin, "");
	for (int i = 0; i <= last; i++)
		fputs(i == last ? "|" : get_mask(c, (size_t)i) ? "|          " : "           ", c->out);
	fputc('\n', c->out);
}

/* A frame line: the first frame of a child gets "--NN.NN%--". */
static void frame_line(struct gctx *c, int depth, const char *pct, const char *name)
{
	fprintf(c->out, "%*s", c->margin, "");
	for (int i = 0; i < depth; i++) {
		fputc(get_mask(c, (size_t)i) ? '|' : ' ', c->out);
		if (pct && i == depth - 1)
			fprintf(c->out, "--%s--", pct);
		else
			fputs("          ", c->out);
	}
	esc_fputs(c->out, name, 0);
	fputc('\n', c->out);
}

/* Follow a linear run from id (one visible child that carries the whole
 * weight), printing each following frame when print_cont.  Stops before a
 * frame deeper than CALLGRAPH_MAX_DEPTH (*cut set).  Returns the last node. */
static uint32_t linear_end(struct gctx *c, uint32_t id, int depth, bool print_cont, bool *cut)
{
	*cut = false;
	for (;;) {
		const uint32_t *ids;
		size_t n = callgraph_children(c->g, id, &ids);
		const struct cg_node *node = callgraph_node(c->g, id);
		if (n != 1 || node->nhidden || node->self)
			return id;
		if (callgraph_node(c->g, ids[0])->depth > CALLGRAPH_MAX_DEPTH) {
			*cut = true;
			return id;
		}
		id = ids[0];
		if (print_cont)
			frame_line(c, depth, NULL, callgraph_name(c->g, id));
	}
}

static const char cut_marker[] = "[... deeper frames not shown: see --max-stack]";

/* Branch levels drawn before the graph is cut (each level is 11 columns;
 * a hostile file could nest deep enough to exhaust the stack). */
#define GRAPH_MAX_DEPTH 128

static void print_children(struct gctx *c, uint32_t id, int depth)
{
	const uint32_t *ids;
	size_t n = callgraph_children(c->g, id, &ids);
	uint32_t *kids;

	if (!n)
		return;
	if (depth > GRAPH_MAX_DEPTH) {
		fprintf(c->out, "%*s[... %zu more branches, deeper than %d levels]\n", c->margin, "",
			n, GRAPH_MAX_DEPTH);
		return;
	}
	if (callgraph_node(c->g, ids[0])->depth > CALLGRAPH_MAX_DEPTH) {
		frame_line(c, depth - 1, NULL, cut_marker);
		return;
	}
	kids = xmalloc(n, sizeof(*kids));
	memcpy(kids, ids, n * sizeof(*kids));
	for (size_t k = 0; k < n; k++) {
		char pct[32];
		uint32_t end;
		bool cut;
		set_mask(c, (size_t)depth - 1, 1);
		graph_line(c, depth);
		if (k + 1 == n)
			set_mask(c, (size_t)depth - 1, 0);
		snprintf(pct, sizeof(pct), "%.2f%%", callgraph_percent(c->g, kids[k]));
		frame_line(c, depth, pct, callgraph_name(c->g, kids[k]));
		end = linear_end(c, kids[k], depth, true, &cut);
		if (cut) {
			frame_line(c, depth, NULL, cut_marker);
			continue;
		}
		set_mask(c, (size_t)depth, 1);
		print_children(c, end, depth + 1);
	}
	set_mask(c, (size_t)depth - 1, 0);
	free(kids);
}

int report_print_callgraph(FILE *out, struct callgraph *g, int margin)
{
	struct gctx c = { .out = out, .g = g, .margin = margin };
	const uint32_t *ids;
	uint32_t root = callgraph_root(g);
	size_t n;
	const struct cg_node *r;

	if (!callgraph_has_lines(g))
		return 0;
	n = callgraph_children(g, root, &ids);
	r = callgraph_node(g, root);
	if (n == 1 && !r->nhidden && !r->self) {
		uint32_t first = ids[0], end;
		bool cut;
		fprintf(out, "%*s|\n", margin, "");
		fprintf(out, "%*s---", margin, "");
		esc_fputs(out, callgraph_name(g, first), 0);
		fputc('\n', out);
		c.margin = margin + 3;
		end = linear_end(&c, first, 0, true, &cut);
		if (cut)
			frame_line(&c, 0, NULL, cut_marker);
		else
			print_children(&c, end, 1);
	} else {
		print_children(&c, root, 1);
	}
	free(c.mask);
	return 1;
}

/* ---- entries ---- */

static void print_flat(FILE *out, const struct hist *h)
{
	enum hist_col cols[HCOL_COUNT];
	size_t nc = hist_columns(h, cols);
	char buf[1024];

	for (size_t i = 0; i < nc; i++) {
		int w = hist_col_width(h, cols[i]);
		const char *t = hist_col_title(h, cols[i]);
		bool num = cols[i] <= HCOL_SAMPLES;
		fputs(i ? "  " : "# ", out);
		if (i + 1 == nc)
			fputs(t, out);
		else
			fprintf(out, num ? "%*s" : "%-*s", w, t);
	}
	fputc('\n', out);
	for (size_t i = 0; i < nc; i++) {
		int w = hist_col_width(h, cols[i]);
		fputs(i ? "  " : "# ", out);
		for (int k = 0; k < w; k++)
			fputc('.', out);
	}
	fputs("\n#\n", out);
	if (!hist_nrows(h))
		fputs("# (no samples)\n", out);
	for (size_t r = 0; r < hist_nrows(h); r++) {
		struct callgraph *g;
		for (size_t i = 0; i < nc; i++) {
			int w = hist_col_width(h, cols[i]);
			const char *t = hist_cell(h, r, cols[i], buf, sizeof(buf));
			bool num = cols[i] <= HCOL_SAMPLES;
			fputs("  ", out);
			if (i + 1 == nc)
				fputs(t, out);
			else
				fprintf(out, num ? "%*s" : "%-*s", w, t);
		}
		fputc('\n', out);
		if ((g = callgraph_new(h, r))) {
			if (report_print_callgraph(out, g, 12))
				fputc('\n', out);
			callgraph_free(g);
		}
	}
}

static void print_hierarchy(FILE *out, const struct hist *h)
{
	char buf[1024];
	const struct report_opts *o = hist_opts(h);
	size_t tlen = 0;

	fputs("#       Overhead  ", out);
	for (size_t i = 0; i < o->nkeys; i++) {
		const char *t = hist_col_title(h, (enum hist_col)(HCOL_COMM + o->keys[i]));
		fprintf(out, "%s%s", i ? " / " : "", t);
		tlen += strlen(t) + (i ? 3 : 0);
	}
	fputs("\n# ..............  ", out);
	for (size_t k = 0; k < tlen; k++)
		fputc('.', out);
	fputs("\n#\n", out);
	if (!hist_nrows(h))
		fputs("# (no samples)\n", out);
	for (size_t r = 0; r < hist_nrows(h); r++) {
		const struct hist_row *row = hist_row(h, r);
		enum hist_col col = (enum hist_col)(HCOL_COMM + row->level_key);
		struct callgraph *g;
		fprintf(out, "%*s%9.2f%%        %s\n", 3 * row->depth, "", hist_percent(h, row->self),
			hist_cell(h, r, col, buf, sizeof(buf)));
		if ((g = callgraph_new(h, r))) {
			if (report_print_callgraph(out, g, 12))
				fputc('\n', out);
			callgraph_free(g);
		}
	}
}

int report_print_stdio(FILE *out, const struct profile *p, const struct report_opts *o,
		       char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	if (!h)
		return -1;
	report_print_header(out, h);
	if (hist_opts(h)->hierarchy)
		print_hierarchy(out, h);
	else
		print_flat(out, h);
	hist_free(h);
	return 0;
}
