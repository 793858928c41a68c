/* esc: text that came from a profiled program, made safe to print.
 *
 * Function, file, thread and DSO names are data: a program can name a
 * function "\x1b]52;c;...\a" and take over the terminal of whoever reads its
 * profile.  The recorder stores names as they are; every printer of text
 * passes them through here.  Escapes are visible and unambiguous enough to
 * read: a C0 control, DEL or a byte that is not part of valid UTF-8 becomes
 * \xHH; a C1 control (U+0080..U+009F) and, with ESC_BIDI, a bidirectional
 * formatting character (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069) becomes \uHHHH.  Everything else passes unchanged. */
#ifndef PYTOP_BASE_ESC_H
#define PYTOP_BASE_ESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum esc_flags {
	ESC_BIDI = 1u << 0, /* also escape bidirectional overrides (the browser) */
};

/* True when s prints as itself (nothing to escape). */
bool esc_is_clean(const char *s, unsigned flags);

/* The escaped form of s in buf, like snprintf: always NUL-terminated when
 * cap > 0, cut only between characters or escapes, and the return value is
 * the length the whole escaped text has. */
size_t esc_text(char *buf, size_t cap, const char *s, unsigned flags);

/* Length of the escaped form (esc_text(NULL, 0, s, flags)). */
size_t esc_len(const char *s, unsigned flags);

/* Write the escaped form of s (no newline). */
void esc_fputs(FILE *out, const char *s, unsigned flags);

/* Write s as a JSON string literal, quotes included.  The output is always
 * valid UTF-8: controls become \u00XX, '"' and '\\' are escaped, and an
 * invalid byte becomes the six characters "\\xHH" (JSON for the text \xHH,
 * which is what the text outputs show for it). */
void esc_json(FILE *out, const char *s);

#endif
