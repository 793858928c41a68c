/* symbolize: addresses to names, once, when recording ends.
 *
 * ELF files are opened with libdw (one Dwfl per file, cached): symbol names
 * from the symbol tables, inline chains from DWARF where the file (or its
 * separate debug file) has it, and the build-id.  Kernel addresses resolve
 * through /proc/kallsyms when it shows real addresses. */
#ifndef PYTOP_SYMBOLIZE_H
#define PYTOP_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbolizer;

/* One resolved frame.  `name` stays valid until symbolizer_free(). */
struct sym_frame {
	const char *name;
	uint64_t addr;  /* start of the symbol (file-relative virtual address) */
	bool inlined;   /* an inlined call inside the frame before it */
};

struct symbolizer *symbolizer_new(void);
void symbolizer_free(struct symbolizer *s);

/* Resolves the byte at file offset `off` of ELF file `path` (`key` is a
 * caller's stable id for the path, e.g. a dso id).  Writes up to `max`
 * frames root-first: the containing function, then the functions inlined
 * into it down to the innermost.  Returns the count, 0 when unresolved.
 * *vaddr gets the file-relative virtual address (or `off` when the file
 * cannot be read), for "[dso+0xADDR]" names. */
size_t symbolizer_resolve(struct symbolizer *s, uint32_t key, const char *path, uint64_t off,
			  struct sym_frame *out, size_t max, uint64_t *vaddr);

/* Hex build-id of the file `key`/`path`, "" when unknown. */
const char *symbolizer_build_id(struct symbolizer *s, uint32_t key, const char *path);

/* Kernel symbol containing addr, or NULL (kallsyms unreadable or hidden).
 * *start gets the symbol address. */
const char *symbolizer_kernel(struct symbolizer *s, uint64_t addr, uint64_t *start);

/* The vDSO function containing offset `off` of the "[vdso]" mapping (the
 * kernel's image, read from the recorder's own), or NULL.  *start gets the
 * function's offset. */
const char *symbolizer_vdso(struct symbolizer *s, uint64_t off, uint64_t *start);

#endif
