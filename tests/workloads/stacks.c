/* stacks: a CPU-bound workload with a few thousand distinct call stacks.
 * Eight functions call each other by the bits of a counter, up to four
 * levels deep: 8 + 64 + 512 + 4096 stacks.  Usage: stacks [SECONDS] */
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;

#define DECL(n) static __attribute__((noinline)) void f##n(unsigned path, int depth);
DECL(0) DECL(1) DECL(2) DECL(3) DECL(4) DECL(5) DECL(6) DECL(7)

typedef void (*fn)(unsigned, int);
static const fn table[8] = { f0, f1, f2, f3, f4, f5, f6, f7 };

#define DEF(n) \
	static __attribute__((noinline)) void f##n(unsigned path, int depth) \
	{ \
		for (unsigned i = 0; i < 200 + 50 * n; i++) \
			sink += i * 2654435761u; \
		if (depth > 0) \
			table[path & 7](path >> 3, depth - 1); \
		__asm__ volatile("" ::: "memory"); \
	}
DEF(0) DEF(1) DEF(2) DEF(3) DEF(4) DEF(5) DEF(6) DEF(7)

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5.0;
	struct timespec t0, t;
	unsigned long n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 4096; i++, n++)
			table[n & 7]((unsigned)(n * 2654435761u) >> 3, (int)(n % 4));
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	return 0;
}
