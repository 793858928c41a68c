/* hmap: an open-addressing hash map from a two-word key to a 32-bit value.
 *
 * The recorder's hot paths (sample -> frame, stack node, thread) look up
 * small fixed-size keys; this map does that without any per-entry
 * allocation.  It owns its slot array only. */
#ifndef PYTOP_HMAP_H
#define PYTOP_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_slot {
	uint64_t a, b;
	uint32_t value;
	uint32_t used;
};

struct hmap {
	struct hmap_slot *slots;
	size_t mask; /* slot count - 1 (0 before the first insert) */
	size_t count;
};

/* An empty map (no allocation until the first insert). */
void hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);

/* Looks up (a, b).  Returns true and sets *value when present. */
bool hmap_get(const struct hmap *m, uint64_t a, uint64_t b, uint32_t *value);

/* Inserts (a, b) -> value, replacing an existing value. */
void hmap_put(struct hmap *m, uint64_t a, uint64_t b, uint32_t value);

/* A 64-bit hash of a NUL-terminated string (FNV-1a), e.g. for keying a map
 * or a bucket table by path. */
uint64_t hmap_hash_str(const char *s);

/* FNV-1a of n bytes, finished with hmap_mix64(): for open-addressing tables
 * that index by the low bits. */
uint64_t hmap_hash_bytes(const void *p, size_t n);

/* MurmurHash3's 64-bit finaliser: spreads every input bit over the word, so
 * packed integer keys ((a << 32) | b) can index a table by their low bits. */
static inline uint64_t hmap_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#endif
