/* xalloc: checked allocation helpers and a bump arena.
 *
 * Every helper checks its size arithmetic for overflow.  On overflow or when
 * the system is out of memory they print one line and abort(): pytop cannot
 * do anything useful without memory, and callers stay free of NULL checks. */
#ifndef PYTOP_XALLOC_H
#define PYTOP_XALLOC_H

#include <stddef.h>

/* Allocate nmemb * size bytes.  Never returns NULL (aborts instead). */
void *xmalloc(size_t nmemb, size_t size);
/* Zeroed allocation of nmemb * size bytes.  Never returns NULL. */
void *xcalloc(size_t nmemb, size_t size);
/* Resize p to nmemb * size bytes.  Never returns NULL. */
void *xrealloc(void *p, size_t nmemb, size_t size);
/* Copy a NUL-terminated string.  Never returns NULL. */
char *xstrdup(const char *s);

/* Grow *items (each of size `size`) so that it holds at least `need` items;
 * *cap is updated.  Capacity doubles, so appends are amortised O(1). */
void xgrow(void *items, size_t *cap, size_t need, size_t size);

/* An arena hands out small objects from large blocks and frees them all at
 * once.  Objects are aligned to 16 bytes.  The arena owns everything it
 * returns. */
struct arena {
	struct arena_block *head;
	size_t used;  /* bytes used in head */
	size_t total; /* bytes handed out, for statistics */
};

void arena_init(struct arena *a);
/* Zeroed memory of `size` bytes, valid until arena_free().  Never NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Copy `len` bytes of `s` and add a NUL.  Never returns NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
/* Free every object the arena handed out. */
void arena_free(struct arena *a);

#endif
