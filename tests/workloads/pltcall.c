/* pltcall: a C profiling target whose hot loop goes through PLT stubs:
 * its own call of snprintf (the executable's .plt) and the calls libc makes
 * through its own .plt to the IFUNCs it picked at start-up (memcpy,
 * strchrnul, strlen: IRELATIVE slots).  The stubs are one indirect jmp
 * each, yet they hold about 1% of the samples, which perf names
 * "memcpy@plt" and so on.
 *
 *   pltcall [ITERATIONS]   (default 6000000, about 1.5 s) */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned long sink;

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 6000000UL, acc = 0;
	char buf[64];
	for (unsigned long i = 0; i < n; i++)
		acc += (unsigned long)snprintf(buf, sizeof(buf), "%s-%lu", "ab", i);
	sink = acc;
	return 0;
}
