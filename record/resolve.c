/* resolve: build the pdata from what the loop gathered: the metadata, and
 * the raw frames (dso+offset, pid+address, kernel address) turned into
 * named pdata frames, once per unique address, with the raw stacks and
 * samples rebuilt as pdata tables. */
#include "pytop/base/xalloc.h"
#include "pytop/record/symbolize.h"
#include "rec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

struct resolver {
	struct rec *r;
	struct symbolizer *sy;
	uint32_t *dso_mapping; /* dso id -> pdata mapping, PDATA_NONE until needed */
	uint32_t jit_mapping, kernel_mapping;
	uint32_t *exp;         /* pdata frames of all raw frames, root first */
	size_t nexp, cap_exp;
};

static enum frame_kind dso_kind(const char *path)
{
	return pdata_dso_is_interpreter(path) ? FRAME_INTERPRETER : FRAME_NATIVE;
}

/* line: the frame's source line (a Python frame read by BPF), 0 unknown. */
static void push_line(struct resolver *rs, const char *name, uint32_t mapping, uint64_t addr,
		      enum frame_kind kind, bool inlined, uint32_t line)
{
	struct pdata *pd = rs->r->pd;
	struct pdata_frame f = { .name = pdata_intern_cstr(pd, name), .mapping = mapping,
				 .addr = addr, .kind = (uint8_t)kind,
				 .flags = inlined ? FRAME_F_INLINED : 0, .line = line };
	xgrow(&rs->exp, &rs->cap_exp, rs->nexp + 1, sizeof(*rs->exp));
	rs->exp[rs->nexp++] = pdata_intern_frame(pd, &f);
}

static void push(struct resolver *rs, const char *name, uint32_t mapping, uint64_t addr,
		 enum frame_kind kind, bool inlined)
{
	push_line(rs, name, mapping, addr, kind, inlined, 0);
}

static uint32_t mapping_of(struct resolver *rs, uint32_t dso)
{
	const struct pm_dso *d = procmap_dso(rs->r->pm, dso);
	if (rs->dso_mapping[dso] == PDATA_NONE)
		rs->dso_mapping[dso] = pdata_add_mapping(
			rs->r->pd, d->path, d->is_file ? symbolizer_build_id(rs->sy, dso, d->path) : "");
	return rs->dso_mapping[dso];
}

/* The perf-map entry for pid's addr: the process's own map, then its
 * ancestors' (a forked child still runs the parent's trampolines). */
static const char *jit_name(struct resolver *rs, uint32_t pid, uint64_t addr, uint64_t *start)
{
	for (int depth = 0; depth < 8 && pid; depth++) {
		struct pm_proc *p = procmap_get(rs->r->pm, pid);
		const struct perfmap_entry *e;
		if (!p)
			return NULL;
		if (p->perfmap && (e = perfmap_find(p->perfmap, addr))) {
			*start = e->start;
			return perfmap_name(p->perfmap, e);
		}
		pid = p->ppid;
	}
	return NULL;
}

/* Appends the pdata frames of raw frame f; returns whether it got a name. */
static bool resolve_one(struct resolver *rs, const struct rec_frame *f)
{
	struct pdata *pd = rs->r->pd;
	uint64_t tag = f->a & RF_TAG_MASK, start = 0;
	char buf[512];

	if (tag == 0 && (f->a & RF_PY)) {
		uint32_t mapping, line;
		uint8_t kind;
		bool named = rec_py_name(rs->r, f, buf, sizeof(buf), &mapping, &kind, &line);
		push_line(rs, buf, mapping, 0, (enum frame_kind)kind, false, line);
		return named;
	}
	if (tag == RF_KERNEL) {
		const char *name = symbolizer_kernel(rs->sy, f->b, &start);
		if (rs->kernel_mapping == PDATA_NONE)
			rs->kernel_mapping = pdata_add_mapping(pd, "[kernel.kallsyms]", "");
		if (name) {
			push(rs, name, rs->kernel_mapping, start, FRAME_KERNEL, false);
			return true;
		}
		snprintf(buf, sizeof(buf), "[kernel.kallsyms+0x%" PRIx64 "]", f->b);
		push(rs, buf, rs->kernel_mapping, f->b, FRAME_KERNEL, false);
		return false;
	}
	if (tag == RF_FILE) {
		uint32_t dso = (uint32_t)(f->a & 0xffffffffu);
		const struct pm_dso *d = procmap_dso(rs->r->pm, dso);
		uint32_t mapping = mapping_of(rs, dso);
		enum frame_kind kind = dso_kind(d->path);
		struct sym_frame sf[16];
		uint64_t vaddr = f->b;
		size_t n = d->is_file ? symbolizer_resolve(rs->sy, dso, d->path, f->b, sf, 16, &vaddr)
				      : 0;
		if (!d->is_file && !strcmp(d->path, "[vdso]") &&
		    (sf[0].name = symbolizer_vdso(rs->sy, f->b, &sf[0].addr))) {
			sf[0].inlined = false;
			n = 1;
		}
		for (size_t i = 0; i < n; i++)
			push(rs, sf[i].name, mapping, sf[i].addr, kind, sf[i].inlined);
		if (n)
			return true;
		const char *base = strrchr(d->path, '/');
		snprintf(buf, sizeof(buf), "[%s+0x%" PRIx64 "]", base ? base + 1 : d->path, vaddr);
		push(rs, buf, mapping, vaddr, kind, false);
		return false;
	}
	/* anonymous memory: JIT code named by a perf map, or unknown */
	const char *name = jit_name(rs, (uint32_t)(f->a & 0xffffffffu), f->b, &start);
	if (name) {
		if (rs->jit_mapping == PDATA_NONE)
			rs->jit_mapping = pdata_add_mapping(pd, "[JIT]", "");
		push(rs, name, rs->jit_mapping, start,
		     strncmp(name, "py::", 4) ? FRAME_NATIVE : FRAME_PYTHON, false);
		return true;
	}
	push(rs, "[unknown]", PDATA_NONE, f->b, FRAME_UNKNOWN, false);
	return false;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The sorted addresses of every anonymous-memory frame (of any process: a
 * forked child's frames are looked up in its ancestors' maps too): all a
 * perf map must name. */
static uint64_t *anon_addresses(const struct rec *r, size_t *n)
{
	uint64_t *a = xmalloc(r->nrf + 1, sizeof(*a));
	size_t k = 0;
	for (size_t i = 0; i < r->nrf; i++)
		if ((r->rf[i].a & RF_TAG_MASK) == RF_ANON)
			a[k++] = r->rf[i].b;
	qsort(a, k, sizeof(*a), cmp_u64);
	*n = k;
	return a;
}

void rec_resolve(struct rec *r, struct record_result *res)
{
	struct resolver rs = { .r = r, .jit_mapping = PDATA_NONE, .kernel_mapping = PDATA_NONE };
	size_t ndsos = procmap_ndsos(r->pm), it = 0;
	uint32_t *first = xmalloc(r->nrf + 1, sizeof(*first));
	bool *rf_named = xmalloc(r->nrf + 1, sizeof(*rf_named));
	uint32_t *node_map, *named, *user;
	uint64_t *used;
	size_t nused;
	struct pm_proc *p;

	free(r->node_map);
	free(r->node_user);
	free(r->node_named);
	node_map = r->node_map = xmalloc(r->nrn + 1, sizeof(*node_map));
	named = r->node_named = xmalloc(r->nrn + 1, sizeof(*named));
	user = r->node_user = xmalloc(r->nrn + 1, sizeof(*user));
	rs.sy = symbolizer_new();
	rs.dso_mapping = xmalloc(ndsos + 1, sizeof(*rs.dso_mapping));
	for (size_t i = 0; i < ndsos; i++)
		rs.dso_mapping[i] = PDATA_NONE;
	used = anon_addresses(r, &nused);
	while ((p = procmap_next(r->pm, &it)))
		rec_perfmap_refresh(r, p, used, nused);
	free(used);

	for (size_t i = 0; i < r->nrf; i++) {
		first[i] = (uint32_t)rs.nexp;
		rf_named[i] = resolve_one(&rs, &r->rf[i]);
	}
	first[r->nrf] = (uint32_t)rs.nexp;

	/* raw nodes come parent first, so one pass rebuilds the tree */
	for (size_t i = 0; i < r->nrn; i++) {
		const struct rec_node *n = &r->rn[i];
		uint32_t node = n->parent == PDATA_NONE ? PDATA_NONE : node_map[n->parent];
		bool is_user = (r->rf[n->frame].a & RF_TAG_MASK) != RF_KERNEL;
		for (uint32_t k = first[n->frame]; k < first[n->frame + 1]; k++)
			node = pdata_intern_stack(r->pd, node, rs.exp[k]);
		node_map[i] = node;
		named[i] = (n->parent == PDATA_NONE ? 0 : named[n->parent]) +
			   (is_user && rf_named[n->frame]);
		user[i] = (n->parent == PDATA_NONE ? 0 : user[n->parent]) + is_user;
	}
	res->samples = r->spill.count;
	free(first);
	free(rf_named);
	free(rs.exp);
	free(rs.dso_mapping);
	symbolizer_free(rs.sy);
}

/* ---- the samples, read back from the spill with pdata stacks ---- */

static int src_rewind(void *ctx)
{
	struct rec *r = ctx;
	r->src_pass++;
	return spill_rewind(&r->spill);
}

static int src_next(void *ctx, struct pdata_sample *out)
{
	struct rec *r = ctx;
	struct spill_rec s;
	int got = spill_next(&r->spill, &s);

	if (got <= 0)
		return got;
	if (s.stack != PDATA_NONE && s.stack >= r->nrn)
		return -1;
	*out = (struct pdata_sample){ .time = s.time, .weight = s.weight, .thread = s.thread,
				      .stack = s.stack == PDATA_NONE ? PDATA_NONE : r->node_map[s.stack],
				      .flags = s.flags };
	if ((s.flags & SAMPLE_F_OFF_CPU) && r->pd->meta.off_cpu_dropped &&
	    r->pd->meta.switch_outs > r->pd->meta.off_cpu_dropped) {
		/* the recorded waits stand for every switch-out (offcpu.c) */
		double f = (double)r->pd->meta.switch_outs /
			   (double)(r->pd->meta.switch_outs - r->pd->meta.off_cpu_dropped);
		out->weight = (uint64_t)((double)s.weight * f + 0.5);
	}
	if (r->src_pass == 1 && r->src_res && s.stack != PDATA_NONE) {
		r->src_res->user_frames += r->node_user[s.stack];
		r->src_res->user_named += r->node_named[s.stack];
	}
	return 1;
}

int rec_load_samples(struct rec *r, struct record_result *res)
{
	struct pdata_sample_src src;
	struct pdata_sample s;
	int got;

	rec_sample_src(r, res, &src);
	if (src.rewind(src.ctx) < 0)
		return -1;
	while ((got = src.next(src.ctx, &s)) > 0)
		pdata_add_sample(r->pd, &s);
	return got;
}

void rec_sample_src(struct rec *r, struct record_result *res, struct pdata_sample_src *src)
{
	r->src_res = res;
	r->src_pass = 0;
	*src = (struct pdata_sample_src){ .next = src_next, .rewind = src_rewind, .ctx = r,
					  .count = r->spill.count, .count_off = r->off_samples };
}

/* ---- metadata ---- */

void rec_fill_meta(struct rec *r, const struct record_result *res, uint64_t start_real,
		   uint64_t duration, size_t ncpus)
{
	struct pdata *pd = r->pd;
	struct pdata_meta *m = &pd->meta;
	struct utsname u;
	char host[256];

	m->cmdline = pdata_intern_cstr(pd, r->o->cmdline ? r->o->cmdline : "");
	m->event = pdata_intern_cstr(pd, res->event);
	m->callchain = pdata_intern_cstr(pd, res->callchain);
	m->callchain_reason = pdata_intern_cstr(pd, res->callchain_reason);
	if (r->o->python_path)
		m->python_path = pdata_intern_cstr(pd, r->o->python_path);
	if (r->o->python_version)
		m->python_version = pdata_intern_cstr(pd, r->o->python_version);
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		m->hostname = pdata_intern_cstr(pd, host);
	}
	if (uname(&u) == 0) {
		m->os_release = pdata_intern_cstr(pd, u.release);
		m->arch = pdata_intern_cstr(pd, u.machine);
	}
	m->pytop_version = pdata_intern_cstr(pd, PYTOP_VERSION);
	m->freq = r->o->freq;
	m->stack_bytes = r->dwarf ? (r->o->stack_bytes ? r->o->stack_bytes : RECORD_DEFAULT_STACK) : 0;
	m->start_time = start_real;
	m->duration = duration;
	m->lost = r->lost;
	m->throttled = r->throttled;
	m->nr_cpus = ncpus;
	m->exit_status = -1;
	if (res->launched) {
		if (WIFEXITED(res->wait_status))
			m->exit_status = WEXITSTATUS(res->wait_status);
		else if (WIFSIGNALED(res->wait_status))
			m->exit_status = 128 + WTERMSIG(res->wait_status);
	}
}
