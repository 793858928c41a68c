/* test_model: the profile model's API as the TUI and printers use it:
 * load, classification, histogram rows and cells, sort and re-query,
 * hierarchy links, lazy call graphs, filters, search, option parsing. */
#include "pytop/model/callgraph.h"
#include "pytop/model/classes.h"
#include "pytop/model/filter.h"
#include "pytop/model/hist.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"
#include "pytop/report/report_print.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static uint32_t frame(struct pdata *pd, const char *name, const char *dso, enum frame_kind kind)
{
	struct pdata_frame f = { .mapping = PDATA_NONE };
	if (dso)
		f.mapping = pdata_add_mapping(pd, dso, "");
	f.name = pdata_intern_cstr(pd, name);
	f.kind = (uint8_t)kind;
	f.addr = f.name * 16;
	return pdata_intern_frame(pd, &f);
}

/* n samples of one stack, root first; names with a '@' carry a DSO. */
static void add(struct pdata *pd, const char *comm, uint32_t tid, unsigned n, uint8_t flags,
		const char *const *frames, enum frame_kind kind_unknown_or)
{
	uint32_t st = PDATA_NONE, th = pdata_intern_thread(pd, 100, tid, comm);
	for (size_t i = 0; frames[i]; i++) {
		char buf[256];
		char *at;
		snprintf(buf, sizeof(buf), "%s", frames[i]);
		at = strchr(buf, '@');
		if (at)
			*at++ = '\0';
		/* kind left unknown on purpose: the model must recompute it */
		st = pdata_intern_stack(pd, st, frame(pd, buf, at, kind_unknown_or));
	}
	for (unsigned i = 0; i < n; i++) {
		struct pdata_sample s = { .time = i, .weight = 10, .thread = th, .stack = st,
					  .flags = flags };
		pdata_add_sample(pd, &s);
	}
}

static struct profile *make_profile(void)
{
	struct pdata *pd = pdata_new();
	static const char *const a[] = { "_start@/usr/bin/python3.12", "py::main:/app/x.py",
		"_PyEval_EvalFrameDefault@/usr/bin/python3.12", "py::slow:/app/x.py",
		"_PyEval_EvalFrameDefault@/usr/bin/python3.12", "PyNumber_Add@/usr/bin/python3.12", NULL };
	static const char *const b[] = { "_start@/usr/bin/python3.12", "py::main:/app/x.py",
		"_PyEval_EvalFrameDefault@/usr/bin/python3.12", "py::slow:/app/x.py", NULL };
	static const char *const c[] = { "_start@/usr/bin/python3.12", "py::main:/app/x.py",
		"_PyEval_EvalFrameDefault@/usr/bin/python3.12", "np_dot@/usr/lib/_multiarray.so",
		"memcpy@/usr/lib/libc.so.6", "clear_page@[kernel.kallsyms]", NULL };
	static const char *const d[] = { "worker_loop@/usr/lib/libc.so.6", NULL };
	pd->meta.event = pdata_intern_cstr(pd, "cpu-clock");
	pd->meta.freq = 999;
	add(pd, "python3", 100, 50, 0, a, FRAME_UNKNOWN); /* leaf interpreter */
	add(pd, "python3", 100, 20, 0, b, FRAME_UNKNOWN); /* leaf python */
	add(pd, "python3", 100, 20, SAMPLE_F_TRUNCATED, c, FRAME_UNKNOWN); /* leaf kernel */
	add(pd, "worker", 101, 10, 0, d, FRAME_UNKNOWN); /* leaf native */
	return profile_from_pdata(pd);
}

/* An unknown user address of any value stays unknown: a frame-pointer walk
 * through code without frame pointers yields "addresses" such as
 * 0xffffffffff600000, which are not kernel frames (issue 11, item 10). */
static void check_unknown_stays_user(void)
{
	struct pdata *pd = pdata_new();
	struct pdata_frame f = { .mapping = PDATA_NONE, .kind = FRAME_UNKNOWN,
				 .addr = 0xffffffffff600000ULL };
	struct profile *p;
	struct report_opts o;
	struct hist *h;
	char buf[256], err[256];
	uint32_t th = pdata_intern_thread(pd, 1, 1, "python3");
	struct pdata_sample s = { .weight = 1, .thread = th };

	f.name = pdata_intern_cstr(pd, "[unknown]");
	s.stack = pdata_intern_stack(pd, PDATA_NONE, pdata_intern_frame(pd, &f));
	pdata_add_sample(pd, &s);
	p = profile_from_pdata(pd);
	report_opts_init(&o);
	h = hist_new(p, &o, err, sizeof(err));
	CHECK_EQ_STR(hist_cell(h, 0, HCOL_SYM, buf, sizeof(buf)), "[.] [unknown]",
		     "an unknown user address above 0xffff800000000000 is not labelled [k]");
	hist_free(h);
	report_opts_free(&o);
	profile_free(p);
}

/* Per-thread times of a query (the threads view's numbers): every thread,
 * its kept weight split by class, the list's filters applied, orders. */
static void check_thread_times(const struct profile *p)
{
	struct report_opts o;
	struct hist *h;
	const struct hist_thread_time *tt;
	uint32_t ord[2];
	char err[256], buf[64];

	report_opts_init(&o);
	o.python = true;
	h = hist_new(p, &o, err, sizeof(err));
	tt = hist_thread_times(h);
	CHECK_EQ_U(tt[0].cpu_ns, 900, "thread 100: its kept weight");
	CHECK(tt[0].class_ns[CLASS_PYTHON] == 700 && tt[0].class_ns[CLASS_KERNEL] == 200,
	      "thread 100: python 70 + kernel 20 samples (x10)");
	CHECK(tt[1].cpu_ns == 100 && tt[1].class_ns[CLASS_NATIVE] == 100, "thread 101: native");
	CHECK(hist_wall(h)->cpu_ns == 1000 && hist_wall(h)->nthreads == 2 && !hist_wall(h)->has_off_cpu,
	      "the sum over threads");
	CHECK_EQ_STR(hist_wall_line(h, buf, sizeof(buf)), "", "no off-CPU data: no wall split");
	CHECK_EQ_STR(hist_duration_line(h, buf, sizeof(buf)), "Duration unknown",
		     "no duration in the file");
	hist_thread_order(h, HIST_THREADS_BY_TIME, ord);
	CHECK(ord[0] == 0 && ord[1] == 1, "by time: the heaviest first");
	hist_thread_order(h, HIST_THREADS_BY_COMM, ord);
	CHECK(ord[0] == 0 && ord[1] == 1 && !strcmp(hist_thread_order_name(HIST_THREADS_BY_COMM), "comm"),
	      "by comm: python3 before worker");
	CHECK(hist_metric_has_class(h, CLASS_PYTHON), "the cpu metric shows the on-CPU classes");
	hist_free(h);
	report_filter_add_tids(&o.filter, "101", err, sizeof(err));
	h = hist_new(p, &o, err, sizeof(err));
	tt = hist_thread_times(h);
	CHECK(tt[0].cpu_ns == 0 && tt[1].cpu_ns == 100, "filters apply: thread 100 has none kept");
	hist_thread_order(h, HIST_THREADS_BY_TIME, ord);
	CHECK(ord[0] == 1 && ord[1] == 0, "by time under the filter: 101 first");
	CHECK_EQ_U(hist_thread_metric_ns(h, 1), 100, "metric time: cpu");
	hist_free(h);
	report_opts_free(&o);
}

static size_t find_row(const struct hist *h, const char *symtext)
{
	char buf[256];
	for (size_t i = 0; i < hist_nrows(h); i++)
		if (!strcmp(hist_cell(h, i, HCOL_SYM, buf, sizeof(buf)), symtext))
			return i;
	return (size_t)-1;
}

int main(void)
{
	struct profile *p = make_profile();
	const struct profile_info *in = profile_info(p);
	struct report_opts o;
	struct hist *h;
	char buf[512], err[256];
	size_t r;

	/* ---- load ---- */
	CHECK_EQ_U(in->nsamples, 100, "100 samples");
	CHECK_EQ_U(in->total_weight, 1000, "weights summed");
	CHECK_EQ_U(in->truncated, 20, "truncated count from the file");
	CHECK(in->has_callchains, "call chains detected");
	CHECK_EQ_STR(in->event, "cpu-clock", "event name");
	CHECK_EQ_U(profile_nthreads(p), 2, "two threads");
	CHECK_EQ_U(profile_thread_samples(p, 0), 90, "thread 100 samples");
	CHECK_EQ_U(profile_thread_weight(p, 1), 100, "thread 101 weight");
	{
		uint64_t w, n;
		profile_pid_totals(p, 100, &w, &n);
		CHECK_EQ_U(n, 100, "process 100 samples");
		profile_pid_totals(p, 7, &w, &n);
		CHECK_EQ_U(w, 0, "unknown process");
	}

	/* ---- classification, with kinds recomputed from name/DSO ---- */
	CHECK_EQ_U(profile_classify_frame("py::f:/a.py", NULL), FRAME_PYTHON, "py:: is python");
	CHECK_EQ_U(profile_classify_frame("x", "/usr/lib/libpython3.12.so.1.0"), FRAME_INTERPRETER,
		   "libpython is interpreter");
	CHECK_EQ_U(profile_classify_frame("x", "[kernel.kallsyms]"), FRAME_KERNEL, "kernel");
	CHECK_EQ_U(profile_classify_frame("[unknown]", NULL), FRAME_UNKNOWN, "unknown");
	CHECK_EQ_U(profile_classify_frame("f", "/usr/lib/libm.so.6"), FRAME_NATIVE, "native");
	/* one rule with the recorder (pdata_dso_is_interpreter) */
	CHECK_EQ_U(profile_classify_frame("f", "/usr/bin/python3.12"), FRAME_INTERPRETER,
		   "python3.12 is interpreter");
	CHECK_EQ_U(profile_classify_frame("f", "python"), FRAME_INTERPRETER, "bare python");
	CHECK_EQ_U(profile_classify_frame("f", "/opt/lib/pythonista.so"), FRAME_NATIVE,
		   "pythonista.so is a native library, not the interpreter");
	CHECK_EQ_U(profile_classify_frame("f", "/opt/libpythonize.so"), FRAME_NATIVE,
		   "libpythonize.so is native");

	report_opts_init(&o);
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(h != NULL, "default query");
	{
		const struct profile_classes *c = hist_classes(h);
		CHECK_EQ_U(c->weight[CLASS_PYTHON], 700, "python: the bytecode, PyNumber_Add folded in");
		CHECK_EQ_U(c->weight[CLASS_KERNEL], 200, "kernel leaves");
		CHECK_EQ_U(c->weight[CLASS_NATIVE], 100, "native: libc without Python");
		CHECK_EQ_U(c->weight[CLASS_INTERPRETER], 0, "no interpreter-only stack");
		CHECK_EQ_U(c->samples[CLASS_PYTHON], 70, "python samples");
		CHECK_EQ_STR(hist_sym_name(h, c->top_native[0].sym), "worker_loop", "top native entry");
		CHECK_EQ_U(c->top_native[1].sym, PROFILE_NONE, "one native entry");
		CHECK_EQ_U(profile_classes_biggest(c), CLASS_PYTHON, "biggest class");
		hist_classes_line(h, buf, sizeof(buf));
		CHECK_EQ_STR(buf, "python 70.00%, native 10.00% (top: worker_loop 10.00%), memory 0.00%, kernel 20.00%, interpreter 0.00%, unknown 0.00%",
			     "classes line");
		hist_classes_advice(h, buf, sizeof(buf));
		CHECK(!strncmp(buf, "python: CPU-bound Python", 24), "advice of the biggest class");
	}

	/* ---- rows, columns, cells ---- */
	CHECK(hist_has_children(h), "children on by default with stacks");
	{
		enum hist_col cols[HCOL_COUNT];
		size_t nc = hist_columns(h, cols);
		CHECK(nc == 5 && cols[0] == HCOL_CHILDREN && cols[1] == HCOL_SELF && cols[2] == HCOL_COMM &&
		      cols[3] == HCOL_DSO && cols[4] == HCOL_SYM, "columns Children Self comm dso sym");
		CHECK_EQ_STR(hist_col_title(h, HCOL_DSO), "Shared Object", "dso title");
	}
	r = find_row(h, "[.] py::slow:/app/x.py");
	CHECK(r != (size_t)-1, "py:: name unchanged in the normal view");
	if (r != (size_t)-1) {
		CHECK_EQ_STR(hist_cell(h, r, HCOL_CHILDREN, buf, sizeof(buf)), "70.00%", "slow children");
		CHECK_EQ_STR(hist_cell(h, r, HCOL_SELF, buf, sizeof(buf)), "20.00%", "slow self");
		CHECK_EQ_STR(hist_cell(h, r, HCOL_COMM, buf, sizeof(buf)), "python3", "comm cell");
	}
	r = find_row(h, "[k] clear_page");
	CHECK(r != (size_t)-1, "kernel marker [k]");
	CHECK_EQ_U(hist_col_width(h, HCOL_DSO), strlen("[kernel.kallsyms]"), "dso width");
	/* heaviest first: py::main and _start (90% each, ties by dso name:
	 * "[python]" < "python3.12"), then the eval loop (90%, self 0) */
	CHECK_EQ_STR(hist_cell(h, 0, HCOL_SYM, buf, sizeof(buf)), "[.] py::main:/app/x.py", "sorted by children");
	CHECK_EQ_STR(hist_cell(h, 1, HCOL_SYM, buf, sizeof(buf)), "[.] _PyEval_EvalFrameDefault", "ties by key");
	CHECK_EQ_U(hist_row(h, hist_nrows(h) - 1)->children, 100, "lightest last");
	CHECK_EQ_U(hist_search(h, "MEMCPY", 0, 1), find_row(h, "[.] memcpy"), "search is case-insensitive");
	CHECK_EQ_U(hist_search(h, "nosuch", 0, 1), HIST_NONE, "search miss");

	/* ---- call graph of py::main, callee order, lazily expanded ---- */
	r = find_row(h, "[.] py::main:/app/x.py");
	{
		struct callgraph *g = callgraph_new(h, r);
		const uint32_t *ids;
		size_t n;
		CHECK(g != NULL, "graph for main");
		n = callgraph_children(g, callgraph_root(g), &ids);
		CHECK(n == 1 && !strcmp(callgraph_name(g, ids[0]), "py::main:/app/x.py"), "root -> main");
		n = callgraph_children(g, ids[0], &ids);
		CHECK(n == 1 && !strcmp(callgraph_name(g, ids[0]), "_PyEval_EvalFrameDefault"), "main -> eval");
		n = callgraph_children(g, ids[0], &ids);
		CHECK_EQ_U(n, 2, "eval calls slow and np_dot");
		if (n == 2) {
			CHECK_EQ_STR(callgraph_name(g, ids[0]), "py::slow:/app/x.py", "heaviest first");
			CHECK(callgraph_percent(g, ids[0]) > 69.99 && callgraph_percent(g, ids[0]) < 70.01, "70%% of total");
			CHECK_EQ_U(callgraph_node(g, ids[1])->weight, 200, "np_dot weight");
		}
		callgraph_free(g);
	}
	hist_free(h);

	/* ---- re-query: python view, no children, inverted ---- */
	o.python = true;
	o.children = CHILDREN_OFF;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(!hist_has_children(h), "--no-children");
	CHECK_EQ_STR(hist_col_title(h, HCOL_SELF), "Overhead", "Overhead title");
	r = find_row(h, "[.] slow (x.py)");
	CHECK(r != (size_t)-1 && hist_row(h, r)->self == 700,
	      "Self of slow: its own bytecode, the eval loop and PyNumber_Add folded in");
	CHECK(find_row(h, "[.] [interpreter]") == (size_t)-1, "no [interpreter] under Python frames");
	CHECK(find_row(h, "[.] _PyEval_EvalFrameDefault") == (size_t)-1, "eval frames folded");
	CHECK(find_row(h, "[.] PyNumber_Add") == (size_t)-1, "bytecode helpers folded");
	{
		struct callgraph *g = callgraph_new(h, r);
		const uint32_t *ids;
		size_t n = callgraph_children(g, callgraph_root(g), &ids);
		CHECK(callgraph_inverted(g), "self entries show callers");
		n = n ? callgraph_children(g, ids[0], &ids) : 0;
		CHECK(n == 1 && !strcmp(callgraph_name(g, ids[0]), "main (x.py)"), "slow called by main (interpreter folded)");
		n = n ? callgraph_children(g, ids[0], &ids) : 1;
		CHECK_EQ_U(n, 0, "outer interpreter frames (_start) fold away too");
		callgraph_free(g);
	}
	hist_free(h);

	/* ---- hierarchy: pre-order with parent/end ---- */
	report_opts_free(&o);
	report_opts_init(&o);
	o.hierarchy = true;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(hist_nrows(h) > 0 && hist_row(h, 0)->depth == 0, "hierarchy root");
	{
		int ok = 1;
		for (size_t i = 0; i < hist_nrows(h); i++) {
			const struct hist_row *x = hist_row(h, i);
			if (x->end <= i || x->end > hist_nrows(h))
				ok = 0;
			if (x->depth && (x->parent >= i || hist_row(h, x->parent)->depth + 1 != x->depth))
				ok = 0;
		}
		CHECK(ok, "parent and end links consistent");
		CHECK_EQ_U(hist_row(h, 0)->self, 900, "python3 comm level = 90%%");
		/* worker, libc.so.6, worker_loop close the list */
		CHECK_EQ_U(hist_row(h, 0)->end, hist_nrows(h) - 3, "python3 subtree ends before worker");
	}
	hist_free(h);

	/* ---- filters and zoom ---- */
	report_opts_free(&o);
	report_opts_init(&o);
	report_filter_zoom_thread(&o.filter, 101);
	h = hist_new(p, &o, err, sizeof(err));
	CHECK_EQ_U(hist_kept_samples(h), 10, "zoom to thread 101");
	CHECK_EQ_STR(hist_title(h, buf, sizeof(buf)),
		     "Samples: 100 of event 'cpu-clock' (999 Hz), Event count (approx.): 1000, kept 10 (10.00%)",
		     "title line");
	CHECK_EQ_STR(hist_cell(h, 0, HCOL_CHILDREN, buf, sizeof(buf)), "100.00%", "relative percentages");
	hist_free(h);
	o.percentage = PERCENT_ABSOLUTE;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK_EQ_STR(hist_cell(h, 0, HCOL_CHILDREN, buf, sizeof(buf)), "10.00%", "absolute percentages");
	hist_free(h);
	report_filter_zoom_thread(&o.filter, 0);
	report_filter_zoom_dso(&o.filter, "_multiarray.so");
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(hist_nrows(h) == 1 && hist_kept_samples(h) == 20, "zoom to DSO keeps its entries");
	hist_free(h);
	report_filter_zoom_dso(&o.filter, NULL);
	CHECK(report_filter_set_symbol(&o.filter, "^slow$|(", err, sizeof(err)) < 0, "bad regex rejected");
	CHECK(report_filter_set_symbol(&o.filter, "slow", err, sizeof(err)) == 0, "plain word");
	h = hist_new(p, &o, err, sizeof(err));
	CHECK_EQ_U(hist_kept_samples(h), 70, "symbol filter: any frame of the stack");
	hist_free(h);
	CHECK(!report_filter_active(&(struct report_filter){ 0 }), "no filter");

	/* ---- literal symbol filter: no character is special ---- */
	report_filter_set_symbol_literal(&o.filter, "a.p");
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(h && hist_kept_samples(h) == 0, "literal 'a.p': '.' is not a wildcard");
	hist_free(h);
	report_filter_set_symbol(&o.filter, "a.p", err, sizeof(err));
	h = hist_new(p, &o, err, sizeof(err));
	CHECK_EQ_U(hist_kept_samples(h), 90, "regex 'a.p' matches /app/");
	hist_free(h);
	CHECK(report_filter_set_symbol(&o.filter, "(x.py", err, sizeof(err)) < 0, "'(x.py' is a bad regex");
	report_filter_set_symbol_literal(&o.filter, "(x.py");
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(h && hist_kept_samples(h) == 90, "but a fine literal (display names 'main (x.py)')");
	hist_free(h);
	report_filter_set_symbol_literal(&o.filter, "main:/app/x.py");
	{
		struct report_opts copy;
		report_opts_copy(&copy, &o);
		CHECK(copy.filter.symbol_literal, "copy keeps the literal flag");
		h = hist_new(p, &copy, err, sizeof(err));
		CHECK_EQ_U(hist_kept_samples(h), 90, "literal substring of py::main");
		hist_free(h);
		report_opts_free(&copy);
	}
	report_filter_set_symbol_literal(&o.filter, "");
	CHECK(!o.filter.symbol && !o.filter.symbol_literal, "empty literal clears the filter");

	/* ---- order by self, Children column kept ---- */
	o.order = ORDER_SELF;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(hist_has_children(h), "order by self keeps the Children column");
	CHECK_EQ_STR(hist_cell(h, 0, HCOL_SYM, buf, sizeof(buf)), "[.] PyNumber_Add", "heaviest self first");
	CHECK_EQ_STR(hist_cell(h, 1, HCOL_SYM, buf, sizeof(buf)), "[.] py::slow:/app/x.py",
		     "self ties by children (slow 70%% before clear_page 20%%)");
	CHECK_EQ_STR(hist_cell(h, 2, HCOL_SYM, buf, sizeof(buf)), "[k] clear_page", "then clear_page");
	CHECK_EQ_U(hist_row(h, hist_nrows(h) - 1)->self, 0, "self 0 last");
	hist_free(h);
	o.order = ORDER_WEIGHT;

	/* ---- exact "has a graph" flag (the rule of --stdio) ---- */
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(hist_row_has_graph(h, find_row(h, "[.] py::main:/app/x.py")), "main calls: graph");
	CHECK(!hist_row_has_graph(h, find_row(h, "[.] PyNumber_Add")), "a leaf calls nothing: no graph");
	CHECK(!hist_row_has_graph(h, find_row(h, "[.] worker_loop")), "a lone frame: no graph");
	CHECK(!hist_row_has_graph(h, hist_nrows(h)), "bad row: no graph");
	{
		struct callgraph *g = callgraph_new(h, find_row(h, "[.] PyNumber_Add"));
		CHECK(g && !callgraph_has_lines(g), "callgraph_has_lines agrees");
		callgraph_free(g);
	}
	hist_free(h);
	o.inverted = true;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(hist_row_has_graph(h, find_row(h, "[.] PyNumber_Add")), "inverted: the leaf has callers");
	CHECK(!hist_row_has_graph(h, find_row(h, "[.] worker_loop")), "inverted: an outermost frame has none");
	hist_free(h);
	o.inverted = false;
	o.percent_limit = 95;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(!hist_row_has_graph(h, find_row(h, "[.] py::main:/app/x.py")), "all under the limit: no graph");
	hist_free(h);
	o.percent_limit = 0.5;

	/* ---- row -> its heaviest thread, under any keys ---- */
	h = hist_new(p, &o, err, sizeof(err));
	CHECK_EQ_U(profile_thread_tid(p, hist_row_thread(h, find_row(h, "[.] worker_loop"))), 101,
		   "comm,dso,sym: worker_loop -> thread 101");
	CHECK_EQ_U(hist_row_thread(h, hist_nrows(h)), PROFILE_NONE, "bad row");
	hist_free(h);
	report_opts_set_sort(&o, "dso", err, sizeof(err));
	h = hist_new(p, &o, err, sizeof(err));
	for (r = 0; r < hist_nrows(h) && strcmp(hist_cell(h, r, HCOL_DSO, buf, sizeof(buf)), "libc.so.6"); r++)
		;
	CHECK_EQ_U(profile_thread_tid(p, hist_row_thread(h, r)), 100,
		   "dso libc.so.6: memcpy of 100 (200) outweighs worker_loop of 101 (100)");
	hist_free(h);
	o.children = CHILDREN_OFF;
	h = hist_new(p, &o, err, sizeof(err));
	for (r = 0; r < hist_nrows(h) && strcmp(hist_cell(h, r, HCOL_DSO, buf, sizeof(buf)), "libc.so.6"); r++)
		;
	CHECK_EQ_U(profile_thread_tid(p, hist_row_thread(h, r)), 101,
		   "without children: libc.so.6's self weight is all thread 101's");
	hist_free(h);
	o.children = CHILDREN_AUTO;
	report_opts_set_sort(&o, "comm,dso,sym", err, sizeof(err));
	o.hierarchy = true;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK_EQ_U(profile_thread_tid(p, hist_row_thread(h, 0)), 100, "hierarchy: python3 level -> 100");
	hist_free(h);
	o.hierarchy = false;

	/* ---- option parsing ---- */
	CHECK(report_opts_set_sort(&o, "sym,comm", err, sizeof(err)) == 0 && o.nkeys == 2 &&
	      o.keys[0] == SORT_SYM, "sort list");
	CHECK(report_opts_set_sort(&o, "sym,bogus", err, sizeof(err)) < 0 && o.nkeys == 2,
	      "bad sort list leaves keys unchanged");
	CHECK(report_filter_add_pids(&o.filter, "1,2,x", err, sizeof(err)) < 0 && o.filter.npids == 0,
	      "bad pid list leaves the filter unchanged");
	CHECK(report_filter_add_comms(&o.filter, "a,b", err, sizeof(err)) == 0 && o.filter.ncomms == 2,
	      "comm list");
	{
		struct report_opts copy;
		report_opts_copy(&copy, &o);
		CHECK(copy.filter.comms != o.filter.comms && !strcmp(copy.filter.comms[1], "b"), "deep copy");
		report_opts_free(&copy);
	}
	report_opts_free(&o);
	check_thread_times(p);
	profile_free(p);
	check_unknown_stays_user();
	return tap_done();
}
