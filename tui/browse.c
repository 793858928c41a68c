/* browse: the browser's entry point (tui.h): the interactive loop on the
 * terminal, or the bench hook's replay of scripted keys (replay.c). */
#include <curses.h>
#include <stdio.h>
#include <unistd.h>

#include "pytop/tui/tui.h"
#include "driver.h"
#include "replay.h"
#include "terminal.h"

static bool input_pending(void)
{
	int c;
	nodelay(stdscr, TRUE);
	c = getch();
	nodelay(stdscr, FALSE);
	if (c == ERR)
		return false;
	ungetch(c);
	return true;
}

bool tui_available(void)
{
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* The loop on the terminal over an initialised t, which it finalises. */
static int run_interactive(struct tui *t, char *err, size_t errlen)
{
	int rc = 0, errs = 0;

	if (!term_open(false, 0, 0, err, errlen)) {
		tui_fini(t);
		return -1;
	}
	if (!tui_start(t, err, errlen))
		rc = -1;
	while (rc == 0 && !t->quit) {
		int key;
		/* While keys are already waiting (fast typing in the filter, key
		 * repeat), handle them first: one rebuild and one repaint for the
		 * burst instead of one per key. */
		if (!input_pending())
			tui_draw(t);
		key = getch();
		/* A blocking getch() fails only when the input is gone. */
		if (key == ERR) {
			if (++errs == 10) {
				snprintf(err, errlen, "lost the terminal's input");
				rc = -1;
			}
			continue;
		}
		errs = 0;
		tui_handle_key(t, key);
	}
	term_close();
	tui_fini(t);
	return rc;
}

int tui_browse(const struct profile *p, const struct report_opts *o, const struct tui_options *opt,
	       char *err, size_t errlen)
{
	struct tui t;
	if (opt && opt->replay_keys)
		return tui_replay(p, o, opt, err, errlen);
	tui_init(&t, p, o);
	return run_interactive(&t, err, errlen);
}

int tui_browse_diff(const struct profile *before, const struct profile *after,
		    const struct report_opts *o, const struct diff_opts *dopts,
		    const char *const paths[2], char *err, size_t errlen)
{
	struct tui t;
	tui_init(&t, NULL, o);
	t.diff = diff_ctx_new(before, after, dopts, paths);
	t.first_view = &diff_view_ops;
	return run_interactive(&t, err, errlen);
}
