/* flame: the flame graph of a hist query (tree, search, layout). */
#include "pytop/model/flame.h"

#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"
#include "hist_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tree is built lazily: a node's children are made when first asked
 * for (flame_children, which the layout calls only for drawn blocks), so
 * opening a flame graph costs one pass over the kept stacks, not one per
 * node of the tree.
 *
 * Callees: a flame node is a view node (the view is a prefix tree in
 * depth-first pre-order, subtree [n, end[n])), and its weight is a range
 * sum over the kept stacks sorted by leaf.  Callers: a flame node holds
 * its "positions", the view node of its frame in each stack through it;
 * its children group the positions' parents by symbol. */

struct kept {
	uint32_t leaf;   /* view node */
	uint64_t w, s;   /* prefix sums up to and including this record */
};

struct pos {
	uint32_t vnode;
	uint64_t w, s;
};

struct flame {
	const struct hist *h;
	const struct view *v;
	bool callers;
	struct flame_node *nodes;
	size_t n, cap;
	uint32_t *ref;             /* callees: view node; callers: first position */
	uint32_t *npos;            /* callers: positions; callees: end of the kept range */
	uint32_t *klo;             /* callees: first kept record of the subtree */
	uint32_t *kid_start, *nkids; /* children in kids, once expanded */
	uint8_t *expanded;
	uint32_t *kids;
	size_t nkid, kidcap;
	struct kept *kept;         /* kept stacks merged by leaf, sorted by leaf */
	size_t nkept;
	struct pos *pos;           /* callers: positions of every made node */
	size_t npos_used, poscap;
	uint32_t *symcount;        /* callers: grouping scratch, zero between uses */
	uint8_t *symm;             /* per symbol: matches the last search (or NULL) */
	uint32_t max_depth;
};

static uint32_t add_node(struct flame *f, uint32_t parent, uint32_t sym, uint32_t ref,
			 uint64_t total, uint64_t samples)
{
	size_t cap = f->cap;
	struct flame_node *nd;
	xgrow(&f->nodes, &f->cap, f->n + 1, sizeof(*f->nodes));
	if (f->cap != cap) {
		f->ref = xrealloc(f->ref, f->cap, sizeof(*f->ref));
		f->npos = xrealloc(f->npos, f->cap, sizeof(*f->npos));
		f->klo = xrealloc(f->klo, f->cap, sizeof(*f->klo));
		f->kid_start = xrealloc(f->kid_start, f->cap, sizeof(*f->kid_start));
		f->nkids = xrealloc(f->nkids, f->cap, sizeof(*f->nkids));
		f->expanded = xrealloc(f->expanded, f->cap, 1);
	}
	nd = &f->nodes[f->n];
	nd->sym = sym;
	nd->parent = parent;
	nd->depth = parent == FLAME_NONE ? 0 : f->nodes[parent].depth + 1;
	nd->total = total;
	nd->total_samples = samples;
	nd->self = nd->self_samples = 0;
	f->ref[f->n] = ref;
	f->npos[f->n] = 0;
	f->klo[f->n] = 0;
	f->kid_start[f->n] = f->nkids[f->n] = 0;
	f->expanded[f->n] = 0;
	return (uint32_t)f->n++;
}

/* Index of the first kept record in [lo, hi) with leaf >= n (hi if none):
 * galloping from lo, so finding a node's children one after the other
 * costs the log of the distances, not of the whole array. */
static size_t kept_lower(const struct flame *f, size_t lo, size_t hi, uint32_t n)
{
	size_t step = 1, a = lo, b;
	while (a + step < hi && f->kept[a + step].leaf < n) {
		a += step;
		step *= 2;
	}
	b = a + step < hi ? a + step + 1 : hi;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (f->kept[mid].leaf < n)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

/* Kept weight and samples of records [i, j). */
static void kept_sum(const struct flame *f, size_t i, size_t j, uint64_t *w, uint64_t *s)
{
	*w = (j ? f->kept[j - 1].w : 0) - (i ? f->kept[i - 1].w : 0);
	*s = (j ? f->kept[j - 1].s : 0) - (i ? f->kept[i - 1].s : 0);
}

/* The kept stacks by leaf, threads merged, with prefix sums: the view's
 * records are sorted by leaf, so marking the kept ones and reading them in
 * order needs no sort. */
static void collect_kept(struct flame *f)
{
	const struct hist *h = f->h;
	const struct view *v = f->v;
	size_t ns = hist_nstacks(h), n = 0;
	uint8_t *mark = xcalloc(v->nrecs ? v->nrecs : 1, 1);
	struct kept *k = xmalloc(ns ? ns : 1, sizeof(*k));
	uint64_t w = 0, s = 0;

	for (size_t i = 0; i < ns; i++)
		mark[h->order[i]] = 1;
	for (size_t i = 0; i < v->nrecs; i++) {
		const struct rec *r = &v->recs[i];
		if (!mark[i])
			continue;
		w += r->weight;
		s += r->samples;
		if (n && k[n - 1].leaf == r->leaf) {
			k[n - 1].w = w;
			k[n - 1].s = s;
			continue;
		}
		/* sorted by leaf (view_finish); a stray order would only
		 * make range sums wrong, never read out of bounds */
		k[n].leaf = r->leaf;
		k[n].w = w;
		k[n].s = s;
		n++;
		if (v->depth[r->leaf] > f->max_depth)
			f->max_depth = v->depth[r->leaf];
	}
	free(mark);
	f->kept = k;
	f->nkept = n;
}

struct flame *flame_new(const struct hist *h)
{
	struct flame *f = xcalloc(1, sizeof(*f));
	uint64_t w = 0, s = 0;

	f->h = h;
	f->v = h->v;
	f->callers = hist_opts(h)->inverted;
	collect_kept(f);
	if (f->nkept) {
		w = f->kept[f->nkept - 1].w;
		s = f->kept[f->nkept - 1].s;
	}
	add_node(f, FLAME_NONE, PROFILE_NONE, FLAME_NONE, w, s);
	f->klo[0] = 0;
	f->npos[0] = (uint32_t)f->nkept;
	if (f->callers) {
		/* the root's positions: one per kept leaf */
		f->pos = xmalloc(f->nkept ? f->nkept : 1, sizeof(*f->pos));
		f->poscap = f->nkept ? f->nkept : 1;
		for (size_t i = 0; i < f->nkept; i++) {
			f->pos[i].vnode = f->kept[i].leaf;
			f->pos[i].w = f->kept[i].w - (i ? f->kept[i - 1].w : 0);
			f->pos[i].s = f->kept[i].s - (i ? f->kept[i - 1].s : 0);
		}
		f->npos_used = f->nkept;
		f->ref[0] = 0;
		f->npos[0] = (uint32_t)f->nkept;
		f->symcount = xcalloc(profile_nsyms(hist_profile(h)) + 1, sizeof(uint32_t));
	}
	return f;
}

/* ---- expansion ---- */

static void add_kid(struct flame *f, uint32_t id)
{
	xgrow(&f->kids, &f->kidcap, f->nkid + 1, sizeof(*f->kids));
	f->kids[f->nkid++] = id;
}

static void expand_callees(struct flame *f, uint32_t n)
{
	const struct view *v = f->v;
	const uint32_t *cstart, *vk = view_children(v, &cstart);
	uint32_t vn = n ? f->ref[n] : (uint32_t)v->nnodes; /* the virtual root */
	size_t hi = f->npos[n], at = f->klo[n];
	uint64_t w, s;

	/* the view is in pre-order: the children's subtrees tile the node's
	 * kept range left to right, so each boundary is searched once */
	f->kid_start[n] = (uint32_t)f->nkid;
	for (uint32_t i = cstart[vn]; i < cstart[vn + 1]; i++) {
		uint32_t c = vk[i], id;
		size_t lo = kept_lower(f, at, hi, c), end = kept_lower(f, lo, hi, v->end[c]);
		at = end;
		if (lo == end)
			continue;
		kept_sum(f, lo, end, &w, &s);
		id = add_node(f, n, v->sym[c], c, w, s);
		f->klo[id] = (uint32_t)lo;
		f->npos[id] = (uint32_t)end;
		kept_sum(f, lo, kept_lower(f, lo, end, c + 1), &f->nodes[id].self,
			 &f->nodes[id].self_samples);
		add_kid(f, id);
	}
	f->nkids[n] = (uint32_t)(f->nkid - f->kid_start[n]);
}

/* Callers: the positions' next frames outwards (the root: the leaves
 * themselves), grouped by symbol with a counting sort. */
static void expand_callers(struct flame *f, uint32_t n)
{
	const struct view *v = f->v;
	size_t first = f->ref[n], cnt = f->npos[n], base, ngroups = 0;
	uint32_t *syms = NULL, *at;
	size_t symcap = 0;

	f->kid_start[n] = (uint32_t)f->nkid;
	/* count per symbol; the order of first appearance names the groups */
	for (size_t i = 0; i < cnt; i++) {
		uint32_t vn = f->pos[first + i].vnode, up = n ? v->parent[vn] : vn, sym;
		if (up == PROFILE_NONE)
			continue;
		sym = v->sym[up];
		if (!f->symcount[sym]++) {
			xgrow(&syms, &symcap, ngroups + 1, sizeof(*syms));
			syms[ngroups++] = sym;
		}
	}
	base = f->npos_used;
	at = xmalloc(ngroups ? ngroups : 1, sizeof(*at));
	for (size_t g = 0, off = base; g < ngroups; g++) {
		uint32_t c = f->symcount[syms[g]];
		at[g] = (uint32_t)off;
		f->symcount[syms[g]] = (uint32_t)g; /* now: the group of the symbol */
		off += c;
	}
	xgrow(&f->pos, &f->poscap, base + cnt, sizeof(*f->pos));
	for (size_t g = 0; g < ngroups; g++) {
		uint32_t start = at[g];
		uint32_t id = add_node(f, n, syms[g], start, 0, 0);
		add_kid(f, id);
	}
	for (size_t i = 0; i < cnt; i++) {
		struct pos p = f->pos[first + i];
		uint32_t up = n ? v->parent[p.vnode] : p.vnode, g, id;
		struct flame_node *c;
		if (up == PROFILE_NONE)
			continue;
		g = f->symcount[v->sym[up]];
		id = f->kids[f->kid_start[n] + g];
		c = &f->nodes[id];
		f->pos[at[g]++] = (struct pos){ up, p.w, p.s };
		f->npos[id]++;
		c->total += p.w;
		c->total_samples += p.s;
		if (v->parent[up] == PROFILE_NONE) {
			c->self += p.w;
			c->self_samples += p.s;
		}
	}
	f->npos_used = base + cnt;
	for (size_t g = 0; g < ngroups; g++)
		f->symcount[syms[g]] = 0;
	f->nkids[n] = (uint32_t)ngroups;
	free(at);
	free(syms);
}

void flame_free(struct flame *f)
{
	if (!f)
		return;
	free(f->nodes);
	free(f->ref);
	free(f->npos);
	free(f->klo);
	free(f->kid_start);
	free(f->nkids);
	free(f->expanded);
	free(f->kids);
	free(f->kept);
	free(f->pos);
	free(f->symcount);
	free(f->symm);
	free(f);
}

const struct hist *flame_hist(const struct flame *f)
{
	return f->h;
}

size_t flame_nnodes(const struct flame *f)
{
	return f->n;
}

const struct flame_node *flame_node(const struct flame *f, uint32_t n)
{
	return &f->nodes[n];
}

uint32_t flame_max_depth(const struct flame *f)
{
	return f->max_depth;
}

const char *flame_name(const struct flame *f, uint32_t n)
{
	return n == 0 ? "all" : hist_sym_name(f->h, f->nodes[n].sym);
}

const char *flame_where(const struct flame *f, uint32_t n, char *buf, size_t len)
{
	const struct profile *p = hist_profile(f->h);
	uint32_t sym = f->nodes[n].sym;
	const char *vn, *open;

	buf[0] = '\0';
	if (n == 0 || sym == PROFILE_NONE)
		return buf;
	if (profile_sym_kind(p, sym) == FRAME_PYTHON) {
		/* "qualname (/full/path/file.py)" */
		vn = profile_sym_name(p, sym, PNAME_VERBOSE);
		open = strrchr(vn, '(');
		if (open && vn[strlen(vn) - 1] == ')') {
			snprintf(buf, len, "%.*s", (int)(strlen(open) - 2), open + 1);
			return buf;
		}
	}
	if (profile_sym_dso(p, sym) != PROFILE_NONE)
		snprintf(buf, len, "%s", profile_dso_name(p, profile_sym_dso(p, sym), true));
	return buf;
}

enum profile_class flame_node_class(const struct flame *f, uint32_t n)
{
	if (n == 0)
		return CLASS_UNKNOWN;
	/* callers: any stack's frame at this node has the node's symbol; the
	 * first one's place in its view decides */
	return hist_node_class(f->h, f->callers ? f->pos[f->ref[n]].vnode : f->ref[n]);
}

static int child_cmp(const void *a, const void *b, void *arg)
{
	const struct flame *f = arg;
	uint32_t x = f->nodes[*(const uint32_t *)a].sym, y = f->nodes[*(const uint32_t *)b].sym;
	int c = x == y ? 0 : strcmp(hist_sym_name(f->h, x), hist_sym_name(f->h, y));
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

size_t flame_children(const struct flame *f, uint32_t n, const uint32_t **out)
{
	struct flame *mf = (struct flame *)f; /* cache fill: children made on first use */

	if (!f->expanded[n]) {
		if (f->callers)
			expand_callers(mf, n);
		else
			expand_callees(mf, n);
		if (f->nkids[n] > 1)
			qsort_r(mf->kids + f->kid_start[n], f->nkids[n], sizeof(uint32_t), child_cmp, mf);
		mf->expanded[n] = 1;
	}
	*out = f->kids + f->kid_start[n];
	return f->nkids[n];
}

/* ---- search ---- */

uint64_t flame_search(struct flame *f, const char *needle)
{
	const struct profile *p = hist_profile(f->h);
	const struct view *v = f->v;
	size_t nsyms = profile_nsyms(p);
	uint8_t *covered;
	uint64_t sum = 0;

	free(f->symm);
	f->symm = NULL;
	if (!needle || !*needle)
		return 0;
	f->symm = xcalloc(nsyms ? nsyms : 1, 1);
	for (size_t k = 0; k < nsyms; k++)
		f->symm[k] = strcasestr(hist_sym_name(f->h, (uint32_t)k), needle) != NULL;
	/* a stack counts once: its leaf is covered by some matching frame
	 * (parents come before children in the view) */
	covered = xmalloc(v->nnodes ? v->nnodes : 1, 1);
	for (size_t n = 0; n < v->nnodes; n++)
		covered[n] = f->symm[v->sym[n]] ||
			     (v->parent[n] != PROFILE_NONE && covered[v->parent[n]]);
	for (size_t i = 0; i < f->nkept; i++)
		if (covered[f->kept[i].leaf])
			sum += f->kept[i].w - (i ? f->kept[i - 1].w : 0);
	free(covered);
	return sum;
}

bool flame_matches(const struct flame *f, uint32_t n)
{
	return f->symm && n && n < f->n && f->symm[f->nodes[n].sym];
}

/* ---- layout ---- */

static void push_block(struct flame_layout *l, const struct flame_block *b)
{
	xgrow(&l->blocks, &l->cap, l->nblocks + 1, sizeof(*l->blocks));
	l->blocks[l->nblocks++] = *b;
}

void flame_layout(const struct flame *f, uint32_t zoom, double min_frac, uint32_t max_depth,
		  struct flame_layout *out)
{
	const struct flame_node *z = &f->nodes[zoom];
	struct flame_block b = { .node = zoom, .parent = z->parent, .weight = z->total };
	double limit = min_frac * (double)z->total;
	size_t rcap;

	out->nblocks = 0;
	out->nrows = 0;
	out->base = z->total;
	push_block(out, &b);
	/* breadth first: the blocks come out by depth, then left to right */
	for (size_t i = 0; i < out->nblocks; i++) {
		struct flame_block pb = out->blocks[i];
		struct flame_block mb = { .node = FLAME_NONE, .parent = pb.node, .depth = pb.depth + 1 };
		const uint32_t *kids;
		uint64_t at = pb.start;
		size_t k;

		if (pb.node == FLAME_NONE || pb.depth >= max_depth)
			continue;
		k = flame_children(f, pb.node, &kids);
		for (size_t j = 0; j < k; j++) {
			const struct flame_node *c = &f->nodes[kids[j]];
			if ((double)c->total < limit || !c->total) {
				mb.weight += c->total;
				mb.nmerged++;
				continue;
			}
			b.node = kids[j];
			b.parent = pb.node;
			b.depth = pb.depth + 1;
			b.nmerged = 0;
			b.start = at;
			b.weight = c->total;
			at += c->total;
			push_block(out, &b);
		}
		if (mb.nmerged && mb.weight) {
			mb.start = at;
			push_block(out, &mb);
		}
	}
	rcap = out->nblocks ? out->blocks[out->nblocks - 1].depth + 2 : 1;
	out->row_start = xrealloc(out->row_start, rcap, sizeof(uint32_t));
	for (size_t i = 0; i < out->nblocks; i++)
		while (out->nrows <= out->blocks[i].depth)
			out->row_start[out->nrows++] = (uint32_t)i;
	out->row_start[out->nrows] = (uint32_t)out->nblocks;
}

void flame_layout_free(struct flame_layout *l)
{
	free(l->blocks);
	free(l->row_start);
	memset(l, 0, sizeof(*l));
}

int flame_column(uint64_t pos, uint64_t base, int cols)
{
	if (!base)
		return 0;
	return (int)((double)pos / (double)base * (double)cols + 0.5);
}
