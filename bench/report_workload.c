/* report_workload: a CPU-bound program with many distinct call stacks, for
 * bench/report.sh.  Two threads walk a pseudo-random call tree of 16
 * functions, up to 10 deep, for the given number of seconds.
 *   report_workload SECONDS */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile double sink;
static double deadline;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef void (*fn)(uint64_t, int);
static fn table[16];

static void step(uint64_t x, int depth)
{
	double s = 0;
	for (int i = 0; i < 2000; i++)
		s += (double)((x + (uint64_t)i) % 7) * 0.5;
	sink += s;
	if (depth < 10 && (x >> 7) % 5)
		table[(x >> 11) % 16](x * 6364136223846793005ULL + 1442695040888963407ULL, depth + 1);
}

#define F(n) \
	__attribute__((noinline)) static void f##n(uint64_t x, int d) { step(x + n, d); }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15)

static void *run(void *arg)
{
	uint64_t x = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	while (now() < deadline) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		table[(x >> 33) % 16](x, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	fn all[16] = { f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15 };
	for (int i = 0; i < 16; i++)
		table[i] = all[i];
	deadline = now() + (argc > 1 ? atof(argv[1]) : 5.0);
	pthread_create(&t, NULL, run, (void *)1);
	run((void *)2);
	pthread_join(t, NULL);
	printf("%f\n", sink);
	return 0;
}
