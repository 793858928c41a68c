/* draw: text helpers shared by the views (display columns, not bytes). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "pytop/base/esc.h"
#include "terminal.h"
#include "view.h"

int put_text(int y, int x, const char *text, size_t skip, int width, int attr, bool mark)
{
	char safe[2048];
	const char *s = text;
	wchar_t wbuf[512];
	mbstate_t st;
	size_t col = 0;
	int n = 0, used = 0;

	if (width <= 0)
		return 0;
	/* every text on screen passes here: names from the profiled program
	 * show their escapes, bidirectional overrides included */
	if (!esc_is_clean(text, ESC_BIDI)) {
		esc_text(safe, sizeof(safe), text, ESC_BIDI);
		s = safe;
	}
	memset(&st, 0, sizeof(st));
	while (*s && n < (int)(sizeof(wbuf) / sizeof(wbuf[0])) - 1) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, strlen(s), &st);
		int w;
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			k = 1;
		} else if (k == 0) {
			break;
		}
		s += k;
		w = wcwidth(wc);
		if (w < 0)
			wc = L'?', w = 1;
		if (col < skip) {
			col += (size_t)w;
			continue;
		}
		if (used + w > width) {
			if (mark && n > 0) {
				const char *e = term_glyphs()->ellipsis;
				wchar_t ew;
				mbstate_t es;
				memset(&es, 0, sizeof(es));
				if (mbrtowc(&ew, e, strlen(e), &es) > (size_t)0 && wcwidth(ew) == 1)
					wbuf[n - 1] = ew;
				else
					wbuf[n - 1] = L'~';
			}
			break;
		}
		wbuf[n++] = wc;
		used += w;
	}
	wbuf[n] = L'\0';
	attrset(attr);
	mvaddnwstr(y, x, wbuf, n);
	attrset(A_NORMAL);
	return used;
}

void fill_line(int y, int x, int cols, int attr)
{
	attrset(attr);
	move(y, x);
	for (int i = x; i < cols; i++)
		addch(' ');
	attrset(A_NORMAL);
}
