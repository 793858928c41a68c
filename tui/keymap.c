/* keymap: the key map and help lines derived from REQ_INFO and the
 * views' own tables (REQ_FLAME_INFO, REQ_THREADS_INFO). */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "request.h"

struct req_entry {
	enum request req;
	const char *name;
	int keys[3];
	const char *help; /* for a group banner: its title, req = REQ_NONE */
	int table;        /* 0 REQ_INFO, 1 REQ_FLAME_INFO, 2 REQ_THREADS_INFO */
};

static const struct req_entry req_table[] = {
#define REQ_ROW_(name_, k1, k2, k3, help_) \
	{ .req = REQ_##name_, .name = #name_, .keys = { k1, k2, k3 }, .help = help_ },
#define REQ_ROW_GROUP_(title) { .req = REQ_NONE, .name = "", .help = title },
	REQ_INFO(REQ_ROW_, REQ_ROW_GROUP_)
#undef REQ_ROW_
#undef REQ_ROW_GROUP_
#define REQ_ROW_(name_, k1, k2, k3, help_) \
	{ .req = REQ_##name_, .name = #name_, .keys = { k1, k2, k3 }, .help = help_, .table = 1 },
#define REQ_ROW_GROUP_(title) { .req = REQ_NONE, .name = "", .help = title, .table = 1 },
	REQ_FLAME_INFO(REQ_ROW_, REQ_ROW_GROUP_)
#undef REQ_ROW_
#undef REQ_ROW_GROUP_
#define REQ_ROW_(name_, k1, k2, k3, help_) \
	{ .req = REQ_##name_, .name = #name_, .keys = { k1, k2, k3 }, .help = help_, .table = 2 },
#define REQ_ROW_GROUP_(title) { .req = REQ_NONE, .name = "", .help = title, .table = 2 },
	REQ_THREADS_INFO(REQ_ROW_, REQ_ROW_GROUP_)
#undef REQ_ROW_
#undef REQ_ROW_GROUP_
};

#define NTABLE (sizeof(req_table) / sizeof(req_table[0]))

/* Keys that mean the same thing on different terminals. */
static int normalize_key(int key)
{
	if (key == '\r' || key == KEY_ENTER)
		return '\n';
	if (key == 127 || key == 8)
		return KEY_BACKSPACE; /* terminals send DEL or ^H */
	return key;
}

static enum request lookup(int key, int table)
{
	key = normalize_key(key);
	if (key == 0)
		return REQ_NONE;
	for (size_t i = 0; i < NTABLE; i++)
		for (int k = 0; k < 3; k++)
			if (req_table[i].req != REQ_NONE && req_table[i].table == table &&
			    req_table[i].keys[k] == key)
				return req_table[i].req;
	return REQ_NONE;
}

enum request request_of_key(int key)
{
	return lookup(key, 0);
}

enum request request_of_flame_key(int key)
{
	enum request r = lookup(key, 1);
	return r != REQ_NONE ? r : lookup(key, 0);
}

enum request request_of_threads_key(int key)
{
	enum request r = lookup(key, 2);
	return r != REQ_NONE ? r : lookup(key, 0);
}

const char *request_name(enum request req)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (req_table[i].req == req)
			return req_table[i].name;
	return "";
}

const char *key_name(int key)
{
	static char buf[16];
	static const struct { int key; const char *name; } names[] = {
		{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" },
		{ KEY_HOME, "Home" }, { KEY_END, "End" }, { '\n', "Enter" },
		{ ' ', "Space" }, { TUI_KEY_ESC, "Esc" }, { KEY_F(1), "F1" },
		{ KEY_BACKSPACE, "Backspace" }, { KEY_RESIZE, "resize" }, { KEY_MOUSE, "mouse" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].key == key)
			return names[i].name;
	if (key > 0 && key < 32)
		snprintf(buf, sizeof(buf), "^%c", key + '@');
	else if (key > 32 && key < 127)
		snprintf(buf, sizeof(buf), "%c", key);
	else
		snprintf(buf, sizeof(buf), "#%d", key);
	return buf;
}

size_t help_line_count(void)
{
	return NTABLE;
}

void help_line_get(size_t i, struct help_line *out)
{
	static char keys[NTABLE][40];
	const struct req_entry *e = &req_table[i];

	out->text = e->help;
	out->keys = NULL;
	if (e->req == REQ_NONE)
		return;
	if (!keys[i][0]) {
		size_t len = 0;
		for (int k = 0; k < 3 && e->keys[k]; k++)
			len += (size_t)snprintf(keys[i] + len, sizeof(keys[i]) - len, "%s%s",
						k ? ", " : "", key_name(e->keys[k]));
	}
	out->keys = keys[i];
}
