/* launch: fork, wait for the go byte, exec; report exec errors. */
#include "pytop/record/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int runnable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EACCES;
	if (access(path, X_OK) < 0)
		return errno;
	return 0;
}

int launch_check(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	int err = ENOENT;

	if (!*cmd)
		return ENOENT;
	if (strchr(cmd, '/'))
		return runnable(cmd);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		int e;
		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, len ? path : ".", cmd) <
		    (int)sizeof(buf)) {
			e = runnable(buf);
			if (!e)
				return 0;
			if (e == EACCES)
				err = EACCES;
		}
		path += len;
		if (*path == ':')
			path++;
	}
	return err;
}

int launch_prepare(struct launch *l, char *const argv[], char *const env[],
		   const sigset_t *child_mask)
{
	int go[2], er[2];

	if (pipe2(go, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(er, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	l->pid = fork();
	if (l->pid < 0) {
		int e = errno;
		close(go[0]);
		close(go[1]);
		close(er[0]);
		close(er[1]);
		errno = e;
		return -1;
	}
	if (l->pid == 0) {
		char c;
		int e;
		close(go[1]);
		close(er[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		sigprocmask(SIG_SETMASK, child_mask, NULL);
		execvp(argv[0], argv);
		e = errno;
		if (write(er[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(er[1]);
	l->go_fd = go[1];
	l->err_fd = er[0];
	return 0;
}

int launch_go(struct launch *l)
{
	int e = 0;
	ssize_t r;

	if (write(l->go_fd, "g", 1) != 1)
		e = errno ? errno : EPIPE;
	close(l->go_fd);
	l->go_fd = -1;
	do
		r = read(l->err_fd, &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	close(l->err_fd);
	l->err_fd = -1;
	if (r == (ssize_t)sizeof(e) && e) {
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
		return e;
	}
	return 0;
}

void launch_abort(struct launch *l)
{
	if (l->go_fd >= 0)
		close(l->go_fd);
	if (l->err_fd >= 0)
		close(l->err_fd);
	l->go_fd = l->err_fd = -1;
	while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
		;
}
