/* pingpong [ROUNDS] [SPIN_US]: two threads passing a byte back and forth
 * through two pipes, each spinning SPIN_US between passes, so each round
 * is two blocking reads (two context switches).  With the defaults (20000
 * rounds, 40 us) a round takes about 100 us: some 20,000 switches a second
 * (bench/offcpu.sh).  Prints the rounds and switches per second it ran. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int ab[2], ba[2];
static long rounds = 20000, spin_us = 40;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void spin(void)
{
	double end = now() + (double)spin_us / 1e6;
	while (now() < end)
		;
}

static void *pong(void *arg)
{
	char c;
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		if (read(ab[0], &c, 1) != 1)
			exit(1);
		spin();
		if (write(ba[1], &c, 1) != 1)
			exit(1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	char c = 'x';
	double t0;

	if (argc > 1)
		rounds = atol(argv[1]);
	if (argc > 2)
		spin_us = atol(argv[2]);
	if (pipe(ab) < 0 || pipe(ba) < 0)
		return 1;
	pthread_create(&t, NULL, pong, NULL);
	t0 = now();
	for (long i = 0; i < rounds; i++) {
		spin();
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	}
	pthread_join(t, NULL);
	t0 = now() - t0;
	fprintf(stderr, "pingpong: %ld rounds in %.3f s: %.0f switches/s\n", rounds, t0,
		2.0 * (double)rounds / t0);
	return 0;
}
