/* terminal: terminal setup and restore on every exit path. */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pytop/model/classes.h"
#include "terminal.h"

#include <term.h> /* after our headers: it defines lower-case macros */

static SCREEN *screen;
static FILE *null_out; /* the virtual screen's terminal */
static volatile sig_atomic_t is_open;
static bool atexit_done, utf8, color;
static int attrs[ROLE_COUNT];

static const int caught_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				      SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NSIGNALS (sizeof(caught_signals) / sizeof(caught_signals[0]))
static struct sigaction old_actions[NSIGNALS];

static const struct glyphs utf8_glyphs = { "\u251c\u2500", "\u2514\u2500", "\u2502",
					   "\u2026", "\u2192" };
static const struct glyphs ascii_glyphs = { "|-", "`-", "|", "~", "->" };

static void restore(void)
{
	if (!is_open)
		return;
	is_open = 0;
	endwin();
}

static void on_signal(int sig)
{
	/* Restore, then die of the same signal with its default action. */
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaction(caught_signals[i], &sa, &old_actions[i]);
}

static void remove_handlers(void)
{
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaction(caught_signals[i], &old_actions[i], NULL);
}

static void setup_colors(void)
{
	const char *nc = getenv("NO_COLOR");
	static const struct { enum term_role role; short fg, bg; int mono; } pal[] = {
		{ ROLE_TITLE, COLOR_WHITE, COLOR_BLUE, A_REVERSE },
		{ ROLE_HEADER, COLOR_YELLOW, -1, A_BOLD },
		{ ROLE_CURSOR, COLOR_BLACK, COLOR_CYAN, A_REVERSE },
		{ ROLE_PYTHON, COLOR_GREEN, -1, A_BOLD },
		{ ROLE_INTERP, COLOR_YELLOW, -1, 0 },
		{ ROLE_NATIVE, -1, -1, 0 },
		{ ROLE_KERNEL, COLOR_RED, -1, A_DIM },
		{ ROLE_UNKNOWN, COLOR_MAGENTA, -1, A_DIM },
		{ ROLE_MATCH, COLOR_BLACK, COLOR_YELLOW, A_UNDERLINE },
		{ ROLE_ERROR, COLOR_WHITE, COLOR_RED, A_BOLD },
		{ ROLE_GROWTH, COLOR_RED, -1, A_BOLD },
		{ ROLE_SHRINK, COLOR_BLUE, -1, A_UNDERLINE },
		{ ROLE_MEMORY, COLOR_CYAN, -1, 0 },
	};

	color = has_colors() && !(nc && *nc);
	if (color) {
		start_color();
		use_default_colors();
	}
	memset(attrs, 0, sizeof(attrs));
	for (size_t i = 0; i < sizeof(pal) / sizeof(pal[0]); i++) {
		if (color && COLOR_PAIRS > (int)pal[i].role) {
			init_pair((short)pal[i].role, pal[i].fg, pal[i].bg);
			attrs[pal[i].role] = COLOR_PAIR(pal[i].role);
			if (pal[i].role == ROLE_TITLE || pal[i].role == ROLE_HEADER)
				attrs[pal[i].role] |= A_BOLD;
		} else {
			attrs[pal[i].role] = pal[i].mono;
		}
	}
}

bool term_open(bool virtual_screen, int ncols, int nlines, char *err, size_t errlen)
{
	const char *cs;
	int errret = 0;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	if (virtual_screen) {
		char buf[16];
		snprintf(buf, sizeof(buf), "%d", nlines);
		setenv("LINES", buf, 1);
		snprintf(buf, sizeof(buf), "%d", ncols);
		setenv("COLUMNS", buf, 1);
		null_out = fopen("/dev/null", "r+");
		if (!null_out) {
			snprintf(err, errlen, "cannot open /dev/null");
			return false;
		}
		screen = newterm("xterm-256color", null_out, null_out);
	} else {
		const char *t = getenv("TERM");
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			snprintf(err, errlen, "not a terminal");
			return false;
		}
		if (!t || !*t) {
			snprintf(err, errlen, "TERM is not set");
			return false;
		}
		/* Look the terminal up first: a failed newterm() leaks in ncurses. */
		if (setupterm(t, STDOUT_FILENO, &errret) != OK) {
			snprintf(err, errlen, "unknown terminal type '%s'", t);
			return false;
		}
		del_curterm(cur_term);
		screen = newterm(t, stdout, stdin);
	}
	if (!screen) {
		snprintf(err, errlen, "cannot initialise terminal '%s'",
			 getenv("TERM") ? getenv("TERM") : "(unset)");
		return false;
	}
	set_term(screen);
	is_open = 1;
	install_handlers();
	if (!atexit_done) {
		atexit(term_close);
		atexit_done = true;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	setup_colors();
	return true;
}

void term_close(void)
{
	if (!screen)
		return;
	restore();
	remove_handlers();
	delscreen(screen);
	screen = NULL;
	if (null_out)
		fclose(null_out);
	null_out = NULL;
}

bool term_is_open(void)
{
	return is_open;
}

int term_attr(enum term_role role)
{
	return role < ROLE_COUNT ? attrs[role] : 0;
}

enum term_role term_role_of_class(unsigned cls)
{
	switch (cls) {
	case CLASS_PYTHON: return ROLE_PYTHON;
	case CLASS_NATIVE: return ROLE_NATIVE;
	case CLASS_MEMORY: return ROLE_MEMORY;
	case CLASS_KERNEL: return ROLE_KERNEL;
	case CLASS_INTERPRETER: return ROLE_INTERP;
	default: return ROLE_UNKNOWN;
	}
}

enum term_role term_role_of_kind(enum frame_kind kind)
{
	switch (kind) {
	case FRAME_PYTHON: return ROLE_PYTHON;
	case FRAME_INTERPRETER: return ROLE_INTERP;
	case FRAME_NATIVE: return ROLE_NATIVE;
	case FRAME_KERNEL: return ROLE_KERNEL;
	default: return ROLE_UNKNOWN;
	}
}

const struct glyphs *term_glyphs(void)
{
	return utf8 ? &utf8_glyphs : &ascii_glyphs;
}

bool term_utf8(void)
{
	return utf8;
}

bool term_color(void)
{
	return color;
}
