/* test_esc: names from a profiled program printed safely (esc.h). */
#include "tap.h"
#include "pytop/base/esc.h"

#include <stdlib.h>
#include <string.h>

static void text_case(const char *in, unsigned flags, const char *want, const char *what)
{
	char buf[256];
	size_t n = esc_text(buf, sizeof(buf), in, flags);
	CHECK(!strcmp(buf, want) && n == strlen(want) && esc_len(in, flags) == n &&
	      esc_is_clean(in, flags) == !strcmp(in, want),
	      "%s: got \"%s\" (%zu), want \"%s\"", what, buf, n, want);
}

static void json_case(const char *in, const char *want, const char *what)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);
	esc_json(f, in);
	fclose(f);
	CHECK(!strcmp(got, want), "%s: got %s, want %s", what, got, want);
	free(got);
}

int main(void)
{
	char small[8];
	size_t n;

	text_case("main", 0, "main", "plain ASCII unchanged");
	text_case("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x8d", 0, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x8d",
		  "valid UTF-8 unchanged");
	text_case("\x1b]0;pwned\x07", 0, "\\x1b]0;pwned\\x07", "OSC title sequence escaped");
	text_case("\x1b]52;c;aGk=\x1b\\", 0, "\\x1b]52;c;aGk=\\x1b\\", "OSC 52 clipboard escaped");
	text_case("a\nb\tc\rd\x7f", 0, "a\\x0ab\\x09c\\x0dd\\x7f", "newline, tab, CR, DEL escaped");
	text_case("\xff\xfe", 0, "\\xff\\xfe", "invalid bytes escaped one by one");
	text_case("\xc0\xaf", 0, "\\xc0\\xaf", "overlong form is invalid");
	text_case("\xed\xa0\x80", 0, "\\xed\\xa0\\x80", "surrogate is invalid");
	text_case("\xe2\x82", 0, "\\xe2\\x82", "truncated sequence is invalid");
	text_case("\xc2\x9b" "2J", 0, "\\u009b2J", "C1 CSI escaped");
	text_case("ab\xe2\x80\xae" "cd", 0, "ab\xe2\x80\xae" "cd", "RLO passes without ESC_BIDI");
	text_case("ab\xe2\x80\xae" "cd", ESC_BIDI, "ab\\u202ecd", "RLO escaped with ESC_BIDI");
	text_case("\xe2\x81\xa6x\xe2\x81\xa9", ESC_BIDI, "\\u2066x\\u2069", "isolates escaped with ESC_BIDI");

	n = esc_text(small, 6, "abc\x1b" "def", 0);
	CHECK(n == 10 && !strcmp(small, "abc"), "a short buffer cuts before an escape (\"%s\", %zu)", small, n);
	n = esc_text(small, sizeof(small), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0);
	CHECK(n == 8 && !strcmp(small, "\xc3\xa9\xc3\xa9\xc3\xa9"), "a short buffer cuts between characters");
	CHECK(esc_text(NULL, 0, "\x01", 0) == 4, "a zero-size buffer only measures");

	json_case("main", "\"main\"", "JSON plain");
	json_case("a\"b\\c", "\"a\\\"b\\\\c\"", "JSON quote and backslash");
	json_case("\x1b[2J\n", "\"\\u001b[2J\\u000a\"", "JSON controls as \\u00XX");
	json_case("x\xffy", "\"x\\\\xffy\"", "JSON invalid byte as the text \\xff (valid UTF-8)");
	json_case("caf\xc3\xa9", "\"caf\xc3\xa9\"", "JSON keeps valid UTF-8");
	return tap_done();
}
