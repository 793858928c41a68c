/* callchain: how `-g auto` picks the stack collection mode.
 *
 * Frame pointers are cheap and exact when every frame keeps one: native
 * programs (their own build decides; DWARF would not help a program built
 * without CFI either), and CPython built with -fno-omit-frame-pointer
 * (CPython 3.15's default, PEP 831).  A stock CPython before that omits
 * frame pointers, so the kernel's frame-pointer walk loses the Python stack
 * and we unwind copies of the user stack with DWARF instead.  The Python
 * build is read from the interpreter's own sysconfig. */
#include "pytop/record/record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum build_fp { FP_UNKNOWN = -1, FP_OMITTED = 0, FP_KEPT = 1 };

/* The last of -fomit-frame-pointer / -fno-omit-frame-pointer in `flags`
 * wins, as in the compiler; neither means omitted (the -O2 default). */
static enum build_fp flags_keep_fp(const char *flags)
{
	enum build_fp fp = FP_OMITTED;
	const char *p = flags;
	while (*p) {
		size_t n;
		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n == 23 && !strncmp(p, "-fno-omit-frame-pointer", n))
			fp = FP_KEPT;
		else if (n == 20 && !strncmp(p, "-fomit-frame-pointer", n))
			fp = FP_OMITTED;
		p += n;
	}
	return fp;
}

/* Runs `python` to print its compiler flags; FP_UNKNOWN when it cannot. */
static enum build_fp python_keeps_fp(const char *python)
{
	static const char code[] =
		"import sysconfig as s\n"
		"print(' '.join(str(s.get_config_var(k) or '') for k in "
		"('CONFIGURE_CFLAGS', 'BASECFLAGS', 'CFLAGS', 'PY_CFLAGS', 'PY_CFLAGS_NODIST')))\n";
	char buf[8192];
	size_t len = 0;
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return FP_UNKNOWN;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return FP_UNKNOWN;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(fds[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		signal(SIGPIPE, SIG_DFL);
		execlp(python, python, "-I", "-S", "-c", code, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t k = read(fds[0], buf + len, sizeof(buf) - 1 - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(fds[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !len)
		return FP_UNKNOWN;
	return flags_keep_fp(buf);
}

/* A running process is Python when its executable is named python* or it
 * maps a libpython; *exe gets the interpreter binary to ask. */
static bool process_is_python(pid_t pid, char *exe, size_t len)
{
	char path[64], line[4352];
	const char *base;
	ssize_t n;
	bool py = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, len - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	if (!strncmp(base, "python", 6))
		return true;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	while (f && !py && fgets(line, sizeof(line), f))
		py = strstr(line, "/libpython3") != NULL;
	if (f)
		fclose(f);
	if (py) /* the interpreter may be another program embedding Python */
		snprintf(exe, len, "/proc/%d/exe", (int)pid);
	return py;
}

int record_python_keeps_fp(const struct record_opts *o, char *python, size_t len)
{
	char exe[PATH_MAX];
	const char *py = NULL;
	enum build_fp fp;

	if (o->python && o->python_path) {
		py = o->python_path;
	} else if (o->argv && o->argv[0]) {
		/* `-- python3 ...`: a Python all the same */
		const char *base = strrchr(o->argv[0], '/');
		base = base ? base + 1 : o->argv[0];
		if (!strncmp(base, "python", 6))
			py = o->argv[0];
	} else if (!o->argv) {
		for (size_t i = 0; i < o->npids && !py; i++)
			if (process_is_python(o->pids[i], exe, sizeof(exe)))
				py = exe;
	}
	if (!py)
		return -2;
	snprintf(python, len, "%s", py);
	fp = python_keeps_fp(py);
	return fp == FP_KEPT ? 1 : fp == FP_OMITTED ? 0 : -1;
}

enum record_cg record_auto_callchain(const struct record_opts *o, const char **reason)
{
	char python[PATH_MAX];
	int fp = record_python_keeps_fp(o, python, sizeof(python));

	if (fp == -2) {
		*reason = "auto: native program";
		return RECORD_CG_FP;
	}
	if (fp == 1) {
		*reason = "auto: Python built with -fno-omit-frame-pointer";
		return RECORD_CG_FP;
	}
	*reason = fp == 0 ? "auto: Python built without frame pointers"
			  : "auto: Python build flags unknown";
	return RECORD_CG_DWARF;
}
