/* record: open the events, launch or attach, drain the ring buffers until
 * the target is done, then resolve and write the file. */
#include "pytop/launch.h"
#include "pytop/perf_session.h"
#include "pytop/record.h"
#include "pytop/xalloc.h"
#include "record_priv.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void rec_message(struct rec *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->o->message)
		r->o->message(r->o->message_ctx, line);
}

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

static struct rec_thread *thread_get(struct rec *r, uint32_t pid, uint32_t tid, bool create)
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
	struct rec_thread *t = thread_get(r, pid, tid, true);
	t->pid = pid;
	t->comm = pdata_intern_string(r->pd, comm, len);
	t->pd_thread = PDATA_NONE;
}

/* ---- raw frames, stacks and samples ---- */

static uint32_t raw_frame(struct rec *r, uint64_t a, uint64_t b)
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
		if (d->is_file || d->path[0] == '[')
			return raw_frame(r, RF_FILE | m->dso, addr - m->start + m->pgoff);
	}
	return raw_frame(r, RF_ANON | pid, addr);
}

/* ips[0..n) leaf first, kernel[i] says which are kernel addresses; exact[i]
 * says the address is not a return address. */
static uint32_t intern_stack(struct rec *r, uint32_t pid, size_t n, const bool *kernel,
			     const bool *exact)
{
	uint32_t node = PDATA_NONE;
	for (size_t i = n; i-- > 0;) {
		uint64_t addr = exact[i] ? r->ips[i] : r->ips[i] - 1;
		uint32_t f = kernel[i] ? raw_frame(r, RF_KERNEL, addr) : user_frame(r, pid, addr);
		node = raw_node(r, node, f);
	}
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

static void on_sample(struct rec *r, const struct perf_event_header *h)
{
	static bool kernel[REC_MAX_FRAMES], exact[REC_MAX_FRAMES];
	struct sample_view v;
	struct rec_thread *t;
	size_t n = 0;
	bool in_kernel = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	bool first = true;
	uint32_t flags = 0;

	if (!parse_sample(r, h, &v))
		return;
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
		r->stops[why < UNWIND_STOP_COUNT ? why : UNWIND_ERROR]++;
		if (why != UNWIND_END) {
			flags |= SAMPLE_F_TRUNCATED;
			r->truncated++;
		}
	}
	if (!n) { /* no callchain: the sampled IP alone */
		kernel[0] = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
		exact[0] = true;
		r->ips[n++] = v.ip;
	}
	t = thread_get(r, v.pid, v.tid, true);
	if (t->pd_thread == PDATA_NONE)
		t->pd_thread = pdata_intern_thread(r->pd, t->pid, t->tid, pdata_str(r->pd, t->comm));
	t->samples++;
	xgrow(&r->rs, &r->cap_rs, r->nrs + 1, sizeof(*r->rs));
	r->rs[r->nrs++] = (struct rec_sample){ .time = v.time, .weight = v.period,
					       .thread = t->pd_thread,
					       .stack = intern_stack(r, v.pid, n, kernel, exact),
					       .flags = flags };
}

/* ---- the other records ---- */

static void on_record(void *ctx, const struct perf_event_header *h)
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
			if (r->uw)
				unwinder_forget_pid(r->uw, pid);
		}
		thread_set_comm(r, pid, tid, comm, clen);
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
		struct rec_thread *parent = thread_get(r, ppid, ptid, false);
		if (pid != ppid) {
			uint64_t t = 0;
			if (len >= 24)
				memcpy(&t, p + 16, 8);
			procmap_fork(r->pm, pid, ppid, t ? t + r->mono_to_real : 0);
		}
		if (parent) {
			uint32_t comm = parent->comm;
			struct rec_thread *t = thread_get(r, pid, tid, true);
			t->pid = pid;
			t->comm = comm;
			t->pd_thread = PDATA_NONE;
		}
		break;
	}
	case PERF_RECORD_EXIT: {
		uint32_t pid, tid;
		if (len < 16)
			break;
		memcpy(&pid, p, 4);
		memcpy(&tid, p + 8, 4);
		if (pid == tid) {
			struct pm_proc *pr = procmap_get(r->pm, pid);
			if (pr)
				pr->exited = true;
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

static bool cb_find_map(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out)
{
	struct rec *r = ctx;
	const struct pm_map *m = procmap_find(r->pm, pid, addr);
	const struct pm_dso *d;
	if (!m)
		return false;
	d = procmap_dso(r->pm, m->dso);
	if (!d->is_file && strcmp(d->path, "[vdso]"))
		return false;
	*out = (struct unwind_map){ .path = d->path, .start = m->start, .end = m->end,
				    .pgoff = m->pgoff };
	return true;
}

int rec_perfmap_refresh(struct rec *r, struct pm_proc *p)
{
	char why[256] = "";
	int n;
	if (!p->perfmap)
		return 0;
	n = perfmap_refresh(p->perfmap, why, sizeof(why));
	if (n < 0 && why[0])
		rec_message(r, "warning: %s", why);
	return n;
}

static bool cb_find_jit(void *ctx, uint32_t pid, uint64_t addr, uint64_t *start, uint64_t *end)
{
	struct rec *r = ctx;
	/* the process, then its ancestors: a forked child runs its parent's trampolines */
	for (int depth = 0; depth < 8 && pid; depth++) {
		struct pm_proc *p = procmap_get(r->pm, pid);
		const struct perfmap_entry *e = NULL;
		if (!p)
			return false;
		if (p->perfmap) {
			e = perfmap_find(p->perfmap, addr);
			if (!e && rec_perfmap_refresh(r, p) > 0)
				e = perfmap_find(p->perfmap, addr);
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

/* ---- set-up ---- */

static int paranoid_level(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int v = 2;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 2;
		fclose(f);
	}
	return v;
}

static size_t list_tids(pid_t pid, pid_t **tids, size_t *n, size_t *cap)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	size_t before = *n;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *endp;
		long tid = strtol(e->d_name, &endp, 10);
		if (*endp || tid <= 0)
			continue;
		xgrow(tids, cap, *n + 1, sizeof(**tids));
		(*tids)[(*n)++] = (pid_t)tid;
	}
	closedir(d);
	return *n - before;
}

static bool pid_alive(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	bool alive = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		char *rp = strrchr(buf, ')');
		alive = rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
	}
	fclose(f);
	return alive;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Opens the session, falling back from cycles to cpu-clock and from
 * kernel+user to user-only.  Returns NULL with err filled. */
static struct perf_session *open_session(struct rec *r, struct perf_session_spec *spec,
					 const pid_t *tids, size_t ntids,
					 struct record_result *res, char *err, size_t errlen)
{
	const struct record_opts *o = r->o;
	const char *ev = o->event ? o->event : "cycles";
	struct perf_session *s;
	int e = 0;

	snprintf(res->event, sizeof(res->event), "%s", ev);
	if (!record_event_lookup(ev, &spec->type, &spec->config)) {
		snprintf(err, errlen, "unknown event '%s' (known: %s)", ev, record_event_names());
		return NULL;
	}
	spec->kernel = true;
	for (;;) {
		s = perf_session_open(spec, tids, ntids, &e);
		if (s)
			break;
		if ((e == ENOENT || e == EOPNOTSUPP || e == ENODEV || e == EINVAL) && !o->event &&
		    spec->type == PERF_TYPE_HARDWARE) {
			rec_message(r, "note: cycles is not supported on this machine, sampling cpu-clock");
			spec->type = PERF_TYPE_SOFTWARE;
			spec->config = PERF_COUNT_SW_CPU_CLOCK;
			snprintf(res->event, sizeof(res->event), "cpu-clock");
			continue;
		}
		if ((e == EACCES || e == EPERM) && spec->kernel) {
			spec->kernel = false;
			continue;
		}
		break;
	}
	if (!s) {
		if (e == EACCES || e == EPERM)
			snprintf(err, errlen,
				 "perf_event_open: %s: /proc/sys/kernel/perf_event_paranoid is %d; "
				 "to profile, run as root, give pytop CAP_PERFMON, or set it to 2 or "
				 "lower (sysctl -w kernel.perf_event_paranoid=2; -1 allows everything)",
				 strerror(e), paranoid_level());
		else if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV)
			snprintf(err, errlen, "event '%s' is not supported on this machine (try -e cpu-clock)",
				 res->event);
		else if (e == ESRCH)
			snprintf(err, errlen, "no such process");
		else
			snprintf(err, errlen, "perf_event_open: %s", strerror(e));
		return NULL;
	}
	if (!spec->kernel)
		rec_message(r, "note: recording user space only: kernel frames need "
			       "perf_event_paranoid <= 1 (it is %d), root or CAP_PERFMON",
			    paranoid_level());
	res->kernel = spec->kernel;
	return s;
}

static void fill_meta(struct rec *r, const struct record_result *res, uint64_t start_real,
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

/* ---- the loop ---- */

struct loop_state {
	struct launch l;
	bool launched, child_done;
	int sfd;
	int interrupts;
	uint64_t deadline; /* CLOCK_MONOTONIC ns, 0 = none */
};

/* Passes a signal on to every live process pytop launched (the command and
 * what it forked), as a terminal does for its foreground process group. */
static void signal_launched(struct rec *r, int sig)
{
	size_t it = 0;
	struct pm_proc *p;
	while ((p = procmap_next(r->pm, &it)))
		if (p->launched && !p->exited)
			kill((pid_t)p->pid, sig);
}

static void handle_signals(struct rec *r, struct loop_state *ls, struct record_result *res,
			   bool *stop)
{
	struct signalfd_siginfo si;
	while (read(ls->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGCHLD) {
			int st;
			if (ls->launched && !ls->child_done && waitpid(ls->l.pid, &st, WNOHANG) == ls->l.pid) {
				ls->child_done = true;
				res->wait_status = st;
			}
			while (waitpid(-1, NULL, WNOHANG) > 0) /* anything else we started */
				;
			continue;
		}
		if (!ls->launched) {
			*stop = true;
			continue;
		}
		/* A terminal's Ctrl-C reaches the target's process group by itself
		 * (si_code SI_KERNEL); a signal sent to pytop alone is passed on. */
		if (sig == SIGINT && ++ls->interrupts >= 3) {
			rec_message(r, "note: the target ignores SIGINT, killing it");
			signal_launched(r, SIGKILL);
		} else if (si.ssi_code != SI_KERNEL || sig != SIGINT) {
			signal_launched(r, sig);
		}
	}
}

static void run_loop(struct rec *r, struct perf_session *s, struct loop_state *ls,
		     struct record_result *res, const pid_t *pids, size_t npids)
{
	size_t nb = perf_session_nbuffers(s);
	struct pollfd *pfd = xcalloc(nb + 1, sizeof(*pfd));
	bool stop = false;
	uint64_t last_check = 0;

	for (size_t i = 0; i < nb; i++)
		pfd[i] = (struct pollfd){ .fd = perf_session_fd(s, i), .events = POLLIN };
	pfd[nb] = (struct pollfd){ .fd = ls->sfd, .events = POLLIN };
	while (!stop) {
		int timeout = 100;
		if (ls->deadline) {
			uint64_t now = now_ns(CLOCK_MONOTONIC);
			if (now >= ls->deadline)
				break;
			if ((ls->deadline - now) / 1000000 < (uint64_t)timeout)
				timeout = (int)((ls->deadline - now) / 1000000) + 1;
		}
		if (poll(pfd, nb + 1, timeout) < 0 && errno != EINTR)
			break;
		perf_session_drain(s, on_record, r);
		handle_signals(r, ls, res, &stop);
		if (ls->launched && ls->child_done)
			break;
		if (!ls->launched && now_ns(CLOCK_MONOTONIC) - last_check > 200000000ULL) {
			bool any = false;
			last_check = now_ns(CLOCK_MONOTONIC);
			for (size_t i = 0; i < npids && !any; i++)
				any = pid_alive(pids[i]);
			if (!any)
				break;
		}
	}
	free(pfd);
	perf_session_disable(s);
	perf_session_drain(s, on_record, r);
}

static void rec_free(struct rec *r)
{
	pdata_free(r->pd);
	procmap_free(r->pm);
	if (r->uw)
		unwinder_free(r->uw);
	hmap_free(&r->by_tid);
	hmap_free(&r->rf_idx);
	hmap_free(&r->rn_idx);
	free(r->thr);
	free(r->rf);
	free(r->rn);
	free(r->rs);
}

static void count_threads(struct rec *r, struct record_result *res)
{
	struct hmap pids;
	hmap_init(&pids);
	for (size_t i = 0; i < r->nthr; i++) {
		if (!r->thr[i].samples)
			continue;
		res->threads++;
		hmap_put(&pids, r->thr[i].pid, 0, 1);
	}
	res->processes = pids.count;
	hmap_free(&pids);
}

static void remove_perf_maps(struct rec *r)
{
	size_t it = 0;
	struct pm_proc *p;
	while ((p = procmap_next(r->pm, &it)))
		if (p->launched && p->perfmap && perfmap_loaded(p->perfmap))
			perfmap_remove(p->perfmap);
}

int record_run(const struct record_opts *o, struct record_result *res, char *err, size_t errlen)
{
	struct rec r = { .o = o };
	struct perf_session_spec spec = { .freq = o->freq ? o->freq : RECORD_DEFAULT_FREQ,
					  .ring_pages = 256 };
	struct loop_state ls = { .sfd = -1, .l = { .go_fd = -1, .err_fd = -1 } };
	struct perf_session *s = NULL;
	sigset_t mask, old;
	static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	struct sigaction old_act[4];
	pid_t *tids = NULL;
	size_t ntids = 0, cap_tids = 0;
	uint64_t start_real, start_mono;
	const char *reason = NULL;
	enum record_cg cg = o->callchain;
	struct pdata_error perr;
	struct stat st;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	r.mono_to_real = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
	r.pd = pdata_new();
	r.pm = procmap_new(now_ns(CLOCK_REALTIME));
	hmap_init(&r.by_tid);
	hmap_init(&r.rf_idx);
	hmap_init(&r.rn_idx);

	if (cg == RECORD_CG_AUTO)
		cg = record_auto_callchain(o, &reason);
	else
		reason = cg == RECORD_CG_DWARF ? "requested: -g dwarf" : "requested: -g fp";
	r.dwarf = cg == RECORD_CG_DWARF;
	snprintf(res->callchain, sizeof(res->callchain), "%s", r.dwarf ? "dwarf" : "fp");
	snprintf(res->callchain_reason, sizeof(res->callchain_reason), "%s", reason);
	if (r.dwarf) {
		struct unwind_callbacks cb = { .find_map = cb_find_map, .find_jit = cb_find_jit,
					       .ctx = &r };
		r.regs_mask = unwind_sample_regs_mask();
		spec.regs_user = r.regs_mask;
		spec.stack_user = o->stack_bytes ? o->stack_bytes : RECORD_DEFAULT_STACK;
		spec.ring_pages = 2048;
		r.uw = unwinder_new(&cb);
	}
	r.sample_type = perf_session_sample_type(&spec);

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	/* Signals ignored by whoever started pytop (a shell's background job
	 * ignores SIGINT) would never reach the signalfd: catch them anyway,
	 * as perf does; the target then starts with the default actions. */
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaction(caught[i], &(struct sigaction){ .sa_handler = SIG_DFL }, &old_act[i]);
	ls.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

	if (o->argv) {
		static char perfsupport[] = "PYTHONPERFSUPPORT=1";
		char *env[] = { perfsupport, NULL };
		if (launch_prepare(&ls.l, o->argv, env, &old) < 0) {
			snprintf(err, errlen, "cannot run '%s': %s", o->argv[0], strerror(errno));
			goto out;
		}
		ls.launched = true;
		struct pm_proc *p = procmap_proc(r.pm, (uint32_t)ls.l.pid);
		p->launched = true;
		spec.enable_on_exec = true;
		xgrow(&tids, &cap_tids, 1, sizeof(*tids));
		tids[ntids++] = ls.l.pid;
	} else {
		for (size_t i = 0; i < o->npids; i++) {
			struct pm_proc *p;
			if (!list_tids(o->pids[i], &tids, &ntids, &cap_tids)) {
				snprintf(err, errlen, "-p %d: no such process", (int)o->pids[i]);
				goto out;
			}
			p = procmap_get(r.pm, (uint32_t)o->pids[i]);
			if (!p) {
				p = procmap_proc(r.pm, (uint32_t)o->pids[i]);
				perfmap_free(p->perfmap); /* the process wrote the whole file */
				p->perfmap = perfmap_new(p->pid, p->uid, 0);
			}
			procmap_load(r.pm, p->pid);
		}
		for (size_t i = 0; i < ntids; i++) {
			/* find each tid's process: tids were listed per pid in order */
			for (size_t k = 0; k < o->npids; k++) {
				char path[64];
				snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)o->pids[k], (int)tids[i]);
				if (access(path, F_OK) == 0) {
					thread_get(&r, (uint32_t)o->pids[k], (uint32_t)tids[i], true);
					break;
				}
			}
		}
	}

	s = open_session(&r, &spec, tids, ntids, res, err, errlen);
	if (!s) {
		if (ls.launched)
			launch_abort(&ls.l);
		goto out;
	}
	start_real = now_ns(CLOCK_REALTIME);
	start_mono = now_ns(CLOCK_MONOTONIC);
	if (ls.launched) {
		int e = launch_go(&ls.l);
		if (e) {
			snprintf(err, errlen, "cannot run '%s': %s", o->argv[0], strerror(e));
			goto out;
		}
		res->launched = true;
	} else {
		perf_session_enable(s);
		if (o->duration > 0)
			ls.deadline = start_mono + (uint64_t)(o->duration * 1e9);
	}

	run_loop(&r, s, &ls, res, o->pids, o->npids);
	if (ls.launched && !ls.child_done) {
		while (waitpid(ls.l.pid, &res->wait_status, 0) < 0 && errno == EINTR)
			;
		ls.child_done = true;
	}

	fill_meta(&r, res, start_real, now_ns(CLOCK_MONOTONIC) - start_mono,
		  perf_session_ncpus(s));
	perf_session_free(s);
	s = NULL;
	rec_resolve(&r, res);
	r.pd->meta.truncated = r.truncated;
	if (pdata_write(r.pd, o->output, true, &perr) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", o->output, perr.msg);
		goto out;
	}
	if (!o->keep_perf_maps)
		remove_perf_maps(&r);
	res->samples = r.pd->nsamples;
	res->lost = r.lost;
	res->throttled = r.throttled;
	res->truncated = r.truncated;
	memcpy(res->unwind_stops, r.stops, sizeof(r.stops));
	count_threads(&r, res);
	if (stat(o->output, &st) == 0)
		res->bytes = (uint64_t)st.st_size;
	rc = 0;
out:
	perf_session_free(s);
	if (ls.sfd >= 0)
		close(ls.sfd);
	/* drop what the target's end left pending, then restore */
	while (sigtimedwait(&mask, NULL, &(struct timespec){ 0 }) > 0)
		;
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaction(caught[i], &old_act[i], NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tids);
	rec_free(&r);
	return rc;
}
