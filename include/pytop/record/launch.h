/* launch: start the profiled command so that none of pytop's own start-up
 * is profiled.
 *
 * launch_prepare() forks a child that waits on a pipe; the recorder opens
 * its events on the child (enable_on_exec), then launch_go() lets it exec.
 * An exec failure travels back through a close-on-exec pipe, so the caller
 * learns "No such file or directory" before any sample is taken. */
#ifndef PYTOP_LAUNCH_H
#define PYTOP_LAUNCH_H

#include <signal.h>
#include <sys/types.h>

struct launch {
	pid_t pid;
	int go_fd;  /* write end: one byte releases the child */
	int err_fd; /* read end: errno of a failed exec, EOF on success */
};

/* Forks argv[0] (searched in PATH like execvp).  `env` is a NULL-terminated
 * list of "NAME=VALUE" to set in the child (may be NULL); the child runs
 * with signal mask `child_mask`.  Returns 0 or -1 (errno set). */
int launch_prepare(struct launch *l, char *const argv[], char *const env[],
		   const sigset_t *child_mask);

/* Releases the child to exec.  Returns 0 when exec succeeded, otherwise the
 * exec errno (the child has exited and is reaped). */
int launch_go(struct launch *l);

/* The child never runs the command: it exits and is reaped. */
void launch_abort(struct launch *l);

/* Whether `cmd` can be run: 0, or ENOENT / EACCES / ... as execvp would
 * fail.  A name without '/' is searched in PATH. */
int launch_check(const char *cmd);

#endif
