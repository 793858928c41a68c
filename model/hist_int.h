/* hist_int: the hist's private state, shared with callgraph.c and the
 * printers.  Not a public header. */
#ifndef PYTOP_MODEL_HIST_INT_H
#define PYTOP_MODEL_HIST_INT_H

#include "profile_int.h"

enum frame_key { FK_NONE = 0, FK_DSO, FK_SYM };

struct hist {
	const struct profile *p;
	const struct view *v;
	struct report_opts o;      /* own copy */
	bool children;             /* Children column shown */
	bool callers;              /* call graphs show callers */
	unsigned name_flags;       /* profile_sym_name flags */
	uint64_t kept_weight, kept_samples, base;
	struct profile_classes classes;
	struct hist_row *rows;
	size_t nrows;
	uint32_t *row_group;       /* per row: record group at the last level, or HIST_NONE */
	/* kept records of the last level, grouped: order[gstart[g] .. gstart[g+1]) */
	uint32_t *order;
	uint32_t *gstart;
	size_t ngroups;
	const uint32_t *gid;       /* per thread: its group at the last level (the view's) */
	uint8_t *thread_ok;        /* per thread: kept by the thread filters */
	bool sym_filtered;         /* a symbol filter drops records */
	bool unfiltered_paths;     /* no path filter drops records; totals and thread keys hold */
	bool shared_order;         /* order, gstart, gtot, oleaf are the view's (view_groups) */
	enum frame_key fk;         /* frame part of the last level's key */
	int widths[HCOL_COUNT];
	/* records containing each row's key (call graphs), built on first use */
	uint32_t *ridx_start;      /* nrows + 1 offsets into ridx */
	struct hist_ref { uint32_t rec, node; } *ridx; /* record, outermost entry node */
	unsigned graphs;           /* call graphs collected so far */
	uint64_t *gtot;            /* prefix (weight, samples) over order (callgraph.c) */
	uint32_t *oleaf;           /* leaf of each record of order */
	uint8_t *has_graph;        /* per row: 0 not asked, 1 no graph, 2 graph */
	struct hist_thread_time *tt; /* per thread (hist_threads.c) */
	struct hist_wall wall;
	uint64_t metric_samples, metric_weight;
	bool metric_drops;         /* the metric drops records: no per-view caches */
};

/* Frame key of view node n under fk (0 for FK_NONE). */
static inline uint32_t hist_node_key(const struct hist *h, uint32_t n)
{
	uint32_t s = h->v->sym[n];
	return h->fk == FK_SYM ? s : h->fk == FK_DSO ? h->p->syms[s].dso : 0;
}

/* Most (groups x view nodes) a callee graph uses tree mode for (no limit
 * by default); beyond it graphs use per-record paths.  A variable so the
 * unit tests can force either way. */
extern size_t callgraph_tree_limit;

/* Queries without path filters take their totals from the view's
 * per-thread totals (view_totals); false walks the records instead (a
 * variable so the unit tests can compare both). */
extern bool hist_use_totals;

/* The sample filters of a query, prepared for one pass over the records
 * (hist_filter.c). */
struct filter_state {
	uint8_t *thread_ok;  /* per thread */
	uint8_t *dso_in;     /* per dso, NULL without a dso filter */
	uint8_t *node_flags; /* per view node: 1 = symbol match on path, 2 = dso on path */
	uint8_t need;        /* flags a kept sample's leaf must have */
	bool no_tk;          /* the metric drops records: no per-thread key totals */
};

/* Fill fs for h's filters.  Returns -1 with a one-line reason in err for a
 * bad regex (fs must still be released with hist_filter_done). */
int hist_filter_prepare(struct hist *h, struct filter_state *fs, char *err, size_t errlen);
void hist_filter_done(struct filter_state *fs);

/* Wall-clock accounting of hist_new(): hist_wall_begin() before the pass
 * over the records, hist_wall_add() for each record the filters keep
 * (whatever the metric), hist_wall_end() after (hist_threads.c). */
void hist_wall_begin(struct hist *h);
void hist_wall_add(struct hist *h, const struct rec *r, enum profile_class cls);
/* The same for every record of thread t at once, from the view's totals. */
void hist_wall_add_totals(struct hist *h, uint32_t t, const struct thread_tot *tt);
void hist_wall_end(struct hist *h, const uint8_t *thread_ok);

/* Fill h->widths from the rows (hist_cells.c). */
void hist_compute_widths(struct hist *h);

/* The key of row r under the hist's frame key. */
static inline uint32_t hist_node_key_of_row(const struct hist *h, uint32_t r)
{
	const struct hist_row *row = &h->rows[r];
	return h->fk == FK_SYM ? row->sym : h->fk == FK_DSO ? row->dso : 0;
}

#endif
