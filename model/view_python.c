/* view_python: the Python view and the class of every stack.
 *
 * One top-down walk over the normal view's nodes (parents first) keeps, per
 * node, where the stack stands: before any Python frame, in a Python
 * function's own bytecode, or inside a C function called from Python.  That
 * state decides both what the Python view shows of the frame and the class
 * of a sample whose leaf it is (man/pytop-report.1 "PYTHON VIEW"):
 *   - a Python frame is shown; its bytecode starts;
 *   - in the bytecode, the eval loop, the call machinery (pyroles_int.h
 *     ROLE_DISPATCH), the helpers the eval loop calls for a bytecode
 *     (ROLE_BYTECODE) and what they call, and frames inlined into them are
 *     folded into the Python function: its Self;
 *   - a C function reached through the call machinery, or one the eval loop
 *     calls directly that is not a bytecode helper (a built-in its
 *     specialized CALL called), is shown: a call, and what it calls is shown
 *     beneath it, except the call machinery itself;
 *   - native, kernel and unknown frames, and frames of a FRAMES class
 *     (memory), are always shown;
 *   - helpers that serve their caller (ROLE_SERVE) and frames inlined into
 *     a function fold into it (the all-frames view keeps them, marked);
 *   - a stack without any Python frame keeps its frames, under one
 *     "[interpreter]" node where its first interpreter frame is.
 * A folded frame has the class of the frame it folds into, so a Python view
 * node and every normal-view node folded into it agree on the class. */
#include "profile_int.h"
#include "pyroles_int.h"
#include "pytop/model/classes.h"

#include "pytop/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

enum walk_state { W_NONE = 0, W_BODY, W_CALL };
enum walk_sub { SUB_EVAL = 0, SUB_HELPER, SUB_PENDING };

struct walk {
	uint8_t st, sub;
	uint8_t has_py, has_interp;
	uint8_t mark;    /* lowest FRAMES class since the innermost Python frame */
	uint8_t cls;
	uint32_t entry;  /* native entry symbol */
	uint32_t map;    /* Python view node (the folded mapping before any Python frame) */
};

static uint8_t shown_class(const struct profile *p, const struct walk *w, uint32_t sym)
{
	const struct psym *s = &p->syms[sym];
	if (s->kind == FRAME_KERNEL)
		return CLASS_KERNEL;
	if (w->mark < CLASS_COUNT)
		return w->mark;
	if (!w->has_py)
		return w->has_interp ? CLASS_INTERPRETER
				     : s->kind == FRAME_UNKNOWN ? CLASS_UNKNOWN : CLASS_NATIVE;
	if (w->st == W_BODY)
		return CLASS_PYTHON;
	return s->kind == FRAME_UNKNOWN ? CLASS_UNKNOWN : CLASS_NATIVE;
}

/* Intern (parent, sym) in pv (when building one) with its class and entry. */
static uint32_t show(struct view *pv, uint32_t parent, uint32_t sym, uint8_t cls, uint32_t entry)
{
	size_t before;
	uint32_t id;
	if (!pv)
		return PROFILE_NONE;
	before = pv->nnodes;
	id = view_intern(pv, parent, sym);
	if (pv->nnodes != before) {
		pv->cls[id] = cls;
		pv->entry[id] = entry;
	}
	return id;
}

/* The state after frame sym under state *par (NULL at a root). */
static void step(const struct profile *p, struct view *pv, const struct walk *par, uint32_t sym,
		 struct walk *w)
{
	static const struct walk root = { .mark = CLASS_COUNT, .entry = PROFILE_NONE,
					  .map = PROFILE_NONE, .cls = CLASS_UNKNOWN };
	const struct psym *s = &p->syms[sym];
	bool fold = false;

	*w = par ? *par : root;
	if (s->kind == FRAME_PYTHON) {
		w->st = W_BODY;
		w->sub = SUB_EVAL;
		w->has_py = 1;
		w->mark = CLASS_COUNT;
		w->entry = PROFILE_NONE;
		w->cls = CLASS_PYTHON;
		w->map = show(pv, w->map, sym, w->cls, w->entry);
		return;
	}
	if ((s->role == ROLE_SERVE || (s->inlined && s->mark >= w->mark)) &&
	    s->kind != FRAME_KERNEL && par) {
		/* charged to the caller, or part of the function it is inlined
		 * into: nothing changes */
		if (w->st == W_NONE && s->kind == FRAME_INTERPRETER && !w->has_interp) {
			w->has_interp = 1;
			w->cls = CLASS_INTERPRETER;
		}
		return;
	}
	if (s->mark < w->mark)
		w->mark = s->mark;
	switch (w->st) {
	case W_NONE:
		if (s->kind == FRAME_INTERPRETER) {
			w->has_interp = 1;
			fold = true; /* in the mapping a later Python frame uses */
		}
		w->entry = sym;
		break;
	case W_BODY:
		if (s->kind != FRAME_INTERPRETER || s->mark < CLASS_COUNT) {
			w->st = W_CALL;
		} else if (s->role == ROLE_DISPATCH) {
			w->sub = SUB_PENDING;
			fold = true;
		} else if (s->role == ROLE_EVAL) {
			w->sub = SUB_EVAL;
			fold = true;
		} else if (w->sub == SUB_PENDING ||
			   (w->sub == SUB_EVAL && s->role != ROLE_BYTECODE)) {
			w->st = W_CALL; /* the function called */
		} else {
			w->sub = SUB_HELPER;
			fold = true;
		}
		if (w->st == W_CALL)
			w->entry = sym;
		break;
	default: /* W_CALL */
		fold = s->kind == FRAME_INTERPRETER &&
		       (s->role == ROLE_DISPATCH || s->role == ROLE_EVAL);
		break;
	}
	if (fold && s->kind != FRAME_KERNEL && w->st != W_NONE)
		return; /* class and entry of the frame it folds into */
	w->cls = shown_class(p, w, sym);
	if (!fold)
		w->map = show(pv, w->map, sym, w->cls, w->entry);
}

/* The Python view node of a stack without Python frames (node n of nv):
 * its frames kept, "[interpreter]" above its first interpreter frame.
 * xmap memoizes (XMAP_TODO = not yet); *path is scratch. */
#define XMAP_TODO (PROFILE_NONE - 1)
static uint32_t expanded(const struct profile *p, const struct view *nv, struct view *pv,
			 const struct walk *ws, uint32_t *xmap, uint32_t n, uint32_t **path,
			 size_t *cap)
{
	size_t np = 0;
	uint32_t m = n, base;

	while (m != PROFILE_NONE && xmap[m] == XMAP_TODO) {
		xgrow(path, cap, np + 1, sizeof(uint32_t));
		(*path)[np++] = m;
		m = nv->parent[m];
	}
	base = m == PROFILE_NONE ? PROFILE_NONE : xmap[m];
	while (np) {
		uint32_t c = (*path)[--np];
		const struct psym *s = &p->syms[nv->sym[c]];
		uint32_t par = nv->parent[c];
		if ((s->role == ROLE_SERVE || (s->inlined && s->mark >= ws[par].mark)) &&
		    s->kind != FRAME_KERNEL && par != PROFILE_NONE &&
		    (s->kind != FRAME_INTERPRETER || ws[par].has_interp)) {
			xmap[c] = base; /* charged to the caller, or inlined into it */
			continue;
		}
		if (s->kind == FRAME_INTERPRETER && (par == PROFILE_NONE || !ws[par].has_interp))
			base = show(pv, base, p->sym_interp, CLASS_INTERPRETER, PROFILE_NONE);
		base = show(pv, base, nv->sym[c], ws[c].cls, ws[c].entry);
		xmap[c] = base;
	}
	return xmap[n];
}

/* The walk over nv's nodes (pre-order), building pv when not NULL. */
static struct walk *walk_view(const struct profile *p, const struct view *nv, struct view *pv)
{
	size_t n = nv->nnodes;
	struct walk *ws = xmalloc(n ? n : 1, sizeof(*ws));
	for (size_t i = 0; i < n; i++) {
		uint32_t par = nv->parent[i];
		step(p, pv, par == PROFILE_NONE ? NULL : &ws[par], nv->sym[i], &ws[i]);
	}
	return ws;
}

void view_classify(const struct profile *p, struct view *nv)
{
	struct walk *ws = walk_view(p, nv, NULL);
	for (size_t i = 0; i < nv->nnodes; i++) {
		nv->cls[i] = ws[i].cls;
		nv->entry[i] = ws[i].entry;
	}
	free(ws);
}

const uint8_t *view_sym_classes(const struct profile *p, const struct view *v)
{
	struct view *mv = (struct view *)v; /* cache fill */
	if (!v->sym_cls) {
		uint8_t *sc = xmalloc(p->nsyms ? p->nsyms : 1, 1);
		memset(sc, CLASS_COUNT, p->nsyms);
		for (size_t n = 0; n < v->nnodes; n++)
			if (sc[v->sym[n]] == CLASS_COUNT)
				sc[v->sym[n]] = v->cls[n];
		for (size_t s = 0; s < p->nsyms; s++)
			if (sc[s] == CLASS_COUNT)
				sc[s] = (uint8_t)profile_sym_class(p, (uint32_t)s);
		mv->sym_cls = sc;
	}
	return v->sym_cls;
}

struct view *build_python_view(const struct profile *p, const struct view *nv)
{
	struct view *v = xcalloc(1, sizeof(*v));
	size_t n = nv->nnodes;
	struct rawrec *raw = xmalloc(nv->nrecs ? nv->nrecs : 1, sizeof(*raw));
	struct walk *ws;
	uint32_t *xmap = xmalloc(n ? n : 1, sizeof(uint32_t)), *path = NULL;
	size_t cap = 0;

	v->python = true;
	view_size_hash(v, n);
	ws = walk_view(p, nv, v);
	for (size_t i = 0; i < n; i++)
		xmap[i] = XMAP_TODO;
	for (size_t i = 0; i < nv->nrecs; i++) {
		const struct rec *r = &nv->recs[i];
		raw[i].thread = r->thread;
		raw[i].leaf = ws[r->leaf].has_py ? ws[r->leaf].map
						 : expanded(p, nv, v, ws, xmap, r->leaf,
								    &path, &cap);
		raw[i].weight = r->weight;
		raw[i].samples = r->samples;
		raw[i].cls = r->cls;
		if (raw[i].leaf == PROFILE_NONE) /* only helpers: keep them */
			raw[i].leaf = show(v, PROFILE_NONE, nv->sym[r->leaf], ws[r->leaf].cls,
					   ws[r->leaf].entry);
	}
	free(xmap);
	free(path);
	free(ws);
	view_finish(p, v, raw, nv->nrecs);
	free(raw);
	return v;
}
