/* filter: sample filters of a report query.  The filter itself is part of
 * struct report_opts (report_opts.h); this header is the entry point for
 * code that only filters (e.g. the TUI's zoom and '/' keys). */
#ifndef PYTOP_FILTER_H
#define PYTOP_FILTER_H

#include <regex.h>
#include <stdbool.h>

#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

/* THE symbol rule of --symbol-filter and of the browser's '/' and n/N:
 * `re`, a POSIX ERE (REG_EXTENDED | REG_NOSUB), matches symbol sym when it
 * matches one of its names: its function (a Python function's qualname:
 * '^main$' finds Python's main), its display name, the display name with
 * full paths, or the stored name. */
bool report_symbol_matches(const struct profile *p, uint32_t sym, const regex_t *re);

/* Zoom helpers for the TUI: replace the thread / DSO filter with one value,
 * or clear it (tid == 0 / dso == NULL). */
void report_filter_zoom_thread(struct report_filter *f, uint32_t tid);
void report_filter_zoom_dso(struct report_filter *f, const char *dso);

#endif
