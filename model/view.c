/* view: the stack trees of a profile (normal and Python view) in
 * depth-first pre-order, their records, and the per-key indexes queries
 * use (children lists, first occurrences). */
#include "profile_int.h"
#include "pytop/base/hmap.h"
#include "pytop/model/classes.h"

#include "pytop/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- views ---- */

static void view_hash_grow(struct view *v)
{
	size_t n = v->mask ? (v->mask + 1) * 2 : 4096;
	free(v->slots);
	v->slots = xcalloc(n, sizeof(uint32_t));
	v->mask = n - 1;
	for (size_t i = 0; i < v->nnodes; i++) {
		size_t s = hmap_mix64(((uint64_t)v->parent[i] << 32) | v->sym[i]) & v->mask;
		while (v->slots[s])
			s = (s + 1) & v->mask;
		v->slots[s] = (uint32_t)i + 1;
	}
}

uint32_t view_intern(struct view *v, uint32_t parent, uint32_t sym)
{
	size_t slot;
	uint32_t id;
	if ((v->nnodes + 1) * 2 > v->mask)
		view_hash_grow(v);
	for (slot = hmap_mix64(((uint64_t)parent << 32) | sym) & v->mask; v->slots[slot];
	     slot = (slot + 1) & v->mask) {
		id = v->slots[slot] - 1;
		if (v->parent[id] == parent && v->sym[id] == sym)
			return id;
	}
	if (v->nnodes == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 4096;
		v->parent = xrealloc(v->parent, v->cap, sizeof(uint32_t));
		v->sym = xrealloc(v->sym, v->cap, sizeof(uint32_t));
		v->depth = xrealloc(v->depth, v->cap, sizeof(uint32_t));
		v->cls = xrealloc(v->cls, v->cap, 1);
		v->entry = xrealloc(v->entry, v->cap, sizeof(uint32_t));
	}
	id = (uint32_t)v->nnodes++;
	v->cls[id] = CLASS_UNKNOWN;
	v->entry[id] = PROFILE_NONE;
	v->parent[id] = parent;
	v->sym[id] = sym;
	v->depth[id] = parent == PROFILE_NONE ? 1 : v->depth[parent] + 1;
	v->slots[slot] = id + 1;
	return id;
}

/* Renumber v's nodes (created parents first) in depth-first pre-order:
 * a subtree is then the contiguous range [n, n + size), children follow
 * their parent closely, and passes over nodes walk memory in order.  Raw
 * records are remapped, sorted by leaf and merged per (thread, leaf). */
void view_finish(const struct profile *p, struct view *v, struct rawrec *raw, size_t nraw)
{
	size_t n = v->nnodes, nt = p->pd->nthreads;
	uint32_t *size = xmalloc(n + 1, sizeof(uint32_t));
	uint32_t *next = xmalloc(n + 1, sizeof(uint32_t)); /* next free id under a node */
	uint32_t *newid = xmalloc(n ? n : 1, sizeof(uint32_t));
	uint32_t *np, *ns, *nd, *ne, *cnt, *tpos;
	uint8_t *nc;

	for (size_t i = 0; i < n; i++)
		size[i] = 1;
	for (size_t i = n; i-- > 0;)
		if (v->parent[i] != PROFILE_NONE)
			size[v->parent[i]] += size[i];
	next[n] = 0; /* the virtual root */
	for (size_t i = 0; i < n; i++) {
		uint32_t par = v->parent[i] == PROFILE_NONE ? (uint32_t)n : v->parent[i];
		newid[i] = next[par];
		next[par] += size[i];
		next[i] = newid[i] + 1;
	}
	np = xmalloc(n ? n : 1, sizeof(uint32_t));
	ns = xmalloc(n ? n : 1, sizeof(uint32_t));
	nd = xmalloc(n ? n : 1, sizeof(uint32_t));
	ne = xmalloc(n ? n : 1, sizeof(uint32_t));
	nc = xmalloc(n ? n : 1, 1);
	v->end = xmalloc(n ? n : 1, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		uint32_t j = newid[i];
		np[j] = v->parent[i] == PROFILE_NONE ? PROFILE_NONE : newid[v->parent[i]];
		ns[j] = v->sym[i];
		nd[j] = v->depth[i];
		nc[j] = v->cls[i];
		ne[j] = v->entry[i];
		v->end[j] = j + size[i];
	}
	free(v->parent);
	free(v->sym);
	free(v->depth);
	free(v->cls);
	free(v->entry);
	v->parent = np;
	v->sym = ns;
	v->depth = nd;
	v->cls = nc;
	v->entry = ne;
	v->cap = n;
	free(size);
	free(next);

	/* records: counting sort by leaf, then merge threads (and kinds) within
	 * a leaf: a record is one (thread, leaf, cls) */
	cnt = xcalloc(n + 1, sizeof(uint32_t));
	for (size_t i = 0; i < nraw; i++) {
		raw[i].leaf = newid[raw[i].leaf];
		cnt[raw[i].leaf + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		cnt[i + 1] += cnt[i];
	{
		struct rawrec *sorted = xmalloc(nraw ? nraw : 1, sizeof(*sorted));
		for (size_t i = 0; i < nraw; i++)
			sorted[cnt[raw[i].leaf]++] = raw[i];
		memcpy(raw, sorted, nraw * sizeof(*raw));
		free(sorted);
	}
	free(cnt);
	free(newid);
	tpos = xcalloc(nt ? nt : 1, sizeof(uint32_t));
	v->recs = xmalloc(nraw ? nraw : 1, sizeof(*v->recs));
	v->nrecs = 0;
	for (size_t i = 0, leafstart = 0; i < nraw; i++) {
		const struct rawrec *r = &raw[i];
		struct rec *out;
		if (i == 0 || r->leaf != raw[i - 1].leaf)
			leafstart = v->nrecs;
		out = NULL;
		if (tpos[r->thread] >= leafstart && tpos[r->thread] < v->nrecs &&
		    v->recs[tpos[r->thread]].thread == r->thread &&
		    v->recs[tpos[r->thread]].leaf == r->leaf) {
			/* this thread's records of this leaf: few kinds, adjacent */
			for (size_t k = tpos[r->thread]; k < v->nrecs && !out; k++)
				if (v->recs[k].thread == r->thread && v->recs[k].cls == r->cls)
					out = &v->recs[k];
		}
		if (!out) {
			if (!(tpos[r->thread] >= leafstart && tpos[r->thread] < v->nrecs &&
			      v->recs[tpos[r->thread]].thread == r->thread))
				tpos[r->thread] = (uint32_t)v->nrecs;
			out = &v->recs[v->nrecs++];
			out->thread = r->thread;
			out->leaf = r->leaf;
			out->cls = r->cls;
			out->weight = out->samples = 0;
		}
		out->weight += r->weight;
		out->samples += r->samples;
	}
	free(tpos);
	v->has_py = xmalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++)
		v->has_py[i] = p->syms[v->sym[i]].kind == FRAME_PYTHON ||
			       (v->parent[i] != PROFILE_NONE && v->has_py[v->parent[i]]);
	free(v->slots); /* the tree is complete; no more interning */
	v->slots = NULL;
	v->mask = 0;
}

void view_size_hash(struct view *v, size_t nodes)
{
	size_t slots = 4096;
	while (slots < 2 * (nodes + 16))
		slots *= 2;
	v->slots = xcalloc(slots, sizeof(uint32_t));
	v->mask = slots - 1;
}

/* The node of pdata stack `stack` re-rooted under "[truncated]" (a stack
 * that misses its outer frames must not pass for one that starts at the
 * root).  tmap memoises stack node -> node under the mark (PROFILE_NONE:
 * not yet), so every stack node is interned at most once. */
static uint32_t trunc_node(const struct profile *p, const uint32_t *fsym, struct view *v,
			   uint32_t *tmap, uint32_t **chain, size_t *cap, uint32_t stack)
{
	const struct pdata *pd = p->pd;
	size_t n = 0;
	uint32_t node;

	for (uint32_t s = stack; s != PDATA_NONE && tmap[s] == PROFILE_NONE; s = pd->stacks[s].parent) {
		xgrow(chain, cap, n + 1, sizeof(**chain));
		(*chain)[n++] = s;
	}
	node = n && pd->stacks[(*chain)[n - 1]].parent != PDATA_NONE
		       ? tmap[pd->stacks[(*chain)[n - 1]].parent]
		       : n ? view_intern(v, PROFILE_NONE, p->sym_trunc) : tmap[stack];
	while (n--) {
		uint32_t s = (*chain)[n];
		node = view_intern(v, node, fsym[pd->stacks[s].frame]);
		tmap[s] = node;
	}
	return node;
}

/* The normal view: the file's stack tree with frames merged into symbols
 * (fsym: frame -> symbol, split by line or not); truncated stacks under a
 * "[truncated]" root. */
static struct view *build_normal_view(const struct profile *p, const uint32_t *fsym)
{
	const struct pdata *pd = p->pd;
	struct view *v = xcalloc(1, sizeof(*v));
	uint32_t *vbase = NULL;
	struct rawrec *raw = xmalloc(p->nbrecs ? p->nbrecs : 1, sizeof(*raw));
	/* + [interpreter], [unknown], [truncated] (and no line symbols) */
	bool same = p->nsyms == pd->nframes + 3;
	uint32_t *tmap = NULL, *chain = NULL;
	size_t chain_cap = 0;

	if (same) {
		/* every frame is its own symbol: the view is the file's tree */
		v->cap = pd->nstacks ? pd->nstacks : 1;
		v->parent = xmalloc(v->cap, sizeof(uint32_t));
		v->sym = xmalloc(v->cap, sizeof(uint32_t));
		v->depth = xmalloc(v->cap, sizeof(uint32_t));
		v->cls = xcalloc(v->cap, 1);
		v->entry = xmalloc(v->cap, sizeof(uint32_t));
		for (size_t n = 0; n < pd->nstacks; n++) {
			uint32_t par = pd->stacks[n].parent;
			v->parent[n] = par;
			v->sym[n] = fsym[pd->stacks[n].frame];
			v->depth[n] = par == PDATA_NONE ? 1 : v->depth[par] + 1;
		}
		v->nnodes = pd->nstacks;
	} else {
		view_size_hash(v, pd->nstacks);
		vbase = xmalloc(pd->nstacks ? pd->nstacks : 1, sizeof(uint32_t));
		for (size_t n = 0; n < pd->nstacks; n++) {
			uint32_t par = pd->stacks[n].parent;
			vbase[n] = view_intern(v, par == PDATA_NONE ? PROFILE_NONE : vbase[par],
					       fsym[pd->stacks[n].frame]);
		}
	}
	for (size_t i = 0; i < p->nbrecs; i++) {
		const struct pdata_agg *b = &p->brecs[i];
		uint32_t leaf;
		if (b->stack == PDATA_NONE) {
			if (!v->slots)
				view_size_hash(v, v->nnodes);
			leaf = view_intern(v, PROFILE_NONE, p->sym_unknown);
		} else if (b->flags & SAMPLE_F_TRUNCATED) {
			if (!v->slots)
				view_size_hash(v, v->nnodes);
			if (!tmap) {
				tmap = xmalloc(pd->nstacks, sizeof(uint32_t));
				for (size_t k = 0; k < pd->nstacks; k++)
					tmap[k] = PROFILE_NONE;
			}
			leaf = trunc_node(p, fsym, v, tmap, &chain, &chain_cap, b->stack);
		} else {
			leaf = same ? b->stack : vbase[b->stack];
		}
		raw[i].thread = b->thread;
		raw[i].leaf = leaf;
		raw[i].weight = b->weight;
		raw[i].samples = b->samples;
		raw[i].cls = (b->flags & SAMPLE_F_OFF_CPU) ? profile_off_class(p, b->stack, b->flags)
							   : REC_ON_CPU;
	}
	free(vbase);
	free(tmap);
	free(chain);
	view_finish(p, v, raw, p->nbrecs);
	free(raw);
	view_classify(p, v);
	return v;
}

/* Intern base node m's symbol under parent in v; a new node takes m's class
 * and native entry (a sample keeps its class however its stack is cut). */
static uint32_t cut_intern(struct view *v, uint32_t parent, const struct view *bv, uint32_t m)
{
	size_t before = v->nnodes;
	uint32_t id = view_intern(v, parent, bv->sym[m]);
	if (v->nnodes != before) {
		v->cls[id] = bv->cls[m];
		v->entry[id] = bv->entry[m];
	}
	return id;
}

/* --max-stack: a copy of bv keeping the innermost `max` frames of each
 * record's stack; a cut stack hangs under "[truncated]".  Cost: records x
 * max for the cut ones, one intern per node for the others (map memoises
 * bv node -> node). */
static struct view *build_cut_view(const struct profile *p, const struct view *bv, uint32_t max)
{
	struct view *v = xcalloc(1, sizeof(*v));
	size_t n = bv->nnodes, ncap = 0;
	uint32_t *map = xmalloc(n ? n : 1, sizeof(uint32_t));
	uint32_t *path = xmalloc(max, sizeof(uint32_t)), *chain = NULL;
	struct rawrec *raw = xmalloc(bv->nrecs ? bv->nrecs : 1, sizeof(*raw));

	v->python = bv->python;
	view_size_hash(v, n);
	for (size_t i = 0; i < n; i++)
		map[i] = PROFILE_NONE;
	for (size_t i = 0; i < bv->nrecs; i++) {
		const struct rec *r = &bv->recs[i];
		uint32_t leaf = r->leaf, node;
		if (bv->depth[leaf] > max) {
			uint32_t k = 0;
			for (uint32_t m = leaf; k < max; m = bv->parent[m])
				path[k++] = m;
			node = view_intern(v, PROFILE_NONE, p->sym_trunc);
			while (k--)
				node = cut_intern(v, node, bv, path[k]);
		} else {
			size_t c = 0;
			for (uint32_t m = leaf; m != PROFILE_NONE && map[m] == PROFILE_NONE;
			     m = bv->parent[m]) {
				xgrow(&chain, &ncap, c + 1, sizeof(*chain));
				chain[c++] = m;
			}
			node = c ? (bv->parent[chain[c - 1]] == PROFILE_NONE ? PROFILE_NONE
									     : map[bv->parent[chain[c - 1]]])
				 : map[leaf];
			while (c--) {
				node = cut_intern(v, node, bv, chain[c]);
				map[chain[c]] = node;
			}
		}
		raw[i].thread = r->thread;
		raw[i].leaf = node;
		raw[i].weight = r->weight;
		raw[i].samples = r->samples;
		raw[i].cls = r->cls;
	}
	free(map);
	free(path);
	free(chain);
	view_finish(p, v, raw, bv->nrecs);
	free(raw);
	return v;
}

const struct view *profile_view_lines(const struct profile *p, bool python, bool lines,
				      uint32_t max_stack)
{
	struct profile *mp = (struct profile *)p; /* cache fill */
	const struct view *v;
	uint32_t deepest = 0;
	int m;

	lines = lines && p->frame_sym_line;
	m = python + 2 * lines;
	if (!mp->views[m])
		mp->views[m] = python ? build_python_view(p, profile_view_lines(p, false, lines, 0))
			       : build_normal_view(p, lines ? p->frame_sym_line : p->frame_sym);
	v = mp->views[m];
	if (!max_stack)
		return v;
	for (size_t i = 0; i < v->nnodes; i++)
		if (v->depth[i] > deepest)
			deepest = v->depth[i];
	if (deepest <= max_stack)
		return v; /* nothing to cut */
	if (!mp->cut[m] || mp->cut_depth[m] != max_stack) {
		view_free(mp->cut[m]);
		mp->cut[m] = build_cut_view(p, v, max_stack);
		mp->cut_depth[m] = max_stack;
	}
	return mp->cut[m];
}

const struct view *profile_view(const struct profile *p, bool python, uint32_t max_stack)
{
	return profile_view_lines(p, python, false, max_stack);
}

const uint32_t *view_children(const struct view *v, const uint32_t **cstart_out)
{
	struct view *mv = (struct view *)v; /* cache fill */
	size_t n = v->nnodes;
	uint32_t *cstart, *kids, *pos;

	if (!v->cstart) {
		cstart = xcalloc(n + 2, sizeof(uint32_t));
		for (size_t i = 0; i < n; i++)
			cstart[(v->parent[i] == PROFILE_NONE ? n : v->parent[i]) + 1]++;
		for (size_t i = 0; i <= n; i++)
			cstart[i + 1] += cstart[i];
		kids = xmalloc(n ? n : 1, sizeof(uint32_t));
		pos = xmalloc(n + 1, sizeof(uint32_t));
		memcpy(pos, cstart, (n + 1) * sizeof(uint32_t));
		for (size_t i = 0; i < n; i++)
			kids[pos[v->parent[i] == PROFILE_NONE ? n : v->parent[i]]++] = (uint32_t)i;
		free(pos);
		mv->cstart = cstart;
		mv->kids = kids;
	}
	*cstart_out = v->cstart;
	return v->kids;
}

const uint8_t *view_first(const struct profile *p, const struct view *v, int fk)
{
	struct view *mv = (struct view *)v; /* cache fill */
	size_t n = v->nnodes, nk = fk == 2 ? p->nsyms : p->ndsos;
	const uint32_t *cstart, *kids;
	uint32_t *cnt;
	struct dfs { uint32_t node, next; } *stack;
	size_t sp = 0;
	uint8_t *first;

	if (v->first[fk])
		return v->first[fk];
	first = xcalloc(n ? n : 1, 1);
	kids = view_children(v, &cstart);
	cnt = xcalloc(nk ? nk : 1, sizeof(uint32_t));
	stack = xmalloc(n + 1, sizeof(*stack));
	stack[sp].node = (uint32_t)n;
	stack[sp].next = cstart[n];
	sp = 1;
	while (sp) {
		struct dfs *top = &stack[sp - 1];
		if (top->next < cstart[top->node + 1]) {
			uint32_t c = kids[top->next++];
			uint32_t k = fk == 2 ? v->sym[c] : p->syms[v->sym[c]].dso;
			first[c] = cnt[k] == 0;
			cnt[k]++;
			stack[sp].node = c;
			stack[sp].next = cstart[c];
			sp++;
		} else {
			uint32_t c = top->node;
			if (c != n)
				cnt[fk == 2 ? v->sym[c] : p->syms[v->sym[c]].dso]--;
			sp--;
		}
	}
	free(stack);
	free(cnt);
	mv->first[fk] = first;
	return first;
}

const uint32_t *view_first_nodes(const struct profile *p, const struct view *v, int fk,
				 uint32_t key, size_t *count)
{
	struct view *mv = (struct view *)v; /* cache fill */
	size_t nk = fk == 2 ? p->nsyms : p->ndsos;

	if (!v->fstart[fk]) {
		const uint8_t *first = view_first(p, v, fk);
		uint32_t *fstart = xcalloc(nk + 2, sizeof(uint32_t)), *pos, *nodes;
		for (size_t n = 0; n < v->nnodes; n++)
			if (first[n])
				fstart[(fk == 2 ? v->sym[n] : p->syms[v->sym[n]].dso) + 1]++;
		for (size_t k = 0; k < nk; k++)
			fstart[k + 1] += fstart[k];
		nodes = xmalloc(fstart[nk] ? fstart[nk] : 1, sizeof(uint32_t));
		pos = xmalloc(nk + 1, sizeof(uint32_t));
		memcpy(pos, fstart, (nk + 1) * sizeof(uint32_t));
		for (size_t n = 0; n < v->nnodes; n++)
			if (first[n])
				nodes[pos[fk == 2 ? v->sym[n] : p->syms[v->sym[n]].dso]++] = (uint32_t)n;
		free(pos);
		mv->fstart[fk] = fstart;
		mv->fnodes[fk] = nodes;
	}
	if (key >= nk) {
		*count = 0;
		return v->fnodes[fk];
	}
	*count = v->fstart[fk][key + 1] - v->fstart[fk][key];
	return v->fnodes[fk] + v->fstart[fk][key];
}

static void thread_keys_free(struct thread_keys *tk)
{
	if (!tk)
		return;
	free(tk->start);
	free(tk->e);
	free(tk);
}

void view_free(struct view *v)
{
	if (!v)
		return;
	for (int i = 0; i < 3; i++) {
		free(v->first[i]);
		free(v->fstart[i]);
		free(v->fnodes[i]);
	}
	thread_keys_free(v->tk[1]);
	thread_keys_free(v->tk[2]);
	view_edges_free(v);
	for (int i = 0; i <= VIEW_GROUP_ALL; i++)
		view_groups_free(v->groups[i]);
	view_totals_free(v->totals);
	free(v->cstart);
	free(v->kids);
	free(v->has_py);
	free(v->scratch);
	free(v->parent);
	free(v->sym);
	free(v->depth);
	free(v->cls);
	free(v->entry);
	free(v->sym_cls);
	free(v->end);
	free(v->slots);
	free(v->recs);
	free(v);
}
