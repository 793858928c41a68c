/* profile_int: the model's private structures, shared by model/profile*.c,
 * hist.c, callgraph.c and the printers.  Not a public header. */
#ifndef PYTOP_MODEL_PROFILE_INT_H
#define PYTOP_MODEL_PROFILE_INT_H

#include "pytop/model/classes.h"
#include "pytop/model/hist.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

struct psym {
	uint32_t name;      /* pdata string id, PROFILE_NONE for synthetic syms */
	uint32_t dso;       /* dso id (always valid) */
	uint8_t kind;       /* enum frame_kind */
	uint8_t inlined;    /* an inlined call (FRAME_F_INLINED): names end "(inlined)" */
	uint8_t role;       /* enum py_role (pyroles_int.h) */
	uint8_t mark;       /* class its FRAMES patterns mark (classes.h), or CLASS_COUNT */
	uint8_t offmark;    /* the off-CPU class its name marks, or CLASS_COUNT */
	uint8_t io;         /* REC_IO_SOCKET / REC_IO_FILE when its name tells, else 0 */
	const char *raw;    /* stored name ("name (inlined)" for inlined calls) */
	const char *shortn; /* Python view name: "qual (file.py)" */
	const char *longn;  /* with the full path */
	const char *func;   /* function: qualname, or the symbol without "(inlined)" */
	const char *file, *file_short; /* Python file: path, short form; NULL for others */
	uint32_t line;      /* a Python line symbol's source line (--lines), else 0 */
};

struct pdso {
	const char *path;
	const char *base;
};

/* rec.cls: REC_ON_CPU for on-CPU samples (their class is the leaf
 * node's, view.cls), else an off-CPU class (classes.h) with the io kind
 * bits the stack told. */
#define REC_ON_CPU 0x3f
#define REC_CLASS_MASK 0x3f
#define REC_IO_SOCKET 0x40
#define REC_IO_FILE 0x80

/* A unique (thread, stack, kind) with the weight of its samples. */
struct rec {
	uint32_t thread;
	uint32_t leaf;      /* view node */
	uint64_t weight, samples;
	uint8_t cls;        /* REC_ON_CPU or an off-CPU class | REC_IO_* */
};

/* Per-thread totals of every key (symbol or DSO) a thread's stacks touch:
 * e[start[t] .. start[t+1]), w = self weight, self samples, children
 * weight, children samples (children: the key anywhere on the stack,
 * counted once). */
struct thread_keys {
	uint32_t *start;
	struct thread_key { uint32_t key; uint64_t w[4]; } *e;
	size_t n;
};

/* A view's records grouped by a thread key (view_groups.c): the thread
 * part of a query's sort keys as VIEW_GROUP_* bits. */
enum { VIEW_GROUP_COMM = 1, VIEW_GROUP_PID = 2, VIEW_GROUP_TID = 4, VIEW_GROUP_ALL = 7 };
struct view_groups {
	uint32_t *gid;          /* per thread: its group (groups in key order) */
	uint32_t *rep;          /* per group: its first thread */
	size_t ngroups;
	/* every record by group, leaf order within a group:
	 * order[gstart[g] .. gstart[g+1]); oleaf = leaf of order[i]; pre =
	 * prefix (weight, samples) over order (2 per position, from 0) */
	uint32_t *order, *gstart, *oleaf;
	uint64_t *pre;
};

/* Per-thread totals of a view's records (view_groups.c). */
struct view_totals {
	struct thread_tot {
		uint64_t w, s;
		uint64_t cw[CLASS_COUNT], cs[CLASS_COUNT]; /* by class (rec_class) */
		uint64_t on_w;                 /* of w, on-CPU records */
		uint64_t io_socket, io_file;   /* of the io weight, what stacks told */
	} *t;
	/* native weight by native entry symbol: nat[nstart[t] .. nstart[t+1]) */
	uint32_t *nstart;
	struct native_w { uint32_t sym; uint64_t w; } *nat;
	size_t nnat;
};

/* The call edges of the outermost occurrences of each symbol, per thread
 * (view_edges.c): what the first level of a symbol's call graph sums.
 * Symbol s's edges are [sstart[s], sstart[s+1]), one per other symbol
 * (other[e]): callee edges weigh the children of s's outermost nodes by
 * the child's symbol, caller edges s's outermost nodes by their parent's;
 * edge e's weight per thread: thread[i], w[i] for i in [estart[e],
 * estart[e+1]). */
struct thread_edges {
	uint32_t *sstart, *other, *estart, *thread;
	uint64_t *w;
	size_t nedges, n;
};

/* One way of seeing the stacks (normal or Python view): a prefix tree of
 * symbols, parents before children, and the records on it. */
struct view {
	/* nodes in depth-first pre-order: node n's subtree is [n, end[n]) */
	uint32_t *parent, *sym, *depth, *end;
	size_t nnodes, cap;
	uint32_t *slots;    /* (parent, sym) -> node + 1 */
	size_t mask;
	struct rec *recs;   /* sorted by leaf, one per (thread, leaf) */
	size_t nrecs;
	bool python;
	/* first[fk][n]: no ancestor of n has n's key (fk 1 = DSO, 2 = sym);
	 * built on first use by view_first() */
	uint8_t *first[3];
	/* nodes with first[fk] set, grouped by key: fnodes[fk][fstart[fk][k] ..
	 * fstart[fk][k+1]) (view_first_nodes) */
	uint32_t *fstart[3], *fnodes[3];
	/* children of each node: kids[cstart[n] .. cstart[n+1]); roots under
	 * the virtual node nnodes (view_children) */
	uint32_t *cstart, *kids;
	uint8_t *has_py;    /* per node: a Python frame on the path to the root */
	/* per node: the class of a sample whose leaf it is (classes.h), and
	 * the C function called from Python it is part of (the "native
	 * entry": PROFILE_NONE when it is not in one) */
	uint8_t *cls;
	uint32_t *entry;
	uint8_t *sym_cls;   /* per symbol: the class of its first node (view_sym_classes) */
	/* per-node (weight, samples) scratch sums for hist queries, all zero
	 * between uses */
	uint64_t *scratch;
	/* per-thread key totals for fk 1 (DSO), 2 (sym), built on first use
	 * (view_thread_keys; NULL when too costly) */
	struct thread_keys *tk[3];
	uint8_t tk_tried[3];
	/* edges[0] callee, [1] caller edges (view_edges; NULL when too costly) */
	struct thread_edges *edges[2];
	bool edges_tried;
	struct view_groups *groups[VIEW_GROUP_ALL + 1]; /* by VIEW_GROUP_* mask */
	struct view_totals *totals;
};

struct profile {
	struct pdata *pd;
	struct profile_info info;
	struct arena arena;
	struct psym *syms;
	size_t nsyms, cap_syms;
	uint32_t *sym_slots; /* (name, dso) -> sym + 1 */
	size_t sym_mask;
	struct pdso *dsos;
	size_t ndsos, cap_dsos;
	uint32_t *frame_sym;   /* pdata frame -> sym */
	uint32_t dso_python, dso_unknown;
	const char *script, *script_dir; /* the command line's script, its directory */
	uint32_t sym_interp, sym_unknown;
	uint32_t sym_trunc;    /* "[truncated]": the root of stacks that miss their outer frames */
	/* samples aggregated by (thread, pdata stack, flags): pd's aggregate */
	const struct pdata_agg *brecs;
	size_t nbrecs;
	/* frame -> sym with Python frames split by line (--lines); NULL when
	 * no frame has a line (then --lines is frame_sym) */
	uint32_t *frame_sym_line;
	/* [python + 2 * lines]: normal, Python view, each split by line;
	 * built on demand */
	struct view *views[4];
	/* the last --max-stack view of each (cut[mode], cut_depth[mode]) */
	struct view *cut[4];
	uint32_t cut_depth[4];
};

/* The short display names of the Python symbols (pynames.c): "qual
 * (file)" with files named so that two never look alike.  Fills
 * psym.file_short and psym.shortn; run once, after every symbol exists. */
void python_short_names(struct profile *p);

/* A (thread, leaf) pair before merging; leaf is a node id of the view
 * under construction. */
struct rawrec {
	uint32_t thread, leaf;
	uint64_t weight, samples;
	uint8_t cls;        /* as struct rec */
};

/* The class of record r of view v (classes.h). */
static inline enum profile_class rec_class(const struct view *v, const struct rec *r)
{
	return (r->cls & REC_CLASS_MASK) == REC_ON_CPU ? (enum profile_class)v->cls[r->leaf]
						       : (enum profile_class)(r->cls & REC_CLASS_MASK);
}

/* Does metric m keep record r? */
static inline bool rec_in_metric(const struct rec *r, enum report_metric m)
{
	bool on = (r->cls & REC_CLASS_MASK) == REC_ON_CPU;
	return m == METRIC_WALL || (m == METRIC_CPU) == on;
}

/* The class of an off-CPU sample of pdata stack `stack` (classes.h's
 * rules), with its REC_IO_* bits; flags are the sample's (view.c). */
uint8_t profile_off_class(const struct profile *p, uint32_t stack, uint8_t flags);

/* Building views (view.c): the node (parent, sym), created when new (with
 * class unknown and no entry); a hash sized for `nodes` nodes; the final
 * pre-order renumbering that also sorts and merges the raw records. */
uint32_t view_intern(struct view *v, uint32_t parent, uint32_t sym);
void view_size_hash(struct view *v, size_t nodes);
void view_finish(const struct profile *p, struct view *v, struct rawrec *raw, size_t nraw);

/* The classes and native entries of the normal view nv's nodes
 * (view_python.c); nv must be finished. */
void view_classify(const struct profile *p, struct view *nv);
/* Per symbol, the class of the first node (pre-order) that carries it,
 * built on first use (view_python.c). */
const uint8_t *view_sym_classes(const struct profile *p, const struct view *v);
/* The Python view, from the finished normal view (view_python.c). */
struct view *build_python_view(const struct profile *p, const struct view *nv);

/* The view for opts->python, built on first use (never NULL); view.c.
 * max_stack > 0 keeps the innermost max_stack frames of each stack (the
 * cut ones under a "[truncated]" root), as --max-stack asks; 0 keeps all. */
const struct view *profile_view(const struct profile *p, bool python, uint32_t max_stack);
/* The same with Python frames split by source line when lines is set
 * (--lines; the plain view when the profile has no lines). */
const struct view *profile_view_lines(const struct profile *p, bool python, bool lines,
				      uint32_t max_stack);
void view_free(struct view *v);

/* The first-occurrence flags of v for frame key fk (1 = DSO, 2 = sym),
 * computed once per view (one depth-first pass). */
const uint8_t *view_first(const struct profile *p, const struct view *v, int fk);

/* Children lists of v (CSR, cached).  Returns kids, sets *cstart. */
const uint32_t *view_children(const struct view *v, const uint32_t **cstart);

/* The first-occurrence nodes of key under fk (1 = DSO, 2 = sym); sets *n. */
const uint32_t *view_first_nodes(const struct profile *p, const struct view *v, int fk,
				 uint32_t key, size_t *n);

/* The per-thread key totals of v for fk (1 = DSO, 2 = sym), built once;
 * NULL when threads x nodes is too large to be worth it (callers then
 * walk the records). */
const struct thread_keys *view_thread_keys(const struct profile *p, const struct view *v, int fk);
/* Most (threads x view nodes) worth one pass per thread to build them
 * (8M: a browser builds four at open); a variable so the unit tests can
 * turn them off. */
extern uint64_t view_thread_keys_limit;

/* The thread groups of v for the VIEW_GROUP_* bits in mask, built once;
 * with records, also its grouped records and prefix sums (never NULL). */
const struct view_groups *view_groups(const struct profile *p, const struct view *v,
				      unsigned mask, bool records);
void view_groups_free(struct view_groups *g);
/* The per-thread totals of v, built once (never NULL). */
const struct view_totals *view_totals(const struct profile *p, const struct view *v);
void view_totals_free(struct view_totals *vt);
/* The per-thread call edges of v's outermost symbol occurrences, built
 * once (the browser's + marks); false when threads x nodes passes
 * view_thread_keys_limit or the edges view_edges_limit (then the graphs
 * are expanded instead). */
bool view_edges(const struct profile *p, const struct view *v);
void view_edges_free(struct view *v);
extern size_t view_edges_limit;

/* Display name flags for a view and verbosity. */
static inline unsigned profile_name_flags(bool python, bool verbose)
{
	return (python ? 0 : PNAME_RAW) | (verbose ? PNAME_VERBOSE : 0);
}

/* Shared by the hist and call graphs: which samples a query keeps. */
struct hist_query;

#endif
