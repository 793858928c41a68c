/* hist: histogram entries for one query (filters, sort keys, children,
 * hierarchy), computed from the per-(thread, stack) records of a view. */
#include "hist_int.h"

#include "pytop/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keyset {
	bool k[SORT_KEY_COUNT];
};

static struct keyset keyset_prefix(const struct report_opts *o, size_t n)
{
	struct keyset ks = { { false } };
	for (size_t i = 0; i < n && i < o->nkeys; i++)
		ks.k[o->keys[i]] = true;
	return ks;
}

static enum frame_key keyset_fk(const struct keyset *ks)
{
	return ks->k[SORT_SYM] ? FK_SYM : ks->k[SORT_DSO] ? FK_DSO : FK_NONE;
}

bool hist_use_totals = true;

/* The VIEW_GROUP_* bits of the thread keys in ks. */
static unsigned keyset_groups(const struct keyset *ks)
{
	return (ks->k[SORT_COMM] ? VIEW_GROUP_COMM : 0) | (ks->k[SORT_PID] ? VIEW_GROUP_PID : 0) |
	       (ks->k[SORT_TID] ? VIEW_GROUP_TID : 0);
}

/* ---- one level of entries ---- */

struct level {
	struct hist_row *rows;
	size_t nrows, cap, cap_groups;
	uint32_t *row_group;
	uint32_t *order, *gstart;
	size_t ngroups;
	const struct view_groups *grp; /* the view's thread groups of this level */
	bool shared;                   /* order and gstart are grp's (every record kept) */
};

/* L's kept records by group, leaf order within a group: the view's own
 * grouping when every record is kept, else a counting sort of kept (NULL:
 * the records of the threads fs keeps). */
static void level_order(const struct view *v, const uint32_t *kept, size_t nkept,
			const struct filter_state *fs, bool all_threads, struct level *L)
{
	const struct view_groups *g = L->grp;
	uint32_t *pos;

	if (!kept && all_threads) {
		L->order = g->order;
		L->gstart = g->gstart;
		L->shared = true;
		return;
	}
	L->gstart = xcalloc(L->ngroups + 1, sizeof(uint32_t));
	if (!kept) {
		/* the grouped records of the kept threads: already in order */
		size_t n = 0;
		L->order = xmalloc(g->gstart[g->ngroups] ? g->gstart[g->ngroups] : 1,
				   sizeof(uint32_t));
		for (size_t k = 0; k < g->ngroups; k++) {
			for (uint32_t i = g->gstart[k]; i < g->gstart[k + 1]; i++)
				if (fs->thread_ok[v->recs[g->order[i]].thread])
					L->order[n++] = g->order[i];
			L->gstart[k + 1] = (uint32_t)n;
		}
		return;
	}
	L->order = xmalloc(nkept ? nkept : 1, sizeof(uint32_t));
	for (size_t i = 0; i < nkept; i++)
		L->gstart[g->gid[v->recs[kept[i]].thread] + 1]++;
	for (size_t k = 0; k < L->ngroups; k++)
		L->gstart[k + 1] += L->gstart[k];
	pos = xmalloc(L->ngroups + 1, sizeof(uint32_t));
	memcpy(pos, L->gstart, (L->ngroups + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < nkept; i++)
		L->order[pos[g->gid[v->recs[kept[i]].thread]]++] = kept[i];
	free(pos);
}

static uint32_t sym_dso(const struct profile *p, uint32_t sym)
{
	return p->syms[sym].dso;
}

/* One level of entries for keys ks from the kept records (NULL: every
 * record of the threads fs keeps, no path filter). */
static void compute_level(struct hist *h, const struct keyset *ks, bool children,
			  const uint32_t *kept, size_t nkept, const struct filter_state *fs,
			  bool all_threads, struct level *L)
{
	const struct profile *p = h->p;
	const struct view *v = h->v;
	enum frame_key fk = keyset_fk(ks);
	size_t nt = profile_nthreads(p);
	const uint32_t *gid, *rep;
	size_t nkeys = fk == FK_SYM ? p->nsyms : fk == FK_DSO ? p->ndsos : 1;
	uint64_t *acc = xcalloc(nkeys * 4, sizeof(uint64_t)); /* self, selfn, children, childrenn */
	uint32_t *stamp = xcalloc(nkeys, sizeof(uint32_t));
	uint32_t *seen = xcalloc(nkeys, sizeof(uint32_t));
	uint32_t *touched = xmalloc(nkeys, sizeof(uint32_t));
	uint32_t st = 0;
	const uint8_t *first = NULL;
	uint64_t *tw = NULL; /* per node: weight, samples */
	const struct thread_keys *tk = NULL;
	const struct view_totals *vt = NULL; /* FK_NONE without path filters */
	uint32_t *tgstart = NULL, *tg = NULL; /* threads by group (with tk or vt) */

	memset(L, 0, sizeof(*L));
	L->grp = view_groups(p, v, keyset_groups(ks), !kept);
	L->ngroups = L->grp->ngroups;
	gid = L->grp->gid;
	rep = L->grp->rep;
	level_order(v, kept, nkept, fs, all_threads, L);
	/* Children: either walk each record's path (cost: sum of depths) or,
	 * per group, sum weights up the tree and credit the outermost node of
	 * each key (cost: nodes per group, sequential).  Pick the cheaper. */
	/* Without path filters a group's totals are its threads' totals. */
	if (fk != FK_NONE && !fs->need && !fs->no_tk)
		tk = view_thread_keys(p, v, fk == FK_SYM ? 2 : 1);
	else if (fk == FK_NONE && !fs->need && !fs->no_tk && hist_use_totals)
		vt = view_totals(p, v);
	if (tk || vt) {
		tgstart = xcalloc(L->ngroups + 1, sizeof(uint32_t));
		tg = xmalloc(nt ? nt : 1, sizeof(uint32_t));
		for (size_t t = 0; t < nt; t++)
			tgstart[gid[t] + 1]++;
		for (size_t g = 0; g < L->ngroups; g++)
			tgstart[g + 1] += tgstart[g];
		for (size_t t = 0; t < nt; t++) /* tgstart[g] moves to group g's end */
			tg[tgstart[gid[t]]++] = (uint32_t)t;
		memmove(tgstart + 1, tgstart, L->ngroups * sizeof(uint32_t));
		tgstart[0] = 0;
	} else if (children && fk != FK_NONE) {
		uint64_t walk = 0, dense = (uint64_t)L->ngroups * v->nnodes;
		for (size_t i = 0; i < L->gstart[L->ngroups]; i++)
			walk += v->depth[v->recs[L->order[i]].leaf];
		if (dense < walk * 3) {
			first = view_first(p, v, fk == FK_SYM ? 2 : 1);
			struct view *mv = (struct view *)v; /* scratch cache */
			if (!mv->scratch)
				mv->scratch = xcalloc(2 * (v->nnodes ? v->nnodes : 1), sizeof(uint64_t));
			tw = mv->scratch;
		}
	}
	for (size_t g = 0; g < L->ngroups; g++) {
		size_t ntouched = 0;
		uint32_t maxleaf = 0;
		for (uint32_t j = vt ? tgstart[g] : 0; vt && j < tgstart[g + 1]; j++) {
			uint32_t t = tg[j];
			if (!fs->thread_ok[t])
				continue;
			if (seen[0] != g + 1) {
				seen[0] = (uint32_t)g + 1;
				touched[ntouched++] = 0;
			}
			acc[0] += vt->t[t].w;
			acc[1] += vt->t[t].s;
		}
		for (uint32_t j = tk ? tgstart[g] : 0; tk && j < tgstart[g + 1]; j++) {
			uint32_t t = tg[j];
			if (!fs->thread_ok[t])
				continue;
			for (uint32_t e = tk->start[t]; e < tk->start[t + 1]; e++) {
				uint32_t k = tk->e[e].key;
				if (seen[k] != g + 1) {
					seen[k] = (uint32_t)g + 1;
					touched[ntouched++] = k;
				}
				for (int c = 0; c < 4; c++)
					acc[k * 4 + (size_t)c] += tk->e[e].w[c];
			}
		}
		for (uint32_t i = tk || vt ? 0 : L->gstart[g]; !tk && !vt && i < L->gstart[g + 1]; i++) {
			const struct rec *r = &v->recs[L->order[i]];
			uint32_t n = r->leaf;
			uint32_t k = fk == FK_SYM ? v->sym[n] : fk == FK_DSO ? sym_dso(p, v->sym[n]) : 0;
			if (seen[k] != g + 1) {
				seen[k] = (uint32_t)g + 1;
				touched[ntouched++] = k;
			}
			acc[k * 4] += r->weight;
			acc[k * 4 + 1] += r->samples;
			if (!children || fk == FK_NONE)
				continue;
			if (first) {
				tw[2 * (size_t)n] += r->weight;
				tw[2 * (size_t)n + 1] += r->samples;
				if (n > maxleaf)
					maxleaf = n;
				continue;
			}
			st++;
			for (; n != PROFILE_NONE; n = v->parent[n]) {
				k = fk == FK_SYM ? v->sym[n] : sym_dso(p, v->sym[n]);
				if (stamp[k] == st)
					continue;
				stamp[k] = st;
				if (seen[k] != g + 1) {
					seen[k] = (uint32_t)g + 1;
					touched[ntouched++] = k;
				}
				acc[k * 4 + 2] += r->weight;
				acc[k * 4 + 3] += r->samples;
			}
		}
		if (first && L->gstart[g] < L->gstart[g + 1]) {
			/* Children last (parents have smaller indexes), so one
			 * descending pass sees each node's final subtree sum:
			 * credit it, push it to the parent, clear it. */
			for (uint32_t n = maxleaf + 1; n-- > 0;) {
				uint64_t *t = &tw[2 * (size_t)n];
				uint32_t par, k;
				if (!t[1])
					continue;
				par = v->parent[n];
				if (first[n]) {
					k = fk == FK_SYM ? v->sym[n] : sym_dso(p, v->sym[n]);
					if (seen[k] != g + 1) {
						seen[k] = (uint32_t)g + 1;
						touched[ntouched++] = k;
					}
					acc[k * 4 + 2] += t[0];
					acc[k * 4 + 3] += t[1];
				}
				if (par != PROFILE_NONE) {
					tw[2 * (size_t)par] += t[0];
					tw[2 * (size_t)par + 1] += t[1];
				}
				t[0] = t[1] = 0;
			}
		}
		for (size_t t = 0; t < ntouched; t++) {
			uint32_t k = touched[t], th = rep[g];
			uint64_t *a = &acc[k * 4];
			struct hist_row *row;
			bool dso_ok = true;
			if (fs->dso_in && fk != FK_NONE)
				dso_ok = fs->dso_in[fk == FK_SYM ? sym_dso(p, k) : k];
			if (dso_ok && (a[0] || (children && fk != FK_NONE && a[2]))) {
				xgrow(&L->rows, &L->cap, L->nrows + 1, sizeof(*L->rows));
				xgrow(&L->row_group, &L->cap_groups, L->nrows + 1, sizeof(*L->row_group));
				row = &L->rows[L->nrows];
				memset(row, 0, sizeof(*row));
				row->self = a[0];
				row->self_samples = a[1];
				if (children && fk != FK_NONE) {
					row->children = a[2];
					row->children_samples = a[3];
				} else {
					row->children = a[0];
					row->children_samples = a[1];
				}
				row->comm = ks->k[SORT_COMM] ? p->pd->threads[th].comm : PROFILE_NONE;
				row->pid = ks->k[SORT_PID] ? profile_thread_pid(p, th) : PROFILE_NONE;
				row->tid = ks->k[SORT_TID] ? profile_thread_tid(p, th) : PROFILE_NONE;
				row->sym = fk == FK_SYM ? k : PROFILE_NONE;
				row->dso = fk == FK_DSO ? k
					   : (fk == FK_SYM && ks->k[SORT_DSO]) ? sym_dso(p, k)
					   : PROFILE_NONE;
				row->kind = fk == FK_SYM ? p->syms[k].kind : FRAME_UNKNOWN;
				row->parent = HIST_NONE;
				L->row_group[L->nrows] = (uint32_t)g;
				L->nrows++;
			}
			memset(a, 0, 4 * sizeof(uint64_t));
		}
	}
	free(tgstart);
	free(tg);
	free(acc);
	free(stamp);
	free(seen);
	free(touched);
}

static void level_free(struct level *L)
{
	free(L->rows);
	free(L->row_group);
	if (!L->shared) {
		free(L->order);
		free(L->gstart);
	}
}

/* ---- sorting ---- */

static int key_cmp(const struct hist *h, const struct hist_row *a, const struct hist_row *b,
		   enum sort_key k)
{
	const struct profile *p = h->p;
	switch (k) {
	case SORT_COMM:
		if (a->comm == b->comm)
			return 0;
		return strcmp(pdata_str(p->pd, a->comm), pdata_str(p->pd, b->comm));
	case SORT_PID:
		return a->pid == b->pid ? 0 : a->pid < b->pid ? -1 : 1;
	case SORT_TID:
		return a->tid == b->tid ? 0 : a->tid < b->tid ? -1 : 1;
	case SORT_DSO:
		if (a->dso == b->dso)
			return 0;
		return strcmp(profile_dso_name(p, a->dso, h->o.verbose),
			      profile_dso_name(p, b->dso, h->o.verbose));
	case SORT_SYM:
		if (a->sym == b->sym)
			return 0;
		return strcmp(profile_sym_name(p, a->sym, h->name_flags),
			      profile_sym_name(p, b->sym, h->name_flags));
	default:
		return 0;
	}
}

static int keys_cmp(const struct hist *h, const struct hist_row *a, const struct hist_row *b)
{
	for (size_t i = 0; i < h->o.nkeys; i++) {
		int r = key_cmp(h, a, b, h->o.keys[i]);
		if (r)
			return r;
	}
	return 0;
}

/* Rows that print alike (a name in two DSOs, a command in two string ids)
 * still get one order, so every run prints the same. */
static int ids_cmp(const struct hist_row *a, const struct hist_row *b)
{
	const uint32_t x[] = { a->sym, a->dso, a->comm, a->pid, a->tid };
	const uint32_t y[] = { b->sym, b->dso, b->comm, b->pid, b->tid };
	for (size_t i = 0; i < sizeof(x) / sizeof(x[0]); i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static int row_cmp(const void *x, const void *y, void *arg)
{
	const struct hist *h = arg;
	const struct hist_row *a = x, *b = y;
	int r;
	if (h->o.order == ORDER_WEIGHT) {
		uint64_t wa = h->children ? a->children : a->self;
		uint64_t wb = h->children ? b->children : b->self;
		if (wa != wb)
			return wa > wb ? -1 : 1;
		if (h->children && a->self != b->self)
			return a->self > b->self ? -1 : 1;
		r = keys_cmp(h, a, b);
		return r ? r : ids_cmp(a, b);
	}
	if (h->o.order == ORDER_SELF) {
		if (a->self != b->self)
			return a->self > b->self ? -1 : 1;
		if (a->children != b->children)
			return a->children > b->children ? -1 : 1;
		r = keys_cmp(h, a, b);
		return r ? r : ids_cmp(a, b);
	}
	r = keys_cmp(h, a, b);
	if (r)
		return r;
	if (a->self != b->self)
		return a->self > b->self ? -1 : 1;
	return ids_cmp(a, b);
}

/* Sort rows together with their group ids. */
static void sort_rows(struct hist *h, struct hist_row *rows, uint32_t *groups, size_t n)
{
	struct pair { struct hist_row row; uint32_t g; } *tmp;
	if (n < 2)
		return;
	tmp = xmalloc(n, sizeof(*tmp));
	for (size_t i = 0; i < n; i++) {
		tmp[i].row = rows[i];
		tmp[i].g = groups[i];
	}
	/* struct hist_row is the first member, so row_cmp works on pairs */
	qsort_r(tmp, n, sizeof(*tmp), row_cmp, h);
	for (size_t i = 0; i < n; i++) {
		rows[i] = tmp[i].row;
		groups[i] = tmp[i].g;
	}
	free(tmp);
}

static bool row_visible(const struct hist *h, const struct hist_row *r)
{
	if (h->o.entry_limit <= 0)
		return true;
	return hist_percent(h, h->children ? r->children : r->self) >= h->o.entry_limit;
}

/* ---- hierarchy ---- */

static bool row_matches_prefix(const struct hist *h, const struct hist_row *parent,
			       const struct hist_row *r, const struct keyset *pks)
{
	const struct profile *p = h->p;
	enum frame_key pfk = keyset_fk(pks);
	if (pks->k[SORT_COMM] && strcmp(pdata_str(p->pd, parent->comm), pdata_str(p->pd, r->comm)))
		return false;
	if (pks->k[SORT_PID] && parent->pid != r->pid)
		return false;
	if (pks->k[SORT_TID] && parent->tid != r->tid)
		return false;
	if (pfk == FK_SYM && parent->sym != r->sym)
		return false;
	if (pfk == FK_DSO) {
		uint32_t d = r->sym != PROFILE_NONE ? sym_dso(p, r->sym) : r->dso;
		if (parent->dso != d)
			return false;
	}
	return true;
}

struct hnode {
	uint32_t level, idx;
	uint32_t first_child, next;
};

/* Emit level rows in pre-order.  Children of each parent are found by a
 * linear merge: rows of level l are bucketed under parents via a hash of
 * the parent's key tuple. */
static void build_hierarchy(struct hist *h, struct level *lv, size_t nlv)
{
	size_t total = 0, out = 0;
	uint32_t **parent_of = xcalloc(nlv, sizeof(uint32_t *));

	for (size_t l = 0; l < nlv; l++) {
		sort_rows(h, lv[l].rows, lv[l].row_group, lv[l].nrows);
		total += lv[l].nrows;
	}
	/* parent_of[l][i]: index in level l-1; matched by scanning a sorted
	 * index of level l-1 keyed by a 64-bit hash of the prefix tuple */
	for (size_t l = 1; l < nlv; l++) {
		struct keyset pks = keyset_prefix(&h->o, l);
		size_t np = lv[l - 1].nrows, mask = 15;
		uint32_t *slots;
		while (mask < np * 2)
			mask = mask * 2 + 1;
		slots = xcalloc(mask + 1, sizeof(uint32_t));
		for (size_t i = 0; i < np; i++) {
			const struct hist_row *r = &lv[l - 1].rows[i];
			uint64_t hv = 1469598103934665603ULL;
			hv = (hv ^ (pks.k[SORT_COMM] ? (uint64_t)r->comm : 0)) * 1099511628211ULL;
			hv = (hv ^ r->pid) * 1099511628211ULL;
			hv = (hv ^ r->tid) * 1099511628211ULL;
			hv = (hv ^ (keyset_fk(&pks) == FK_SYM ? r->sym : keyset_fk(&pks) == FK_DSO ? r->dso : 0)) * 1099511628211ULL;
			size_t s = hv & mask;
			while (slots[s])
				s = (s + 1) & mask;
			slots[s] = (uint32_t)i + 1;
		}
		parent_of[l] = xmalloc(lv[l].nrows ? lv[l].nrows : 1, sizeof(uint32_t));
		for (size_t i = 0; i < lv[l].nrows; i++) {
			const struct hist_row *r = &lv[l].rows[i];
			enum frame_key pfk = keyset_fk(&pks);
			uint64_t hv = 1469598103934665603ULL;
			uint32_t fkv = pfk == FK_SYM ? r->sym
				       : pfk == FK_DSO ? (r->sym != PROFILE_NONE ? sym_dso(h->p, r->sym) : r->dso)
				       : 0;
			hv = (hv ^ (pks.k[SORT_COMM] ? (uint64_t)r->comm : 0)) * 1099511628211ULL;
			hv = (hv ^ (pks.k[SORT_PID] ? r->pid : PROFILE_NONE)) * 1099511628211ULL;
			hv = (hv ^ (pks.k[SORT_TID] ? r->tid : PROFILE_NONE)) * 1099511628211ULL;
			hv = (hv ^ fkv) * 1099511628211ULL;
			parent_of[l][i] = HIST_NONE;
			for (size_t s = hv & mask; slots[s]; s = (s + 1) & mask) {
				const struct hist_row *pr = &lv[l - 1].rows[slots[s] - 1];
				if (row_matches_prefix(h, pr, r, &pks)) {
					parent_of[l][i] = slots[s] - 1;
					break;
				}
			}
		}
		free(slots);
	}
	/* child lists (rows are sorted, so appending keeps sibling order) */
	{
		uint32_t **first = xcalloc(nlv, sizeof(uint32_t *));
		uint32_t **last = xcalloc(nlv, sizeof(uint32_t *));
		uint32_t **next = xcalloc(nlv, sizeof(uint32_t *));
		struct frame { uint32_t l, i; uint32_t out; } *stack = xmalloc(nlv + 1, sizeof(*stack));
		for (size_t l = 0; l < nlv; l++) {
			size_t n = lv[l].nrows ? lv[l].nrows : 1;
			first[l] = xmalloc(n, sizeof(uint32_t));
			last[l] = xmalloc(n, sizeof(uint32_t));
			next[l] = xmalloc(n, sizeof(uint32_t));
			for (size_t i = 0; i < lv[l].nrows; i++)
				first[l][i] = last[l][i] = next[l][i] = HIST_NONE;
		}
		for (size_t l = 1; l < nlv; l++)
			for (size_t i = 0; i < lv[l].nrows; i++) {
				uint32_t pi = parent_of[l][i];
				if (pi == HIST_NONE)
					continue;
				if (last[l - 1][pi] == HIST_NONE)
					first[l - 1][pi] = (uint32_t)i;
				else
					next[l][last[l - 1][pi]] = (uint32_t)i;
				last[l - 1][pi] = (uint32_t)i;
			}
		h->rows = xmalloc(total ? total : 1, sizeof(*h->rows));
		h->row_group = xmalloc(total ? total : 1, sizeof(uint32_t));
		for (size_t i0 = 0; i0 < lv[0].nrows; i0++) {
			int sp = 0;
			if (!row_visible(h, &lv[0].rows[i0]))
				continue;
			stack[0].l = 0;
			stack[0].i = (uint32_t)i0;
			/* iterative pre-order walk */
			for (;;) {
				struct frame *f = &stack[sp];
				struct hist_row *r = &h->rows[out];
				uint32_t c;
				*r = lv[f->l].rows[f->i];
				r->depth = (uint16_t)f->l;
				r->level_key = (uint8_t)h->o.keys[f->l];
				r->parent = sp ? stack[sp - 1].out : HIST_NONE;
				h->row_group[out] = f->l + 1 == nlv ? lv[f->l].row_group[f->i] : HIST_NONE;
				f->out = (uint32_t)out++;
				c = f->l + 1 < nlv ? first[f->l][f->i] : HIST_NONE;
				while (c != HIST_NONE && !row_visible(h, &lv[f->l + 1].rows[c]))
					c = next[f->l + 1][c];
				if (c != HIST_NONE) {
					stack[sp + 1].l = f->l + 1;
					stack[sp + 1].i = c;
					sp++;
					continue;
				}
				/* climb until a level has a next visible sibling */
				for (;;) {
					uint32_t s;
					h->rows[stack[sp].out].end = (uint32_t)out;
					if (sp == 0)
						goto next_root;
					s = next[stack[sp].l][stack[sp].i];
					while (s != HIST_NONE && !row_visible(h, &lv[stack[sp].l].rows[s]))
						s = next[stack[sp].l][s];
					if (s != HIST_NONE) {
						stack[sp].i = s;
						break;
					}
					sp--;
				}
			}
next_root:;
		}
		for (size_t l = 0; l < nlv; l++) {
			free(first[l]);
			free(last[l]);
			free(next[l]);
		}
		free(first);
		free(last);
		free(next);
		free(stack);
	}
	h->nrows = out;
	for (size_t l = 0; l < nlv; l++)
		free(parent_of[l]);
	free(parent_of);
}

/* ---- the query ---- */

/* The last level's grouped records become the hist's (shared with the view
 * when every record is kept: the view's prefix sums then serve too). */
static void hist_take_order(struct hist *h, struct level *L)
{
	h->order = L->order;
	h->gstart = L->gstart;
	h->ngroups = L->ngroups;
	h->gid = L->grp->gid;
	h->shared_order = L->shared;
	if (L->shared) {
		h->gtot = L->grp->pre;
		h->oleaf = L->grp->oleaf;
	}
	L->order = L->gstart = NULL;
	L->shared = false;
}

/* The CLASS_TOP_NATIVE symbols of most native weight (ties: lower id). */
static void top_native(struct hist *h, const uint64_t *w)
{
	struct profile_classes *c = &h->classes;
	for (int i = 0; i < CLASS_TOP_NATIVE; i++) {
		c->top_native[i].sym = PROFILE_NONE;
		c->top_native[i].weight = 0;
	}
	for (size_t s = 0; s < h->p->nsyms; s++) {
		int i = CLASS_TOP_NATIVE;
		if (!w[s])
			continue;
		while (i > 0 && w[s] > c->top_native[i - 1].weight)
			i--;
		if (i == CLASS_TOP_NATIVE)
			continue;
		memmove(&c->top_native[i + 1], &c->top_native[i],
			(CLASS_TOP_NATIVE - 1 - (size_t)i) * sizeof(c->top_native[0]));
		c->top_native[i].sym = (uint32_t)s;
		c->top_native[i].weight = w[s];
	}
}

struct hist *hist_new(const struct profile *p, const struct report_opts *o, char *err,
		      size_t errlen)
{
	struct hist *h = xcalloc(1, sizeof(*h));
	struct filter_state fs;
	uint32_t *kept = NULL;
	size_t nkept = 0;
	uint64_t *native_w;
	bool all_threads = true;

	h->p = p;
	report_opts_copy(&h->o, o);
	if (h->o.nkeys == 0)
		report_opts_set_sort(&h->o, "comm,dso,sym", NULL, 0);
	h->v = profile_view_lines(p, o->python, o->lines, o->max_stack);
	h->name_flags = profile_name_flags(o->python, o->verbose);
	h->children = !o->hierarchy &&
		      (o->children == CHILDREN_ON ||
		       (o->children == CHILDREN_AUTO && p->info.has_callchains));
	h->callers = o->inverted || !h->children;
	if (hist_filter_prepare(h, &fs, err, errlen) < 0) {
		hist_filter_done(&fs);
		report_opts_free(&h->o);
		free(h);
		return NULL;
	}
	/* kept records and the classification: without path filters from
	 * the threads' totals (kept stays NULL: every record of the kept
	 * threads), else one pass over the records */
	native_w = xcalloc(p->nsyms ? p->nsyms : 1, sizeof(uint64_t));
	for (size_t t = 0; t < profile_nthreads(p); t++)
		all_threads = all_threads && fs.thread_ok[t];
	/* a metric that drops records (cpu or off-cpu on a recording with
	 * both kinds) walks them: the per-view caches hold every record */
	fs.no_tk = o->metric != METRIC_WALL && p->info.off_cpu_samples;
	h->metric_drops = fs.no_tk;
	hist_wall_begin(h);
	if (!fs.need && hist_use_totals && !fs.no_tk) {
		const struct view_totals *vt = view_totals(p, h->v);
		for (size_t t = 0; t < profile_nthreads(p); t++) {
			const struct thread_tot *tt = &vt->t[t];
			if (!fs.thread_ok[t])
				continue;
			hist_wall_add_totals(h, (uint32_t)t, tt);
			h->classes.io_socket += tt->io_socket;
			h->classes.io_file += tt->io_file;
			h->kept_weight += tt->w;
			h->kept_samples += tt->s;
			for (int c = 0; c < CLASS_COUNT; c++) {
				h->classes.weight[c] += tt->cw[c];
				h->classes.samples[c] += tt->cs[c];
			}
			for (uint32_t i = vt->nstart[t]; i < vt->nstart[t + 1]; i++)
				native_w[vt->nat[i].sym] += vt->nat[i].w;
		}
	} else {
		bool path_dropped = false;
		kept = xmalloc(h->v->nrecs ? h->v->nrecs : 1, sizeof(uint32_t));
		for (size_t i = 0; i < h->v->nrecs; i++) {
			const struct rec *r = &h->v->recs[i];
			enum profile_class cls = rec_class(h->v, r);
			if (!fs.thread_ok[r->thread])
				continue;
			if (fs.need && (fs.node_flags[r->leaf] & fs.need) != fs.need) {
				path_dropped = true;
				continue;
			}
			hist_wall_add(h, r, cls);
			if (!rec_in_metric(r, o->metric)) {
				path_dropped = true;
				continue;
			}
			kept[nkept++] = (uint32_t)i;
			h->kept_weight += r->weight;
			h->kept_samples += r->samples;
			h->classes.weight[cls] += r->weight;
			h->classes.samples[cls] += r->samples;
			if (cls == CLASS_IO && (r->cls & REC_IO_SOCKET))
				h->classes.io_socket += r->weight;
			else if (cls == CLASS_IO && (r->cls & REC_IO_FILE))
				h->classes.io_file += r->weight;
			if (cls == CLASS_NATIVE && h->v->entry[r->leaf] != PROFILE_NONE)
				native_w[h->v->entry[r->leaf]] += r->weight;
		}
		/* a symbol or DSO filter that keeps every stack of the kept
		 * threads changes no total: the levels may use the per-thread
		 * totals */
		if (!path_dropped) {
			fs.need = 0;
			free(kept);
			kept = NULL;
		}
	}
	hist_wall_end(h, fs.thread_ok);
	h->sym_filtered = (fs.need & 1) != 0;
	h->unfiltered_paths = !fs.need && hist_use_totals;
	h->classes.total = h->kept_weight;
	top_native(h, native_w);
	free(native_w);
	h->base = o->percentage == PERCENT_ABSOLUTE ? h->metric_weight : h->kept_weight;

	if (h->o.hierarchy) {
		struct level *lv = xcalloc(h->o.nkeys, sizeof(*lv));
		for (size_t l = 0; l < h->o.nkeys; l++) {
			struct keyset ks = keyset_prefix(&h->o, l + 1);
			compute_level(h, &ks, false, kept, nkept, &fs, all_threads, &lv[l]);
		}
		build_hierarchy(h, lv, h->o.nkeys);
		{
			struct keyset ks = keyset_prefix(&h->o, h->o.nkeys);
			h->fk = keyset_fk(&ks);
		}
		hist_take_order(h, &lv[h->o.nkeys - 1]);
		for (size_t l = 0; l < h->o.nkeys; l++)
			level_free(&lv[l]);
		free(lv);
	} else {
		struct keyset ks = keyset_prefix(&h->o, h->o.nkeys);
		struct level L;
		size_t out = 0;
		compute_level(h, &ks, h->children, kept, nkept, &fs, all_threads, &L);
		h->fk = keyset_fk(&ks);
		sort_rows(h, L.rows, L.row_group, L.nrows);
		for (size_t i = 0; i < L.nrows; i++) {
			if (!row_visible(h, &L.rows[i]))
				continue;
			L.rows[out] = L.rows[i];
			L.row_group[out] = L.row_group[i];
			L.rows[out].end = (uint32_t)out + 1;
			L.rows[out].level_key = (uint8_t)h->o.keys[h->o.nkeys - 1];
			out++;
		}
		h->rows = L.rows;
		h->row_group = L.row_group;
		h->nrows = out;
		hist_take_order(h, &L);
	}
	free(kept);
	h->thread_ok = fs.thread_ok; /* the hist's now */
	fs.thread_ok = NULL;
	hist_filter_done(&fs);
	hist_compute_widths(h);
	return h;
}

void hist_free(struct hist *h)
{
	if (!h)
		return;
	free(h->rows);
	free(h->row_group);
	if (!h->shared_order) {
		free(h->order);
		free(h->gstart);
		free(h->gtot);
		free(h->oleaf);
	}
	free(h->thread_ok);
	free(h->ridx_start);
	free(h->ridx);
	free(h->has_graph);
	free(h->tt);
	report_opts_free(&h->o);
	free(h);
}
