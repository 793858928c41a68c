/* pystack PID: the Python stacks of a running CPython, read from outside
 * with record/python (pytarget + pycode), the way the BPF reader's user
 * space sees them.  Prints, per thread state (the main interpreter's
 * first):
 *     thread TID
 *       QUALNAME FILE:LINE          (innermost first; "[entry]" marks the
 *                                    first frame of one C eval call)
 * A code object that does not validate prints "<stale 0xADDR>" and ends
 * the walk (the frame was freed under us: its links are garbage).  The
 * target should be still (blocked) for a consistent picture.
 * Exit status 0, or 1 with "pystack: WHY" when the target is refused. */
#include "pytop/python/pycode.h"
#include "pytop/python/pytarget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES 4096

static char pending[8192];

static void flush_line(char *line, bool entry)
{
	if (!line[0])
		return;
	printf("%s%s\n", line, entry && !strstr(line, " [entry]") ? " [entry]" : "");
	line[0] = 0;
}

/* -c: resolve code objects by address, one line each: "OK QUALNAME FILE
 * FIRSTLINE IDENT", "STALE" or "UNREADABLE".  ADDR@IDENT checks the
 * identity the way a BPF frame's is (pycode_symbolize_ident). */
static int resolve_codes(const char *addrs, const char *pid)
{
	struct py_target t;
	struct pycode_cache *c;
	char why[512];
	const char *p = addrs;
	if (py_target_open((pid_t)atoi(pid), &t, why, sizeof(why))) {
		fprintf(stderr, "pystack: %s\n", why);
		return 1;
	}
	c = pycode_cache_new(&t);
	while (*p) {
		char *end;
		uint64_t a = strtoull(p, &end, 0), ident = 0;
		bool check = *end == '@';
		enum pycode_status st;
		const struct pycode_info *ci = pycode_resolve(c, a, &st);
		if (check) {
			const char *q, *file;
			int line;
			ident = strtoull(end + 1, &end, 0);
			st = pycode_symbolize_ident(c, a, 0, ident, &q, &file, &line);
			if (st != PYCODE_OK)
				ci = NULL;
		}
		if (ci)
			printf("OK %s %s %d 0x%llx\n", ci->qualname, ci->file, ci->firstlineno,
			       (unsigned long long)ci->ident);
		else
			printf("%s\n", st == PYCODE_STALE ? "STALE" : "UNREADABLE");
		p = *end == ',' ? end + 1 : end;
		if (end == p && *p != ',')
			break;
	}
	pycode_cache_free(c);
	py_target_close(&t);
	return 0;
}

int main(int argc, char **argv)
{
	struct py_target t;
	struct py_thread th[256];
	struct pycode_cache *c;
	char why[512];
	int n, i;

	if (argc == 4 && !strcmp(argv[1], "-c"))
		return resolve_codes(argv[2], argv[3]);
	if (argc != 2) {
		fprintf(stderr, "usage: pystack PID | pystack -c ADDR[,ADDR...] PID\n");
		return 2;
	}
	if (py_target_open((pid_t)atoi(argv[1]), &t, why, sizeof(why))) {
		fprintf(stderr, "pystack: %s\n", why);
		return 1;
	}
	printf("version %u.%u runtime 0x%llx in %s\n", t.major, t.minor,
	       (unsigned long long)t.runtime, t.path);
	n = py_target_threads(&t, th, 256);
	if (n < 0) {
		fprintf(stderr, "pystack: reading the thread list failed\n");
		py_target_close(&t);
		return 1;
	}
	c = pycode_cache_new(&t);
	for (i = 0; i < n; i++) {
		uint64_t f = th[i].frame;
		int depth = 0;
		printf("thread %u\n", th[i].tid);
		/* 3.12+: a shim frame after a frame makes that one an entry, so
		 * each line is printed once the next frame is known */
		pending[0] = 0;
		while (f && depth++ < MAX_FRAMES) {
			struct py_frame fr;
			const char *q, *file;
			int line;
			enum pycode_status st;
			if (py_target_read_frame(&t, f, &fr)) {
				flush_line(pending, false);
				printf("  <unreadable frame 0x%llx>\n", (unsigned long long)f);
				break;
			}
			f = fr.back;
			if (fr.shim) {
				flush_line(pending, true);
				continue;
			}
			flush_line(pending, false);
			st = pycode_symbolize(c, fr.code, fr.instr, &q, &file, &line);
			if (st == PYCODE_OK)
				snprintf(pending, sizeof(pending), "  %s %s:%d%s", q, file, line,
					 fr.entry ? " [entry]" : "");
			else {
				/* a frame whose code does not validate was freed or
				 * reused under us: what it links to is no chain */
				snprintf(pending, sizeof(pending), "  <%s 0x%llx>",
					 st == PYCODE_STALE ? "stale" : "unreadable",
					 (unsigned long long)fr.code);
				break;
			}
		}
		flush_line(pending, false);
	}
	pycode_cache_free(c);
	py_target_close(&t);
	return 0;
}
