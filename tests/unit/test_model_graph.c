/* test_model_graph: the two ways of building call graphs agree, and so do
 * the two ways of computing histogram rows (per-thread key totals, or
 * walking the stacks of the kept records).  Callee graphs normally expand
 * on the view tree with per-group subtree sums; with callgraph_tree_limit
 * at 0 they are built from per-record paths (first graph of a hist: one
 * pass over the tree; later ones: a record index).
 * On random profiles, every entry's fully expanded graph must be the same
 * tree, with the same weights, either way. */
#include "../../model/hist_int.h"
#include "pytop/model/callgraph.h"
#include "pytop/model/filter.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static struct profile *random_profile(void)
{
	static const char *const names[] = { "main", "a", "b", "c", "py::f:/x.py", "py::g:/x.py", "memcpy" };
	static const char *const dsos[] = { "/bin/p", "/lib/libc.so.6", "/lib/libpython3.12.so", "[kernel.kallsyms]" };
	struct pdata *pd = pdata_new();
	for (int s = 0; s < 120; s++) {
		uint32_t st = PDATA_NONE;
		int depth = 1 + (int)rnd(9);
		uint32_t th = pdata_intern_thread(pd, 1, 1 + rnd(3), rnd(2) ? "one" : "two");
		for (int d = 0; d < depth; d++) {
			struct pdata_frame f = { .mapping = pdata_add_mapping(pd, dsos[rnd(4)], "") };
			f.name = pdata_intern_cstr(pd, names[rnd(7)]);
			st = pdata_intern_stack(pd, st, pdata_intern_frame(pd, &f));
		}
		for (unsigned i = 0, n = 1 + rnd(5); i < n; i++) {
			struct pdata_sample smp = { .weight = 1 + rnd(3), .thread = th, .stack = st };
			pdata_add_sample(pd, &smp);
		}
	}
	return profile_from_pdata(pd);
}

/* Serialise a fully expanded graph: "name weight self (children...)". */
static void dump(struct callgraph *g, uint32_t id, char **buf, size_t *len, size_t *cap)
{
	const uint32_t *ids;
	size_t n = callgraph_children(g, id, &ids);
	const struct cg_node *node = callgraph_node(g, id);
	char line[256];
	uint32_t kids[64];
	int w = snprintf(line, sizeof(line), "%s %llu %llu %u(", callgraph_name(g, id),
			 (unsigned long long)node->weight, (unsigned long long)node->self, node->nhidden);
	if (*len + (size_t)w + 2 > *cap) {
		*cap = (*cap + (size_t)w + 2) * 2;
		*buf = realloc(*buf, *cap);
	}
	memcpy(*buf + *len, line, (size_t)w);
	*len += (size_t)w;
	if (n > 64)
		n = 64;
	memcpy(kids, ids, n * sizeof(*kids));
	for (size_t k = 0; k < n; k++)
		dump(g, kids[k], buf, len, cap);
	if (*len + 2 > *cap) {
		*cap = (*cap + 2) * 2;
		*buf = realloc(*buf, *cap);
	}
	(*buf)[(*len)++] = ')';
	(*buf)[*len] = '\0';
}

static char *graphs(const struct profile *p, const struct report_opts *o)
{
	char err[128], *buf = calloc(1, 1);
	size_t len = 0, cap = 1;
	struct hist *h = hist_new(p, o, err, sizeof(err));
	for (size_t r = 0; r < hist_nrows(h); r++) {
		struct callgraph *g = callgraph_new(h, r);
		if (g) {
			dump(g, callgraph_root(g), &buf, &len, &cap);
			callgraph_free(g);
		}
	}
	hist_free(h);
	return buf;
}

/* Every cell of every row and its heaviest thread, one line per row. */
static char *rows(const struct profile *p, const struct report_opts *o)
{
	char err[128], cell[512], *buf = calloc(1, 1);
	size_t len = 0;
	struct hist *h = hist_new(p, o, err, sizeof(err));
	enum hist_col cols[HCOL_COUNT];
	size_t nc = hist_columns(h, cols);
	for (size_t r = 0; r < hist_nrows(h); r++) {
		for (size_t c = 0; c < nc; c++) {
			const char *t = hist_cell(h, r, cols[c], cell, sizeof(cell));
			const struct hist_row *row = hist_row(h, r);
			char num[64];
			int n = snprintf(num, sizeof(num), " %llu/%llu t%u ", (unsigned long long)row->children_samples,
					 (unsigned long long)row->self_samples, hist_row_thread(h, r));
			buf = realloc(buf, len + strlen(t) + (size_t)n + 2);
			memcpy(buf + len, t, strlen(t));
			len += strlen(t);
			memcpy(buf + len, num, (size_t)n);
			len += (size_t)n;
		}
		buf[len++] = '\n';
	}
	buf[len] = '\0';
	hist_free(h);
	return buf;
}

static void rows_agree(void)
{
	static const char *const sorts[] = { "comm,dso,sym", "sym", "dso", "tid,sym", "pid,dso" };
	for (int round = 0; round < 3; round++) {
		uint64_t seed = rng;
		struct profile *with, *without;
		with = random_profile();
		rng = seed;
		without = random_profile();
		for (size_t s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++) {
			for (int mode = 0, sub = 0; mode < 4; sub = (sub + 1) % 4, mode += !sub) {
				struct report_opts o;
				char *a, *b;
				report_opts_init(&o);
				report_opts_set_sort(&o, sorts[s], NULL, 0);
				o.python = mode & 1;
				if (mode & 2) /* a thread zoom and a filter keeping every stack */
					report_filter_add_tids(&o.filter, "1,3", NULL, 0);
				if (mode == 3) /* matches every frame */
					report_filter_set_symbol(&o.filter, ".", NULL, 0);
				o.children = sub & 1 ? CHILDREN_OFF : CHILDREN_AUTO;
				o.hierarchy = sub & 2;
				/* the totals are built (or not) on a view's first query */
				a = rows(with, &o);
				view_thread_keys_limit = 0;
				hist_use_totals = false;
				b = rows(without, &o);
				view_thread_keys_limit = (uint64_t)8 << 20;
				hist_use_totals = true;
				CHECK(strlen(a) > 10 && !strcmp(a, b),
				      "round %d, --sort %s, mode %d%s%s: rows from thread totals and from stacks agree",
				      round, sorts[s], mode, sub & 1 ? ", no children" : "",
				      sub & 2 ? ", hierarchy" : "");
				free(a);
				free(b);
				report_opts_free(&o);
			}
		}
		profile_free(with);
		profile_free(without);
	}
}

/* The browser's + marks come from the view's per-thread call edges when
 * they can: they must say what expanding the graph says, row by row. */
static void flags_agree(void)
{
	static const char *const sorts[] = { "comm,dso,sym", "sym", "tid,sym", "dso", "comm" };
	for (int round = 0; round < 3; round++) {
		struct profile *p = random_profile();
		for (size_t s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++) {
			for (int mode = 0; mode < 32; mode++) {
				struct report_opts o;
				char err[128];
				struct hist *h;
				size_t bad = 0, yes = 0;
				report_opts_init(&o);
				report_opts_set_sort(&o, sorts[s], NULL, 0);
				o.python = mode & 1;
				o.inverted = mode & 2;
				o.percent_limit = mode & 4 ? 0 : mode & 8 ? 3 : 0.5;
				o.graph = mode & 16 ? GRAPH_ENTRY : GRAPH_TOTAL;
				if (mode % 3 == 1)
					report_filter_add_tids(&o.filter, "1,3", NULL, 0);
				if (mode % 5 == 2)
					report_filter_zoom_dso(&o.filter, "libc.so.6");
				if (mode % 7 == 3)
					report_filter_set_symbol(&o.filter, "a", NULL, 0);
				h = hist_new(p, &o, err, sizeof(err));
				for (size_t r = 0; r < hist_nrows(h); r++) {
					struct callgraph *g = callgraph_new(h, r);
					bool want = g && callgraph_has_lines(g);
					callgraph_free(g);
					yes += want;
					bad += hist_row_has_graph(h, r) != want;
				}
				CHECK(hist_nrows(h) > 0 && !bad,
				      "round %d, --sort %s, mode %d: + marks agree with the graphs (%zu of %zu rows with one, %zu wrong)",
				      round, sorts[s], mode, yes, hist_nrows(h), bad);
				hist_free(h);
				report_opts_free(&o);
			}
		}
		profile_free(p);
	}
}

int main(void)
{
	rows_agree();
	flags_agree();
	static const char *const sorts[] = { "comm,dso,sym", "sym", "dso", "tid,sym", "comm" };
	for (int round = 0; round < 3; round++) {
		struct profile *p = random_profile();
		for (size_t s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++) {
			for (int mode = 0; mode < 3; mode++) {
				struct report_opts o;
				char *tree, *paths;
				report_opts_init(&o);
				report_opts_set_sort(&o, sorts[s], NULL, 0);
				o.percent_limit = mode == 0 ? 0 : 3;
				o.graph = mode == 2 ? GRAPH_ENTRY : GRAPH_TOTAL;
				o.python = mode == 1;
				callgraph_tree_limit = SIZE_MAX;
				tree = graphs(p, &o);
				callgraph_tree_limit = 0;
				paths = graphs(p, &o);
				CHECK(strlen(tree) > 10 && !strcmp(tree, paths),
				      "round %d, --sort %s, mode %d: tree and path graphs agree (%zu bytes)",
				      round, sorts[s], mode, strlen(tree));
				if (strcmp(tree, paths)) {
					size_t i = 0;
					while (tree[i] == paths[i])
						i++;
					i = i > 60 ? i - 60 : 0;
					printf("#   tree:  %.160s\n#   paths: %.160s\n", tree + i, paths + i);
				}
				free(tree);
				free(paths);
				report_opts_free(&o);
			}
		}
		profile_free(p);
	}
	callgraph_tree_limit = SIZE_MAX;
	return tap_done();
}
