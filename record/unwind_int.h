/* unwind_int.h: internals shared by record/unwind*.c and the unit tests.
 * Not part of any module contract: the recorder uses include/pytop/record/unwind.h. */
#ifndef PYTOP_UNWIND_INT_H
#define PYTOP_UNWIND_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pytop/python/tramp.h"
#include "pytop/record/unwind.h"

/* ---- per-file unwind info (unwind_dso.c) ---- */

struct dso_load {
	uint64_t vaddr, memsz, offset, filesz;
	bool exec;
};

struct dso {
	char *path;
	dev_t dev;
	ino_t ino;
	int64_t mtime_ns;
	bool ok;                    /* readable ELF for x86-64 */
	bool borrowed;              /* image is our own vDSO: never unmapped */
	uint64_t entry;             /* e_entry: the outermost frame of a program */
	const unsigned char *image; /* the whole file, mapped read-only */
	size_t size;
	struct dso_load *loads;
	size_t nloads;
	uint64_t min_vaddr, max_vaddr;
	bool has_hdr;               /* usable .eh_frame_hdr */
	uint64_t hdr_vaddr;         /* .eh_frame_hdr */
	uint64_t table_off;         /* binary search table, bytes from hdr */
	uint64_t fde_count;
	int tramp_state;            /* 0 not looked up, 1 known shape, -1 none/unknown */
	struct tramp_shape tramp;
	struct dso *next;
};

struct dso_cache;

struct dso_cache *dso_cache_new(void);
void dso_cache_free(struct dso_cache *c);
/* The cached file at `path` (opened on first use; a changed file is
 * reopened).  Never NULL: an unreadable file gives a dso with ok = false. */
struct dso *dso_get(struct dso_cache *c, const char *path);
/* Bias (process address - ELF vaddr) of a mapping of `d` at `start` for
 * file offset `pgoff`.  False when no PT_LOAD covers pgoff. */
bool dso_bias(const struct dso *d, uint64_t start, uint64_t pgoff, uint64_t *bias);
/* True when ELF vaddr `vaddr` is a program's entry point (_start), where a
 * walk ends even though the code has no unwind info. */
bool dso_is_entry(const struct dso *d, uint64_t vaddr);
/* Copy up to `len` bytes at ELF vaddr `vaddr` from the file.  Returns the
 * number copied (0 when the address is not file-backed). */
size_t dso_read(const struct dso *d, uint64_t vaddr, void *buf, size_t len);
/* The trampoline shape whose code `_Py_trampoline_func_start` holds in `d`
 * (cached), or NULL when the file has no such symbol or an unknown shape. */
const struct tramp_shape *dso_trampoline(struct dso *d);

/* ---- test hooks (unwind.c) ---- */

/* Use `code` as the trampoline of `pid` instead of looking up the symbol.
 * Returns false when the code has an unknown shape (the pid then stops at
 * JIT frames with UNWIND_UNKNOWN_JIT). */
bool unwinder_set_trampoline(struct unwinder *u, uint32_t pid, const unsigned char *code, size_t len);

#endif
