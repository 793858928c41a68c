/* wall_c [SECONDS]: three threads that each wait one known way, for the
 * wall-clock tests (tests/record/wall.t): "sleep" in nanosleep, "pipe"
 * blocked reading a pipe the main thread writes to after SECONDS, "mutex"
 * blocked on a pthread mutex the main thread holds for SECONDS.  Each
 * prints its truth at the end, one JSON line: {"name", "tid", "wall",
 * "cpu"} in seconds (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double secs = 1.0;
static int fds[2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

struct truth {
	const char *name;
	int tid;
	double wall, cpu;
};

static double now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void wait_sleep(void)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };
	nanosleep(&ts, NULL);
}

static void wait_pipe(void)
{
	char c;
	if (read(fds[0], &c, 1) != 1)
		exit(1);
}

static void wait_mutex(void)
{
	pthread_mutex_lock(&mu);
	pthread_mutex_unlock(&mu);
}

static void *run(void *arg)
{
	struct truth *t = arg;
	double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
	t->tid = gettid();
	if (t->name[0] == 's')
		wait_sleep();
	else if (t->name[0] == 'p')
		wait_pipe();
	else
		wait_mutex();
	t->wall = now(CLOCK_MONOTONIC) - w0;
	t->cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
	return NULL;
}

int main(int argc, char **argv)
{
	struct truth t[3] = { { "sleep" }, { "pipe" }, { "mutex" } };
	pthread_t th[3];

	if (argc > 1)
		secs = atof(argv[1]);
	if (pipe(fds) < 0)
		return 1;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, run, &t[i]);
	wait_sleep();
	if (write(fds[1], "x", 1) != 1)
		return 1;
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 3; i++)
		printf("{\"name\": \"%s\", \"tid\": %d, \"wall\": %.6f, \"cpu\": %.6f}\n", t[i].name,
		       t[i].tid, t[i].wall, t[i].cpu);
	return 0;
}
