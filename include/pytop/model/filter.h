/* filter: sample filters of a report query.  The filter itself is part of
 * struct report_opts (report_opts.h); this header is the entry point for
 * code that only filters (e.g. the TUI's zoom and '/' keys). */
#ifndef PYTOP_FILTER_H
#define PYTOP_FILTER_H

#include "pytop/model/report_opts.h"

/* Zoom helpers for the TUI: replace the thread / DSO filter with one value,
 * or clear it (tid == 0 / dso == NULL). */
void report_filter_zoom_thread(struct report_filter *f, uint32_t tid);
void report_filter_zoom_dso(struct report_filter *f, const char *dso);

#endif
