/* test_tui_keys: the documented keys are the bound keys.  The help overlay
 * is derived from REQ_INFO; this checks that the BROWSER section of
 * pytop-report(1) lists every request with the same keys and text. */
#include "tap.h"

#include "../../tui/request.h"

#include <curses.h>
#include <stdlib.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int main(void)
{
	const char *root = getenv("ROOT") ? getenv("ROOT") : ".";
	static const char *const docs[] = { "man/pytop-report.1" };
	char path[4096], want[512];
	char *text = NULL;
	struct help_line hl;
	size_t nkeys = 0;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]) && !text; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, docs[i]);
		text = slurp(path);
		if (text && !strstr(text, ".SH BROWSER")) {
			free(text);
			text = NULL;
		}
	}
	CHECK(text != NULL, "a BROWSER man section exists (ROOT=%s)", root);
	if (!text)
		return tap_done();
	for (size_t i = 0; i < help_line_count(); i++) {
		help_line_get(i, &hl);
		if (!hl.keys)
			continue;
		nkeys++;
		snprintf(want, sizeof(want), ".B %s\n%s\n", hl.keys, hl.text);
		CHECK(strstr(text, want) != NULL, "man page documents '%s': %s", hl.keys, hl.text);
	}
	CHECK(nkeys >= 25, "the request table has every key (%zu)", nkeys);
	CHECK(request_of_key('q') == REQ_QUIT && request_of_key(KEY_F(1)) == REQ_HELP &&
		      request_of_key('h') == REQ_HELP && request_of_key('?') == REQ_HELP,
	      "q quits, ?/h/F1 help");
	CHECK(request_of_key(' ') == REQ_PAGE_DOWN && request_of_key(KEY_NPAGE) == REQ_PAGE_DOWN,
	      "Space and PgDn page down");
	CHECK(request_of_key('+') == REQ_TOGGLE && request_of_key('e') == REQ_TOGGLE &&
		      request_of_key(KEY_ENTER) == REQ_TOGGLE, "Enter, + and e toggle");
	CHECK(request_of_key('f') == REQ_FLAME, "f opens the flame graph");
	CHECK(request_of_key('l') == REQ_LINES && request_of_flame_key('l') == REQ_FLAME_RIGHT,
	      "l toggles lines in the list; in the flame graph it still moves right");
	CHECK(request_of_flame_key('h') == REQ_FLAME_LEFT && request_of_flame_key('l') == REQ_FLAME_RIGHT &&
		      request_of_flame_key('k') == REQ_FLAME_PARENT &&
		      request_of_flame_key(KEY_DOWN) == REQ_FLAME_CHILD,
	      "flame graph: hjkl and arrows move (h is not help there)");
	CHECK(request_of_flame_key('?') == REQ_HELP && request_of_flame_key('P') == REQ_PYTHON,
	      "flame graph: other keys fall back to the list's table");
	CHECK(request_of_flame_key(127) == REQ_FLAME_UNZOOM && request_of_flame_key(8) == REQ_FLAME_UNZOOM &&
		      request_of_flame_key(TUI_KEY_ESC) == REQ_FLAME_UNZOOM,
	      "flame graph: Esc, Backspace (DEL or ^H) zoom out");
	CHECK(request_of_flame_key('q') == REQ_FLAME_CLOSE && request_of_flame_key('f') == REQ_FLAME_CLOSE &&
		      request_of_key('h') == REQ_HELP, "flame graph: q and f return; h is help in the list");
	free(text);
	return tap_done();
}
