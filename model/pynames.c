/* pynames: short names of Python files that never look alike.
 *
 * A file is named relative to the site-packages or stdlib directory it was
 * imported from ("json/__init__.py"), the script as the command line gave
 * it, files of the script's directory relative to it, and any other file
 * by its base name; then names that two files would share grow, a
 * directory at a time, until each is unique.  The recorder does not store
 * the target's sys.path: these are the rules of CPython's layout
 * (lib/pythonX.Y/, site-packages/, dist-packages/, sys.path[0] = the
 * script's directory). */
#include "profile_int.h"

#include "pytop/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The script of the command line: its first argument ending in ".py" (the
 * path as given), or NULL. */
static void find_script(struct profile *p)
{
	const char *c = p->info.cmdline, *best = NULL;
	size_t blen = 0;
	while (c && *c) {
		size_t n = strcspn(c, " ");
		if (n > 3 && !strncmp(c + n - 3, ".py", 3) && c[0] != '-') {
			best = c;
			blen = n;
			break;
		}
		c += n;
		c += strspn(c, " ");
	}
	p->script = best ? arena_strndup(&p->arena, best, blen) : NULL;
}

/* A Python file's short name, so that two files never look alike: relative
 * to the site-packages or stdlib directory it was imported from
 * ("json/__init__.py"), the script as the command line gave it, files of
 * the script's directory relative to it; any other file its base name. */
static const char *python_file(const struct profile *p, const char *path)
{
	const char *s, *cut = NULL;
	size_t plen = strlen(path);
	if (path[0] != '/')
		return path; /* "<frozen importlib._bootstrap>", relative paths */
	for (s = path; (s = strstr(s, "-packages/")); s++)
		if (s - path >= 5 && (!strncmp(s - 5, "/site", 5) || !strncmp(s - 5, "/dist", 5)))
			cut = s + strlen("-packages/");
	if (cut)
		return cut;
	for (s = path; (s = strstr(s, "/lib/python")); s++) {
		const char *v = s + strlen("/lib/python"), *slash = strchr(v, '/');
		if (slash && slash - v <= 6 && v[0] >= '2' && v[0] <= '9')
			cut = slash + 1;
	}
	if (cut)
		return cut;
	if (p->script) {
		size_t n = strlen(p->script);
		const char *dir;
		if (!strcmp(path, p->script))
			return p->script;
		/* the script given relative: it names /abs/dir/<script> */
		if (p->script[0] != '/' && plen > n && path[plen - n - 1] == '/' &&
		    !strcmp(path + plen - n, p->script))
			return p->script;
		/* files next to the script: sys.path[0] */
		dir = p->script_dir;
		if (dir && !strncmp(path, dir, strlen(dir)) && path[strlen(dir)] == '/')
			return path + strlen(dir) + 1;
	}
	return path;
}

/* The directory of the script, as an absolute path seen in py:: names:
 * from the first Python frame naming the script. */
static void find_script_dir(struct profile *p, const char *path)
{
	size_t n, plen = strlen(path);
	const char *slash;
	if (!p->script || p->script_dir || path[0] != '/')
		return;
	n = strlen(p->script);
	if (p->script[0] == '/') {
		if (strcmp(path, p->script))
			return;
	} else if (plen <= n || path[plen - n - 1] != '/' || strcmp(path + plen - n, p->script)) {
		return;
	}
	slash = strrchr(path, '/');
	if (slash && slash > path)
		p->script_dir = arena_strndup(&p->arena, path, (size_t)(slash - path));
}

struct pyfile {
	const char *path;
	size_t off;      /* the short name is path + off */
	uint32_t sym;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct pyfile *)a)->path, ((const struct pyfile *)b)->path);
}

static int by_short(const void *a, const void *b)
{
	const struct pyfile *x = a, *y = b;
	int c = strcmp(x->path + x->off, y->path + y->off);
	return c ? c : strcmp(x->path, y->path);
}

/* One more directory in front of f's short name; false when it is whole. */
static bool grow(struct pyfile *f)
{
	size_t o = f->off;
	if (!o)
		return false;
	o--; /* the '/' before the name */
	while (o > 0 && f->path[o - 1] != '/')
		o--;
	f->off = o;
	return true;
}

void python_short_names(struct profile *p)
{
	struct pyfile *fs = NULL, *u;
	size_t n = 0, cap = 0, nu = 0;

	find_script(p);
	for (size_t i = 0; i < p->nsyms && p->script; i++)
		if (p->syms[i].file)
			find_script_dir(p, p->syms[i].file);
	for (size_t i = 0; i < p->nsyms; i++) {
		const char *path = p->syms[i].file, *s;
		if (!path)
			continue;
		xgrow(&fs, &cap, n + 1, sizeof(*fs));
		s = python_file(p, path);
		if (s == path && path[0] == '/')
			s = strrchr(path, '/') + 1;
		fs[n].path = path;
		fs[n].off = strlen(path) - strlen(s);
		fs[n].sym = (uint32_t)i;
		n++;
	}
	if (!n)
		return;
	/* distinct files */
	qsort(fs, n, sizeof(*fs), by_path);
	u = xmalloc(n, sizeof(*u));
	for (size_t i = 0; i < n; i++)
		if (!nu || strcmp(u[nu - 1].path, fs[i].path))
			u[nu++] = fs[i];
	/* grow the names two files share until none is shared */
	for (bool again = true; again;) {
		again = false;
		qsort(u, nu, sizeof(*u), by_short);
		for (size_t i = 0; i < nu;) {
			size_t j = i + 1;
			while (j < nu && !strcmp(u[i].path + u[i].off, u[j].path + u[j].off))
				j++;
			if (j - i > 1)
				for (size_t k = i; k < j; k++)
					again |= grow(&u[k]);
			i = j;
		}
	}
	qsort(u, nu, sizeof(*u), by_path);
	for (size_t i = 0, k = 0; i < n; i++) {
		struct psym *s = &p->syms[fs[i].sym];
		size_t qlen = strlen(s->func), len;
		char *buf;
		while (strcmp(u[k].path, fs[i].path))
			k++;
		s->file_short = u[k].path + u[k].off;
		len = qlen + strlen(s->file_short) + 4;
		buf = arena_alloc(&p->arena, len);
		snprintf(buf, len, "%s (%s)", s->func, s->file_short);
		s->shortn = buf;
	}
	free(u);
	free(fs);
}
