/* perf_import: a perf.data file (`perf record -g`, `--call-graph dwarf`,
 * with or without CPython's -X perf maps) turned into a pdata, through the
 * recorder's own pipeline: its records are replayed into the same event
 * handling, DWARF unwinder (perf trampolines included) and symbolizer a
 * live recording uses.  Binaries are read on this machine by path (their
 * build-ids checked against the recorded ones), /tmp/perf-PID.map files
 * when present, and /proc/kallsyms. */
#ifndef PYTOP_PERF_IMPORT_H
#define PYTOP_PERF_IMPORT_H

#include <stdbool.h>

#include "pytop/format/pdata.h"

/* Is path a regular file starting with perf.data's magic ("PERFILE2")?
 * (Pipes and devices are never looked into: their bytes are read once.) */
bool perf_import_is_perfdata(const char *path);

/* Import path.  Notes (a binary that changed since the recording, a
 * missing one, samples of other events left out) go to message(ctx, line)
 * as single lines without "pytop: ".  Returns a new pdata (pdata_free), or
 * NULL with a one-line reason in err. */
struct pdata *perf_import(const char *path, void (*message)(void *ctx, const char *line),
			  void *ctx, struct pdata_error *err);

#endif
