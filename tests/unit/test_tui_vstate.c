/* test_tui_vstate: cursor, scrolling and expansion of the TUI's list view,
 * driven without a terminal over a small fake tree. */
#include "tap.h"

#include "../../tui/vstate.h"
#include "../../tui/request.h"

#include <curses.h>

/* Fake tree: 5 entries (ids 1..5); entry e has e-1 children with ids
 * e*10+k (k = 0..e-2); child 52 has two children 520, 521. */
static size_t fake_nchildren(void *ctx, tnode p)
{
	(void)ctx;
	if (p == TNODE_ROOT)
		return 5;
	if (p >= 1 && p <= 5)
		return (size_t)p - 1;
	if (p == 52)
		return 2;
	return 0;
}

static tnode fake_child(void *ctx, tnode p, size_t i)
{
	(void)ctx;
	if (p == TNODE_ROOT)
		return 1 + i;
	if (p == 52)
		return 520 + i;
	return p * 10 + i;
}

static const struct tree_ops fake_ops = { .nchildren = fake_nchildren, .child = fake_child };

/* The visible window as a string of ids, '*' before the selected line. */
static const char *window(const struct vstate *vs)
{
	static char buf[512];
	struct vline lines[64];
	size_t n = vstate_window(vs, lines, 64), len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s%llu", i ? " " : "",
					lines[i].selected ? "*" : "", (unsigned long long)lines[i].node);
	return buf;
}

int main(void)
{
	struct vstate vs;
	struct help_line hl;
	int found_f1 = 0;

	vstate_init(&vs, &fake_ops, NULL, 3);
	CHECK_EQ_STR(window(&vs), "*1 2 3", "first screen: cursor on the first entry");
	CHECK(!vstate_up(&vs, 1), "up at the top does nothing");
	vstate_down(&vs, 2);
	CHECK_EQ_STR(window(&vs), "1 2 *3", "down twice moves the cursor, not the window");
	vstate_down(&vs, 1);
	CHECK_EQ_STR(window(&vs), "2 3 *4", "down past the bottom scrolls one line");
	CHECK(vstate_toggle(&vs), "entry 4 expands");
	CHECK_EQ_STR(window(&vs), "2 3 *4", "expanding keeps the cursor line");
	vstate_down(&vs, 1);
	CHECK_EQ_STR(window(&vs), "3 4 *40", "children follow their entry");
	CHECK_EQ_U(vstate_cursor_depth(&vs), 1, "child line has depth 1");
	CHECK(vstate_collapse(&vs), "c on a child collapses the parent");
	CHECK_EQ_STR(window(&vs), "3 *4 5", "cursor moves to the collapsed parent");
	CHECK(vstate_last(&vs), "G moves");
	CHECK_EQ_STR(window(&vs), "3 4 *5", "G: last entry on the last window line");
	CHECK(vstate_toggle(&vs), "expand 5");
	CHECK(vstate_last(&vs), "G again reaches the new last line");
	CHECK_EQ_STR(window(&vs), "51 52 *53", "last line is the last child");
	vstate_up(&vs, 1);
	CHECK(vstate_toggle(&vs), "expand grandchild 52");
	CHECK_EQ_STR(window(&vs), "51 *52 520", "grandchildren appear");
	vstate_first(&vs);
	CHECK_EQ_STR(window(&vs), "*1 2 3", "g returns to the first line");
	vstate_expand_all(&vs);
	vstate_down(&vs, 2);
	CHECK_EQ_STR(window(&vs), "1 2 *20", "expand all: entry 2 shows its child");
	vstate_down(&vs, 100);
	CHECK_EQ_STR(window(&vs), "520 521 *53", "down stops at the last line");
	vstate_collapse_all(&vs);
	CHECK_EQ_U(vstate_cursor_depth(&vs), 0, "collapse all puts the cursor on an entry");
	CHECK_EQ_U(vstate_entry_index(&vs), 4, "cursor stays on its entry after C");
	vstate_first(&vs);
	vstate_down(&vs, 3); /* page down by the window height */
	CHECK_EQ_STR(window(&vs), "2 3 *4", "page down");
	vstate_resize(&vs, 1);
	CHECK_EQ_STR(window(&vs), "*4", "shrinking the window keeps the cursor visible");
	vstate_resize(&vs, 4);
	CHECK_EQ_STR(window(&vs), "*4 5", "growing the window keeps top");
	vstate_up(&vs, 2);
	CHECK_EQ_STR(window(&vs), "*2 3 4 5", "up above the window scrolls back");
	vstate_reset(&vs);
	CHECK_EQ_STR(window(&vs), "*1 2 3 4", "reset: first line, all collapsed");
	vstate_done(&vs);

	CHECK(request_of_key('j') == REQ_MOVE_DOWN, "j moves down");
	CHECK(request_of_key(KEY_DOWN) == REQ_MOVE_DOWN, "Down moves down");
	CHECK(request_of_key('\r') == REQ_TOGGLE, "Enter (CR) toggles");
	CHECK(request_of_key('E') == REQ_EXPAND_ALL, "E expands all");
	CHECK(request_of_key('x') == REQ_NONE, "unbound key");
	for (size_t i = 0; i < help_line_count(); i++) {
		help_line_get(i, &hl);
		if (hl.keys && strstr(hl.keys, "F1") && strstr(hl.text, "help"))
			found_f1 = 1;
	}
	CHECK(found_f1, "help lists F1 for help, derived from the request table");
	return tap_done();
}
