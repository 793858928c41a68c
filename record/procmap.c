/* procmap: per-process executable mappings and the dso path table. */
#include "pytop/base/bisect.h"
#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"
#include "pytop/format/pdata.h"
#include "pytop/record/procmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct procmap {
	struct pm_proc **procs;
	size_t nprocs, cap_procs;
	struct hmap by_pid;    /* pid -> index in procs */
	struct pm_dso *dsos;
	size_t ndsos, cap_dsos;
	struct hmap by_path;   /* path hash -> dso id (collisions chained below) */
	uint32_t *dso_next;    /* next dso with the same hash, PROCMAP_NONE at the end */
	size_t cap_next;
	struct arena arena;    /* dso path bytes */
	uint64_t default_started;
};

struct procmap *procmap_new(uint64_t default_started)
{
	struct procmap *pm = xcalloc(1, sizeof(*pm));
	pm->default_started = default_started;
	hmap_init(&pm->by_pid);
	hmap_init(&pm->by_path);
	arena_init(&pm->arena);
	return pm;
}

void procmap_free(struct procmap *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->nprocs; i++) {
		free(pm->procs[i]->maps);
		perfmap_free(pm->procs[i]->perfmap);
		free(pm->procs[i]);
	}
	free(pm->procs);
	free(pm->dsos);
	free(pm->dso_next);
	hmap_free(&pm->by_pid);
	hmap_free(&pm->by_path);
	arena_free(&pm->arena);
	free(pm);
}

/* ---- dsos ---- */

static bool path_is_file(const char *p)
{
	return p[0] == '/' && strncmp(p, "//anon", 6) && strncmp(p, "/memfd:", 7) &&
	       strncmp(p, "/dev/zero", 9) && strncmp(p, "/SYSV", 5) &&
	       !strstr(p, " (deleted)");
}

static uint32_t dso_intern(struct procmap *pm, const char *path)
{
	uint64_t h = hmap_hash_str(path);
	uint32_t id;

	if (hmap_get(&pm->by_path, h, 0, &id)) {
		for (uint32_t i = id; i != PROCMAP_NONE; i = pm->dso_next[i])
			if (!strcmp(pm->dsos[i].path, path))
				return i;
	} else {
		id = PROCMAP_NONE;
	}
	xgrow(&pm->dsos, &pm->cap_dsos, pm->ndsos + 1, sizeof(*pm->dsos));
	xgrow(&pm->dso_next, &pm->cap_next, pm->ndsos + 1, sizeof(*pm->dso_next));
	uint32_t n = (uint32_t)pm->ndsos++;
	pm->dsos[n].path = arena_strndup(&pm->arena, path, strlen(path));
	pm->dsos[n].is_file = path_is_file(path);
	{
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		pm->dsos[n].interp = pm->dsos[n].is_file && pdata_dso_is_interpreter(path);
		pm->dsos[n].jitdump = !strncmp(base, "jit-", 4) && strstr(base, ".dump") != NULL;
	}
	pm->dso_next[n] = id; /* chain in front of the previous head */
	hmap_put(&pm->by_path, h, 0, n);
	return n;
}

const struct pm_dso *procmap_dso(const struct procmap *pm, uint32_t dso)
{
	return dso < pm->ndsos ? &pm->dsos[dso] : NULL;
}

size_t procmap_ndsos(const struct procmap *pm)
{
	return pm->ndsos;
}

/* ---- processes ---- */

struct pm_proc *procmap_get(struct procmap *pm, uint32_t pid)
{
	uint32_t i;
	return hmap_get(&pm->by_pid, pid, 0, &i) ? pm->procs[i] : NULL;
}

static uint32_t proc_uid(uint32_t pid)
{
	char path[32];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%u", pid);
	return stat(path, &st) == 0 ? (uint32_t)st.st_uid : (uint32_t)getuid();
}

static struct pm_proc *proc_add(struct procmap *pm, uint32_t pid)
{
	struct pm_proc *p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	xgrow(&pm->procs, &pm->cap_procs, pm->nprocs + 1, sizeof(*pm->procs));
	hmap_put(&pm->by_pid, pid, 0, (uint32_t)pm->nprocs);
	pm->procs[pm->nprocs++] = p;
	return p;
}

struct pm_proc *procmap_proc(struct procmap *pm, uint32_t pid)
{
	struct pm_proc *p = procmap_get(pm, pid);
	if (p)
		return p;
	p = proc_add(pm, pid);
	p->uid = proc_uid(pid);
	p->perfmap = perfmap_new(pid, p->uid, pm->default_started);
	return p;
}

struct pm_proc *procmap_fork(struct procmap *pm, uint32_t pid, uint32_t ppid, uint64_t started)
{
	struct pm_proc *parent = procmap_get(pm, ppid), *p = procmap_get(pm, pid);

	if (p) { /* seen before (a reused pid, or samples came first): start over */
		p->nmaps = 0;
		p->exited = false;
		p->interp = p->jitdump = false;
	} else {
		p = proc_add(pm, pid);
	}
	p->ppid = ppid;
	p->uid = parent ? parent->uid : proc_uid(pid);
	p->launched = parent && parent->launched;
	if (parent && parent->nmaps) {
		xgrow(&p->maps, &p->cap_maps, parent->nmaps, sizeof(*p->maps));
		memcpy(p->maps, parent->maps, parent->nmaps * sizeof(*p->maps));
		p->nmaps = parent->nmaps;
		p->interp = parent->interp;
		p->jitdump = parent->jitdump;
	}
	perfmap_free(p->perfmap);
	p->perfmap = perfmap_new(pid, p->uid, started);
	return p;
}

void procmap_exec(struct procmap *pm, uint32_t pid)
{
	struct pm_proc *p = procmap_get(pm, pid);
	if (p) {
		p->nmaps = 0;
		p->interp = p->jitdump = false;
	}
}

/* index of the first mapping whose end is above addr */
static size_t first_above(const struct pm_proc *p, uint64_t addr)
{
	return bisect_upper(p->maps, p->nmaps, sizeof(*p->maps), offsetof(struct pm_map, end), addr);
}

void procmap_add(struct procmap *pm, uint32_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		 const char *path)
{
	struct pm_proc *p = procmap_proc(pm, pid);
	uint64_t end = start + len;
	struct pm_map keep_tail = { 0 };
	bool split = false;
	size_t i, j;

	if (!len || end < start)
		return;
	i = first_above(p, start);
	/* a mapping that starts before ours keeps its head */
	if (i < p->nmaps && p->maps[i].start < start) {
		if (p->maps[i].end > end) {
			keep_tail = p->maps[i];
			keep_tail.pgoff += end - keep_tail.start;
			keep_tail.start = end;
			split = true;
		}
		p->maps[i].end = start;
		i++;
	}
	for (j = i; j < p->nmaps && p->maps[j].end <= end; j++)
		;
	/* a mapping that ends after ours keeps its tail */
	if (j < p->nmaps && p->maps[j].start < end) {
		p->maps[j].pgoff += end - p->maps[j].start;
		p->maps[j].start = end;
	}
	/* replace maps[i..j) by the new one (and the split tail) */
	size_t add = 1 + (split ? 1 : 0), removed = j - i;
	xgrow(&p->maps, &p->cap_maps, p->nmaps + add, sizeof(*p->maps));
	memmove(&p->maps[i + add], &p->maps[j], (p->nmaps - j) * sizeof(*p->maps));
	p->nmaps = p->nmaps - removed + add;
	p->maps[i] = (struct pm_map){ .start = start, .end = end, .pgoff = pgoff,
				      .dso = dso_intern(pm, path) };
	p->interp |= pm->dsos[p->maps[i].dso].interp;
	p->jitdump |= pm->dsos[p->maps[i].dso].jitdump;
	if (split)
		p->maps[i + 1] = keep_tail;
}

int procmap_load(struct procmap *pm, uint32_t pid)
{
	char path[64], line[4352];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, off;
		char perms[8];
		int name_at = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*u %n", &start, &end,
			   perms, &off, &name_at) < 4 || !name_at)
			continue;
		if (perms[2] != 'x')
			continue;
		char *name = line + name_at;
		name[strcspn(name, "\n")] = '\0';
		procmap_add(pm, pid, start, end - start, off, *name ? name : "//anon");
	}
	fclose(f);
	return 0;
}

const struct pm_map *procmap_find(struct procmap *pm, uint32_t pid, uint64_t addr)
{
	struct pm_proc *p = procmap_get(pm, pid);
	size_t i;
	if (!p)
		return NULL;
	i = first_above(p, addr);
	if (i < p->nmaps && p->maps[i].start <= addr)
		return &p->maps[i];
	return NULL;
}

struct pm_proc *procmap_next(struct procmap *pm, size_t *iter)
{
	return *iter < pm->nprocs ? pm->procs[(*iter)++] : NULL;
}
