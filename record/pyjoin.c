/* pyjoin: the BPF frame reader in a recording (--python-frames bpf).
 *
 * Per process that maps a CPython, its _PyRuntime and version offsets go
 * to the BPF program (pytarget finds them); per sample of such a process
 * the program writes the thread's Python frames to its ring buffer.  Those
 * records are read before each drain of the perf buffers (the program runs
 * just before the kernel writes the perf sample, so a sample's record is
 * always there first), their code objects resolved the first time they are
 * seen (the target may be gone when recording ends; pycode caches them),
 * and queued per thread as an interned Python stack.  The perf sample then
 * takes the record of its thread with its ip, at most JOIN_WINDOW_NS away,
 * and its Python frames are merged into the native stack:
 *
 * The native stack has one _PyEval_EvalFrameDefault frame per C call of
 * the eval loop; the Python chain, innermost first, splits into the runs
 * of frames each such call executes (3.11+: entry markers from the BPF
 * program; before 3.11 one frame per call).  Walking the native stack from
 * the leaf, each eval frame is followed (callers' side) by its run of
 * Python frames, innermost first — where the trampoline of -X perf would
 * stand, so both sources read alike (main -> handler -> dumps -> the C
 * encoder -> ...).  Runs left when the native stack ends (an unwind that
 * stopped early) go on at its root end, in order.  py-spy merges the same
 * way (one Python run per eval frame, counted from the leaf). */
#include "pytop/base/xalloc.h"
#include "pytop/python/bpfread.h"
#include "pytop/python/pycode.h"
#include "pytop/python/pyeval.h"
#include "pytop/python/pytarget.h"
#include "pytop/record/perf_session.h"
#include "rec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PY_MARK UINT32_MAX     /* an entry marker in the interned Python stacks */
#define JOIN_WINDOW_NS 2000000 /* a record and its perf sample: microseconds apart */
#define QUEUE_MAX 4096         /* records waiting per thread before the oldest go */
#define OPEN_TRIES 64          /* pytarget attempts per process (during its start-up) */

struct py_proc {
	uint32_t pid;
	bool open;
	int tries;
	char why[256];             /* the last reason it could not be opened */
	struct py_target t;
	struct pycode_cache *cache;
	struct pycode_cache **old; /* caches retired by address reuse (their names are in use) */
	size_t nold, cap_old;
	struct hmap by_code;       /* code address -> the py_fent last resolved for it */
};

/* A Python frame: one (process, code object, instruction offset). */
struct py_fent {
	uint64_t ident;              /* the code object's identity (bpfread.h) */
	const char *qualname, *file; /* owned by the process's pycode cache */
	int line;
	uint8_t status;              /* enum pycode_status */
};

struct py_pending {
	uint64_t time, ip;
	uint32_t node;   /* interned Python stack (leaf node), PDATA_NONE for none */
	uint8_t status;  /* enum bpfread_status */
	bool truncated;
};

struct py_queue {
	struct py_pending *e;
	size_t head, n, cap;
};

struct rec_py {
	struct bpfread *b;
	struct py_proc *procs;
	size_t nprocs, cap_procs;
	struct hmap by_pid;          /* pid -> its current proc */
	struct py_fent *fr;
	size_t nfr, cap_fr;
	struct hmap fr_idx;          /* (code, pid << 32 | offset) -> fr */
	struct rec_node *nodes;      /* Python stacks, root first: frame = fr index or PY_MARK */
	size_t nnodes, cap_nodes;
	struct hmap node_idx;
	struct py_queue *q;
	size_t nq, cap_q;
	struct hmap q_by_tid;
	struct pyeval_ranges *eval;  /* per dso id, looked up once */
	uint8_t *eval_state;         /* 0 not looked at, 1 none, 2 has ranges */
	size_t cap_eval;
	uint32_t mapping;            /* pdata mapping "[python]" */
	bool pending;                /* a process waits to be opened */
};

/* ---- processes ---- */

static struct py_proc *proc_get(struct rec_py *py, uint32_t pid)
{
	uint32_t i;
	return hmap_get(&py->by_pid, pid, 0, &i) ? &py->procs[i] : NULL;
}

static struct py_proc *proc_new(struct rec_py *py, uint32_t pid)
{
	struct py_proc *p;
	xgrow(&py->procs, &py->cap_procs, py->nprocs + 1, sizeof(*py->procs));
	p = &py->procs[py->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->t.mem_fd = -1;
	hmap_init(&p->by_code);
	hmap_put(&py->by_pid, pid, 0, (uint32_t)py->nprocs++);
	return p;
}

static void proc_try_open(struct rec_py *py, struct py_proc *p)
{
	if (p->open || p->tries >= OPEN_TRIES)
		return;
	p->tries++;
	if (py_target_open((pid_t)p->pid, &p->t, p->why, sizeof(p->why)) < 0)
		return;
	if (bpfread_add_proc(py->b, p->pid, p->t.runtime, p->t.code_type, &p->t.off) < 0) {
		snprintf(p->why, sizeof(p->why), "pid %u: the BPF process table is full", p->pid);
		py_target_close(&p->t);
		p->tries = OPEN_TRIES;
		return;
	}
	p->cache = pycode_cache_new(&p->t);
	p->open = true;
}

void rec_py_proc(struct rec *r, uint32_t pid)
{
	struct rec_py *py = r->py;
	struct py_proc *p;
	if (!py)
		return;
	p = proc_get(py, pid);
	if (!p)
		p = proc_new(py, pid);
	proc_try_open(py, p);
	py->pending |= !p->open && p->tries < OPEN_TRIES;
}

void rec_py_exec(struct rec *r, uint32_t pid)
{
	struct rec_py *py = r->py;
	struct py_proc *p;
	if (!py || !(p = proc_get(py, pid)))
		return;
	if (p->open)
		bpfread_remove_proc(py->b, pid);
	proc_new(py, pid); /* the old one keeps its cache: its names are in use */
}

void rec_py_exit(struct rec *r, uint32_t pid)
{
	struct py_proc *p;
	if (r->py && (p = proc_get(r->py, pid)) && p->open)
		bpfread_remove_proc(r->py->b, pid);
}

/* ---- records ---- */

/* pycode caches a code object by address for good; a code object freed
 * and another made at its address (module code after its import, exec'd
 * strings) has another identity: the cache is retired then (kept for the
 * names already taken from it) and a fresh one reads the new object. */
static void check_reuse(struct py_proc *p, const struct rec_py *py, uint64_t code, uint64_t ident)
{
	uint32_t last;
	if (!hmap_get(&p->by_code, code, 0, &last) || py->fr[last].ident == ident)
		return;
	xgrow(&p->old, &p->cap_old, p->nold + 1, sizeof(*p->old));
	p->old[p->nold++] = p->cache;
	p->cache = pycode_cache_new(&p->t);
	hmap_free(&p->by_code);
	hmap_init(&p->by_code);
}

static uint32_t py_frame(struct rec_py *py, struct py_proc *p, const struct bpfread_frame *f)
{
	uint64_t code = f->code;
	int64_t off = pyoff_instr_offset(&p->t.off, code, f->instr);
	uint64_t b = (uint64_t)p->pid << 32 | (uint32_t)(off < 0 ? 0xffffffffu : (uint32_t)off);
	enum pycode_status st;
	struct py_fent e = { .ident = f->ident };
	uint32_t id;

	if (hmap_get(&py->fr_idx, code, b, &id) && py->fr[id].ident == f->ident)
		return id;
	check_reuse(p, py, code, f->ident);
	st = pycode_symbolize_ident(p->cache, code, f->instr, f->ident, &e.qualname, &e.file,
				    &e.line);
	e.status = (uint8_t)st;
	xgrow(&py->fr, &py->cap_fr, py->nfr + 1, sizeof(*py->fr));
	py->fr[py->nfr] = e;
	hmap_put(&py->fr_idx, code, b, (uint32_t)py->nfr);
	hmap_put(&p->by_code, code, 0, (uint32_t)py->nfr);
	return (uint32_t)py->nfr++;
}

static uint32_t py_node(struct rec_py *py, uint32_t parent, uint32_t frame)
{
	uint32_t id;
	if (hmap_get(&py->node_idx, parent, frame, &id))
		return id;
	xgrow(&py->nodes, &py->cap_nodes, py->nnodes + 1, sizeof(*py->nodes));
	py->nodes[py->nnodes] = (struct rec_node){ parent, frame };
	hmap_put(&py->node_idx, parent, frame, (uint32_t)py->nnodes);
	return (uint32_t)py->nnodes++;
}

static struct py_queue *queue_of(struct rec_py *py, uint32_t tid, bool create)
{
	uint32_t i;
	if (hmap_get(&py->q_by_tid, tid, 0, &i))
		return &py->q[i];
	if (!create)
		return NULL;
	xgrow(&py->q, &py->cap_q, py->nq + 1, sizeof(*py->q));
	memset(&py->q[py->nq], 0, sizeof(*py->q));
	hmap_put(&py->q_by_tid, tid, 0, (uint32_t)py->nq);
	return &py->q[py->nq++];
}

static void queue_push(struct py_queue *q, const struct py_pending *e)
{
	if (q->n == QUEUE_MAX) { /* its samples never came (lost): drop the oldest */
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	if (q->n == q->cap) { /* grow, unwrapping the ring */
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct py_pending *e2 = xmalloc(cap, sizeof(*e2));
		for (size_t i = 0; i < q->n; i++)
			e2[i] = q->e[(q->head + i) % q->cap];
		free(q->e);
		q->e = e2;
		q->cap = cap;
		q->head = 0;
	}
	q->e[(q->head + q->n++) % q->cap] = *e;
}

static void on_bpf_sample(void *ctx, const struct bpfread_sample *s)
{
	struct rec *r = ctx;
	struct rec_py *py = r->py;
	struct py_proc *p = proc_get(py, s->pid);
	struct py_pending e = { .time = s->time, .ip = s->ip, .node = PDATA_NONE,
				.status = (uint8_t)s->status, .truncated = s->truncated };

	if (!p || !p->open)
		return;
	for (size_t i = s->nslots; i-- > 0;) {
		const struct bpfread_frame *f = &s->frames[i];
		e.node = py_node(py, e.node, f->code ? py_frame(py, p, f) : PY_MARK);
	}
	queue_push(queue_of(py, s->tid, true), &e);
}

void rec_py_poll(struct rec *r)
{
	struct rec_py *py = r->py;
	if (!py)
		return;
	/* a process that mapped an interpreter before it could be opened
	 * (its data not mapped yet, say): again, a bounded number of times */
	py->pending = false;
	for (size_t i = 0; i < py->nprocs; i++) {
		struct py_proc *p = &py->procs[i];
		uint32_t cur;
		if (p->open || p->tries >= OPEN_TRIES || !hmap_get(&py->by_pid, p->pid, 0, &cur) ||
		    &py->procs[cur] != p)
			continue;
		proc_try_open(py, p);
		py->pending |= !p->open && p->tries < OPEN_TRIES;
	}
	bpfread_consume(py->b, on_bpf_sample, r);
}

bool rec_py_pending(const struct rec *r)
{
	return r->py && r->py->pending;
}

/* ---- the join and the merge ---- */

/* The record of tid's sample at `time` with `ip`, or NULL. */
static const struct py_pending *take(struct rec_py *py, uint32_t tid, uint64_t time, uint64_t ip)
{
	struct py_queue *q = queue_of(py, tid, false);
	while (q && q->n) {
		const struct py_pending *e = &q->e[q->head];
		if (e->time > time + JOIN_WINDOW_NS)
			return NULL; /* a later sample's */
		q->head = (q->head + 1) % q->cap;
		q->n--;
		if (e->ip == ip && e->time + JOIN_WINDOW_NS >= time)
			return e; /* valid until the next push */
		/* else: an earlier sample whose perf record was lost */
	}
	return NULL;
}

/* Whether raw frame id runs the eval loop. */
static bool is_eval(struct rec *r, uint32_t id)
{
	struct rec_py *py = r->py;
	const struct rec_frame *f = &r->rf[id];
	uint32_t dso;
	if ((f->a & RF_TAG_MASK) != RF_FILE)
		return false;
	dso = (uint32_t)(f->a & 0xffffffffu);
	if (dso >= py->cap_eval) {
		size_t old = py->cap_eval, cap = dso + 16;
		py->eval = xrealloc(py->eval, cap, sizeof(*py->eval));
		py->eval_state = xrealloc(py->eval_state, cap, 1);
		memset(py->eval_state + old, 0, cap - old);
		py->cap_eval = cap;
	}
	if (!py->eval_state[dso]) {
		const struct pm_dso *d = procmap_dso(r->pm, dso);
		py->eval_state[dso] = d->interp && d->is_file && pyeval_find(d->path, &py->eval[dso])
					      ? 2 : 1;
	}
	return py->eval_state[dso] == 2 && pyeval_contains(&py->eval[dso], f->b);
}

static uint32_t raw_py_frame(struct rec *r, uint32_t fr);

size_t rec_py_merge(struct rec *r, uint32_t pid, uint32_t tid, uint64_t time, uint64_t ip,
		    const uint32_t *native, size_t n, uint32_t *out, size_t max, uint32_t *flags)
{
	struct rec_py *py = r->py;
	const struct py_pending *e;
	const struct py_proc *p;
	uint32_t node;
	size_t k = 0;
	bool per_frame;

	if (!py || !(p = proc_get(py, pid)) || !p->open ||
	    !(e = take(py, tid, time, ip)) || e->node == PDATA_NONE) {
		memcpy(out, native, (n < max ? n : max) * sizeof(*out));
		return n < max ? n : max;
	}
	per_frame = p->t.off.version < 0x030b; /* one eval call per frame before 3.11 */
	node = e->node;
	for (size_t i = 0; i < n && k < max; i++) {
		out[k++] = native[i];
		if (node == PDATA_NONE || !is_eval(r, native[i]))
			continue;
		/* this eval call's run of Python frames */
		while (node != PDATA_NONE && k < max) {
			uint32_t f = py->nodes[node].frame;
			node = py->nodes[node].parent;
			if (f == PY_MARK)
				break;
			out[k++] = raw_py_frame(r, f);
			if (per_frame)
				break;
		}
	}
	for (; node != PDATA_NONE && k < max; node = py->nodes[node].parent)
		if (py->nodes[node].frame != PY_MARK)
			out[k++] = raw_py_frame(r, py->nodes[node].frame);
	if (e->truncated || e->status == BPFREAD_READ_FAULT) {
		*flags |= SAMPLE_F_TRUNCATED;
		r->truncated++;
		r->stops[UNWIND_MAX_DEPTH]++;
	}
	return k;
}

/* ---- set-up ---- */

int rec_py_open(struct rec *r, char *why, size_t whylen)
{
	struct rec_py *py;
	struct bpfread *b = bpfread_open(why, whylen);
	if (!b)
		return -1;
	py = xcalloc(1, sizeof(*py));
	py->b = b;
	py->mapping = PDATA_NONE;
	hmap_init(&py->by_pid);
	hmap_init(&py->fr_idx);
	hmap_init(&py->node_idx);
	hmap_init(&py->q_by_tid);
	r->py = py;
	return 0;
}

int rec_py_attach(struct rec *r, struct perf_session *s, char *why, size_t whylen)
{
	for (size_t i = 0; r->py && i < perf_session_nevents(s); i++)
		if (bpfread_attach(r->py->b, perf_session_event_fd(s, i), why, whylen) < 0)
			return -1;
	return 0;
}

int rec_py_fd(const struct rec *r)
{
	return r->py ? bpfread_fd(r->py->b) : -1;
}

void rec_py_notes(struct rec *r)
{
	struct rec_py *py = r->py;
	uint64_t lost;
	if (!py)
		return;
	for (size_t i = 0; i < py->nprocs; i++) {
		const struct py_proc *p = &py->procs[i];
		const struct pm_proc *pp = procmap_get(r->pm, p->pid);
		if (!p->open && p->why[0] && pp && pp->interp)
			rec_message(r, "warning: no Python frames for process %u: %s", p->pid, p->why);
	}
	lost = bpfread_lost(py->b);
	if (lost)
		rec_message(r, "warning: the BPF frame reader lost the Python frames of %" PRIu64
			       " samples (its ring buffer was full)", lost);
}

void rec_py_free(struct rec *r)
{
	struct rec_py *py = r->py;
	if (!py)
		return;
	bpfread_free(py->b);
	for (size_t i = 0; i < py->nprocs; i++) {
		struct py_proc *p = &py->procs[i];
		if (p->open) {
			pycode_cache_free(p->cache);
			for (size_t k = 0; k < p->nold; k++)
				pycode_cache_free(p->old[k]);
			py_target_close(&p->t);
		}
		free(p->old);
		hmap_free(&p->by_code);
	}
	for (size_t i = 0; i < py->nq; i++)
		free(py->q[i].e);
	free(py->q);
	free(py->procs);
	free(py->fr);
	free(py->nodes);
	free(py->eval);
	free(py->eval_state);
	hmap_free(&py->by_pid);
	hmap_free(&py->fr_idx);
	hmap_free(&py->node_idx);
	hmap_free(&py->q_by_tid);
	free(py);
	r->py = NULL;
}

/* ---- raw frames and their names ---- */

static uint32_t raw_py_frame(struct rec *r, uint32_t fr)
{
	return rec_raw_frame(r, RF_PY | fr, 0);
}

bool rec_py_name(struct rec *r, const struct rec_frame *f, char *buf, size_t len,
		 uint32_t *mapping, uint8_t *kind, uint32_t *line)
{
	struct rec_py *py = r->py;
	uint64_t fr = f->a & ~(RF_TAG_MASK | RF_PY);
	const struct py_fent *e;

	*mapping = PDATA_NONE;
	*kind = FRAME_UNKNOWN;
	*line = 0;
	if (!py || fr >= py->nfr) {
		snprintf(buf, len, "[unknown python frame]");
		return false;
	}
	e = &py->fr[fr];
	if (e->status != PYCODE_OK || !e->qualname || !e->file) {
		snprintf(buf, len, e->status == PYCODE_STALE ? "[python frame: code object changed "
							       "while read]"
							     : "[python frame: unreadable]");
		return false;
	}
	if (py->mapping == PDATA_NONE)
		py->mapping = pdata_add_mapping(r->pd, "[python]", "");
	*mapping = py->mapping;
	*kind = FRAME_PYTHON;
	*line = e->line > 0 ? (uint32_t)e->line : 0;
	snprintf(buf, len, "py::%s:%s", e->qualname, e->file);
	return true;
}
