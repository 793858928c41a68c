/* xalloc: checked allocation helpers and a bump arena. */
#include "pytop/base/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(size_t nmemb, size_t size)
{
	fprintf(stderr, "pytop: out of memory (%zu x %zu bytes)\n", nmemb, size);
	abort();
}

static size_t checked_mul(size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		die_oom(nmemb, size);
	return nmemb * size;
}

void *xmalloc(size_t nmemb, size_t size)
{
	size_t n = checked_mul(nmemb, size);
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(nmemb, size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p;
	checked_mul(nmemb, size);
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t nmemb, size_t size)
{
	size_t n = checked_mul(nmemb, size);
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(nmemb, size);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n, 1);
	memcpy(p, s, n);
	return p;
}

void xgrow(void *items, size_t *cap, size_t need, size_t size)
{
	void **pp = items;
	size_t ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			die_oom(need, size);
		ncap *= 2;
	}
	*pp = xrealloc(*pp, ncap, size);
	*cap = ncap;
}

/* ---- arena ---- */

enum { ARENA_BLOCK = 64 * 1024, ARENA_ALIGN = 16 };

struct arena_block {
	struct arena_block *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (need < size)
		die_oom(1, size);
	if (!a->head || a->used + need > a->head->size) {
		size_t bsize = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		struct arena_block *b = xmalloc(1, sizeof(*b) + bsize);
		b->next = a->head;
		b->size = bsize;
		a->head = b;
		a->used = 0;
	}
	p = a->head->data + a->used;
	a->used += need;
	a->total += need;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}
