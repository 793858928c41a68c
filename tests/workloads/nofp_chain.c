/* nofp_chain [SECONDS]: a native CPU burner whose hot loop sits four calls
 * below main (main > outer_work > middle_work > inner_work > spin), for
 * unwinding tests of the -nofp build (-O2 -fomit-frame-pointer), where
 * frame-pointer callchains break and only DWARF unwinding reaches main.
 * Runs for SECONDS (default 1) of CPU time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t spin(uint64_t n)
{
	uint64_t x = n;
	for (uint64_t i = 0; i < 200000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL + (x >> 7);
	sink = x;
	return x;
}

/* Each level keeps a few values live across the call, so -O2 saves
 * callee-saved registers and moves RSP: a realistic frame, not a tail call. */
__attribute__((noinline)) static uint64_t inner_work(uint64_t n)
{
	uint64_t a = spin(n), b = spin(a ^ n);
	return a + b + n;
}

__attribute__((noinline)) static uint64_t middle_work(uint64_t n)
{
	uint64_t a = inner_work(n), b = inner_work(a + 1);
	return a ^ b ^ n;
}

__attribute__((noinline)) static uint64_t outer_work(uint64_t n)
{
	uint64_t a = middle_work(n), b = middle_work(a | 1);
	return a - b + n;
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	uint64_t acc = 0;
	while (cpu_seconds() < seconds)
		acc += outer_work(acc);
	printf("%llu\n", (unsigned long long)(acc & 0xff));
	return 0;
}
