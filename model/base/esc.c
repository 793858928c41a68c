/* esc: escaping of untrusted names for text output (esc.h).
 *
 * Hand-written rather than taken from a library: glibc has no UTF-8
 * validator that reports invalid bytes one by one (mbrtowc depends on the
 * locale, and a report must be the same in every locale), and the rules are
 * ours (which characters count as dangerous, how they look).  One decoder,
 * next_char(), serves every entry point. */
#include "pytop/base/esc.h"

#include <stdint.h>
#include <string.h>

/* Decode the character at s: its length in bytes, its code point in *cp,
 * or 0 when s[0] does not start a valid, shortest-form UTF-8 sequence
 * (surrogates and code points above U+10FFFF are invalid too). */
static size_t next_char(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static bool is_bidi(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* How the character at s prints: *len bytes of input; returns the escape
 * text in esc (NUL-terminated) or NULL when it passes unchanged. */
static const char *classify(const unsigned char *s, unsigned flags, size_t *len, char esc[8])
{
	static const char hex[] = "0123456789abcdef";
	uint32_t cp;
	size_t n = next_char(s, &cp);

	if (n == 0) {
		*len = 1;
		esc[0] = '\\', esc[1] = 'x', esc[2] = hex[s[0] >> 4], esc[3] = hex[s[0] & 15];
		esc[4] = '\0';
		return esc;
	}
	*len = n;
	if (cp < 0x20 || cp == 0x7f) {
		esc[0] = '\\', esc[1] = 'x', esc[2] = hex[cp >> 4], esc[3] = hex[cp & 15];
		esc[4] = '\0';
		return esc;
	}
	if ((cp >= 0x80 && cp <= 0x9f) || ((flags & ESC_BIDI) && is_bidi(cp))) {
		esc[0] = '\\', esc[1] = 'u';
		for (int i = 0; i < 4; i++)
			esc[2 + i] = hex[(cp >> (12 - 4 * i)) & 15];
		esc[6] = '\0';
		return esc;
	}
	return NULL;
}

bool esc_is_clean(const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	size_t len;

	while (*p) {
		if (classify(p, flags, &len, esc))
			return false;
		p += len;
	}
	return true;
}

size_t esc_text(char *buf, size_t cap, const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t total = 0, used = 0;
	bool full = cap == 0;
	char esc[8];

	while (*p) {
		size_t len;
		const char *e = classify(p, flags, &len, esc);
		const char *piece = e ? e : (const char *)p;
		size_t plen = e ? strlen(e) : len;
		if (!full && used + plen < cap) {
			memcpy(buf + used, piece, plen);
			used += plen;
		} else {
			full = true;
		}
		total += plen;
		p += len;
	}
	if (cap)
		buf[used] = '\0';
	return total;
}

size_t esc_len(const char *s, unsigned flags)
{
	return esc_text(NULL, 0, s, flags);
}

void esc_fputs(FILE *out, const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];

	while (*p) {
		size_t len;
		const char *e = classify(p, flags, &len, esc);
		if (e)
			fputs(e, out);
		else
			fwrite(p, 1, len, out);
		p += len;
	}
}

void esc_json(FILE *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		uint32_t cp;
		size_t n = next_char(p, &cp);
		if (n == 0) {
			fprintf(out, "\\\\x%c%c", hex[p[0] >> 4], hex[p[0] & 15]);
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (int)cp);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			fprintf(out, "\\u%04x", (unsigned)cp);
		else
			fwrite(p, 1, n, out);
		p += n;
	}
	fputc('"', out);
}
