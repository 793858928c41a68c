/* report_export: collapsed stacks (--folded) and JSON (--format json). */
#include "pytop/report/report_print.h"

#include "pytop/base/esc.h"
#include "pytop/base/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- folded ---- */

struct fline {
	size_t off;
	uint64_t count;
};

struct frec {
	uint32_t comm; /* string id */
	uint32_t leaf;
	uint64_t samples;
};

static int frec_cmp(const void *a, const void *b)
{
	const struct frec *x = a, *y = b;
	if (x->comm != y->comm)
		return x->comm < y->comm ? -1 : 1;
	return x->leaf < y->leaf ? -1 : x->leaf > y->leaf;
}

static int fline_cmp(const void *a, const void *b, void *arg)
{
	const char *text = arg;
	return strcmp(text + ((const struct fline *)a)->off, text + ((const struct fline *)b)->off);
}

/* A name as a folded frame: escaped (esc.h) with ';' (the frame separator)
 * turned into ':'.  Returns s itself when it needs neither, else a copy in
 * *owned (free it); *len gets the length. */
static const char *fold_name(const char *s, char **owned, uint32_t *len)
{
	size_t n;
	*owned = NULL;
	if (esc_is_clean(s, 0) && !strchr(s, ';')) {
		*len = (uint32_t)strlen(s);
		return s;
	}
	n = esc_len(s, 0);
	*owned = xmalloc(n + 1, 1);
	esc_text(*owned, n + 1, s, 0);
	for (size_t i = 0; i < n; i++)
		if ((*owned)[i] == ';')
			(*owned)[i] = ':';
	*len = (uint32_t)n;
	return *owned;
}

int report_print_folded(FILE *out, const struct profile *p, const struct report_opts *o,
			char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	const struct pdata *pd = profile_pdata(p);
	struct frec *fr;
	struct fline *lines;
	size_t nfr = 0, nkept, nl = 0, total = 0, nsyms;
	uint32_t *symlen;
	const char **symtext;
	char **owned, *text, *w;

	if (!h)
		return -1;
	nkept = hist_nstacks(h);
	/* unique (command, stack) pairs: threads of one command merge */
	fr = xmalloc(nkept ? nkept : 1, sizeof(*fr));
	for (size_t i = 0; i < nkept; i++) {
		struct hist_stack st = hist_stack(h, i);
		fr[i].comm = pd->threads[st.thread].comm;
		fr[i].leaf = st.leaf;
		/* counts: samples for cpu, time (ns here, µs printed) otherwise */
		fr[i].samples = o->metric == METRIC_CPU ? st.samples : st.weight;
	}
	if (nkept > 1)
		qsort(fr, nkept, sizeof(*fr), frec_cmp);
	for (size_t i = 0; i < nkept; i++) {
		if (nfr && fr[nfr - 1].comm == fr[i].comm && fr[nfr - 1].leaf == fr[i].leaf)
			fr[nfr - 1].samples += fr[i].samples;
		else
			fr[nfr++] = fr[i];
	}
	/* every symbol escaped once; exact text size, then one allocation */
	nsyms = profile_nsyms(p);
	symlen = xmalloc(nsyms ? nsyms : 1, sizeof(uint32_t));
	symtext = xmalloc(nsyms ? nsyms : 1, sizeof(*symtext));
	owned = xmalloc(nsyms ? nsyms : 1, sizeof(*owned));
	for (size_t k = 0; k < nsyms; k++)
		symtext[k] = fold_name(hist_sym_name(h, (uint32_t)k), &owned[k], &symlen[k]);
	for (size_t i = 0; i < nfr; i++) {
		total += esc_len(pdata_str(pd, fr[i].comm), 0) + 1;
		for (uint32_t n = fr[i].leaf; n != HIST_NONE; n = hist_node_parent(h, n))
			total += symlen[hist_node_sym(h, n)] + 1;
	}
	text = xmalloc(total ? total : 1, 1);
	lines = xmalloc(nfr ? nfr : 1, sizeof(*lines));
	w = text;
	for (size_t i = 0; i < nfr; i++) {
		char *end;
		lines[nl].off = (size_t)(w - text);
		lines[nl].count = fr[i].samples;
		nl++;
		{
			char *cown;
			uint32_t clen;
			const char *c = fold_name(pdata_str(pd, fr[i].comm), &cown, &clen);
			memcpy(w, c, clen);
			w += clen;
			free(cown);
		}
		/* frames root first: fill from the end of this line's span */
		end = w;
		for (uint32_t n = fr[i].leaf; n != HIST_NONE; n = hist_node_parent(h, n))
			end += symlen[hist_node_sym(h, n)] + 1;
		*end = '\0';
		{
			char *q = end;
			for (uint32_t n = fr[i].leaf; n != HIST_NONE; n = hist_node_parent(h, n)) {
				uint32_t k = hist_node_sym(h, n);
				q -= symlen[k];
				memcpy(q, symtext[k], symlen[k]);
				*--q = ';';
			}
		}
		w = end + 1;
	}
	if (nl > 1)
		qsort_r(lines, nl, sizeof(*lines), fline_cmp, text);
	for (size_t i = 0; i < nl;) {
		size_t j = i + 1;
		uint64_t count = lines[i].count;
		/* different stacks can print alike (same names in other DSOs) */
		while (j < nl && !strcmp(text + lines[i].off, text + lines[j].off))
			count += lines[j++].count;
		if (o->metric != METRIC_CPU)
			count = (count + 500) / 1000; /* integer microseconds */
		if (count)
			fprintf(out, "%s %" PRIu64 "\n", text + lines[i].off, count);
		i = j;
	}
	for (size_t k = 0; k < nsyms; k++)
		free(owned[k]);
	free(owned);
	free(symtext);
	free(symlen);
	free(text);
	free(lines);
	free(fr);
	hist_free(h);
	return 0;
}

/* ---- JSON ---- */

/* "metric", "time" (ns: the recording's duration, the shown threads'
 * wall, on-CPU and off-CPU time) and, with off-CPU data, "threads": each
 * shown thread's span and time by class. */
static void print_time(FILE *out, const struct hist *h)
{
	const struct profile *p = hist_profile(h);
	const struct hist_wall *w = hist_wall(h);
	const struct hist_thread_time *tt = hist_thread_times(h);
	bool first = true;

	fprintf(out, "  \"metric\": \"%s\",\n", report_metric_name(hist_opts(h)->metric));
	fprintf(out, "  \"time\": {\"duration_ns\": %" PRIu64 ", \"wall_ns\": %" PRIu64
		", \"cpu_ns\": %" PRIu64 ", \"off_cpu_ns\": %" PRIu64 ", \"io_socket_ns\": %" PRIu64
		", \"io_file_ns\": %" PRIu64 "},\n",
		profile_info(p)->duration, w->wall_ns, w->cpu_ns, w->off_cpu_ns, w->io_socket_ns,
		w->io_file_ns);
	if (!w->has_off_cpu)
		return;
	fputs("  \"threads\": [", out);
	for (size_t i = 0; i < profile_nthreads(p); i++) {
		const struct hist_thread_time *t = &tt[i];
		bool c1 = true;
		if (!t->shown)
			continue;
		fprintf(out, "%s\n    {\"pid\": %" PRIu32 ", \"tid\": %" PRIu32 ", \"comm\": ",
			first ? "" : ",", profile_thread_pid(p, (uint32_t)i),
			profile_thread_tid(p, (uint32_t)i));
		esc_json(out, profile_thread_comm(p, (uint32_t)i));
		fprintf(out, ", \"start_ns\": %" PRIu64 ", \"end_ns\": %" PRIu64 ", \"wall_ns\": %" PRIu64
			", \"cpu_ns\": %" PRIu64 ", \"off_cpu_ns\": %" PRIu64 ", \"classes\": {",
			t->start_ns, t->end_ns, t->wall_ns, t->cpu_ns, t->off_cpu_ns);
		for (int k = 0; k < CLASS_COUNT; k++) {
			if (!t->class_ns[k])
				continue;
			fprintf(out, "%s\"%s\": %" PRIu64, c1 ? "" : ", ",
				profile_class_name((enum profile_class)k), t->class_ns[k]);
			c1 = false;
		}
		fputs("}}", out);
		first = false;
	}
	fputs("\n  ],\n", out);
}

/* The fields that say what a symbol is: "function", "file" and "line"
 * (null when unknown), "kind", "class". */
static void json_sym_fields(FILE *out, const struct hist *h, uint32_t sym)
{
	const struct profile *p = hist_profile(h);
	const char *file = profile_sym_file(p, sym, hist_opts(h)->verbose);
	uint32_t line = profile_sym_line(p, sym);
	fputs(", \"function\": ", out);
	esc_json(out, profile_sym_function(p, sym));
	fputs(", \"file\": ", out);
	if (file)
		esc_json(out, file);
	else
		fputs("null", out);
	if (line)
		fprintf(out, ", \"line\": %" PRIu32, line);
	else
		fputs(", \"line\": null", out);
	fprintf(out, ", \"kind\": \"%s\", \"class\": \"%s\"",
		frame_kind_name(profile_sym_kind(p, sym)),
		profile_class_name(hist_sym_class(h, sym)));
}

/* A call-graph node and its visible children, on one line (a deep graph
 * would otherwise cost its depth in indentation on every line). */
static void json_graph(FILE *out, const struct hist *h, struct callgraph *g, uint32_t id)
{
	const uint32_t *ids;
	size_t n = callgraph_children(g, id, &ids);
	const struct cg_node *node = callgraph_node(g, id);
	uint32_t *kids = NULL;

	fprintf(out, "{\"name\": ");
	esc_json(out, callgraph_name(g, id));
	if (node->sym != PROFILE_NONE && node->sym < profile_nsyms(hist_profile(h)))
		json_sym_fields(out, h, node->sym);
	else
		fprintf(out, ", \"kind\": \"%s\"", frame_kind_name(callgraph_kind(g, id)));
	fprintf(out, ", \"percent\": %.2f, \"weight\": %" PRIu64
		", \"samples\": %" PRIu64 ", \"hidden\": %u, \"children\": [",
		callgraph_percent(g, id), node->weight,
		node->samples, node->nhidden);
	if (n && callgraph_node(g, ids[0])->depth > CALLGRAPH_MAX_DEPTH) {
		fputs("], \"cut\": true}", out);
		return;
	}
	if (n) {
		kids = xmalloc(n, sizeof(*kids));
		memcpy(kids, ids, n * sizeof(*kids));
	}
	for (size_t k = 0; k < n; k++) {
		fputs(k ? ", " : "", out);
		json_graph(out, h, g, kids[k]);
	}
	fputs("]}", out);
	free(kids);
}

int report_print_json(FILE *out, const struct profile *p, const struct report_opts *o,
		      char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	const struct profile_info *in;
	const struct profile_classes *c;
	const struct report_opts *ho;
	double t;

	if (!h)
		return -1;
	in = profile_info(p);
	ho = hist_opts(h);
	c = hist_classes(h);
	t = c->total ? (double)c->total : 1.0;
	fputs("{\n  \"format\": \"pytop-report\",\n  \"version\": 1,\n  \"header\": {", out);
	fprintf(out, "\"samples\": %" PRIu64 ", \"event_count\": %" PRIu64 ", \"event\": ",
		in->nsamples, in->total_weight);
	esc_json(out, in->event);
	fprintf(out, ", \"freq\": %" PRIu64 ", \"cmdline\": ", in->freq);
	esc_json(out, in->cmdline);
	fputs(", \"python_version\": ", out);
	esc_json(out, in->python_version);
	fputs(", \"unwinding\": ", out);
	esc_json(out, in->callchain);
	fprintf(out, ", \"lost\": %" PRIu64 ", \"truncated\": %" PRIu64 ", \"throttled\": %" PRIu64
		"},\n", in->lost, in->truncated, in->throttled);
	fprintf(out, "  \"kept\": {\"samples\": %" PRIu64 ", \"weight\": %" PRIu64
		", \"percent_base\": %" PRIu64 "},\n", hist_kept_samples(h), hist_kept_weight(h),
		hist_total_weight(h));
	print_time(out, h);
	fputs("  \"classes\": {", out);
	for (int k = 0; k < CLASS_COUNT; k++) {
		/* the waiting classes when the file has off-CPU time */
		if (k >= CLASS_FIRST_OFF_CPU && !in->has_off_cpu)
			break;
		fprintf(out, "%s\"%s\": {\"weight\": %" PRIu64 ", \"samples\": %" PRIu64
			", \"percent\": %.2f}", k ? ", " : "", profile_class_name((enum profile_class)k),
			c->weight[k], c->samples[k], 100.0 * (double)c->weight[k] / t);
	}
	fputs("},\n  \"top_native\": [", out);
	for (int i = 0; i < CLASS_TOP_NATIVE && c->top_native[i].sym != PROFILE_NONE; i++) {
		fputs(i ? ", {\"sym\": " : "{\"sym\": ", out);
		esc_json(out, hist_sym_name(h, c->top_native[i].sym));
		fprintf(out, ", \"weight\": %" PRIu64 ", \"percent\": %.2f}", c->top_native[i].weight,
			100.0 * (double)c->top_native[i].weight / t);
	}
	fputs("],\n  \"biggest_class\": ", out);
	{
		enum profile_class b = profile_classes_biggest(c);
		if (b == CLASS_COUNT)
			fputs("null", out);
		else
			fprintf(out, "\"%s\"", profile_class_name(b));
	}
	fputs(",\n  \"options\": {\"sort\": [", out);
	for (size_t i = 0; i < ho->nkeys; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : "", sort_key_name(ho->keys[i]));
	fprintf(out, "], \"children\": %s, \"hierarchy\": %s, \"python\": %s, \"callers\": %s, "
		"\"percentage\": \"%s\", \"percent_limit\": %.2f},\n",
		hist_has_children(h) ? "true" : "false", ho->hierarchy ? "true" : "false",
		ho->python ? "true" : "false", hist_callers(h) ? "true" : "false",
		ho->percentage == PERCENT_ABSOLUTE ? "absolute" : "relative", ho->percent_limit);
	fputs("  \"entries\": [", out);
	for (size_t r = 0; r < hist_nrows(h); r++) {
		const struct hist_row *row = hist_row(h, r);
		struct callgraph *g;
		fprintf(out, "%s\n    {", r ? "," : "");
		fprintf(out, "\"index\": %zu, \"depth\": %u, \"parent\": ", r, row->depth);
		if (row->parent == HIST_NONE)
			fputs("null", out);
		else
			fprintf(out, "%u", row->parent);
		if (row->comm != PROFILE_NONE) {
			fputs(", \"comm\": ", out);
			esc_json(out, pdata_str(profile_pdata(p), row->comm));
		}
		if (row->pid != PROFILE_NONE)
			fprintf(out, ", \"pid\": %u", row->pid);
		if (row->tid != PROFILE_NONE)
			fprintf(out, ", \"tid\": %u", row->tid);
		if (row->dso != PROFILE_NONE) {
			fputs(", \"dso\": ", out);
			esc_json(out, profile_dso_name(p, row->dso, ho->verbose));
		}
		if (row->sym != PROFILE_NONE) {
			fputs(", \"sym\": ", out);
			esc_json(out, hist_sym_name(h, row->sym));
			json_sym_fields(out, h, row->sym);
		}
		fprintf(out, ", \"children\": %.2f, \"self\": %.2f, \"children_weight\": %" PRIu64
			", \"self_weight\": %" PRIu64 ", \"children_samples\": %" PRIu64
			", \"self_samples\": %" PRIu64,
			hist_percent(h, row->children), hist_percent(h, row->self), row->children,
			row->self, row->children_samples, row->self_samples);
		if (in->has_callchains && ho->graph != GRAPH_NONE && (g = callgraph_new(h, r))) {
			fputs(",\n     \"callgraph\": ", out);
			json_graph(out, h, g, callgraph_root(g));
			callgraph_free(g);
		}
		fputc('}', out);
	}
	fprintf(out, "%s]\n}\n", hist_nrows(h) ? "\n  " : "");
	hist_free(h);
	return 0;
}
