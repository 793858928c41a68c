/* terminal: the terminal's lifecycle, colours and glyphs.  Private to tui/.
 *
 * term_open() puts the terminal in browser mode and arranges for it to be
 * restored on every way out: term_close(), exit() (atexit), SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT and fatal signals (SIGSEGV, SIGABRT, ...), which
 * restore and then re-raise so the exit status tells what happened. */
#ifndef PYTOP_TUI_TERMINAL_H
#define PYTOP_TUI_TERMINAL_H

#include <stdbool.h>

#include "pytop/format/pdata.h"

/* Colour roles; attributes come from term_attr(). */
enum term_role {
	ROLE_NORMAL = 0,
	ROLE_TITLE,     /* top and bottom bars */
	ROLE_HEADER,    /* column header */
	ROLE_CURSOR,    /* selected line */
	ROLE_PYTHON,
	ROLE_INTERP,
	ROLE_NATIVE,
	ROLE_KERNEL,
	ROLE_UNKNOWN,
	ROLE_MATCH,     /* filter match highlight */
	ROLE_ERROR,
	ROLE_GROWTH,    /* a diff's Delta that grew: red (bold without colour) */
	ROLE_SHRINK,    /* a Delta that shrank: blue (underlined without colour) */
	ROLE_MEMORY,    /* the memory class (flame graph) */
	ROLE_COUNT
};

struct glyphs {
	const char *tee, *corner, *vbar, *ellipsis, *arrow;
};

/* Open the terminal.  virtual_screen: draw into a curses screen on /dev/null
 * of cols x lines (bench hook, no terminal needed).  Returns false with a
 * message in err when the terminal cannot be used. */
bool term_open(bool virtual_screen, int cols, int lines, char *err, size_t errlen);
/* Restore the terminal; safe to call more than once and when not open. */
void term_close(void);
bool term_is_open(void);

int term_attr(enum term_role role);
enum term_role term_role_of_kind(enum frame_kind kind);
/* The role a frame of class cls (enum profile_class) is drawn in; classes
 * without a colour of their own (the off-CPU ones) share ROLE_UNKNOWN's. */
enum term_role term_role_of_class(unsigned cls);
const struct glyphs *term_glyphs(void);
bool term_utf8(void);
bool term_color(void);

#endif
