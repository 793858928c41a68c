/* heavy: a C profiling target with a known shape.
 *
 *   heavy [ROUNDS]        ROUNDS rounds (default 40) in each of two threads
 *                         and one forked child ("heavy-child")
 *   heavy -t SECONDS      keep going for about SECONDS (attach tests)
 *
 * Every round calls heavy_a() for 2 units of work and heavy_b() for 1, so
 * heavy_a has about 2/3 of the CPU and heavy_b 1/3 of the user-space time
 * in every thread; in_kernel() then spends a little time in the kernel
 * (reads from /dev/zero), so recordings always have kernel frames. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define UNIT 2000000UL

static volatile unsigned long sink;
static long rounds = 40;
static double seconds;

/* heavy_a and heavy_b call store() so that they are not leaf functions:
 * gcc omits the frame pointer of leaves, which hides their caller. */
__attribute__((noinline)) static void store(unsigned long x)
{
	sink = x;
}

__attribute__((noinline)) void heavy_a(void);
__attribute__((noinline)) void heavy_b(void);

__attribute__((noinline)) void heavy_a(void)
{
	unsigned long x = sink;
	for (unsigned long i = 0; i < 2 * UNIT; i++)
		x = x * 6364136223846793005UL + i;
	store(x);
	__asm__ volatile(""); /* no tail call: keep the frame */
}

__attribute__((noinline)) void heavy_b(void)
{
	unsigned long x = sink;
	for (unsigned long i = 0; i < UNIT; i++)
		x = x * 6364136223846793005UL + i;
	store(x);
	__asm__ volatile(""); /* no tail call: keep the frame */
}

/* About 6 MB copied by the kernel per round: a few percent of the time. */
__attribute__((noinline)) static void in_kernel(void)
{
	static char buf[256 * 1024];
	int fd = open("/dev/zero", O_RDONLY);
	if (fd < 0)
		return;
	for (int i = 0; i < 24; i++)
		if (read(fd, buf, sizeof(buf)) < 0)
			break;
	close(fd);
	store((unsigned long)buf[0]);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void work(void)
{
	double end = now() + seconds;
	for (long r = 0; seconds > 0 ? now() < end : r < rounds; r++) {
		heavy_a();
		heavy_b();
		in_kernel();
	}
}

static void *worker(void *arg)
{
	(void)arg;
	work();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	pid_t child;

	if (argc > 2 && !strcmp(argv[1], "-t"))
		seconds = atof(argv[2]);
	else if (argc > 1)
		rounds = atol(argv[1]);
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, "heavy-child");
		work();
		_exit(0);
	}
	pthread_create(&t, NULL, worker, NULL);
	work();
	pthread_join(t, NULL);
	if (child > 0)
		waitpid(child, NULL, 0);
	return 0;
}
