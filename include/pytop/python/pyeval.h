/* pyeval: where a CPython binary runs Python frames.  The native stack has
 * one call of _PyEval_EvalFrameDefault (the eval loop) per C call of the
 * interpreter into Python code; the BPF frame reader's Python frames are
 * merged into the native stack at those frames. */
#ifndef PYTOP_PYEVAL_H
#define PYTOP_PYEVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PYEVAL_MAX_RANGES 4

/* File offsets [lo, hi) of the eval loop's code in one ELF file. */
struct pyeval_ranges {
	uint64_t lo[PYEVAL_MAX_RANGES], hi[PYEVAL_MAX_RANGES];
	size_t n;
};

/* Finds _PyEval_EvalFrameDefault (and a compiler-split part such as
 * _PyEval_EvalFrameDefault.cold) in the file's symbol tables (.symtab,
 * else .dynsym, where the stripped Debian interpreter keeps it).  Returns
 * false, out->n = 0, when the file cannot be read or has no such symbol. */
bool pyeval_find(const char *path, struct pyeval_ranges *out);

/* Whether file offset `off` lies in one of the ranges. */
bool pyeval_contains(const struct pyeval_ranges *r, uint64_t off);

#endif
