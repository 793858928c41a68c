/* test_tui_rows: the TUI's row adapter and view state over a real model,
 * without a terminal: entry and call-graph texts, expansion, the filter,
 * the Python view, caller graphs, hierarchy and zoom levels. */
#include "tap.h"

#include "../../tui/rows.h"
#include "../../tui/vstate.h"

#include "pytop/format/pdata.h"
#include "pytop/model/profile.h"

#include <stdlib.h>
#include <string.h>

static uint32_t frame(struct pdata *pd, const char *name, const char *dso)
{
	struct pdata_frame f = { .mapping = PDATA_NONE };
	f.name = pdata_intern_cstr(pd, name);
	if (dso)
		f.mapping = pdata_add_mapping(pd, dso, "");
	f.kind = (uint8_t)profile_classify_frame(name, dso);
	f.addr = 0x1000 + (uint64_t)f.name * 16;
	return pdata_intern_frame(pd, &f);
}

/* "name@dso;name@dso;..." root first, count samples of thread t */
static void add(struct pdata *pd, uint32_t t, int count, const char *stack)
{
	char buf[512], *save = NULL;
	uint32_t st = PDATA_NONE;
	snprintf(buf, sizeof(buf), "%s", stack);
	for (char *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *at = strchr(tok, '@');
		if (at)
			*at++ = '\0';
		st = pdata_intern_stack(pd, st, frame(pd, tok, at));
	}
	for (int i = 0; i < count; i++) {
		struct pdata_sample s = { .time = 1000 + (uint64_t)i, .weight = 1, .thread = t, .stack = st };
		pdata_add_sample(pd, &s);
	}
}

static struct profile *small_profile(void)
{
	struct pdata *pd = pdata_new();
	uint32_t main_t = pdata_intern_thread(pd, 100, 100, "python3");
	uint32_t work_t = pdata_intern_thread(pd, 100, 101, "worker");
	pd->meta.event = pdata_intern_cstr(pd, "cpu-clock");
	pd->meta.freq = 999;
	add(pd, main_t, 40, "main@/usr/bin/python3.12;py::main:/app/app.py;"
		"_PyEval_EvalFrameDefault@/usr/bin/python3.12;py::slow:/app/app.py;"
		"_PyEval_EvalFrameDefault@/usr/bin/python3.12");
	add(pd, main_t, 25, "main@/usr/bin/python3.12;py::main:/app/app.py;"
		"_PyEval_EvalFrameDefault@/usr/bin/python3.12;py::hash:/app/app.py;"
		"hash_bytes@/opt/_speedups.so;memcpy@/usr/lib/libc.so.6");
	add(pd, work_t, 35, "start_thread@/usr/lib/libc.so.6;py::work:/app/w.py;"
		"regex_match@/usr/lib/libc.so.6");
	return profile_from_pdata(pd);
}

/* Text of the i-th line of the window (from the top), "" past the end. */
static const char *line(struct rows *r, struct vstate *vs, size_t i)
{
	static char buf[1024];
	struct vline lines[64];
	struct rows_text rt;
	size_t n = vstate_window(vs, lines, 64);
	if (i >= n)
		return "";
	rows_text(r, lines[i].node, &rt);
	snprintf(buf, sizeof(buf), "%s", rt.text);
	return buf;
}

static size_t count_lines(struct vstate *vs)
{
	struct vline lines[64];
	return vstate_window(vs, lines, 64);
}

static bool window_has(struct rows *r, struct vstate *vs, const char *needle)
{
	for (size_t i = 0; i < count_lines(vs); i++)
		if (strstr(line(r, vs, i), needle))
			return true;
	return false;
}

int main(void)
{
	struct profile *p = small_profile();
	struct rows *r = rows_new(p);
	struct rows_query q;
	struct report_opts o;
	struct vstate vs;
	char err[256];

	report_opts_init(&o);
	rows_query_init(&q, &o);
	report_opts_free(&o);
	CHECK(rows_apply(r, &q, err, sizeof(err)), "default query runs");
	vstate_init(&vs, &rows_tree_ops, r, 40);

	CHECK(strstr(rows_header(r, NULL), "Children") && strstr(rows_header(r, NULL), "Shared Object") &&
		      strstr(rows_header(r, NULL), "Symbol"), "header: %s", rows_header(r, NULL));
	CHECK(strstr(line(r, &vs, 0), "65.00%    40.00%") && strstr(line(r, &vs, 0), "_PyEval_EvalFrameDefault"),
	      "heaviest entry first: %s", line(r, &vs, 0));
	CHECK(vstate_expandable(&vs, vstate_cursor(&vs)), "entries with stacks are expandable");
	{
		size_t before = count_lines(&vs);
		CHECK(vstate_toggle(&vs), "expand the first entry");
		CHECK(count_lines(&vs) > before || count_lines(&vs) == 40, "expansion adds lines");
		CHECK(strstr(line(r, &vs, 1), "65.00%") != NULL, "graph line under it: %s", line(r, &vs, 1));
	}
	vstate_expand_all(&vs);
	CHECK(window_has(r, &vs, "memcpy"), "expand all reaches the leaves");
	vstate_collapse_all(&vs);
	CHECK(!window_has(r, &vs, "% memcpy"), "collapse all hides graph lines");

	/* the '/' filter, literal text */
	CHECK(rows_query_set_filter(&q, "regex_", NULL, 0), "filter set");
	CHECK(rows_apply(r, &q, err, sizeof(err)), "filtered query runs");
	vstate_reset(&vs);
	CHECK(window_has(r, &vs, "regex_match") && !window_has(r, &vs, "py::main"),
	      "filter keeps only matching stacks");
	CHECK(rows_query_set_filter(&q, "", NULL, 0) && rows_apply(r, &q, err, sizeof(err)), "filter cleared");
	vstate_reset(&vs);
	CHECK(window_has(r, &vs, "py::main"), "all entries back");

	/* the Python view */
	q.opts.python = true;
	CHECK(rows_apply(r, &q, err, sizeof(err)), "python view runs");
	vstate_reset(&vs);
	CHECK(!window_has(r, &vs, "[interpreter]") && window_has(r, &vs, "slow (app.py)"),
	      "interpreter frames fold into the Python functions");
	CHECK(!window_has(r, &vs, "_PyEval_EvalFrameDefault"), "no raw interpreter frames");
	q.opts.python = false;

	/* caller graphs: memcpy's caller is hash_bytes */
	q.opts.inverted = true;
	CHECK(rows_query_set_filter(&q, "memcpy", NULL, 0) && rows_apply(r, &q, err, sizeof(err)), "callers");
	vstate_reset(&vs);
	vstate_expand_all(&vs);
	CHECK(window_has(r, &vs, "% hash_bytes"), "caller graph of memcpy shows hash_bytes");
	q.opts.inverted = false;

	/* zoom into memcpy's DSO, then out */
	vstate_reset(&vs);
	CHECK(rows_zoom(r, vstate_cursor(&vs), true, &q, err, sizeof(err)), "zoom into a DSO");
	CHECK(!strcmp(q.zoom_label[0], "dso libc.so.6"), "zoom label: %s", q.zoom_label[0]);
	rows_query_set_filter(&q, "", NULL, 0);
	CHECK(rows_apply(r, &q, err, sizeof(err)), "zoomed query runs");
	vstate_reset(&vs);
	CHECK(window_has(r, &vs, "regex_match") && !window_has(r, &vs, "py::main"),
	      "zoomed: libc entries only");
	CHECK(rows_query_zoom_out(&q) && rows_apply(r, &q, err, sizeof(err)), "zoom out");
	vstate_reset(&vs);
	CHECK(window_has(r, &vs, "py::main"), "zoomed out: everything back");
	CHECK(!rows_query_zoom_out(&q), "no zoom level left");

	/* exact + markers: a leaf entry calls nothing */
	{
		struct vline lines[64];
		struct rows_text rt;
		size_t n = vstate_window(&vs, lines, 64), leaf = 64, caller = 64;
		for (size_t i = 0; i < n; i++) {
			rows_text(r, lines[i].node, &rt);
			if (strstr(rt.text, "[.] memcpy"))
				leaf = i;
			if (strstr(rt.text, "[.] hash_bytes"))
				caller = i;
		}
		CHECK(leaf < n && !vstate_expandable(&vs, lines[leaf].node), "leaf memcpy: not expandable");
		CHECK(caller < n && vstate_expandable(&vs, lines[caller].node), "hash_bytes calls memcpy: expandable");
	}

	/* t from rows keyed by comm,dso,sym: the row's thread */
	CHECK(rows_query_set_filter(&q, "regex_", NULL, 0) && rows_apply(r, &q, err, sizeof(err)), "worker only");
	vstate_reset(&vs);
	CHECK(rows_zoom(r, vstate_cursor(&vs), false, &q, err, sizeof(err)), "zoom into a thread");
	CHECK(!strcmp(q.zoom_label[0], "thread 101"), "zoom label: %s", q.zoom_label[0]);
	CHECK(rows_query_zoom_out(&q) && rows_query_set_filter(&q, "", NULL, 0), "zoom out, filter cleared");

	/* order by self keeps the Children column */
	rows_query_set_order(&q, ROWS_ORDER_SELF);
	CHECK(rows_apply(r, &q, err, sizeof(err)), "self order runs");
	vstate_reset(&vs);
	CHECK(strstr(rows_header(r, NULL), "Children") != NULL, "self order: %s", rows_header(r, NULL));
	CHECK(strstr(line(r, &vs, 0), "[.] _PyEval_EvalFrameDefault") && strstr(line(r, &vs, 1), "35.00%"),
	      "heaviest self first: %s / %s", line(r, &vs, 0), line(r, &vs, 1));
	rows_query_set_order(&q, ROWS_ORDER_CHILDREN);

	/* hierarchy: commands at the top */
	q.opts.hierarchy = true;
	CHECK(rows_apply(r, &q, err, sizeof(err)), "hierarchy runs");
	vstate_reset(&vs);
	CHECK(count_lines(&vs) == 2, "two commands at the top (%zu lines)", count_lines(&vs));
	CHECK(strstr(rows_header(r, NULL), "Command / Shared Object / Symbol") != NULL, "hierarchy header");
	vstate_toggle(&vs);
	CHECK(strstr(line(r, &vs, 1), "python3.12") != NULL, "a command nests its DSOs: %s",
	      line(r, &vs, 1));

	/* a bad sort key is the model's error, the rows stay */
	CHECK(report_opts_set_sort(&q.opts, "bogus", err, sizeof(err)) < 0, "bad key refused");

	vstate_done(&vs);
	rows_free(r);
	rows_query_free(&q);
	profile_free(p);
	return tap_done();
}
