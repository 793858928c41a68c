/* tui: the ncurses report browser.
 *
 * tui_browse() shows a profile on the terminal until the user quits.  It
 * owns no profile logic: every number and line comes from the model.  The
 * terminal is restored on every way out (quit, error, SIGINT, SIGTERM,
 * fatal signals).  Library code: never calls exit(). */
#ifndef PYTOP_TUI_H
#define PYTOP_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

/* Options of the browser itself; NULL means all defaults. */
struct tui_options {
	/* Bench hook (hidden option --replay-keys): feed these keys to a virtual
	 * screen of replay_cols x replay_lines (0 = 100x30) with no terminal, and
	 * print the open time and per-key latency (p50/p99) to stderr.  Keys are
	 * characters, or <Enter> <Esc> <Up> <Down> <Left> <Right> <PgUp> <PgDn>
	 * <Home> <End> <BS> <F1> <Resize:COLSxLINES>. */
	const char *replay_keys;
	int replay_cols, replay_lines;
	bool replay_dump;       /* then print the screen's text on stdout */
};

/* True when stdin and stdout are terminals the browser can use. */
bool tui_available(void);

/* Browse profile p (not owned) starting with the report options o (copied):
 * the command line's --sort, --children, -G, --percent-limit, filters ...
 * Returns 0 when the user quit, -1 with a message in err ("WHAT: WHY", no
 * newline) when the browser could not run; the terminal is restored either
 * way. */
int tui_browse(const struct profile *p, const struct report_opts *o, const struct tui_options *opt,
	       char *err, size_t errlen);

struct diff_opts;

/* Browse the comparison of two profiles (not owned) under the report
 * options o (copied) and dopts, the same way: the same keys, the entries of
 * model/diff.c with their Delta coloured (red for growth, blue for shrink).
 * paths are the two files as named, for the title.  Returns as
 * tui_browse(). */
int tui_browse_diff(const struct profile *before, const struct profile *after,
		    const struct report_opts *o, const struct diff_opts *dopts,
		    const char *const paths[2], char *err, size_t errlen);

#endif
