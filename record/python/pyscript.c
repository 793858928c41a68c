/* pyscript: recognise Python programs by their "#!" line (pyscript.h). */
#include "pytop/python/pyscript.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel reads at most this much of a "#!" line (BINPRM_BUF_SIZE). */
#define SHEBANG_MAX 256
#define HEAD_MAX 1024

bool pyscript_is_python_name(const char *name)
{
	const char *b = strrchr(name, '/'), *p;
	b = b ? b + 1 : name;
	if (strncmp(b, "python", 6))
		return false;
	p = b + 6;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return false;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	while (*p >= 'a' && *p <= 'z') /* ABI flags: t (free-threaded), d (debug) */
		p++;
	return *p == '\0' && p - b <= 16;
}

/* execvp's search: the first executable regular file `name` on PATH. */
static bool find_on_path(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		struct stat st;
		if (snprintf(buf, len, "%.*s/%s", (int)n, n ? path : ".", name) < (int)len &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return true;
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Reads the first bytes of a regular file; returns how many, -1 on error. */
static ssize_t read_head(const char *path, char *buf, size_t len)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static char *skip_blank(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static char *next_word(char **s)
{
	char *w = skip_blank(*s), *e = w;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = '\0';
	*s = e;
	return w;
}

/* Splits out->arg into out->args (env -S splits, the kernel does not). */
static void set_args(struct pyscript *out, const char *arg, bool split)
{
	size_t n = 0;
	char *s;
	snprintf(out->arg, sizeof(out->arg), "%s", arg);
	s = out->arg;
	if (!split) {
		if (*s)
			out->args[n++] = s;
	} else {
		while (*(s = skip_blank(s)) && n + 1 < sizeof(out->args) / sizeof(out->args[0]))
			out->args[n++] = next_word(&s);
	}
	out->args[n] = NULL;
}

/* pip's wrapper: "'''exec' "PYTHON" "$0" "$@"" on the second line. */
static bool pip_wrapper(char *line2, struct pyscript *out)
{
	static const char tag[] = "'''exec' ";
	char *p, *e;
	if (strncmp(line2, tag, sizeof(tag) - 1))
		return false;
	p = line2 + sizeof(tag) - 1;
	if (*p == '"') {
		e = strchr(++p, '"');
	} else {
		e = p + strcspn(p, " \t");
	}
	if (!e || e == p)
		return false;
	*e = '\0';
	if (!pyscript_is_python_name(p) || p[0] != '/')
		return false;
	snprintf(out->interp, sizeof(out->interp), "%s", p);
	set_args(out, "", false);
	return true;
}

/* A pyenv shim: exec "$PYENV_ROOT/libexec/pyenv" exec "$program" "$@". */
static bool pyenv_shim(const char *head, char *pyenv, size_t len)
{
	const char *p = strstr(head, "\nexec \""), *e;
	if (!p || !strstr(head, "\nprogram=\"${0##*/}\""))
		return false;
	p += 7;
	e = strchr(p, '"');
	if (!e || strncmp(e, "\" exec \"$program\"", 17) || e - p < 14 ||
	    strncmp(e - 14, "/libexec/pyenv", 14))
		return false;
	snprintf(pyenv, len, "%.*s", (int)(e - p), p);
	return pyenv[0] == '/';
}

/* `pyenv which NAME` into buf; false when it fails. */
static bool pyenv_which(const char *pyenv, const char *name, char *buf, size_t len)
{
	int fds[2], status;
	size_t got = 0;
	pid_t pid;

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
		signal(SIGPIPE, SIG_DFL);
		execl(pyenv, pyenv, "which", name, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t k = read(fds[0], buf + got, len - 1 - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
		if (got == len - 1)
			break;
	}
	close(fds[0]);
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[strcspn(buf, "\n")] = '\0';
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && buf[0] == '/';
}

static bool detect(const char *path, struct pyscript *out, int depth)
{
	char head[HEAD_MAX], *line, *nl, *interp, *rest;
	ssize_t n = read_head(path, head, sizeof(head));

	if (n < 2 || head[0] != '#' || head[1] != '!')
		return false;
	if (depth == 0) {
		char pyenv[PATH_MAX], real[PATH_MAX];
		const char *base = strrchr(path, '/');
		if (pyenv_shim(head, pyenv, sizeof(pyenv)) &&
		    pyenv_which(pyenv, base ? base + 1 : path, real, sizeof(real)))
			return detect(real, out, depth + 1);
	}
	snprintf(out->path, sizeof(out->path), "%s", path);
	line = head + 2;
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	if (strlen(line) >= SHEBANG_MAX - 2)
		line[SHEBANG_MAX - 2] = '\0';
	line[strcspn(line, "\r")] = '\0';
	rest = line;
	interp = next_word(&rest);
	rest = skip_blank(rest);
	out->via_env = out->generic = false;
	if (!strcmp(interp, "/bin/sh") && nl)
		return pip_wrapper(nl + 1, out);
	if (!strcmp(interp, "/usr/bin/env") || !strcmp(interp, "/bin/env")) {
		bool split = !strncmp(rest, "-S", 2) && (rest[2] == ' ' || rest[2] == '\t');
		char *name;
		if (split)
			rest += 2;
		name = next_word(&rest);
		rest = skip_blank(rest);
		/* without -S, "python3 -u" is one name env cannot find */
		if (!pyscript_is_python_name(name) || strchr(name, '/') || (!split && *rest))
			return false;
		snprintf(out->interp, sizeof(out->interp), "%s", name);
		out->via_env = true;
		out->generic = !strcmp(name, "python") || !strcmp(name, "python3");
		set_args(out, rest, true);
		return true;
	}
	if (interp[0] != '/' || !pyscript_is_python_name(interp))
		return false;
	snprintf(out->interp, sizeof(out->interp), "%s", interp);
	/* the kernel passes the rest, trailing blanks cut, as one argument */
	for (size_t k = strlen(rest); k && (rest[k - 1] == ' ' || rest[k - 1] == '\t'); k--)
		rest[k - 1] = '\0';
	set_args(out, rest, false);
	return true;
}

bool pyscript_detect(const char *cmd, struct pyscript *out)
{
	char path[PATH_MAX];

	memset(out, 0, sizeof(*out));
	if (!*cmd)
		return false;
	if (!strchr(cmd, '/')) {
		if (!find_on_path(cmd, path, sizeof(path)))
			return false;
		cmd = path;
	}
	return detect(cmd, out, 0);
}
