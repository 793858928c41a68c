/* pycode: code objects of a target resolved once (qualname, file, first
 * line, line table), cached by address, and their line tables decoded.
 *
 * A code object is read from the target only the first time its address is
 * asked for; it is validated (its type is the target's PyCode_Type, its
 * strings are str objects and its table a bytes object of sane lengths, its
 * fixed fields unchanged when read again after its parts): a code object
 * freed or reused while it was read does not validate and is flagged
 * PYCODE_STALE, never given a wrong name.  The decoded results need no
 * target: the line table is kept, so lines of a cached code object decode
 * after the target exited. */
#ifndef PYTOP_PYCODE_H
#define PYTOP_PYCODE_H

#include "pytop/python/pyoffsets.h"
#include "pytop/python/pytarget.h"

#include <stddef.h>
#include <stdint.h>

enum pycode_status {
	PYCODE_OK = 0,
	PYCODE_STALE,      /* not a valid code object (freed, reused, raced) */
	PYCODE_UNREADABLE, /* the target's memory could not be read (exited) */
};

struct pycode_info {
	const char *qualname; /* UTF-8; co_qualname (3.11+), co_name before */
	const char *file;     /* co_filename; a relative one (3.8 keeps the script
			       * as given) made absolute against the target's
			       * working directory when the file is there */
	int firstlineno;
	const uint8_t *linetable; /* co_lnotab (3.8, 3.9) / co_linetable */
	size_t linetable_len;
	uint16_t version;     /* 0x0308 ..: which decoder applies */
	uint64_t ident;       /* pyoff_code_ident() of the object that was read */
};

struct pycode_cache;

/* An empty cache for target `t` (not owned; it must stay open while
 * resolving).  Free with pycode_cache_free(), which frees every info. */
struct pycode_cache *pycode_cache_new(struct py_target *t);
void pycode_cache_free(struct pycode_cache *c);

/* The code object at `code`, read once and cached (a failure is cached as
 * well, so an address is read at most once).  Returns its info, or NULL
 * with *status set to why.  The info lives as long as the cache. */
const struct pycode_info *pycode_resolve(struct pycode_cache *c, uint64_t code,
					 enum pycode_status *status);

/* The line of instruction byte offset `off` (see pyoff_instr_offset()) in
 * a resolved code object: a positive line, or 0 when the table gives none
 * (an artificial instruction, a truncated table).  off < 0: firstlineno. */
int pycode_line(const struct pycode_info *ci, int64_t off);

/* The decoders, on raw tables (exposed for the tests).  Each returns the
 * line of byte offset `off`, 0 when there is none. */
int pycode_lnotab_line(const uint8_t *tab, size_t len, int firstlineno, int64_t off);  /* 3.8-3.9 */
int pycode_linetable310_line(const uint8_t *tab, size_t len, int firstlineno, int64_t off);
int pycode_locations_line(const uint8_t *tab, size_t len, int firstlineno, int64_t off); /* 3.11+ */

/* For BPF's (code address, raw instruction value) pairs, once per unique
 * pair: qualname, file and line.  Returns 0 and fills the three, or the
 * status of pycode_resolve() (strings owned by the cache). */
enum pycode_status pycode_symbolize(struct pycode_cache *c, uint64_t code, uint64_t instr,
				    const char **qualname, const char **file, int *line);

/* pycode_symbolize() for a frame whose code identity at the sample was
 * `ident` (pyoff_code_ident()): PYCODE_STALE when the object read at that
 * address is another one (the sampled one was freed and its address reused
 * before it was resolved), never the other's name. */
enum pycode_status pycode_symbolize_ident(struct pycode_cache *c, uint64_t code, uint64_t instr,
					  uint64_t ident, const char **qualname,
					  const char **file, int *line);

#endif
