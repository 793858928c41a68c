/* record: open the events, launch or attach, drain the ring buffers until
 * the target is done, then resolve and write the file. */
#include "pytop/base/xalloc.h"
#include "pytop/python/bpfread.h"
#include "pytop/record/launch.h"
#include "pytop/record/perf_session.h"
#include "pytop/record/record.h"
#include "rec.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- set-up ---- */

bool record_kernel_setting(const char *name, long long *v)
{
	char path[128];
	long long x;
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fscanf(f, "%lld", &x) == 1;
	fclose(f);
	if (ok)
		*v = x;
	return ok;
}

static int paranoid_level(void)
{
	long long v = 2;
	record_kernel_setting("perf_event_paranoid", &v);
	return (int)v;
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

/* An attached process that another user owns, when we are not root: the
 * kernel refuses it (ptrace access rules) whatever perf_event_paranoid is. */
static bool foreign_process(const struct record_opts *o, pid_t *pid, uid_t *uid)
{
	for (size_t i = 0; i < o->npids && !o->argv && geteuid() != 0; i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d", (int)o->pids[i]);
		if (stat(path, &st) == 0 && st.st_uid != geteuid()) {
			*pid = o->pids[i];
			*uid = st.st_uid;
			return true;
		}
	}
	return false;
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
	spec->switches = !o->no_off_cpu;
	for (;;) {
		s = perf_session_open(spec, tids, ntids, &e);
		if (s)
			break;
		if (spec->switches && !(e == EACCES || e == EPERM) && e != ESRCH && e > 0) {
			/* the sampling event alone may still open: CPU samples only */
			struct perf_session_spec alone = *spec;
			int e2 = 0;
			alone.switches = false;
			s = perf_session_open(&alone, tids, ntids, &e2);
			if (s) {
				rec_message(r, "note: off-CPU time not recorded: context-switch events: %s",
					    strerror(e));
				*spec = alone;
				break;
			}
		}
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
		pid_t fpid;
		uid_t fuid;
		if ((e == EACCES || e == EPERM) && foreign_process(o, &fpid, &fuid))
			snprintf(err, errlen,
				 "-p %d: the process belongs to another user (uid %u, you are uid %u): "
				 "profile it as that user or as root", (int)fpid, (unsigned)fuid,
				 (unsigned)geteuid());
		else if (e < 0)
			snprintf(err, errlen,
				 "cannot map the sample buffers: %s (limits: ulimit -l, "
				 "/proc/sys/kernel/perf_event_mlock_kb)", strerror(-e));
		else if (e == EACCES || e == EPERM)
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
	if (spec->switches && !spec->kernel)
		rec_message(r, "note: off-CPU waits are timed without stacks: switch-out stacks "
			       "need kernel access (perf_event_paranoid <= 1, root or CAP_PERFMON)");
	r->off_cpu = spec->switches;
	res->kernel = spec->kernel;
	return s;
}

/* ---- the loop ---- */

struct loop_state {
	struct launch l;
	bool launched, child_done;
	int sfd;
	int interrupts;
	uint64_t deadline; /* CLOCK_MONOTONIC ns, 0 = none */
	struct rec *r;
	uint64_t samples;      /* SAMPLE records read */
	uint64_t loss_check;   /* CLOCK_MONOTONIC ns of the next loss check */
	double loss_warned;    /* the loss rate last warned about, 0 = none yet */
	bool jit_warned;       /* about a -X perf_jit process */
};

/* ---- Python processes whose functions pytop cannot name ---- */

/* An attached Python without a perf map: only interpreter frames, unless
 * it starts one.  (The BPF frame reader of a later issue reads Python
 * frames without it, as root; an ordinary user will still need this.) */
static void warn_no_perfmap(struct rec *r, const struct pm_proc *p)
{
	struct stat st;
	if (r->py || !p->interp || p->jitdump || !p->perfmap || stat(perfmap_path(p->perfmap), &st) == 0)
		return;
	rec_message(r, "warning: -p %u: this Python process has no perf map (%s), so its Python "
		       "functions stay unnamed (interpreter frames only): start it with "
		       "PYTHONPERFSUPPORT=1 or python -X perf (CPython 3.12+), or have it call "
		       "sys.activate_stack_trampoline('perf')", p->pid, perfmap_path(p->perfmap));
}

/* CPython 3.13's -X perf_jit writes a jitdump (jit-PID.dump, mapped so
 * that perf sees it) instead of a perf map; its frames have no unwind
 * information pytop can use.  Warns once per recording. */
static void warn_jitdump(struct rec *r, struct loop_state *ls)
{
	size_t it = 0;
	struct pm_proc *p;
	while (!ls->jit_warned && (p = procmap_next(r->pm, &it)))
		if (p->jitdump) {
			ls->jit_warned = true;
			rec_message(r, "warning: process %u runs Python with -X perf_jit: it describes "
				       "its frames in a jitdump for perf inject, which pytop does not "
				       "read, so its Python functions stay unnamed and its stacks "
				       "truncated; run it with -X perf (or PYTHONPERFSUPPORT=1) instead",
				    p->pid);
		}
}

/* ---- losing samples ---- */

/* The drain callback: counts samples for the loss rate, then hands the
 * record to the recorder. */
static void on_record(void *ctx, const struct perf_event_header *h, enum perf_source src)
{
	struct loop_state *ls = ctx;
	if (src == PERF_SRC_SWITCH) {
		rec_on_switch_record(ls->r, h);
		return;
	}
	if (h->type == PERF_RECORD_SAMPLE)
		ls->samples++;
	rec_on_record(ls->r, h);
}

/* A rate below `hz` that keeps what was kept, with a margin, rounded down
 * to two significant digits (at least 1). */
static uint64_t lossless_rate(uint64_t hz, double kept)
{
	double f = (double)hz * kept * 0.8, scale = 1;
	if (f < 1)
		return 1;
	while (f >= 100 * scale)
		scale *= 10;
	return (uint64_t)(f / scale) * (uint64_t)scale;
}

/* Once a second: warn while recording when more than 5% of the samples so
 * far were lost, and again when the rate has doubled since (the summary
 * still gives the final count). */
static void check_loss(struct rec *r, struct loop_state *ls)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC), total = ls->samples + r->lost;
	uint64_t hz = r->o->freq ? r->o->freq : RECORD_DEFAULT_FREQ;
	double rate;

	if (now < ls->loss_check)
		return;
	ls->loss_check = now + 1000000000ULL;
	if (total < 200)
		return;
	rate = (double)r->lost / (double)total;
	if (rate < 0.05 || (ls->loss_warned > 0 && rate < 2 * ls->loss_warned))
		return;
	ls->loss_warned = rate;
	rec_message(r,
		    "warning: losing samples: %.0f%% so far (%" PRIu64 " of %" PRIu64 "): the recorder "
		    "cannot keep up with %" PRIu64 " Hz here; -F %" PRIu64 " would lose none",
		    rate * 100, r->lost, total, hz, lossless_rate(hz, 1 - rate));
}

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

/* Notes the launched command's wait status once it has ended (never blocks;
 * reaps only that pid). */
static void reap_launched(struct loop_state *ls, struct record_result *res)
{
	int st;
	if (ls->launched && !ls->child_done && waitpid(ls->l.pid, &st, WNOHANG) == ls->l.pid) {
		ls->child_done = true;
		res->wait_status = st;
	}
}

/* -d ended the recording of a launched command: stop it as perf record
 * does (SIGTERM to every process pytop launched), and kill what is still
 * there after a grace time.  Reaps the command. */
static void stop_launched(struct rec *r, struct loop_state *ls, struct record_result *res)
{
	uint64_t until = now_ns(CLOCK_MONOTONIC) + 5000000000ULL;

	rec_message(r, "note: -d %g: recording stopped after %g s; stopping the command (SIGTERM)",
		    r->o->duration, r->o->duration);
	res->stopped = true;
	signal_launched(r, SIGTERM);
	while (!ls->child_done && now_ns(CLOCK_MONOTONIC) < until) {
		nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
		reap_launched(ls, res);
	}
	if (!ls->child_done) {
		rec_message(r, "note: the command ignores SIGTERM, killing it");
		signal_launched(r, SIGKILL);
	}
}

static void handle_signals(struct rec *r, struct loop_state *ls, struct record_result *res,
			   bool *stop)
{
	struct signalfd_siginfo si;
	while (read(ls->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGCHLD) {
			reap_launched(ls, res);
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
	size_t npfd = nb + 1;

	pfd = xrealloc(pfd, nb + 2, sizeof(*pfd));
	for (size_t i = 0; i < nb; i++)
		pfd[i] = (struct pollfd){ .fd = perf_session_fd(s, i), .events = POLLIN };
	pfd[nb] = (struct pollfd){ .fd = ls->sfd, .events = POLLIN };
	if (rec_py_fd(r) >= 0) /* the BPF frame reader's ring buffer */
		pfd[npfd++] = (struct pollfd){ .fd = rec_py_fd(r), .events = POLLIN };
	while (!stop) {
		/* a launched process's mappings are known only from the ring
		 * buffers: read them often until the BPF frame reader has its
		 * interpreter, so that its first Python frames are read too */
		int timeout = rec_py_pending(r) || (ls->launched && r->py && r->round < 200) ? 2 : 100;
		if (ls->deadline) {
			uint64_t now = now_ns(CLOCK_MONOTONIC);
			if (now >= ls->deadline)
				break;
			if ((ls->deadline - now) / 1000000 < (uint64_t)timeout)
				timeout = (int)((ls->deadline - now) / 1000000) + 1;
		}
		if (poll(pfd, npfd, timeout) < 0 && errno != EINTR)
			break;
		r->round++;
		rec_py_poll(r); /* first: a sample's Python frames precede it */
		perf_session_drain(s, on_record, ls);
		check_loss(r, ls);
		warn_jitdump(r, ls);
		handle_signals(r, ls, res, &stop);
		reap_launched(ls, res); /* in case a SIGCHLD went astray */
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
	r->round++;
	rec_py_poll(r);
	perf_session_drain(s, on_record, ls);
	warn_jitdump(r, ls);
}

static void count_threads(struct rec *r, struct record_result *res)
{
	struct hmap pids;
	hmap_init(&pids);
	for (size_t i = 0; i < r->nthr; i++) {
		if (!r->thr[i].samples && !r->thr[i].seen)
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

enum record_pyframes record_choose_pyframes(enum record_pyframes want, char *why, size_t whylen)
{
	struct bpfread *b;
	if (want != RECORD_PYF_AUTO)
		return want;
	b = bpfread_open(why, whylen);
	if (!b)
		return RECORD_PYF_TRAMPOLINE;
	bpfread_free(b);
	return RECORD_PYF_BPF;
}

int record_run(const struct record_opts *o, struct record_result *res, char *err, size_t errlen)
{
	struct rec r;
	struct perf_session_spec spec = { .freq = o->freq ? o->freq : RECORD_DEFAULT_FREQ,
					  .ring_pages = 256 };
	struct loop_state ls = { .sfd = -1, .l = { .go_fd = -1, .err_fd = -1 }, .r = &r };
	struct perf_session *s = NULL;
	sigset_t mask, old;
	static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	struct sigaction old_act[4];
	pid_t *tids = NULL;
	size_t ntids = 0, cap_tids = 0;
	uint64_t start_real, start_mono, end_mono;
	const char *reason = NULL;
	enum record_cg cg = o->callchain;
	enum record_pyframes pyf;
	struct rlimit nofile;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	/* one event per CPU and thread: attaching to a big process needs fds
	 * (a launched command is left the limits it would have had) */
	if (!o->argv && getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	rec_init(&r, o, now_ns(CLOCK_REALTIME));
	if (rec_output_prepare(&r, err, errlen) < 0) {
		rec_free(&r);
		return -1;
	}
	r.mono_to_real = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
	pyf = o->python_frames;
	if (pyf == RECORD_PYF_AUTO) {
		char why[512];
		pyf = record_choose_pyframes(pyf, why, sizeof(why));
		if (pyf == RECORD_PYF_TRAMPOLINE && (o->python || o->npids))
			rec_message(&r, "note: Python frames come from the perf trampoline: no line "
					"numbers, and -p sees Python only in processes started with -X "
					"perf (%s)", why);
	}
	if (pyf == RECORD_PYF_BPF) {
		char why[512];
		if (rec_py_open(&r, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "--python-frames bpf: %s", why);
			rec_free(&r);
			return -1;
		}
	}
	snprintf(res->python_frames, sizeof(res->python_frames), "%s",
		 r.py ? "bpf" : "trampoline");

	if (cg == RECORD_CG_AUTO) {
		cg = record_auto_callchain(o, &reason);
	} else if (cg == RECORD_CG_FP) {
		char py[512];
		reason = "requested: -g fp";
		if (record_python_keeps_fp(o, py, sizeof(py)) == 0) {
			r.nofp = true;
			rec_message(&r, "warning: -g fp: %s is built without frame pointers: its "
					"stacks break at the first interpreter frame and are counted "
					"as truncated (no frame pointers); -g dwarf (the default for "
					"it) unwinds them", py);
		}
	} else {
		reason = "requested: -g dwarf";
	}
	r.dwarf = cg == RECORD_CG_DWARF;
	snprintf(res->callchain, sizeof(res->callchain), "%s", r.dwarf ? "dwarf" : "fp");
	snprintf(res->callchain_reason, sizeof(res->callchain_reason), "%s", reason);
	if (r.dwarf) {
		struct unwind_callbacks cb = { .find_map = rec_find_map, .find_jit = rec_find_jit,
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
		char *env[] = { r.py ? NULL : perfsupport, NULL };
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
			if (p->interp)
				rec_py_proc(&r, p->pid);
			warn_no_perfmap(&r, p);
		}
		for (size_t i = 0; i < ntids; i++) {
			/* find each tid's process: tids were listed per pid in order */
			for (size_t k = 0; k < o->npids; k++) {
				char path[64];
				snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)o->pids[k], (int)tids[i]);
				if (access(path, F_OK) == 0) {
					rec_thread_get(&r, (uint32_t)o->pids[k], (uint32_t)tids[i], true);
					break;
				}
			}
		}
	}

	s = open_session(&r, &spec, tids, ntids, res, err, errlen);
	if (!s || rec_py_attach(&r, s, err, errlen) < 0) {
		if (ls.launched)
			launch_abort(&ls.l);
		goto out;
	}
	start_real = now_ns(CLOCK_REALTIME);
	start_mono = now_ns(CLOCK_MONOTONIC);
	r.start_mono = start_mono;
	if (ls.launched) {
		int e = launch_go(&ls.l);
		if (e) {
			snprintf(err, errlen, "cannot run '%s': %s", o->argv[0], strerror(e));
			goto out;
		}
		res->launched = true;
	} else {
		perf_session_enable(s);
	}
	if (o->duration > 0)
		ls.deadline = start_mono + (uint64_t)(o->duration * 1e9);

	run_loop(&r, s, &ls, res, o->pids, o->npids);
	end_mono = now_ns(CLOCK_MONOTONIC);
	if (ls.launched && !ls.child_done && ls.deadline && end_mono >= ls.deadline)
		stop_launched(&r, &ls, res);
	if (ls.launched && !ls.child_done) {
		while (waitpid(ls.l.pid, &res->wait_status, 0) < 0 && errno == EINTR)
			;
		ls.child_done = true;
	}

	rec_py_notes(&r);
	rec_off_cpu_finish(&r, end_mono);
	rec_fill_meta(&r, res, start_real, end_mono - start_mono, perf_session_ncpus(s));
	perf_session_free(s);
	s = NULL;
	rec_resolve(&r, res);
	/* after rec_resolve: pdata_add_sample counts truncated samples itself */
	r.pd->meta.truncated = r.truncated;
	for (int k = 0; k < TRUNC_COUNT; k++)
		r.pd->meta.truncated_why[k] = r.stops[k + 1];
	if (rec_output_write(&r, res, err, errlen) < 0)
		goto out;
	res->lost = r.lost;
	res->throttled = r.throttled;
	res->off_cpu = r.off_cpu;
	res->off_cpu_stacks = r.off_cpu && spec.kernel;
	res->switch_outs = r.pd->meta.switch_outs;
	res->off_samples = r.off_samples;
	res->off_dropped = r.pd->meta.off_cpu_dropped;
	res->switch_lost = r.switch_lost;
	res->truncated = r.truncated;
	memcpy(res->unwind_stops, r.stops, sizeof(r.stops));
	count_threads(&r, res);
	rc = 0;
out:
	if (!o->keep_perf_maps) /* in every case */
		remove_perf_maps(&r);
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
