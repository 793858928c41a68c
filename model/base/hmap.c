/* hmap: open addressing with linear probing, resized at 50% load.  Used by
 * the recorder and the model; lives in model/base/ as it needs only libc. */
#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"

#include <stdlib.h>

static uint64_t hash2(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) * 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

uint64_t hmap_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

uint64_t hmap_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;
	while (n--)
		h = (h ^ *s++) * 1099511628211ULL;
	return hmap_mix64(h);
}

void hmap_init(struct hmap *m)
{
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

void hmap_free(struct hmap *m)
{
	free(m->slots);
	hmap_init(m);
}

bool hmap_get(const struct hmap *m, uint64_t a, uint64_t b, uint32_t *value)
{
	if (!m->slots)
		return false;
	for (size_t i = hash2(a, b) & m->mask;; i = (i + 1) & m->mask) {
		const struct hmap_slot *s = &m->slots[i];
		if (!s->used)
			return false;
		if (s->a == a && s->b == b) {
			*value = s->value;
			return true;
		}
	}
}

static void insert(struct hmap_slot *slots, size_t mask, uint64_t a, uint64_t b, uint32_t value,
		   size_t *count)
{
	for (size_t i = hash2(a, b) & mask;; i = (i + 1) & mask) {
		struct hmap_slot *s = &slots[i];
		if (!s->used) {
			*s = (struct hmap_slot){ .a = a, .b = b, .value = value, .used = 1 };
			++*count;
			return;
		}
		if (s->a == a && s->b == b) {
			s->value = value;
			return;
		}
	}
}

void hmap_put(struct hmap *m, uint64_t a, uint64_t b, uint32_t value)
{
	if (!m->slots || (m->count + 1) * 2 > m->mask + 1) {
		size_t n = m->slots ? (m->mask + 1) * 2 : 64;
		struct hmap_slot *slots = xcalloc(n, sizeof(*slots));
		size_t count = 0;
		for (size_t i = 0; m->slots && i <= m->mask; i++)
			if (m->slots[i].used)
				insert(slots, n - 1, m->slots[i].a, m->slots[i].b, m->slots[i].value,
				       &count);
		free(m->slots);
		m->slots = slots;
		m->mask = n - 1;
		m->count = count;
	}
	insert(m->slots, m->mask, a, b, value, &m->count);
}
