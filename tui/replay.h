/* replay: the bench hook behind tui_options.replay_keys: scripted keys on
 * a virtual screen, with the open time and per-key latency on stderr.
 * Private to tui/. */
#ifndef PYTOP_TUI_REPLAY_H
#define PYTOP_TUI_REPLAY_H

#include <stddef.h>

#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"
#include "pytop/tui/tui.h"

/* Same contract as tui_browse() for opt->replay_keys. */
int tui_replay(const struct profile *p, const struct report_opts *o,
	       const struct tui_options *opt, char *err, size_t errlen);

#endif
