/* request: every user action of the browser, in one X-macro table.
 *
 * REQ_INFO lists each request once with its name, up to three default keys
 * and its help text; REQ_FLAME_INFO the keys the flame graph view reads
 * first.  The enum, the key map and the help overlay are all
 * derived from it, so help cannot drift from the bindings.  Private to tui/. */
#ifndef PYTOP_TUI_REQUEST_H
#define PYTOP_TUI_REQUEST_H

#include <stddef.h>

/* Key codes beyond ncurses' KEY_* for plain control keys. */
#define TUI_KEY_ESC 27
#define TUI_KEY_CTRL(c) ((c) & 0x1f)

/* REQ_(NAME, key1, key2, key3, "help text"); 0 = no key.
 * Keys are ncurses codes (KEY_UP, 'j', ...).  Group banners are REQ_GROUP. */
#define REQ_INFO(REQ_, REQ_GROUP) \
	REQ_GROUP("Moving") \
	REQ_(MOVE_UP,       KEY_UP,    'k',      0,      "move up one line") \
	REQ_(MOVE_DOWN,     KEY_DOWN,  'j',      0,      "move down one line") \
	REQ_(PAGE_UP,       KEY_PPAGE, 0,        0,      "page up") \
	REQ_(PAGE_DOWN,     KEY_NPAGE, ' ',      0,      "page down") \
	REQ_(MOVE_FIRST,    KEY_HOME,  'g',      0,      "first line") \
	REQ_(MOVE_LAST,     KEY_END,   'G',      0,      "last line") \
	REQ_(SCROLL_RIGHT,  KEY_RIGHT, 0,        0,      "scroll long names right") \
	REQ_(SCROLL_LEFT,   KEY_LEFT,  0,        0,      "scroll left; at column 0 zoom out") \
	REQ_GROUP("Call graph") \
	REQ_(TOGGLE,        '\n',      '+',      'e',    "expand or collapse the current entry") \
	REQ_(COLLAPSE,      'c',       0,        0,      "collapse the current entry") \
	REQ_(EXPAND_ALL,    'E',       0,        0,      "expand every entry") \
	REQ_(COLLAPSE_ALL,  'C',       0,        0,      "collapse every entry") \
	REQ_(INVERT,        'i',       0,        0,      "toggle caller/callee (inverted) graph") \
	REQ_GROUP("Filter and views") \
	REQ_(FILTER,        '/',       0,        0,      "filter by symbol, a regex as --symbol-filter (Enter keeps, Esc cancels, empty clears)") \
	REQ_(FIND_NEXT,     'n',       0,        0,      "next line matching the filter") \
	REQ_(FIND_PREV,     'N',       0,        0,      "previous line matching the filter") \
	REQ_(SORT,          's',       0,        0,      "set the sort keys (a prompt: e.g. dso,sym)") \
	REQ_(ORDER,         'o',       0,        0,      "cycle order: children, self, name") \
	REQ_(PYTHON,        'P',       0,        0,      "toggle the Python view") \
	REQ_(LINES,         'l',       0,        0,      "toggle source lines: Python functions split by line (list)") \
	REQ_(HIERARCHY,     'H',       0,        0,      "toggle hierarchy mode") \
	REQ_(ZOOM_DSO,      'd',       0,        0,      "zoom into the current entry's DSO") \
	REQ_(ZOOM_THREAD,   't',       0,        0,      "zoom into the current entry's thread") \
	REQ_(ZOOM_OUT,      TUI_KEY_ESC, 0,      0,      "undo the last filter or zoom; with none, ask to quit") \
	REQ_(PERCENT_LIMIT, 'L',       0,        0,      "set the percent limit") \
	REQ_(FLAME,         'f',       0,        0,      "flame graph of the current view") \
	REQ_(THREADS,       'T',       0,        0,      "threads view: every thread's time as a bar split by class") \
	REQ_(METRIC,        'w',       0,        0,      "cycle the metric: cpu, off-cpu, wall (recordings with off-CPU data)") \
	REQ_GROUP("Other") \
	REQ_(HELP,          '?',       'h',      KEY_F(1), "show this help") \
	REQ_(REDRAW,        TUI_KEY_CTRL('l'), 0, 0,     "redraw the screen") \
	REQ_(QUIT,          'q',       0,        0,      "quit (or close help)")

/* Keys of the threads view only (looked up before REQ_INFO there). */
#define REQ_THREADS_INFO(REQ_, REQ_GROUP) \
	REQ_GROUP("Threads view (T)") \
	REQ_(THREADS_SORT,  's',       'o',      0,      "cycle the order: time, comm, tid") \
	REQ_(THREADS_ZOOM,  '\n',      0,        0,      "zoom into the thread: the list shows only its samples") \
	REQ_(THREADS_CLOSE, 'q',       TUI_KEY_ESC, 'T', "back to the list")

/* Keys of the flame graph view only (looked up before REQ_INFO there). */
#define REQ_FLAME_INFO(REQ_, REQ_GROUP) \
	REQ_GROUP("Flame graph (f)") \
	REQ_(FLAME_PARENT,  KEY_UP,    'k',      0,      "select the parent frame (the row above)") \
	REQ_(FLAME_CHILD,   KEY_DOWN,  'j',      0,      "select the widest child frame (the row below)") \
	REQ_(FLAME_LEFT,    KEY_LEFT,  'h',      0,      "select the frame to the left on the same row") \
	REQ_(FLAME_RIGHT,   KEY_RIGHT, 'l',      0,      "select the frame to the right on the same row") \
	REQ_(FLAME_ZOOM,    '\n',      0,        0,      "zoom into the selected frame (full width)") \
	REQ_(FLAME_UNZOOM,  TUI_KEY_ESC, KEY_BACKSPACE, 0, "zoom out one step (at the top: back to the list)") \
	REQ_(FLAME_SEARCH,  '/',       0,        0,      "highlight frames containing a text, show their share") \
	REQ_(FLAME_NEXT,    'n',       0,        0,      "select the next highlighted frame") \
	REQ_(FLAME_PREV,    'N',       0,        0,      "select the previous highlighted frame") \
	REQ_(FLAME_CLOSE,   'q',       'f',      0,      "back to the list, on the selected function")

enum request {
	REQ_NONE = 0,
#define REQ_ENUM_(name, k1, k2, k3, help) REQ_##name,
#define REQ_ENUM_GROUP_(title)
	REQ_INFO(REQ_ENUM_, REQ_ENUM_GROUP_)
	REQ_FLAME_INFO(REQ_ENUM_, REQ_ENUM_GROUP_)
	REQ_THREADS_INFO(REQ_ENUM_, REQ_ENUM_GROUP_)
#undef REQ_ENUM_
#undef REQ_ENUM_GROUP_
	REQ_MOUSE_UP,   /* wheel events, not bound to keys */
	REQ_MOUSE_DOWN,
	REQ_COUNT
};

/* The request bound to ncurses key code `key`, or REQ_NONE. */
enum request request_of_key(int key);
/* The same in the flame graph view: REQ_FLAME_INFO first, then REQ_INFO. */
enum request request_of_flame_key(int key);
/* The same in the threads view: REQ_THREADS_INFO first, then REQ_INFO. */
enum request request_of_threads_key(int key);

/* One line of the help overlay: a group title (keys == NULL) or a request
 * with its key names.  Returns false past the last line.  Texts are static. */
struct help_line {
	const char *keys;  /* "Down, j" ... or NULL for a group title */
	const char *text;
};
size_t help_line_count(void);
void help_line_get(size_t i, struct help_line *out);

/* Request name as in the table, e.g. "EXPAND_ALL"; "" for unknown. */
const char *request_name(enum request req);

/* Printable name of a key code: "Up", "PgDn", "Space", "F1", "x". */
const char *key_name(int key);

#endif
