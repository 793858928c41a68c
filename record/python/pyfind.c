/* pyfind: locate and verify a perf-capable Python interpreter. */
#include "pytop/base/xalloc.h"
#include "pytop/python/pyfind.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_TIMEOUT_MS 10000

static const char probe_code[] =
	"import sys, sysconfig\n"
	"print(sys.version.split()[0])\n"
	"print(sysconfig.get_config_var('PY_HAVE_PERF_TRAMPOLINE') or 0)\n"
	"print(sys.executable)\n";

/* ---- probes: candidates run in parallel, answers read with poll ---- */

struct probe {
	pid_t pid;
	int fd;
	char out[PATH_MAX + 128];
	size_t got;
	int status; /* wait status, -1 when it could not run */
};

static void probe_start(struct probe *p, char *const argv[])
{
	int fds[2];

	p->pid = -1;
	p->fd = -1;
	p->got = 0;
	p->status = -1;
	if (access(argv[0], X_OK) < 0 || pipe2(fds, O_CLOEXEC) < 0)
		return;
	p->pid = fork();
	if (p->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (p->pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(fds[1], 1);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 2);
		}
		execv(argv[0], argv);
		/* tell the parent why (a probe's answer never starts with '!') */
		dprintf(1, "!%d\n", errno);
		_exit(127);
	}
	close(fds[1]);
	p->fd = fds[0];
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reads every probe's output until EOF (or the shared time limit), then
 * reaps them all. */
static void probes_finish(struct probe *p, size_t n)
{
	struct pollfd *pfd = xcalloc(n + 1, sizeof(*pfd));
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		size_t open_fds = 0;
		long ms = elapsed_ms(&t0);
		for (size_t i = 0; i < n; i++) {
			pfd[i] = (struct pollfd){ .fd = p[i].fd, .events = POLLIN };
			open_fds += p[i].fd >= 0;
		}
		if (!open_fds || ms >= PROBE_TIMEOUT_MS)
			break;
		if (poll(pfd, n, (int)(PROBE_TIMEOUT_MS - ms)) <= 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			ssize_t r;
			if (p[i].fd < 0 || !pfd[i].revents)
				continue;
			r = read(p[i].fd, p[i].out + p[i].got, sizeof(p[i].out) - 1 - p[i].got);
			if (r > 0)
				p[i].got += (size_t)r;
			if (r <= 0 || p[i].got == sizeof(p[i].out) - 1) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		p[i].out[p[i].got] = '\0';
		if (p[i].fd >= 0) { /* too slow: give up on it */
			close(p[i].fd);
			kill(p[i].pid, SIGKILL);
		}
		if (p[i].pid > 0)
			while (waitpid(p[i].pid, &p[i].status, 0) < 0 && errno == EINTR)
				;
	}
	free(pfd);
}

/* What "capable" means: the perf trampoline (3.12+), or, for the BPF frame
 * reader, any CPython it knows (pyoffsets: 3.8-3.13). */
static bool need_trampoline = true;

void pyfind_need_trampoline(bool need)
{
	need_trampoline = need;
}

static bool version_ok(const char *v)
{
	int major = 0, minor = 0;
	if (sscanf(v, "%d.%d", &major, &minor) != 2)
		return false;
	if (!need_trampoline)
		return major == 3 && minor >= 8 && minor <= 13;
	return major > 3 || (major == 3 && minor >= 12);
}

/* Parses a finished probe of `cand`.  Returns whether it ran as a Python. */
static bool probe_result(const char *cand, struct probe *p, struct pyfind_result *out,
			 bool *capable)
{
	char *line2, *line3;

	*capable = false;
	if (p->status < 0 || !WIFEXITED(p->status) || WEXITSTATUS(p->status) != 0)
		return false;
	line2 = strchr(p->out, '\n');
	if (!line2)
		return false;
	*line2++ = '\0';
	line3 = strchr(line2, '\n');
	if (!line3)
		return false;
	*line3++ = '\0';
	line3[strcspn(line3, "\n")] = '\0';
	if (snprintf(out->version, sizeof(out->version), "%s", p->out) >= (int)sizeof(out->version) ||
	    snprintf(out->path, sizeof(out->path), "%s", line3[0] == '/' ? line3 : cand) >=
		    (int)sizeof(out->path))
		return false;
	*capable = version_ok(p->out) && (!need_trampoline || !strcmp(line2, "1"));
	return true;
}

static void probe_argv(char *argv[4], const char *cand)
{
	argv[0] = (char *)cand;
	argv[1] = "-c";
	argv[2] = (char *)probe_code;
	argv[3] = NULL;
}

bool pyfind_probe(const char *cand, struct pyfind_result *out, bool *capable)
{
	struct probe *p = xcalloc(1, sizeof(*p));
	char *argv[4];
	bool ran;

	probe_argv(argv, cand);
	probe_start(p, argv);
	probes_finish(p, 1);
	ran = probe_result(cand, p, out, capable);
	free(p);
	return ran;
}

/* ---- search ----
 * All candidates are listed first (in search order) and probed at once;
 * the first capable one in order wins.  Probing in parallel matters: pyenv
 * shims are shell scripts that take a good fraction of a second each. */

enum { SEC_PATH_PYTHON3, SEC_PATH_VERSIONED, SEC_PYENV, SEC_COUNT };

struct cand {
	long major, minor, patch;
	int section;
	char path[PATH_MAX];
};

struct search {
	struct cand *c;
	size_t n, cap;
	size_t count[SEC_COUNT];
	char pyenv_dir[PATH_MAX];
};

static struct cand *cand_add(struct search *s, int section)
{
	xgrow(&s->c, &s->cap, s->n + 1, sizeof(*s->c));
	s->c[s->n] = (struct cand){ .section = section };
	return &s->c[s->n];
}

static bool first_in_path(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, len, "%.*s/%s", (int)n, n ? path : ".", name);
		if (access(buf, X_OK) == 0)
			return true;
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

static int cmp_cand_desc(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->major != y->major)
		return x->major < y->major ? 1 : -1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? 1 : -1;
	if (x->patch != y->patch)
		return x->patch < y->patch ? 1 : -1;
	return 0;
}

/* python3.N (N >= 12) in every PATH directory, newest first, PATH order kept */
static void list_versioned_in_path(struct search *s)
{
	const char *path = getenv("PATH");
	size_t first = s->n, order = 0;

	while (path && *path) {
		size_t len = strcspn(path, ":");
		char dir[PATH_MAX];
		DIR *d;
		struct dirent *e;
		snprintf(dir, sizeof(dir), "%.*s", (int)len, len ? path : ".");
		if ((d = opendir(dir))) {
			while ((e = readdir(d))) {
				char *end;
				long minor;
				struct cand *c;
				if (strncmp(e->d_name, "python3.", 8))
					continue;
				minor = strtol(e->d_name + 8, &end, 10);
				if (*end || end == e->d_name + 8 || minor < 12)
					continue;
				c = cand_add(s, SEC_PATH_VERSIONED);
				c->major = 3;
				c->minor = minor;
				c->patch = -(long)order++; /* keeps PATH order within a version */
				if (snprintf(c->path, sizeof(c->path), "%s/%s", dir, e->d_name) <
				    (int)sizeof(c->path))
					s->n++;
			}
			closedir(d);
		}
		path += len;
		if (*path == ':')
			path++;
	}
	if (s->n > first)
		qsort(s->c + first, s->n - first, sizeof(*s->c), cmp_cand_desc);
}

static void pyenv_root(char *buf, size_t len)
{
	const char *env = getenv("PYENV_ROOT"), *home = getenv("HOME");
	char pyenv[PATH_MAX];

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	if (first_in_path("pyenv", pyenv, sizeof(pyenv))) {
		char *argv[] = { pyenv, "root", NULL };
		struct probe *p = xcalloc(1, sizeof(*p));
		probe_start(p, argv);
		probes_finish(p, 1);
		if (p->status == 0 && p->out[0] == '/') {
			p->out[strcspn(p->out, "\n")] = '\0';
			if (snprintf(buf, len, "%s", p->out) < (int)len) {
				free(p);
				return;
			}
		}
		free(p);
	}
	snprintf(buf, len, "%s/.pyenv", home ? home : "/root");
}

/* $(pyenv root)/versions/ * /bin/python3, newest version first */
static void list_pyenv(struct search *s)
{
	char root[PATH_MAX];
	size_t first = s->n;
	DIR *d;
	struct dirent *e;

	pyenv_root(root, sizeof(root));
	if (snprintf(s->pyenv_dir, sizeof(s->pyenv_dir), "%s/versions", root) >=
		    (int)sizeof(s->pyenv_dir) ||
	    !(d = opendir(s->pyenv_dir)))
		return;
	while ((e = readdir(d))) {
		long ma = -1, mi = -1, pa = -1;
		struct cand *c;
		if (e->d_name[0] == '.')
			continue;
		/* plain version names sort by number; others (virtualenvs) last */
		if (sscanf(e->d_name, "%ld.%ld.%ld", &ma, &mi, &pa) >= 2 &&
		    (ma < 3 || (ma == 3 && mi < 12)))
			continue;
		c = cand_add(s, SEC_PYENV);
		c->major = ma;
		c->minor = mi;
		c->patch = pa;
		if (snprintf(c->path, sizeof(c->path), "%s/%s/bin/python3", s->pyenv_dir, e->d_name) <
		    (int)sizeof(c->path))
			s->n++;
	}
	closedir(d);
	if (s->n > first)
		qsort(s->c + first, s->n - first, sizeof(*s->c), cmp_cand_desc);
}

static void append(char *buf, size_t len, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(buf);
	if (snprintf(buf + n, len - n, fmt, n ? "; " : "", a, b) < 0)
		buf[n] = '\0';
}

/* Why `cand` did not answer a probe (p finished, probe_result false). */
static void probe_failure(const char *cand, const struct probe *p, char *why, size_t whylen)
{
	struct stat st;
	int e = 0;

	if (stat(cand, &st) < 0)
		e = errno;
	else if (S_ISDIR(st.st_mode))
		e = EISDIR;
	else if (access(cand, X_OK) < 0)
		e = errno;
	else if (p->got && p->out[0] == '!')
		e = atoi(p->out + 1);
	if (e > 0)
		snprintf(why, whylen, "%s", strerror(e));
	else if (p->status >= 0 && WIFEXITED(p->status) && WEXITSTATUS(p->status) == 0)
		snprintf(why, whylen, "not a Python interpreter (asked for its version, it printed "
				      "none)");
	else if (p->status >= 0 && WIFEXITED(p->status))
		snprintf(why, whylen, "not a Python interpreter (asked for its version, it exited "
				      "with status %d)", WEXITSTATUS(p->status));
	else if (p->status >= 0 && WIFSIGNALED(p->status))
		snprintf(why, whylen, "not a Python interpreter (asked for its version, it was "
				      "killed by signal %d)", WTERMSIG(p->status));
	else
		snprintf(why, whylen, "cannot run it as a Python interpreter");
}

int pyfind_check(const char *what, const char *cand, struct pyfind_result *out, char *why,
		 size_t whylen)
{
	struct probe *p = xcalloc(1, sizeof(*p));
	struct pyfind_result r;
	char *argv[4], path[PATH_MAX], reason[256];
	bool capable, ran;

	/* a bare name is looked up on PATH, as a shell would */
	if (!strchr(cand, '/') && *cand && first_in_path(cand, path, sizeof(path)))
		cand = path;
	probe_argv(argv, cand);
	probe_start(p, argv);
	probes_finish(p, 1);
	ran = probe_result(cand, p, &r, &capable);
	if (!ran)
		probe_failure(cand, p, reason, sizeof(reason));
	free(p);
	if (!ran) {
		snprintf(why, whylen, "%s%s: %s", what, cand, reason);
		return -1;
	}
	if (!capable && !need_trampoline) {
		snprintf(why, whylen, "%s%s: Python %s cannot be profiled: pytop reads the frames of "
				      "CPython 3.8 to 3.13", what, cand, r.version);
		return -1;
	}
	if (!capable) {
		snprintf(why, whylen,
			 "%s%s: Python %s cannot be profiled: pytop needs CPython 3.12 or newer "
			 "built with the perf trampoline (PY_HAVE_PERF_TRAMPOLINE)",
			 what, cand, r.version);
		return -1;
	}
	*out = r;
	return 0;
}

int pyfind_find(const char *explicit_path, struct pyfind_result *out, char *why, size_t whylen)
{
	struct search s = { 0 };
	const char *env = getenv("PYTOP_PYTHON");
	char looked[1536] = "", buf[PATH_MAX];
	struct probe *p;
	int found = -1;

	if (explicit_path)
		return pyfind_check("--python ", explicit_path, out, why, whylen);
	if (env && *env)
		return pyfind_check("PYTOP_PYTHON=", env, out, why, whylen);
	if (first_in_path("python3", buf, sizeof(buf))) {
		snprintf(cand_add(&s, SEC_PATH_PYTHON3)->path, PATH_MAX, "%s", buf);
		s.n++;
	}
	list_versioned_in_path(&s);
	list_pyenv(&s);

	p = xcalloc(s.n + 1, sizeof(*p));
	for (size_t i = 0; i < s.n; i++) {
		char *argv[4];
		probe_argv(argv, s.c[i].path);
		probe_start(&p[i], argv);
	}
	probes_finish(p, s.n);
	for (size_t i = 0; i < s.n && found < 0; i++) {
		struct pyfind_result r;
		bool capable;
		if (!probe_result(s.c[i].path, &p[i], &r, &capable)) {
			if (s.c[i].section == SEC_PATH_PYTHON3)
				append(looked, sizeof(looked), "%s%s does not run%s", s.c[i].path, "");
			continue;
		}
		s.count[s.c[i].section]++;
		if (capable) {
			*out = r;
			found = (int)i;
		} else if (s.c[i].section == SEC_PATH_PYTHON3) {
			append(looked, sizeof(looked), "%s%s is %s", s.c[i].path, r.version);
		}
	}
	free(p);
	if (found < 0) {
		if (!s.n || s.c[0].section != SEC_PATH_PYTHON3)
			append(looked, sizeof(looked), "%s%spython3 on PATH: %s", "", "none");
		append(looked, sizeof(looked), "%s%spython3.N (N >= 12) on PATH: %s", "",
		       s.count[SEC_PATH_VERSIONED] ? "none capable" : "none");
		append(looked, sizeof(looked), "%s%s/*/bin: %s", s.pyenv_dir,
		       s.count[SEC_PYENV] ? "none capable" : "none");
		snprintf(why, whylen,
			 "no Python with perf support found: pytop needs CPython 3.12 or newer built "
			 "with the perf trampoline (PY_HAVE_PERF_TRAMPOLINE); looked at: %s; install one "
			 "or name it with --python PATH or PYTOP_PYTHON",
			 looked);
	}
	free(s.c);
	return found < 0 ? -1 : 0;
}
