/* report_queries: time the model queries the TUI makes on one profile
 * (for bench/report.sh; built there against the model objects).
 *   report_queries FILE
 * Prints one line per query: name, CPU milliseconds (best of 5, and the
 * first run, which pays for one-time caches such as the Python view; the
 * machine may be shared), rows. */
#include "pytop/model/callgraph.h"
#include "pytop/model/filter.h"
#include "pytop/model/hist.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

#include <stdio.h>
#include <time.h>

static double ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static size_t expand_all(struct callgraph *g, uint32_t id)
{
	const uint32_t *ids;
	size_t n = callgraph_children(g, id, &ids), total = n;
	uint32_t kids[4096];
	if (n > 4096)
		n = 4096;
	for (size_t i = 0; i < n; i++)
		kids[i] = ids[i];
	for (size_t i = 0; i < n; i++)
		total += expand_all(g, kids[i]);
	return total;
}

/* graph: 0 rows only, 1 expand all of the first row's graph, 2 the
 * has-graph flags of the first 30 rows (the browser's + markers), 3 the
 * first row's heaviest thread (the browser's t). */
static void timed(const char *name, const struct profile *p, const struct report_opts *o, int graph)
{
	double best = 1e9, first = 0;
	size_t rows = 0;
	char err[256];
	for (int i = 0; i < 5; i++) {
		double t0 = ms();
		struct hist *h = hist_new(p, o, err, sizeof(err));
		rows = hist_nrows(h);
		if (graph == 1 && rows) {
			struct callgraph *g = callgraph_new(h, 0);
			if (g)
				rows = expand_all(g, callgraph_root(g));
			callgraph_free(g);
		} else if (graph == 2) {
			size_t n = 0;
			for (size_t r = 0; r < rows && r < 30; r++)
				n += hist_row_has_graph(h, r);
			rows = n;
		} else if (graph == 3 && rows) {
			rows = hist_row_thread(h, 0);
		}
		hist_free(h);
		if (i == 0)
			first = ms() - t0;
		if (ms() - t0 < best)
			best = ms() - t0;
	}
	printf("  %-38s %8.2f ms  (first %7.2f ms)  %7zu %s\n", name, best, first, rows,
	       graph == 1 ? "graph lines" : graph == 2 ? "of 30 with graphs" : graph == 3 ? "thread" : "rows");
}

int main(int argc, char **argv)
{
	struct pdata_error perr;
	struct report_opts o;
	double t0 = ms();
	struct profile *p;
	char err[256];

	if (argc != 2) {
		fprintf(stderr, "usage: report_queries FILE\n");
		return 2;
	}
	p = profile_load(argv[1], &perr);
	if (!p) {
		fprintf(stderr, "report_queries: %s: %s\n", argv[1], perr.msg);
		return 1;
	}
	printf("  %-38s %8.2f ms\n", "load (read + aggregate)", ms() - t0);
	t0 = ms();
	profile_prepare(p);
	printf("  %-38s %8.2f ms\n", "prepare (views, indexes; browser open)", ms() - t0);
	report_opts_init(&o);
	timed("first query (default keys)", p, &o, 0);
	timed("same query again", p, &o, 0);
	report_opts_set_sort(&o, "dso,sym", err, sizeof(err));
	timed("sort change: dso,sym", p, &o, 0);
	o.order = ORDER_KEY;
	timed("order by key", p, &o, 0);
	o.order = ORDER_SELF;
	timed("order by self (Children kept)", p, &o, 0);
	o.order = ORDER_WEIGHT;
	report_opts_set_sort(&o, "comm,dso,sym", err, sizeof(err));
	timed("query + has-graph flags of 30 rows", p, &o, 2);
	timed("query + heaviest thread of row 0", p, &o, 3);
	o.children = CHILDREN_OFF;
	timed("--no-children", p, &o, 0);
	o.children = CHILDREN_AUTO;
	o.python = true;
	timed("python view toggle", p, &o, 0);
	o.python = false;
	const char *keys[] = { "f", "fu", "fun", "func", "func_1", "func_12" };
	for (int i = 0; i < 6; i++) {
		char name[64];
		report_filter_set_symbol(&o.filter, keys[i], err, sizeof(err));
		snprintf(name, sizeof(name), "filter keystroke '%s'", keys[i]);
		timed(name, p, &o, 0);
	}
	report_filter_set_symbol_literal(&o.filter, "func_2_1");
	timed("literal filter 'func_2_1'", p, &o, 0);
	report_filter_set_symbol(&o.filter, NULL, err, sizeof(err));
	report_filter_zoom_dso(&o.filter, "/usr/lib/libc.so.6");
	timed("zoom to a DSO", p, &o, 0);
	report_filter_zoom_dso(&o.filter, NULL);
	report_filter_zoom_thread(&o.filter, 1001);
	timed("zoom to a thread", p, &o, 0);
	report_filter_zoom_thread(&o.filter, 0);
	o.percent_limit = 0;
	timed("percent-limit 0 + expand all (top)", p, &o, 1);
	o.inverted = true;
	timed("inverted + expand all (top)", p, &o, 1);
	o.inverted = false;
	o.hierarchy = true;
	timed("--hierarchy", p, &o, 0);
	report_opts_free(&o);
	profile_free(p);
	return 0;
}
