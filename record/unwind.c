/* unwind: user-stack unwinding for `-g dwarf` (x86-64), libunwind remote API.
 *
 * One libunwind address space per sampled process (so libunwind's global
 * register-state cache, keyed by IP, is valid), with accessors that answer
 * from the sample alone:
 *   access_reg      the sampled user registers
 *   access_mem      the stack copy, else the mapped ELF file (unwind tables)
 *   find_proc_info  the file's .eh_frame_hdr search table (unwind_dso.c)
 * Frames whose IP lies in a perf-map (JIT) region are CPython trampolines:
 * they have no CFI, so we step them by their own code (record/python/tramp.c) and
 * restart libunwind above them.  Nothing here allocates per sample or per
 * frame once a process's mappings and files are known. */
#include "unwind_int.h"
#include "pytop/base/xalloc.h"
#include "pytop/format/pdata.h"

#include <libunwind.h>
#include <stdlib.h>
#include <string.h>

/* libunwind exports this but does not declare it. */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as, unw_word_t ip,
					      unw_dyn_info_t *di, unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);

/* Sampled registers: perf_event_x86_regs AX BX CX DX SI DI BP SP IP (bits
 * 0-8) and R8-R15 (bits 16-23); the kernel stores them in bit order. */
#define SAMPLE_MASK (0x1ffULL | (0xffULL << 16))
#define NREGS (UNW_X86_64_RIP + 1)

/* Index in the sampled array of each libunwind register. */
static const unsigned char sample_index[NREGS] = {
	[UNW_X86_64_RAX] = 0, [UNW_X86_64_RBX] = 1, [UNW_X86_64_RCX] = 2,
	[UNW_X86_64_RDX] = 3, [UNW_X86_64_RSI] = 4, [UNW_X86_64_RDI] = 5,
	[UNW_X86_64_RBP] = 6, [UNW_X86_64_RSP] = 7, [UNW_X86_64_RIP] = 8,
	[UNW_X86_64_R8] = 9, [UNW_X86_64_R9] = 10, [UNW_X86_64_R10] = 11,
	[UNW_X86_64_R11] = 12, [UNW_X86_64_R12] = 13, [UNW_X86_64_R13] = 14,
	[UNW_X86_64_R14] = 15, [UNW_X86_64_R15] = 16,
};

/* One executable file mapping of a process. */
struct map_inst {
	uint64_t start, end; /* the executable mapping */
	uint64_t lo, hi;     /* the whole file image in the process */
	uint64_t bias;
	struct dso *dso;
	unw_dyn_info_t di;
};

struct pid_state {
	uint32_t pid;
	unw_addr_space_t as;
	struct map_inst *maps; /* sorted by start */
	size_t nmaps, cap;
	size_t last;
	int tramp_state;      /* 0 unknown yet, 1 known, -1 unknown shape */
	bool tramp_forced;
	size_t tramp_scanned; /* nmaps when we last looked for the symbol */
	struct tramp_shape tramp;
	struct pid_state *next;
};

/* The sample being unwound: the `arg` of every accessor. */
struct uctx {
	struct unwinder *u;
	struct pid_state *ps;
	uint64_t regs[NREGS];
	const unsigned char *stack;
	uint64_t stack_lo, stack_hi;
	bool noinfo, short_read;
	enum unwind_stop read_why; /* why the last tramp_read failed */
};

#define PID_BUCKETS 64

struct unwinder {
	struct unwind_callbacks cb;
	struct dso_cache *dsos;
	struct pid_state *pids[PID_BUCKETS];
};

uint64_t unwind_sample_regs_mask(void)
{
	return SAMPLE_MASK;
}

/* ---- process mappings ---- */

static struct map_inst *inst_by_ip(struct uctx *x, uint64_t ip)
{
	struct pid_state *ps = x->ps;
	size_t lo = 0, hi = ps->nmaps;
	struct unwind_map m;

	if (ps->last < ps->nmaps && ip >= ps->maps[ps->last].start && ip < ps->maps[ps->last].end)
		return &ps->maps[ps->last];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ip < ps->maps[mid].start)
			hi = mid;
		else if (ip >= ps->maps[mid].end)
			lo = mid + 1;
		else
			return &ps->maps[ps->last = mid];
	}
	/* New to us: ask the recorder.  lo is the insertion point. */
	if (!x->u->cb.find_map || !x->u->cb.find_map(x->u->cb.ctx, ps->pid, ip, &m) ||
	    !m.path || ip < m.start || ip >= m.end)
		return NULL;
	struct dso *d = dso_get(x->u->dsos, m.path);
	uint64_t bias;
	if (!d->ok || !dso_bias(d, m.start, m.pgoff, &bias))
		return NULL;
	/* Mappings we knew that overlap this one were unmapped since: drop
	 * them and libunwind's cached frames for their addresses. */
	while (lo > 0 && ps->maps[lo - 1].end > m.start)
		lo--;
	size_t hi_i = lo;
	while (hi_i < ps->nmaps && ps->maps[hi_i].start < m.end)
		hi_i++;
	if (hi_i > lo) {
		for (size_t i = lo; i < hi_i; i++)
			unw_flush_cache(ps->as, ps->maps[i].start, ps->maps[i].end);
		memmove(&ps->maps[lo], &ps->maps[hi_i], (ps->nmaps - hi_i) * sizeof(*ps->maps));
		ps->nmaps -= hi_i - lo;
	}
	xgrow(&ps->maps, &ps->cap, ps->nmaps + 1, sizeof(*ps->maps));
	memmove(&ps->maps[lo + 1], &ps->maps[lo], (ps->nmaps - lo) * sizeof(*ps->maps));
	ps->nmaps++;
	struct map_inst *mi = &ps->maps[lo];
	memset(mi, 0, sizeof(*mi));
	mi->start = m.start;
	mi->end = m.end;
	mi->bias = bias;
	mi->lo = bias + d->min_vaddr;
	mi->hi = bias + d->max_vaddr;
	mi->dso = d;
	if (d->has_hdr) {
		mi->di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
		mi->di.start_ip = m.start;
		mi->di.end_ip = m.end;
		mi->di.u.rti.segbase = bias + d->hdr_vaddr;
		mi->di.u.rti.table_data = bias + d->hdr_vaddr + d->table_off;
		/* in words; each entry is two 4-byte fields */
		mi->di.u.rti.table_len = d->fde_count * 8 / sizeof(unw_word_t);
	}
	ps->last = lo;
	return mi;
}

static struct map_inst *inst_by_addr(struct pid_state *ps, uint64_t addr)
{
	if (ps->last < ps->nmaps && addr >= ps->maps[ps->last].lo && addr < ps->maps[ps->last].hi)
		return &ps->maps[ps->last];
	for (size_t i = 0; i < ps->nmaps; i++)
		if (addr >= ps->maps[i].lo && addr < ps->maps[i].hi)
			return &ps->maps[i];
	return NULL;
}

/* Is `ip` in a JIT (perf-map) region?  Code in a file mapping never is,
 * so those (the common case, and cached) skip the recorder's perf-map
 * lookup, which may have to re-read the map file on a miss. */
static bool ip_is_jit(struct uctx *x, uint32_t pid, uint64_t ip, uint64_t *js, uint64_t *je)
{
	const struct unwind_callbacks *cb = &x->u->cb;
	if (inst_by_ip(x, ip))
		return false;
	return cb->find_jit && cb->find_jit(cb->ctx, pid, ip, js, je);
}

/* ---- libunwind accessors ---- */

static int acc_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			      int need_unwind_info, void *arg)
{
	struct uctx *x = arg;
	struct map_inst *mi = inst_by_ip(x, ip);
	int ret;
	if (!mi || !mi->dso->has_hdr) {
		x->noinfo = true;
		return -UNW_ENOINFO;
	}
	ret = UNW_OBJ(dwarf_search_unwind_table)(as, ip, &mi->di, pi, need_unwind_info, arg);
	if (ret < 0)
		x->noinfo = true;
	return ret;
}

static void acc_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	/* libunwind frees DWARF unwind info itself */
	(void)as;
	(void)pi;
	(void)arg;
}

static int acc_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	(void)as;
	(void)addr;
	(void)arg;
	return -UNW_ENOINFO;
}

/* A read this far above the copy still counts as "the copy was too short";
 * further away it is a wild address (a bad frame), not a short copy. */
#define SHORT_WINDOW (1u << 20)

/* One word from the stack copy; false (and *why) when it is not there. */
static bool stack_word(struct uctx *x, uint64_t addr, uint64_t *val, enum unwind_stop *why)
{
	if (addr >= x->stack_lo && addr < x->stack_hi && x->stack_hi - addr >= 8) {
		memcpy(val, x->stack + (addr - x->stack_lo), 8);
		return true;
	}
	*why = addr + 8 > x->stack_hi && addr < x->stack_hi + SHORT_WINDOW ? UNWIND_STACK_SHORT
									     : UNWIND_ERROR;
	return false;
}

static bool tramp_read(void *ctx, uint64_t addr, uint64_t *val)
{
	struct uctx *x = ctx;
	return stack_word(x, addr, val, &x->read_why);
}

static int acc_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp, int write, void *arg)
{
	struct uctx *x = arg;
	struct map_inst *mi;
	enum unwind_stop why;
	uint64_t v = 0;
	(void)as;
	if (write)
		return -UNW_EINVAL;
	if (stack_word(x, addr, &v, &why)) {
		*valp = v;
		return 0;
	}
	mi = inst_by_addr(x->ps, addr);
	if (mi && dso_read(mi->dso, addr - mi->bias, &v, sizeof(v))) {
		*valp = v;
		return 0;
	}
	if (why == UNWIND_STACK_SHORT)
		x->short_read = true;
	return -UNW_EINVAL;
}

static int acc_access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *valp, int write, void *arg)
{
	struct uctx *x = arg;
	(void)as;
	if (reg < 0 || reg >= NREGS)
		return -UNW_EBADREG;
	if (write)
		x->regs[reg] = *valp;
	else
		*valp = x->regs[reg];
	return 0;
}

static int acc_access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write, void *arg)
{
	(void)as;
	(void)reg;
	(void)val;
	(void)write;
	(void)arg;
	return -UNW_EBADREG;
}

static int acc_resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as;
	(void)c;
	(void)arg;
	return -UNW_EINVAL;
}

static int acc_get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len,
			     unw_word_t *off, void *arg)
{
	(void)as;
	(void)addr;
	(void)buf;
	(void)len;
	(void)off;
	(void)arg;
	return -UNW_EINVAL;
}

static unw_accessors_t accessors = {
	.find_proc_info = acc_find_proc_info,
	.put_unwind_info = acc_put_unwind_info,
	.get_dyn_info_list_addr = acc_get_dyn_info_list_addr,
	.access_mem = acc_access_mem,
	.access_reg = acc_access_reg,
	.access_fpreg = acc_access_fpreg,
	.resume = acc_resume,
	.get_proc_name = acc_get_proc_name,
};

/* ---- processes ---- */

static struct pid_state *pid_get(struct unwinder *u, uint32_t pid)
{
	struct pid_state **b = &u->pids[pid % PID_BUCKETS], *ps;
	for (ps = *b; ps; ps = ps->next)
		if (ps->pid == pid)
			return ps;
	ps = xcalloc(1, sizeof(*ps));
	ps->pid = pid;
	ps->as = unw_create_addr_space(&accessors, 0);
	if (ps->as)
		unw_set_caching_policy(ps->as, UNW_CACHE_GLOBAL);
	ps->next = *b;
	*b = ps;
	return ps;
}

static void pid_free(struct pid_state *ps)
{
	if (ps->as)
		unw_destroy_addr_space(ps->as);
	free(ps->maps);
	free(ps);
}

struct unwinder *unwinder_new(const struct unwind_callbacks *cb)
{
	struct unwinder *u = xcalloc(1, sizeof(*u));
	u->cb = *cb;
	u->dsos = dso_cache_new();
	return u;
}

void unwinder_free(struct unwinder *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < PID_BUCKETS; i++) {
		struct pid_state *ps = u->pids[i], *next;
		for (; ps; ps = next) {
			next = ps->next;
			pid_free(ps);
		}
	}
	dso_cache_free(u->dsos);
	free(u);
}

void unwinder_forget_pid(struct unwinder *u, uint32_t pid)
{
	struct pid_state **pp = &u->pids[pid % PID_BUCKETS], *ps;
	for (; (ps = *pp); pp = &ps->next) {
		if (ps->pid == pid) {
			*pp = ps->next;
			pid_free(ps);
			return;
		}
	}
}

bool unwinder_set_trampoline(struct unwinder *u, uint32_t pid, const unsigned char *code, size_t len)
{
	struct pid_state *ps = pid_get(u, pid);
	ps->tramp_forced = true;
	ps->tramp_state = tramp_parse(code, len, &ps->tramp) ? 1 : -1;
	return ps->tramp_state > 0;
}

/* The trampoline shape `ps` uses: from `_Py_trampoline_func_start` in one of
 * its mapped files (libpython or the python executable).  NULL if unknown. */
static const struct tramp_shape *pid_trampoline(struct pid_state *ps)
{
	if (ps->tramp_state)
		return ps->tramp_state > 0 ? &ps->tramp : NULL;
	if (ps->tramp_scanned == ps->nmaps)
		return NULL; /* nothing new since we last looked */
	ps->tramp_scanned = ps->nmaps;
	for (size_t i = 0; i < ps->nmaps; i++) {
		const struct tramp_shape *t = dso_trampoline(ps->maps[i].dso);
		if (t) {
			ps->tramp = *t;
			ps->tramp_state = 1;
			return &ps->tramp;
		}
	}
	return NULL;
}

/* ---- the walk ---- */

size_t unwinder_unwind(struct unwinder *u, uint32_t pid, const uint64_t *regs,
		       const unsigned char *stack, size_t stack_len,
		       uint64_t *ips, size_t max, enum unwind_stop *why)
{
	struct uctx x;
	unw_cursor_t c;
	bool have_cursor = false, leaf = true;
	int jit = -1; /* is the current IP in a JIT region: -1 not asked yet */
	uint64_t js = 0, je = 0;
	size_t n = 0;

	*why = UNWIND_MAX_DEPTH;
	if (!max)
		return 0;
	memset(&x, 0, sizeof(x));
	x.u = u;
	x.ps = pid_get(u, pid);
	for (int r = 0; r < NREGS; r++)
		x.regs[r] = regs[sample_index[r]];
	x.stack = stack;
	x.stack_lo = x.regs[UNW_X86_64_RSP];
	x.stack_hi = stack_len <= UINT64_MAX - x.stack_lo ? x.stack_lo + stack_len : UINT64_MAX;
	ips[n++] = x.regs[UNW_X86_64_RIP];
	if (!x.ps->as) {
		*why = UNWIND_ERROR;
		return n;
	}

	for (;;) {
		uint64_t ip = x.regs[UNW_X86_64_RIP], sp = x.regs[UNW_X86_64_RSP];
		unw_word_t v;

		if (n >= max) {
			*why = UNWIND_MAX_DEPTH;
			return n;
		}
		if (jit < 0)
			jit = ip_is_jit(&x, pid, ip, &js, &je);
		if (jit) {
			const struct tramp_shape *t = pid_trampoline(x.ps);
			enum tramp_step_result r;
			if (!t || je - js < t->len) {
				*why = UNWIND_UNKNOWN_JIT;
				return n;
			}
			r = tramp_step(t, ip - js, leaf, tramp_read, &x, &x.regs[UNW_X86_64_RIP],
				       &x.regs[UNW_X86_64_RSP], &x.regs[UNW_X86_64_RBP]);
			if (r != TRAMP_STEPPED) {
				*why = r == TRAMP_READ_FAILED ? x.read_why : UNWIND_UNKNOWN_JIT;
				return n;
			}
			have_cursor = false;
			jit = -1;
		} else {
			int r;
			if (!have_cursor) {
				if (unw_init_remote(&c, x.ps->as, &x) < 0) {
					*why = UNWIND_ERROR;
					return n;
				}
				have_cursor = true;
			}
			x.noinfo = x.short_read = false;
			r = unw_step(&c);
			/* libunwind falls back to guessing from RBP when a frame has
			 * no unwind info: never trust that guess */
			if (x.noinfo) {
				struct map_inst *mi = inst_by_ip(&x, ip);
				*why = mi && dso_is_entry(mi->dso, ip - mi->bias) ? UNWIND_END : UNWIND_NO_INFO;
				return n;
			}
			if (x.short_read) {
				*why = UNWIND_STACK_SHORT;
				return n;
			}
			if (r <= 0) {
				*why = r == 0 ? UNWIND_END : UNWIND_ERROR;
				return n;
			}
			if (unw_get_reg(&c, UNW_X86_64_RIP, &v) < 0) {
				*why = UNWIND_ERROR;
				return n;
			}
			x.regs[UNW_X86_64_RIP] = v;
			if (unw_get_reg(&c, UNW_X86_64_RSP, &v) == 0)
				x.regs[UNW_X86_64_RSP] = v;
			jit = x.regs[UNW_X86_64_RIP] && ip_is_jit(&x, pid, x.regs[UNW_X86_64_RIP], &js, &je);
			if (jit) {
				/* next frame is a trampoline: take libunwind's view of
				 * the registers so we can restart it above */
				for (int reg = 0; reg < UNW_X86_64_RIP; reg++)
					if (reg != UNW_X86_64_RSP && unw_get_reg(&c, reg, &v) == 0)
						x.regs[reg] = v;
			}
		}
		if (!x.regs[UNW_X86_64_RIP]) {
			*why = UNWIND_END;
			return n;
		}
		if (x.regs[UNW_X86_64_RSP] <= sp) {
			*why = UNWIND_ERROR; /* the stack must grow toward the caller */
			return n;
		}
		ips[n++] = x.regs[UNW_X86_64_RIP];
		leaf = false;
	}
}

_Static_assert(UNWIND_STACK_SHORT - 1 == TRUNC_STACK_SHORT && UNWIND_NO_INFO - 1 == TRUNC_NO_INFO &&
	       UNWIND_UNKNOWN_JIT - 1 == TRUNC_UNKNOWN_JIT && UNWIND_MAX_DEPTH - 1 == TRUNC_MAX_DEPTH &&
	       UNWIND_ERROR - 1 == TRUNC_ERROR && UNWIND_NO_FP - 1 == TRUNC_NO_FP &&
	       UNWIND_STOP_COUNT - 1 == TRUNC_COUNT,
	       "enum unwind_stop and enum pdata_trunc must line up");

const char *unwind_stop_name(enum unwind_stop why)
{
	if (why == UNWIND_END)
		return "complete";
	return pdata_trunc_name((enum pdata_trunc)(why - 1));
}
