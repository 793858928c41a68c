/* pyfind: locate and verify a perf-capable Python interpreter. */
#include "pytop/pyfind.h"
#include "pytop/xalloc.h"

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

/* Runs argv, returns its stdout (up to len-1 bytes) and whether it exited 0. */
static bool run_capture(char *const argv[], char *out, size_t len)
{
	int fds[2];
	pid_t pid;
	size_t got = 0;
	int st;
	struct timespec t0, t1;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return false;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(fds[1], 1);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		long ms;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= PROBE_TIMEOUT_MS) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, (int)(PROBE_TIMEOUT_MS - ms)) <= 0)
			continue;
		ssize_t r = read(fds[0], out + got, len - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == len - 1)
			break;
	}
	out[got] = '\0';
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool version_ok(const char *v)
{
	int major = 0, minor = 0;
	return sscanf(v, "%d.%d", &major, &minor) == 2 && (major > 3 || (major == 3 && minor >= 12));
}

bool pyfind_probe(const char *cand, struct pyfind_result *out, bool *capable)
{
	char buf[PATH_MAX + 128], *line2, *line3;
	char *argv[] = { (char *)cand, "-c", (char *)probe_code, NULL };

	*capable = false;
	if (access(cand, X_OK) < 0 || !run_capture(argv, buf, sizeof(buf)))
		return false;
	line2 = strchr(buf, '\n');
	if (!line2)
		return false;
	*line2++ = '\0';
	line3 = strchr(line2, '\n');
	if (!line3)
		return false;
	*line3++ = '\0';
	line3[strcspn(line3, "\n")] = '\0';
	if (snprintf(out->version, sizeof(out->version), "%s", buf) >= (int)sizeof(out->version) ||
	    snprintf(out->path, sizeof(out->path), "%s", line3[0] == '/' ? line3 : cand) >=
		    (int)sizeof(out->path))
		return false;
	*capable = version_ok(buf) && !strcmp(line2, "1");
	return true;
}

/* ---- search ---- */

struct search {
	char looked[1024]; /* "where pytop looked" for the message */
	struct pyfind_result *out;
};

static void note(struct search *s, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(s->looked);
	snprintf(s->looked + n, sizeof(s->looked) - n, fmt, n ? "; " : "", a, b);
}

static bool try(struct search *s, const char *cand)
{
	bool capable;
	struct pyfind_result r;
	if (!pyfind_probe(cand, &r, &capable))
		return false;
	if (capable) {
		*s->out = r;
		return true;
	}
	note(s, "%s%s is %s", cand, r.version);
	return false;
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

struct cand {
	long major, minor, patch;
	char path[PATH_MAX];
};

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
static bool try_versioned_in_path(struct search *s)
{
	const char *path = getenv("PATH");
	struct cand *c = NULL;
	size_t n = 0, cap = 0, order = 0;
	bool found = false;

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
				if (strncmp(e->d_name, "python3.", 8))
					continue;
				minor = strtol(e->d_name + 8, &end, 10);
				if (*end || end == e->d_name + 8 || minor < 12)
					continue;
				xgrow(&c, &cap, n + 1, sizeof(*c));
				c[n] = (struct cand){ .major = 3, .minor = minor, .patch = -(long)order++ };
				if (snprintf(c[n].path, sizeof(c[n].path), "%s/%s", dir, e->d_name) <
				    (int)sizeof(c[n].path))
					n++;
			}
			closedir(d);
		}
		path += len;
		if (*path == ':')
			path++;
	}
	qsort(c, n, sizeof(*c), cmp_cand_desc); /* patch = -PATH order keeps PATH order */
	for (size_t i = 0; i < n && !found; i++)
		found = try(s, c[i].path);
	if (!found)
		note(s, "%s%spython3.N (N >= 12) on PATH: %s", "", n ? "none capable" : "none");
	free(c);
	return found;
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
		if (run_capture(argv, buf, len) && buf[0] == '/') {
			buf[strcspn(buf, "\n")] = '\0';
			return;
		}
	}
	snprintf(buf, len, "%s/.pyenv", home ? home : "/root");
}

static bool try_pyenv(struct search *s)
{
	char root[PATH_MAX], dir[PATH_MAX];
	struct cand *c = NULL;
	size_t n = 0, cap = 0;
	bool found = false;
	DIR *d;
	struct dirent *e;

	pyenv_root(root, sizeof(root));
	if (snprintf(dir, sizeof(dir), "%s/versions", root) < (int)sizeof(dir) && (d = opendir(dir))) {
		while ((e = readdir(d))) {
			long ma = -1, mi = -1, pa = -1;
			if (e->d_name[0] == '.')
				continue;
			/* plain version names sort by number; others (virtualenvs) last */
			if (sscanf(e->d_name, "%ld.%ld.%ld", &ma, &mi, &pa) >= 2 &&
			    (ma < 3 || (ma == 3 && mi < 12)))
				continue;
			xgrow(&c, &cap, n + 1, sizeof(*c));
			c[n] = (struct cand){ .major = ma, .minor = mi, .patch = pa };
			if (snprintf(c[n].path, sizeof(c[n].path), "%s/%s/bin/python3", dir, e->d_name) <
			    (int)sizeof(c[n].path))
				n++;
		}
		closedir(d);
	}
	qsort(c, n, sizeof(*c), cmp_cand_desc);
	for (size_t i = 0; i < n && !found; i++)
		found = try(s, c[i].path);
	if (!found)
		note(s, "%s%s/*/bin: %s", dir, n ? "none capable" : "none");
	free(c);
	return found;
}

static int explicit(const char *what, const char *cand, struct pyfind_result *out, char *why,
		    size_t whylen)
{
	bool capable;
	struct pyfind_result r;
	if (!pyfind_probe(cand, &r, &capable)) {
		snprintf(why, whylen, "%s%s: cannot run it as a Python interpreter", what, cand);
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
	struct search s = { .out = out };
	const char *env = getenv("PYTOP_PYTHON");
	char buf[PATH_MAX];

	if (explicit_path)
		return explicit("--python ", explicit_path, out, why, whylen);
	if (env && *env)
		return explicit("PYTOP_PYTHON=", env, out, why, whylen);
	if (first_in_path("python3", buf, sizeof(buf))) {
		if (try(&s, buf))
			return 0;
	} else {
		note(&s, "%s%spython3 on PATH: %s", "", "none");
	}
	if (try_versioned_in_path(&s) || try_pyenv(&s))
		return 0;
	snprintf(why, whylen,
		 "no Python with perf support found: pytop needs CPython 3.12 or newer built with "
		 "the perf trampoline (PY_HAVE_PERF_TRAMPOLINE); looked at: %s; install one or "
		 "name it with --python PATH or PYTOP_PYTHON",
		 s.looked);
	return -1;
}
