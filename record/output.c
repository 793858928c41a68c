/* output: where the profile goes, decided before the target starts, and
 * the final write, which never loses the run.
 *
 * -o names a regular file (or nothing yet): it is written through a
 * temporary file in its directory and renamed into place, an existing one
 * kept as FILE.old; a symbolic link to a regular file replaces the link's
 * target, never the link.  A character device (/dev/null) or a FIFO is
 * opened before the target starts and written through, as perf does; a
 * terminal, a directory, any other kind of file and a dangling link are
 * refused.  When the final write fails, the profile goes to a new name in
 * the output's directory, then in $TMPDIR (or /tmp), and the result says
 * where. */
#include "rec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_SUFFIX ".tmp.XXXXXX"
#define RESCUE_NAME "pytop-XXXXXX.data"

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "cannot write %s: %s", path, why);
	return -1;
}

/* Splits path into its directory and last component (both in out's
 * buffers).  Returns false when the name has no last component. */
static bool split(const char *path, char *dir, size_t dlen, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!*path || (slash && !slash[1]))
		return false;
	if (!slash)
		snprintf(dir, dlen, ".");
	else if (slash == path)
		snprintf(dir, dlen, "/");
	else
		snprintf(dir, dlen, "%.*s", (int)(slash - path), path);
	*base = slash ? slash + 1 : path;
	return true;
}

int rec_output_prepare(struct rec *r, char *err, size_t errlen)
{
	struct rec_out *out = &r->out;
	const char *path = r->o->output, *base;
	char real[PATH_MAX], why[PATH_MAX + 64];
	struct stat st, lst;
	long name_max;

	out->fd = -1;
	if (!path || !*path)
		return fail(err, errlen, path ? path : "(null)", "not a file name");
	if (strlen(path) + sizeof(TMP_SUFFIX) > PATH_MAX)
		return fail(err, errlen, path, strerror(ENAMETOOLONG));
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fail(err, errlen, path, strerror(EISDIR));
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
			if (S_ISFIFO(st.st_mode))
				rec_message(r, "note: %s is a FIFO: waiting for its reader", path);
			out->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
			if (out->fd < 0)
				return fail(err, errlen, path, strerror(errno));
			if (isatty(out->fd)) {
				close(out->fd);
				out->fd = -1;
				return fail(err, errlen, path, "it is a terminal");
			}
			out->through = true;
			snprintf(out->path, sizeof(out->path), "%s", path);
			return 0;
		}
		if (!S_ISREG(st.st_mode))
			return fail(err, errlen, path,
				    "not a regular file, a character device or a FIFO");
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
			if (!realpath(path, real))
				return fail(err, errlen, path, strerror(errno));
			path = real;
		}
	} else if (errno != ENOENT) {
		return fail(err, errlen, path, strerror(errno));
	} else if (lstat(path, &lst) == 0) {
		return fail(err, errlen, path, "a symbolic link to nothing");
	}
	if (strlen(path) + sizeof(TMP_SUFFIX) > PATH_MAX)
		return fail(err, errlen, r->o->output, strerror(ENAMETOOLONG));
	snprintf(out->path, sizeof(out->path), "%s", path);
	if (!split(out->path, out->dir, sizeof(out->dir), &base))
		return fail(err, errlen, r->o->output, "not a file name");
	if (stat(out->dir, &st) < 0)
		return fail(err, errlen, r->o->output, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, r->o->output, strerror(ENOTDIR));
	if (access(out->dir, W_OK | X_OK) < 0)
		return fail(err, errlen, r->o->output, strerror(errno));
	name_max = pathconf(out->dir, _PC_NAME_MAX);
	if (name_max <= 0)
		name_max = NAME_MAX;
	if (strlen(base) + sizeof(TMP_SUFFIX) - 1 > (size_t)name_max) {
		snprintf(why, sizeof(why),
			 "file name too long: its temporary name (NAME%s) exceeds %ld bytes",
			 TMP_SUFFIX, name_max);
		return fail(err, errlen, r->o->output, why);
	}
	return 0;
}

/* Writes the whole file to fd and makes it durable when it is a file. */
static int write_to(struct rec *r, struct record_result *res, int fd, uint64_t *nbytes,
		    struct pdata_error *perr)
{
	struct pdata_sample_src src;
	struct stat st;

	rec_sample_src(r, res, &src);
	if (pdata_write_fd(r->pd, &src, fd, nbytes, perr) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fsync(fd) < 0) {
		snprintf(perr->msg, sizeof(perr->msg), "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A new file from template `tmpl` (ending in `suffix_len` fixed bytes),
 * written whole; its name stays in tmpl.  Removed again on failure. */
static int write_new(struct rec *r, struct record_result *res, char *tmpl, int suffix_len,
		     uint64_t *nbytes, struct pdata_error *perr)
{
	int fd = mkostemps(tmpl, suffix_len, O_CLOEXEC);

	if (fd < 0) {
		snprintf(perr->msg, sizeof(perr->msg), "cannot create %s: %s", tmpl, strerror(errno));
		return -1;
	}
	if (write_to(r, res, fd, nbytes, perr) < 0) {
		close(fd);
		unlink(tmpl);
		return -1;
	}
	if (close(fd) < 0) {
		snprintf(perr->msg, sizeof(perr->msg), "cannot write: %s", strerror(errno));
		unlink(tmpl);
		return -1;
	}
	return 0;
}

/* The regular-file case: temporary file, FILE.old, rename. */
static int write_in_place(struct rec *r, struct record_result *res, uint64_t *nbytes,
			  struct pdata_error *perr)
{
	struct rec_out *out = &r->out;
	char tmp[PATH_MAX + sizeof(TMP_SUFFIX)], old[PATH_MAX + 8];

	snprintf(tmp, sizeof(tmp), "%s%s", out->path, TMP_SUFFIX);
	snprintf(old, sizeof(old), "%s.old", out->path);
	if (write_new(r, res, tmp, 0, nbytes, perr) < 0)
		return -1;
	if (access(out->path, F_OK) == 0 && rename(out->path, old) < 0) {
		snprintf(perr->msg, sizeof(perr->msg), "cannot keep the previous file as .old: %s",
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, out->path) < 0) {
		snprintf(perr->msg, sizeof(perr->msg),
			 "cannot rename the temporary file into place: %s", strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int rec_output_write(struct rec *r, struct record_result *res, char *err, size_t errlen)
{
	struct rec_out *out = &r->out;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	struct pdata_error perr = { "" };
	const char *tmpdir = getenv("TMPDIR");
	char rescue[PATH_MAX + sizeof(RESCUE_NAME) + 1], first[sizeof(perr.msg)];
	uint64_t nbytes = 0;
	int rc = -1;

	/* a reader that went away must fail the write, not kill pytop */
	sigaction(SIGPIPE, &ign, &old_pipe);
	if (out->through) {
		rc = write_to(r, res, out->fd, &nbytes, &perr);
		close(out->fd);
		out->fd = -1;
	} else {
		rc = write_in_place(r, res, &nbytes, &perr);
	}
	if (rc == 0) {
		snprintf(res->written, sizeof(res->written), "%s", r->o->output);
		goto done;
	}
	snprintf(first, sizeof(first), "%s", perr.msg);
	/* keep the run: a new name next to the output, then in $TMPDIR */
	for (int k = out->through ? 1 : 0; k < 2 && rc < 0; k++) {
		const char *dir = k == 0 ? out->dir : (tmpdir && *tmpdir ? tmpdir : "/tmp");
		snprintf(rescue, sizeof(rescue), "%s/%s", dir, RESCUE_NAME);
		rc = write_new(r, res, rescue, 5, &nbytes, &perr);
	}
	if (rc < 0) {
		snprintf(err, errlen, "cannot write %s: %s (and no other place took the profile: %s)",
			 r->o->output, first, perr.msg);
		goto done;
	}
	snprintf(res->written, sizeof(res->written), "%.*s", (int)sizeof(res->written) - 1, rescue);
	rec_message(r, "warning: cannot write %s: %s; the profile was written to %s instead",
		    r->o->output, first, rescue);
done:
	sigaction(SIGPIPE, &old_pipe, NULL);
	res->bytes = nbytes;
	return rc;
}

void rec_output_close(struct rec *r)
{
	if (r->out.fd >= 0)
		close(r->out.fd);
	r->out.fd = -1;
}
