/* test_pycode: the line table decoders against every installed CPython.
 *
 * Each interpreter runs tests/workloads/pylines.py, which dumps the line
 * tables of a test source's code objects and, per instruction offset, the
 * line the interpreter itself gives (co_lines(), dis.findlinestarts()
 * before 3.10).  Our decoder must give the same line at every offset.  A
 * missing interpreter fails (it is part of what pytop supports).  Also: the
 * offsets table, pyoff_instr_offset(), and hand-made tables. */
#include "tap.h"
#include "pytop/python/pycode.h"
#include "pytop/python/pyoffsets.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SRCDIR
#define SRCDIR "."
#endif

static const char *const pythons[] = {
	"/root/.pyenv/versions/3.8.18/bin/python3",  "/root/.pyenv/versions/3.9.18/bin/python3",
	"/root/.pyenv/versions/3.10.13/bin/python3", "/root/.pyenv/versions/3.11.7/bin/python3",
	"/root/.pyenv/versions/3.12.1/bin/python3",  "/root/.pyenv/versions/3.13.0/bin/python3",
	"/usr/bin/python3.11",
};

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned b;
	if (!strcmp(s, "-"))
		return 0;
	while (n < max && sscanf(s + 2 * n, "%2x", &b) == 1)
		out[n++] = (uint8_t)b;
	return n;
}

static int decode(unsigned minor, const uint8_t *tab, size_t len, int first, int64_t off)
{
	if (minor <= 9)
		return pycode_lnotab_line(tab, len, first, off);
	if (minor == 10)
		return pycode_linetable310_line(tab, len, first, off);
	return pycode_locations_line(tab, len, first, off);
}

/* One interpreter: every code object's offsets must decode to its lines. */
static void check_python(const char *py, const char *script)
{
	char cmd[1024], line[70000], name[256] = "", first_bad[400] = "";
	static uint8_t tab[32768];
	size_t len = 0;
	unsigned major = 0, minor = 0;
	int first = 0, codes = 0, offsets = 0, bad = 0;
	FILE *p;
	/* first pass: the version (the decoder depends on it) */
	snprintf(cmd, sizeof(cmd), "'%s' -c 'import sys; print(*sys.version_info[:2])'", py);
	if (access(py, X_OK) || !(p = popen(cmd, "r")) || fscanf(p, "%u %u", &major, &minor) != 2) {
		CHECK(0, "%s: runs (install it: pyenv install, or apt-get install python3.11)", py);
		return;
	}
	pclose(p);
	snprintf(cmd, sizeof(cmd), "'%s' '%s'", py, script);
	if (!(p = popen(cmd, "r"))) {
		CHECK(0, "%s: runs pylines.py", py);
		return;
	}
	while (fgets(line, sizeof(line), p)) {
		char hex[65536];
		long off;
		int want;
		if (sscanf(line, "CODE %255s %d %65535s", name, &first, hex) == 3) {
			len = unhex(hex, tab, sizeof(tab));
			codes++;
		} else if (sscanf(line, "AT %ld %d", &off, &want) == 2) {
			int got = decode(minor, tab, len, first, off);
			offsets++;
			if (got != want && !bad++)
				snprintf(first_bad, sizeof(first_bad), "%s offset %ld: got %d, want %d",
					 name, off, got, want);
		}
	}
	CHECK(pclose(p) == 0 && codes >= 6 && offsets > 300 && !bad,
	      "%u.%u (%s): %d code objects, %d offsets decode to the interpreter's lines%s%s",
	      major, minor, py, codes, offsets, bad ? "; first wrong: " : "", first_bad);
	/* before the first instruction: the first line */
	CHECK(decode(minor, tab, len, first, -1) == first, "%u.%u: offset -1 is firstlineno", major,
	      minor);
}

static void check_table(void)
{
	static const unsigned v[] = { 8, 9, 10, 11, 12, 13 };
	const struct py_offsets *o;
	size_t i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		o = pyoff_for_version(3, v[i]);
		CHECK(o && o->version == (0x0300 | v[i]), "3.%u has offsets", v[i]);
	}
	CHECK(!pyoff_for_version(3, 7) && !pyoff_for_version(3, 14) && !pyoff_for_version(2, 7),
	      "3.7, 3.14 and 2.7 are refused, not guessed");
	o = pyoff_for_version(3, 9);
	CHECK(pyoff_instr_offset(o, 0x1000, 40) == 40 && pyoff_instr_offset(o, 0, 0xffffffff) == -1,
	      "3.9: f_lasti is a byte offset, -1 before the start");
	o = pyoff_for_version(3, 10);
	CHECK(pyoff_instr_offset(o, 0x1000, 20) == 40, "3.10: f_lasti counts code units");
	o = pyoff_for_version(3, 11);
	CHECK(pyoff_instr_offset(o, 0x1000, 0x1000 + 184 + 10) == 10 &&
	      pyoff_instr_offset(o, 0x1000, 0x1000 + 184 - 2) == -2,
	      "3.11: prev_instr minus the code's bytecode start");
	o = pyoff_for_version(3, 13);
	CHECK(pyoff_instr_offset(o, 0x1000, 0x1000 + 200 + 6) == 6, "3.13: instr_ptr likewise");
}

static void check_hand_made(void)
{
	/* lnotab: +6 bytes +1 line, +250 bytes -2 lines (signed) */
	static const uint8_t lnotab[] = { 6, 1, 250, 0xfe };
	/* 3.10: 4 bytes line+0, 2 bytes no line (-128), 4 bytes +3 */
	static const uint8_t lt310[] = { 4, 0, 2, 0x80, 4, 3 };
	/* 3.11: one-line form +1 (code 11, 2 units) with 2 column bytes;
	 * long form (code 14, 1 unit) line delta -1 = svarint 3 then three
	 * varints; no location (code 15, 1 unit); no columns (code 13)
	 * delta +70 = svarint 140 = varint 0x4c 0x02 (two chunks) */
	static const uint8_t loc[] = { 0x80 | 11 << 3 | 1, 1, 2,      0x80 | 14 << 3 | 0, 3, 0, 4, 5,
				       0x80 | 15 << 3 | 0, 0x80 | 13 << 3 | 0, 0x4c, 0x02 };
	CHECK(pycode_lnotab_line(lnotab, sizeof(lnotab), 10, 0) == 10 &&
	      pycode_lnotab_line(lnotab, sizeof(lnotab), 10, 6) == 11 &&
	      pycode_lnotab_line(lnotab, sizeof(lnotab), 10, 300) == 9,
	      "lnotab: increments, a negative line delta");
	CHECK(pycode_linetable310_line(lt310, sizeof(lt310), 5, 2) == 5 &&
	      pycode_linetable310_line(lt310, sizeof(lt310), 5, 4) == 0 &&
	      pycode_linetable310_line(lt310, sizeof(lt310), 5, 8) == 8 &&
	      pycode_linetable310_line(lt310, sizeof(lt310), 5, 10) == 0,
	      "3.10 linetable: no-line entries, past the end");
	CHECK(pycode_locations_line(loc, sizeof(loc), 20, 0) == 21 &&
	      pycode_locations_line(loc, sizeof(loc), 20, 2) == 21 &&
	      pycode_locations_line(loc, sizeof(loc), 20, 4) == 20 &&
	      pycode_locations_line(loc, sizeof(loc), 20, 6) == 0 &&
	      pycode_locations_line(loc, sizeof(loc), 20, 8) == 90 &&
	      pycode_locations_line(loc, sizeof(loc), 20, 10) == 0,
	      "3.11+ location table: one-line, long, none and two-chunk varint forms");
	CHECK(pycode_locations_line(loc + 1, sizeof(loc) - 1, 20, 0) == 0 &&
	      pycode_locations_line(loc, 9, 20, 8) == 0 && pycode_lnotab_line(NULL, 0, 3, 9) == 3,
	      "broken or truncated tables give no line, never read past the end");
}

int main(void)
{
	char script[4096];
	size_t i;
	snprintf(script, sizeof(script), "%s/tests/workloads/pylines.py",
		 getenv("ROOT") ? getenv("ROOT") : SRCDIR);
	check_table();
	check_hand_made();
	for (i = 0; i < sizeof(pythons) / sizeof(pythons[0]); i++)
		check_python(pythons[i], script);
	return tap_done();
}
