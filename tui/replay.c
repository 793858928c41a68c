/* replay: the bench hook.  Feeds a key script to the browser on a virtual
 * screen (no terminal needed) and prints the time to the first screen and
 * each key's latency, from the key to the repainted screen, to stderr. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "pytop/base/xalloc.h"
#include "driver.h"
#include "replay.h"
#include "terminal.h"

#define SCREEN_TEXT_MAX (1 << 20)

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p)
{
	size_t i;
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* The virtual screen's text, one line per row, trailing blanks cut, into
 * buf (for --replay-keys with replay_dump). */
static void snapshot_screen(const struct tui *t, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int y = 0; y < t->lines && used + 1 < size; y++) {
		wchar_t wbuf[1024];
		char out[4096];
		int n = mvwinnwstr(stdscr, y, 0, wbuf, t->cols < 1023 ? t->cols : 1023);
		size_t len;
		if (n < 0)
			n = 0;
		wbuf[n] = L'\0';
		len = wcstombs(out, wbuf, sizeof(out) - 1);
		if (len == (size_t)-1)
			len = 0;
		out[len] = '\0';
		while (len && out[len - 1] == ' ')
			out[--len] = '\0';
		used += (size_t)snprintf(buf + used, size - used, "%s\n", out);
	}
}

/* Next key of the replay script, or ERR at the end.  Sets *resize for
 * <Resize:CxL>. */
static int next_replay_key(const char **sp, int *rc, int *rl)
{
	static const struct { const char *name; int key; } names[] = {
		{ "Enter", '\n' }, { "Esc", 27 }, { "Up", KEY_UP }, { "Down", KEY_DOWN },
		{ "Left", KEY_LEFT }, { "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE },
		{ "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
		{ "BS", KEY_BACKSPACE }, { "F1", KEY_F(1) },
	};
	const char *s = *sp;
	*rc = *rl = 0;
	if (!*s)
		return ERR;
	if (*s == '<') {
		const char *e = strchr(s, '>');
		if (e) {
			size_t len = (size_t)(e - s - 1);
			*sp = e + 1;
			if (sscanf(s, "<Resize:%dx%d>", rc, rl) == 2)
				return KEY_RESIZE;
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (strlen(names[i].name) == len && !strncmp(s + 1, names[i].name, len))
					return names[i].key;
			*sp = s + 1;
		}
	}
	*sp = s + 1;
	return (unsigned char)*s;
}

int tui_replay(const struct profile *p, const struct report_opts *o,
	       const struct tui_options *opt, char *err, size_t errlen)
{
	struct tui t;
	const char *s = opt->replay_keys;
	int cols = opt->replay_cols ? opt->replay_cols : 100;
	int lines = opt->replay_lines ? opt->replay_lines : 30;
	double t0 = now_ms(), open_ms, *lat, *cpul;
	size_t nlat = 0, cap = strlen(s) + 1;
	struct timespec cpu;
	char *screen_text;

	lat = xmalloc(cap, sizeof(*lat));
	cpul = xmalloc(cap, sizeof(*cpul));
	screen_text = xmalloc(SCREEN_TEXT_MAX, 1);
	screen_text[0] = '\0';
	tui_init(&t, p, o);
	if (!term_open(true, cols, lines, err, errlen)) {
		tui_fini(&t);
		free(lat);
		free(cpul);
		free(screen_text);
		return -1;
	}
	if (!tui_start(&t, err, errlen)) {
		term_close();
		tui_fini(&t);
		free(lat);
		free(cpul);
		free(screen_text);
		return -1;
	}
	tui_draw(&t);
	open_ms = now_ms() - t0;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	fprintf(stderr, "replay: screen %dx%d\n", cols, lines);
	fprintf(stderr, "replay: open (rows + first screen) %.2f ms; process cpu time at first screen %.2f ms\n",
		open_ms, (double)cpu.tv_sec * 1e3 + (double)cpu.tv_nsec / 1e6);
	while (!t.quit) {
		int rc, rl, key = next_replay_key(&s, &rc, &rl);
		double k0, c0, ms;
		enum request req;
		if (key == ERR)
			break;
		if (opt->replay_dump)
			snapshot_screen(&t, screen_text, SCREEN_TEXT_MAX);
		k0 = now_ms();
		c0 = cpu_ms();
		if (key == KEY_RESIZE)
			resizeterm(rl, rc);
		req = tui_handle_key(&t, key);
		tui_draw(&t);
		ms = now_ms() - k0;
		cpul[nlat] = cpu_ms() - c0;
		lat[nlat++] = ms;
		fprintf(stderr, "replay: key %-8s %-14s %8.3f ms\n",
			key == KEY_RESIZE ? "resize" : key_name(key),
			req == REQ_COUNT ? "(input)" : req == REQ_NONE ? "-" : request_name(req), ms);
	}
	if (opt->replay_dump) {
		if (!t.quit)
			snapshot_screen(&t, screen_text, SCREEN_TEXT_MAX);
		fputs(screen_text, stdout);
		fflush(stdout);
	}
	fprintf(stderr, "replay: %zu keys, latency p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", nlat,
		percentile(lat, nlat, 0.50), percentile(lat, nlat, 0.99), percentile(lat, nlat, 1.0));
	/* CPU time: what the keys cost whatever else runs on the machine */
	fprintf(stderr, "replay: %zu keys, cpu p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", nlat,
		percentile(cpul, nlat, 0.50), percentile(cpul, nlat, 0.99), percentile(cpul, nlat, 1.0));
	term_close();
	tui_fini(&t);
	free(lat);
	free(cpul);
	free(screen_text);
	return 0;
}
