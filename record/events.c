/* events: what the ring buffers say — samples (callchains or unwound user
 * stacks, interned as raw frames and stack nodes), mappings, comm, fork,
 * exit, lost and throttle records — and the unwinder's view of each
 * process.  Also the table of event names. */
#include "pytop/base/xalloc.h"
#include "pytop/record/perf_session.h"
#include "pytop/record/record.h"
#include "rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- events by name ---- */

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} events[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
};

bool record_event_lookup(const char *name, uint32_t *type, uint64_t *config)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(name, events[i].name)) {
			*type = events[i].type;
			*config = events[i].config;
			return true;
		}
	return false;
}

const char *record_event_names(void)
{
	return "cpu-clock, task-clock, cycles, instructions, cache-references, cache-misses, "
	       "branches, branch-misses, bus-cycles, ref-cycles, stalled-cycles-frontend, "
	       "stalled-cycles-backend";
}

/* ---- threads ---- */

static void read_comm(uint32_t pid, uint32_t tid, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", pid, tid);
	f = fopen(path, "re");
	if (f && fgets(buf, (int)len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
		return;
	}
	if (f)
		fclose(f);
	snprintf(buf, len, ":%u", tid);
}

struct rec_thread *rec_thread_get(struct rec *r, uint32_t pid, uint32_t tid, bool create)
{
	uint32_t i;
	char comm[64];

	if (hmap_get(&r->by_tid, tid, 0, &i)) {
		struct rec_thread *t = &r->thr[i];
		if (t->pid != pid && create) { /* tid reused by another process */
			t->pid = pid;
			t->pd_thread = PDATA_NONE;
		}
		return t;
	}
	if (!create)
		return NULL;
	if (r->offline) /* perf_import: /proc shows other processes now */
		snprintf(comm, sizeof(comm), ":%u", tid);
	else
		read_comm(pid, tid, comm, sizeof(comm));
	xgrow(&r->thr, &r->cap_thr, r->nthr + 1, sizeof(*r->thr));
	r->thr[r->nthr] = (struct rec_thread){ .pid = pid, .tid = tid,
					       .comm = pdata_intern_cstr(r->pd, comm),
					       .pd_thread = PDATA_NONE };
	hmap_put(&r->by_tid, tid, 0, (uint32_t)r->nthr);
	return &r->thr[r->nthr++];
}

static void thread_set_comm(struct rec *r, uint32_t pid, uint32_t tid, const char *comm,
			    size_t len)
{
	struct rec_thread *t = rec_thread_get(r, pid, tid, true);
	t->pid = pid;
	t->comm = pdata_intern_string(r->pd, comm, len);
	t->pd_thread = PDATA_NONE;
}

/* ---- raw frames, stacks and samples ---- */

uint32_t rec_raw_frame(struct rec *r, uint64_t a, uint64_t b)
{
	uint32_t id;
	if (hmap_get(&r->rf_idx, a, b, &id))
		return id;
	xgrow(&r->rf, &r->cap_rf, r->nrf + 1, sizeof(*r->rf));
	r->rf[r->nrf] = (struct rec_frame){ a, b };
	hmap_put(&r->rf_idx, a, b, (uint32_t)r->nrf);
	return (uint32_t)r->nrf++;
}

static uint32_t raw_node(struct rec *r, uint32_t parent, uint32_t frame)
{
	uint32_t id;
	if (hmap_get(&r->rn_idx, parent, frame, &id))
		return id;
	xgrow(&r->rn, &r->cap_rn, r->nrn + 1, sizeof(*r->rn));
	r->rn[r->nrn] = (struct rec_node){ parent, frame };
	hmap_put(&r->rn_idx, parent, frame, (uint32_t)r->nrn);
	return (uint32_t)r->nrn++;
}

static uint32_t user_frame(struct rec *r, uint32_t pid, uint64_t addr)
{
	const struct pm_map *m = procmap_find(r->pm, pid, addr);
	if (m) {
		const struct pm_dso *d = procmap_dso(r->pm, m->dso);
		/* files, [vdso] and deleted files keep their offset; anonymous
		 * memory (JIT code) is looked up in perf maps by address */
		if (d->is_file || (d->path[0] == '[' && strncmp(d->path, "[anon", 5) &&
				   strcmp(d->path, "[heap]") && strcmp(d->path, "[stack]")) ||
		    strstr(d->path, " (deleted)"))
			return rec_raw_frame(r, RF_FILE | m->dso, addr - m->start + m->pgoff);
	}
	return rec_raw_frame(r, RF_ANON | pid, addr);
}

/* ips[0..n) leaf first, kernel[i] says which are kernel addresses; exact[i]
 * says the address is not a return address.  With the BPF frame reader,
 * the sample's Python frames (tid, time, ip) are merged in. */
static uint32_t intern_stack(struct rec *r, uint32_t pid, uint32_t tid, uint64_t time,
			     uint64_t ip, size_t n, const bool *kernel, const bool *exact,
			     uint32_t *flags)
{
	uint32_t node = PDATA_NONE;
	const uint32_t *fr = r->frames;
	for (size_t i = 0; i < n; i++) {
		uint64_t addr = exact[i] ? r->ips[i] : r->ips[i] - 1;
		r->frames[i] = kernel[i] ? rec_raw_frame(r, RF_KERNEL, addr) : user_frame(r, pid, addr);
	}
	if (r->py) {
		n = rec_py_merge(r, pid, tid, time, ip, r->frames, n, r->merged,
				 sizeof(r->merged) / sizeof(r->merged[0]), flags);
		fr = r->merged;
	}
	for (size_t i = n; i-- > 0;)
		node = raw_node(r, node, fr[i]);
	return node;
}

struct sample_view {
	uint64_t ip, time, period;
	uint32_t pid, tid;
	uint64_t nr;
	const unsigned char *chain;
	uint64_t abi;
	const unsigned char *regs;
	uint64_t stack_size, dyn_size;
	const unsigned char *stack;
};

static bool parse_sample(const struct rec *r, const struct perf_event_header *h,
			 struct sample_view *v)
{
	const unsigned char *p = (const unsigned char *)(h + 1);
	const unsigned char *end = (const unsigned char *)h + h->size;
	uint64_t w;
#define TAKE(dst)                                   \
	do {                                        \
		if ((size_t)(end - p) < 8)          \
			return false;               \
		memcpy(&(dst), p, 8);               \
		p += 8;                             \
	} while (0)

	memset(v, 0, sizeof(*v));
	TAKE(v->ip);
	TAKE(w);
	v->pid = (uint32_t)w;
	v->tid = (uint32_t)(w >> 32);
	TAKE(v->time);
	TAKE(w); /* cpu, res */
	TAKE(v->period);
	TAKE(v->nr);
	if (v->nr > (size_t)(end - p) / 8)
		return false;
	v->chain = p;
	p += v->nr * 8;
	if (r->sample_type & PERF_SAMPLE_REGS_USER) {
		TAKE(v->abi);
		if (v->abi) {
			size_t nregs = (size_t)__builtin_popcountll(r->regs_mask);
			if (nregs > (size_t)(end - p) / 8)
				return false;
			v->regs = p;
			p += nregs * 8;
		}
	}
	if (r->sample_type & PERF_SAMPLE_STACK_USER) {
		TAKE(v->stack_size);
		if (v->stack_size) {
			if (v->stack_size > (size_t)(end - p))
				return false;
			v->stack = p;
			p += v->stack_size;
			TAKE(v->dyn_size);
			if (v->dyn_size > v->stack_size)
				v->dyn_size = v->stack_size;
		}
	}
#undef TAKE
	return true;
}

bool rec_sample_stack(struct rec *r, const struct perf_event_header *h, bool count,
		      struct rec_stack *out)
{
	static bool kernel[REC_MAX_FRAMES], exact[REC_MAX_FRAMES];
	struct sample_view v;
	size_t n = 0;
	bool in_kernel = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	bool first = true;
	uint32_t flags = 0, stack;

	if (!parse_sample(r, h, &v))
		return false;
	for (uint64_t i = 0; i < v.nr && n < REC_MAX_FRAMES; i++) {
		uint64_t ip;
		memcpy(&ip, v.chain + i * 8, 8);
		if (ip >= (uint64_t)PERF_CONTEXT_MAX) {
			in_kernel = ip == (uint64_t)PERF_CONTEXT_KERNEL;
			first = true;
			if (ip != (uint64_t)PERF_CONTEXT_KERNEL && ip != (uint64_t)PERF_CONTEXT_USER)
				break; /* guest or hypervisor: not ours */
			continue;
		}
		kernel[n] = in_kernel;
		exact[n] = first;
		r->ips[n++] = ip;
		first = false;
	}
	if (r->dwarf && v.regs && r->uw) {
		enum unwind_stop why = UNWIND_END;
		size_t k = unwinder_unwind(r->uw, v.pid, (const uint64_t *)(const void *)v.regs,
					   v.stack, v.dyn_size, r->ips + n, REC_MAX_FRAMES - n, &why);
		for (size_t i = 0; i < k; i++) {
			kernel[n + i] = false;
			exact[n + i] = i == 0;
		}
		n += k;
		if (count)
			r->stops[why < UNWIND_STOP_COUNT ? why : UNWIND_ERROR]++;
		if (why != UNWIND_END) {
			flags |= SAMPLE_F_TRUNCATED;
			r->truncated += count;
		}
	}
	if (r->nofp && !r->dwarf) {
		/* a frame-pointer walk through an interpreter built without
		 * them never reaches the stack's root */
		const struct pm_proc *p = procmap_get(r->pm, v.pid);
		if (p && p->interp) {
			flags |= SAMPLE_F_TRUNCATED;
			r->truncated += count;
			r->stops[UNWIND_NO_FP] += count;
		}
	}
	if (!n) { /* no callchain: the sampled IP alone */
		kernel[0] = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
		exact[0] = true;
		r->ips[n++] = v.ip;
	}
	stack = intern_stack(r, v.pid, v.tid, v.time, v.ip, n, kernel, exact, &flags);
	*out = (struct rec_stack){ .pid = v.pid, .tid = v.tid, .time = v.time, .period = v.period,
				   .stack = stack, .flags = (uint8_t)flags };
	return true;
}

static void on_sample(struct rec *r, const struct perf_event_header *h)
{
	struct rec_stack st;
	struct rec_thread *t;

	if (!rec_sample_stack(r, h, true, &st))
		return;
	t = rec_thread_get(r, st.pid, st.tid, true);
	t->samples++;
	rec_add_sample(r, &(struct spill_rec){ .time = st.time, .weight = st.period,
					       .thread = rec_pd_thread(r, t, st.time),
					       .stack = st.stack, .flags = st.flags });
}

/* The time of a non-sample record (its sample_id trailer: pid/tid, time,
 * cpu), 0 when it has none. */
static uint64_t trailer_time(const struct perf_event_header *h)
{
	uint64_t t = 0;
	if (h->size >= sizeof(*h) + 24)
		memcpy(&t, (const unsigned char *)h + h->size - 16, 8);
	return t;
}

/* ---- the other records ---- */

void rec_on_record(void *ctx, const struct perf_event_header *h)
{
	struct rec *r = ctx;
	const unsigned char *p = (const unsigned char *)(h + 1);
	size_t len = h->size - sizeof(*h);

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		on_sample(r, h);
		break;
	case PERF_RECORD_MMAP2: {
		/* pid, tid, addr, len, pgoff, maj/min or build-id, ino, gen, prot, flags, name */
		uint32_t pid;
		uint64_t addr, mlen, pgoff;
		size_t fixed = 4 + 4 + 8 + 8 + 8 + 4 + 4 + 8 + 8 + 4 + 4;
		if (len <= fixed)
			break;
		memcpy(&pid, p, 4);
		memcpy(&addr, p + 8, 8);
		memcpy(&mlen, p + 16, 8);
		memcpy(&pgoff, p + 24, 8);
		const char *name = (const char *)p + fixed;
		if (!memchr(name, '\0', len - fixed))
			break;
		procmap_add(r->pm, pid, addr, mlen, pgoff, name);
		if (r->py) {
			const struct pm_proc *pp = procmap_get(r->pm, pid);
			if (pp && pp->interp)
				rec_py_proc(r, pid);
		}
		break;
	}
	case PERF_RECORD_COMM: {
		uint32_t pid, tid;
		if (len <= 8)
			break;
		memcpy(&pid, p, 4);
		memcpy(&tid, p + 4, 4);
		const char *comm = (const char *)p + 8;
		size_t clen = strnlen(comm, len - 8);
		if (h->misc & PERF_RECORD_MISC_COMM_EXEC) {
			procmap_exec(r->pm, pid);
			rec_py_exec(r, pid);
			if (r->uw)
				unwinder_forget_pid(r->uw, pid);
		}
		thread_set_comm(r, pid, tid, comm, clen);
		rec_thread_get(r, pid, tid, true)->comm_time = trailer_time(h);
		break;
	}
	case PERF_RECORD_FORK: {
		uint32_t pid, ppid, tid, ptid;
		if (len < 16)
			break;
		memcpy(&pid, p, 4);
		memcpy(&ppid, p + 4, 4);
		memcpy(&tid, p + 8, 4);
		memcpy(&ptid, p + 12, 4);
		struct rec_thread *parent = rec_thread_get(r, ppid, ptid, false);
		if (pid != ppid) {
			uint64_t t = 0;
			if (len >= 24)
				memcpy(&t, p + 16, 8);
			procmap_fork(r->pm, pid, ppid, t ? t + r->mono_to_real : 0);
			if (r->py && procmap_get(r->pm, pid)->interp)
				rec_py_proc(r, pid);
		}
		if (parent) {
			uint32_t comm = parent->comm;
			struct rec_thread *t = rec_thread_get(r, pid, tid, true);
			t->pid = pid;
			t->comm = comm;
			t->pd_thread = PDATA_NONE;
			t->comm_time = trailer_time(h);
			t->out_pending = t->sw_have = false; /* a reused tid */
		}
		break;
	}
	case PERF_RECORD_EXIT: {
		uint32_t pid, tid;
		if (len < 16)
			break;
		memcpy(&pid, p, 4);
		memcpy(&tid, p + 8, 4);
		{
			struct rec_thread *t = rec_thread_get(r, pid, tid, false);
			uint64_t when = 0;
			if (len >= 24)
				memcpy(&when, p + 16, 8);
			if (t && t->pd_thread != PDATA_NONE && when)
				rec_span_touch(r, t->pd_thread, when);
			if (t)
				t->out_pending = false;
		}
		if (pid == tid) {
			struct pm_proc *pr = procmap_get(r->pm, pid);
			if (pr)
				pr->exited = true;
			rec_py_exit(r, pid);
			if (r->uw)
				unwinder_forget_pid(r->uw, pid);
		}
		break;
	}
	case PERF_RECORD_LOST: {
		uint64_t lost;
		if (len >= 16) {
			memcpy(&lost, p + 8, 8);
			r->lost += lost;
		}
		break;
	}
	case PERF_RECORD_LOST_SAMPLES: {
		uint64_t lost;
		if (len >= 8) {
			memcpy(&lost, p, 8);
			r->lost += lost;
		}
		break;
	}
	case PERF_RECORD_THROTTLE:
		r->throttled++;
		break;
	default:
		break;
	}
}

/* ---- unwinder callbacks (dwarf mode) ---- */

bool rec_find_map(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out)
{
	struct rec *r = ctx;
	const struct pm_map *m = procmap_find(r->pm, pid, addr);
	const struct pm_dso *d;
	if (!m)
		return false;
	d = procmap_dso(r->pm, m->dso);
	if (!d->is_file && strcmp(d->path, "[vdso]")) /* the unwinder has its own vDSO */
		return false;
	*out = (struct unwind_map){ .path = d->path, .start = m->start, .end = m->end,
				    .pgoff = m->pgoff };
	return true;
}

int rec_perfmap_refresh(struct rec *r, struct pm_proc *p, const uint64_t *used, size_t nused)
{
	char why[256] = "";
	const char *note;
	int n;
	if (!p->perfmap)
		return 0;
	n = used ? perfmap_refresh_used(p->perfmap, used, nused, why, sizeof(why))
		 : perfmap_refresh(p->perfmap, why, sizeof(why));
	if (n < 0 && why[0])
		rec_message(r, "warning: %s", why);
	if ((note = perfmap_cap_note(p->perfmap)))
		rec_message(r, "note: %s: %s", perfmap_path(p->perfmap), note);
	return n;
}

bool rec_find_jit(void *ctx, uint32_t pid, uint64_t addr, uint64_t *start, uint64_t *end)
{
	struct rec *r = ctx;
	const struct pm_map *m = procmap_find(r->pm, pid, addr);

	if (m && procmap_dso(r->pm, m->dso)->is_file)
		return false; /* code from a file is never JIT code */
	/* the process, then its ancestors: a forked child runs its parent's
	 * trampolines.  A map line is written before its code first runs, so
	 * one re-read per drain round sees every line this round's samples
	 * can need. */
	for (int depth = 0; depth < 8 && pid; depth++) {
		struct pm_proc *p = procmap_get(r->pm, pid);
		const struct perfmap_entry *e = NULL;
		if (!p)
			return false;
		if (p->perfmap) {
			e = perfmap_find(p->perfmap, addr);
			if (!e && p->refreshed != r->round) {
				p->refreshed = r->round;
				if (rec_perfmap_refresh(r, p, NULL, 0) > 0)
					e = perfmap_find(p->perfmap, addr);
			}
		}
		if (e) {
			*start = e->start;
			*end = e->end;
			return true;
		}
		pid = p->ppid;
	}
	return false;
}

