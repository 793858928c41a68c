/* bisect: the binary search over sorted tables that the recorder's address
 * lookups share (perf maps, symbols, kallsyms, process mappings).  Private
 * to record/. */
#ifndef PYTOP_RECORD_BISECT_H
#define PYTOP_RECORD_BISECT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* `base` holds n elements of `size` bytes sorted by the uint64_t at byte
 * offset `key` of each.  Returns how many elements have a key <= x, which
 * is also the index of the first element whose key is above x. */
static inline size_t bisect_upper(const void *base, size_t n, size_t size, size_t key, uint64_t x)
{
	const unsigned char *p = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t k;
		memcpy(&k, p + mid * size + key, sizeof(k));
		if (k <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif
