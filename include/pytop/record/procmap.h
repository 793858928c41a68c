/* procmap: the recorder's view of each profiled process — its executable
 * mappings (from MMAP2 records, or /proc/PID/maps when attaching), its
 * parent, owner, whether pytop launched it, and its perf map.
 *
 * DSO paths are interned once: a dso id names a path for the whole run. */
#ifndef PYTOP_PROCMAP_H
#define PYTOP_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/python/perfmap.h"

#define PROCMAP_NONE UINT32_MAX

struct pm_map {
	uint64_t start, end, pgoff;
	uint32_t dso; /* dso id */
};

struct pm_dso {
	const char *path;
	bool is_file; /* a real file we can read symbols from */
	bool interp;  /* a Python interpreter: python* or libpython* */
	bool jitdump; /* a perf jitdump file (jit-PID.dump: python -X perf_jit) */
};

struct pm_proc {
	uint32_t pid, ppid; /* ppid 0 when unknown */
	uint32_t uid;
	bool launched;      /* pytop started it (or a launched process forked it) */
	bool exited;
	bool interp;         /* maps a Python interpreter (since its last exec) */
	bool jitdump;        /* maps a perf jitdump file (since its last exec) */
	struct pm_map *maps; /* sorted by start, no overlaps */
	size_t nmaps, cap_maps;
	struct perfmap *perfmap;
	uint64_t refreshed;  /* the caller's round of the last perf map re-read */
};

struct procmap;

/* Processes first seen without a FORK record (a sample or mapping of an
 * unknown pid) count as started at `default_started` (ns since the epoch)
 * for their perf maps. */
struct procmap *procmap_new(uint64_t default_started);
/* Frees every process, its perf map and the dso table. */
void procmap_free(struct procmap *pm);

/* The process `pid`, or NULL when never seen. */
struct pm_proc *procmap_get(struct procmap *pm, uint32_t pid);
/* The process `pid`, created when new (no mappings, uid from /proc or
 * ours, perf map as of the default start time). */
struct pm_proc *procmap_proc(struct procmap *pm, uint32_t pid);
/* A new process `pid` forked by `ppid` at `started` (ns since the epoch):
 * inherits the parent's mappings, owner and launched flag.  Returns it. */
struct pm_proc *procmap_fork(struct procmap *pm, uint32_t pid, uint32_t ppid, uint64_t started);
/* `pid` ran exec: forget its mappings. */
void procmap_exec(struct procmap *pm, uint32_t pid);
/* Adds a mapping, replacing whatever it overlaps. */
void procmap_add(struct procmap *pm, uint32_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		 const char *path);
/* Reads the executable mappings of a running process from /proc/PID/maps.
 * Returns 0 or -1 (errno set). */
int procmap_load(struct procmap *pm, uint32_t pid);

/* The mapping of pid that contains addr, or NULL. */
const struct pm_map *procmap_find(struct procmap *pm, uint32_t pid, uint64_t addr);

const struct pm_dso *procmap_dso(const struct procmap *pm, uint32_t dso);
size_t procmap_ndsos(const struct procmap *pm);

/* Iterate over all processes: *iter starts at 0; returns NULL at the end. */
struct pm_proc *procmap_next(struct procmap *pm, size_t *iter);

#endif
