/* report_export: collapsed stacks (--folded) and JSON (--format json). */
#include "hist_int.h"

#include "pytop/report_print.h"
#include "pytop/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- folded ---- */

struct fline {
	size_t off;
	uint64_t count;
};

struct folded {
	char *text;
	size_t len, cap;
	struct fline *lines;
	size_t n, capl;
};

static void put(struct folded *f, const char *s)
{
	size_t n = strlen(s);
	xgrow(&f->text, &f->cap, f->len + n + 1, 1);
	/* ';' separates frames: keep it out of names */
	for (size_t i = 0; i < n; i++)
		f->text[f->len + i] = s[i] == ';' ? ':' : s[i];
	f->len += n;
}

static int fline_cmp(const void *a, const void *b, void *arg)
{
	const char *text = arg;
	return strcmp(text + ((const struct fline *)a)->off, text + ((const struct fline *)b)->off);
}

int report_print_folded(FILE *out, const struct profile *p, const struct report_opts *o,
			char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	struct folded f = { 0 };
	uint32_t *tmp = NULL;
	size_t cap_tmp = 0;

	if (!h)
		return -1;
	for (size_t i = 0; i < h->gstart[h->ngroups]; i++) {
		const struct rec *r = &h->v->recs[h->order[i]];
		size_t depth = 0;
		for (uint32_t n = r->leaf; n != PROFILE_NONE; n = h->v->parent[n]) {
			xgrow(&tmp, &cap_tmp, depth + 1, sizeof(*tmp));
			tmp[depth++] = n;
		}
		xgrow(&f.lines, &f.capl, f.n + 1, sizeof(*f.lines));
		f.lines[f.n].off = f.len;
		f.lines[f.n].count = r->samples;
		f.n++;
		put(&f, profile_thread_comm(p, r->thread));
		while (depth-- > 0) {
			put(&f, ";");
			f.text[f.len - 1] = ';';
			put(&f, profile_sym_name(p, h->v->sym[tmp[depth]], h->name_flags));
		}
		xgrow(&f.text, &f.cap, f.len + 1, 1);
		f.text[f.len++] = '\0';
	}
	if (f.n > 1)
		qsort_r(f.lines, f.n, sizeof(*f.lines), fline_cmp, f.text);
	for (size_t i = 0; i < f.n;) {
		size_t j = i + 1;
		uint64_t count = f.lines[i].count;
		while (j < f.n && !strcmp(f.text + f.lines[i].off, f.text + f.lines[j].off))
			count += f.lines[j++].count;
		fprintf(out, "%s %" PRIu64 "\n", f.text + f.lines[i].off, count);
		i = j;
	}
	free(tmp);
	free(f.text);
	free(f.lines);
	hist_free(h);
	return 0;
}

/* ---- JSON ---- */

static void jstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

static void json_graph(FILE *out, struct callgraph *g, uint32_t id, int indent)
{
	const uint32_t *ids;
	size_t n = callgraph_children(g, id, &ids);
	const struct cg_node *node = callgraph_node(g, id);
	uint32_t *kids = NULL;

	fprintf(out, "{\"name\": ");
	jstr(out, callgraph_name(g, id));
	fprintf(out, ", \"kind\": \"%s\", \"percent\": %.2f, \"weight\": %" PRIu64
		", \"samples\": %" PRIu64 ", \"hidden\": %u, \"children\": [",
		frame_kind_name(callgraph_kind(g, id)), callgraph_percent(g, id), node->weight,
		node->samples, node->nhidden);
	if (n) {
		kids = xmalloc(n, sizeof(*kids));
		memcpy(kids, ids, n * sizeof(*kids));
	}
	for (size_t k = 0; k < n; k++) {
		fprintf(out, "%s\n%*s", k ? "," : "", indent + 2, "");
		json_graph(out, g, kids[k], indent + 2);
	}
	if (n)
		fprintf(out, "\n%*s", indent, "");
	fputs("]}", out);
	free(kids);
}

int report_print_json(FILE *out, const struct profile *p, const struct report_opts *o,
		      char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	const struct profile_info *in;
	const struct profile_classes *c;
	double t;
	char buf[1024];

	if (!h)
		return -1;
	in = profile_info(p);
	c = &h->classes;
	t = c->total ? (double)c->total : 1.0;
	fputs("{\n  \"format\": \"pytop-report\",\n  \"version\": 1,\n  \"header\": {", out);
	fprintf(out, "\"samples\": %" PRIu64 ", \"event_count\": %" PRIu64 ", \"event\": ",
		in->nsamples, in->total_weight);
	jstr(out, in->event);
	fprintf(out, ", \"freq\": %" PRIu64 ", \"cmdline\": ", in->freq);
	jstr(out, in->cmdline);
	fputs(", \"python_version\": ", out);
	jstr(out, in->python_version);
	fputs(", \"unwinding\": ", out);
	jstr(out, in->callchain);
	fprintf(out, ", \"lost\": %" PRIu64 ", \"truncated\": %" PRIu64 ", \"throttled\": %" PRIu64
		"},\n", in->lost, in->truncated, in->throttled);
	fprintf(out, "  \"kept\": {\"samples\": %" PRIu64 ", \"weight\": %" PRIu64
		", \"percent_base\": %" PRIu64 "},\n", h->kept_samples, h->kept_weight, h->base);
	fprintf(out, "  \"classification\": {\"python\": %.2f, \"interpreter\": %.2f, \"native\": %.2f, "
		"\"kernel\": %.2f, \"unknown\": %.2f, \"top_native_dso\": ",
		100.0 * (double)c->weight[FRAME_PYTHON] / t,
		100.0 * (double)c->weight[FRAME_INTERPRETER] / t,
		100.0 * (double)c->weight[FRAME_NATIVE] / t,
		100.0 * (double)c->weight[FRAME_KERNEL] / t,
		100.0 * (double)c->weight[FRAME_UNKNOWN] / t);
	if (c->top_native_dso != PROFILE_NONE && c->weight[FRAME_NATIVE])
		jstr(out, profile_dso_name(p, c->top_native_dso, h->o.verbose));
	else
		fputs("null", out);
	fputs("},\n  \"options\": {\"sort\": [", out);
	for (size_t i = 0; i < h->o.nkeys; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : "", sort_key_name(h->o.keys[i]));
	fprintf(out, "], \"children\": %s, \"hierarchy\": %s, \"python\": %s, \"callers\": %s, "
		"\"percentage\": \"%s\", \"percent_limit\": %.2f},\n",
		h->children ? "true" : "false", h->o.hierarchy ? "true" : "false",
		h->o.python ? "true" : "false", h->callers ? "true" : "false",
		h->o.percentage == PERCENT_ABSOLUTE ? "absolute" : "relative", h->o.percent_limit);
	fputs("  \"entries\": [", out);
	for (size_t r = 0; r < h->nrows; r++) {
		const struct hist_row *row = &h->rows[r];
		struct callgraph *g;
		fprintf(out, "%s\n    {", r ? "," : "");
		fprintf(out, "\"index\": %zu, \"depth\": %u, \"parent\": ", r, row->depth);
		if (row->parent == HIST_NONE)
			fputs("null", out);
		else
			fprintf(out, "%u", row->parent);
		if (row->comm != PROFILE_NONE) {
			fputs(", \"comm\": ", out);
			jstr(out, pdata_str(p->pd, row->comm));
		}
		if (row->pid != PROFILE_NONE)
			fprintf(out, ", \"pid\": %u", row->pid);
		if (row->tid != PROFILE_NONE)
			fprintf(out, ", \"tid\": %u", row->tid);
		if (row->dso != PROFILE_NONE) {
			fputs(", \"dso\": ", out);
			jstr(out, profile_dso_name(p, row->dso, h->o.verbose));
		}
		if (row->sym != PROFILE_NONE) {
			fputs(", \"sym\": ", out);
			jstr(out, profile_sym_name(p, row->sym, h->name_flags));
			fprintf(out, ", \"kind\": \"%s\"", frame_kind_name((enum frame_kind)row->kind));
		}
		fprintf(out, ", \"children\": %.2f, \"self\": %.2f, \"children_weight\": %" PRIu64
			", \"self_weight\": %" PRIu64 ", \"children_samples\": %" PRIu64
			", \"self_samples\": %" PRIu64,
			hist_percent(h, row->children), hist_percent(h, row->self), row->children,
			row->self, row->children_samples, row->self_samples);
		if (p->info.has_callchains && h->o.graph != GRAPH_NONE && (g = callgraph_new(h, r))) {
			fputs(",\n     \"callgraph\": ", out);
			json_graph(out, g, callgraph_root(g), 5);
			callgraph_free(g);
		}
		fputc('}', out);
	}
	fprintf(out, "%s]\n}\n", h->nrows ? "\n  " : "");
	(void)buf;
	hist_free(h);
	return 0;
}
