/* diff_flame: AFTER's flame graph with per-frame deltas (diff_flame.h).
 * Frames are matched on demand, as the layout makes them: a node's match
 * is found among the children of its parent's match by binary search (the
 * flame orders children by display name), so the cost follows the frames
 * drawn. */
#include "pytop/model/diff_flame.h"

#include "pytop/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define UNSEEN (FLAME_NONE - 1)

struct diff_flame {
	struct flame *f[2];
	uint32_t *match; /* BEFORE node of each AFTER node: FLAME_NONE none, UNSEEN not yet */
	size_t nmatch;
	uint32_t *path; /* scratch: a path of unmatched nodes */
	size_t path_cap;
};

struct diff_flame *diff_flame_new(const struct diff *d)
{
	struct diff_flame *df = xcalloc(1, sizeof(*df));
	df->f[0] = flame_new(diff_hist(d, DIFF_BEFORE));
	df->f[1] = flame_new(diff_hist(d, DIFF_AFTER));
	return df;
}

void diff_flame_free(struct diff_flame *df)
{
	if (!df)
		return;
	flame_free(df->f[0]);
	flame_free(df->f[1]);
	free(df->match);
	free(df->path);
	free(df);
}

const struct flame *diff_flame_after(const struct diff_flame *df)
{
	return df->f[1];
}

static const char *dso_of(const struct flame *f, uint32_t n)
{
	const struct profile *p = hist_profile(flame_hist(f));
	uint32_t sym = flame_node(f, n)->sym;
	uint32_t dso = sym == PROFILE_NONE ? PROFILE_NONE : profile_sym_dso(p, sym);
	return dso == PROFILE_NONE ? "" : profile_dso_name(p, dso, false);
}

/* The child of BEFORE node `parent` that is AFTER node n's frame: the same
 * display name and DSO basename (diff.h's key), or FLAME_NONE. */
static uint32_t find_child(const struct diff_flame *df, uint32_t parent, uint32_t n)
{
	const struct flame *b = df->f[0], *a = df->f[1];
	const char *name = flame_name(a, n), *dso = dso_of(a, n);
	const uint32_t *kids;
	size_t k = flame_children(b, parent, &kids), lo = 0, hi = k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(flame_name(b, kids[mid]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < k && !strcmp(flame_name(b, kids[lo]), name); lo++)
		if (!strcmp(dso_of(b, kids[lo]), dso))
			return kids[lo];
	return FLAME_NONE;
}

static uint32_t match_of(struct diff_flame *df, uint32_t n)
{
	const struct flame *a = df->f[1];
	size_t depth = 0;
	uint32_t x, m;

	if (df->nmatch < flame_nnodes(a)) {
		size_t old = df->nmatch;
		df->match = xrealloc(df->match, flame_nnodes(a), sizeof(*df->match));
		df->nmatch = flame_nnodes(a);
		for (size_t i = old; i < df->nmatch; i++)
			df->match[i] = i ? UNSEEN : 0;
	}
	if (n >= df->nmatch)
		return FLAME_NONE;
	/* up to the nearest ancestor already matched, then down matching each
	 * (iterative: stacks can be deep) */
	for (x = n; df->match[x] == UNSEEN; x = flame_node(a, x)->parent) {
		xgrow(&df->path, &df->path_cap, depth + 1, sizeof(*df->path));
		df->path[depth++] = x;
	}
	m = df->match[x];
	while (depth) {
		x = df->path[--depth];
		m = m == FLAME_NONE ? FLAME_NONE : find_child(df, m, x);
		df->match[x] = m;
	}
	return df->match[n];
}

static double share(const struct flame *f, uint32_t n)
{
	uint64_t base = flame_node(f, 0)->total;
	return base ? 100.0 * (double)flame_node(f, n)->total / (double)base : 0.0;
}

double diff_flame_delta(struct diff_flame *df, uint32_t n)
{
	uint32_t m = match_of(df, n);
	if (n >= flame_nnodes(df->f[1]))
		return 0.0;
	return share(df->f[1], n) - (m == FLAME_NONE ? 0.0 : share(df->f[0], m));
}

bool diff_flame_is_new(struct diff_flame *df, uint32_t n)
{
	return n < flame_nnodes(df->f[1]) && match_of(df, n) == FLAME_NONE;
}
