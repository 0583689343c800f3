// SPDX-License-Identifier: MIT
/*
 * What starting a process or a thread costs on this machine: the floor
 * under server-fork's and server-pthread's cost per connection.
 *
 *   fork+exit+wait      fork(), the child _exit()s, the parent waitpid()s
 *   pthread create+join pthread_create() of a thread that returns, join
 *
 * Prints one line each: the median of several runs, in microseconds.
 * Run it pinned to one CPU (bench/servers does) to compare with a server.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 7

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int fork_wait(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	return waitpid(pid, NULL, 0) == pid ? 0 : -errno;
}

static void *thread_main(void *arg)
{
	return arg;
}

static int thread_join(void)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, thread_main, NULL);

	if (err)
		return -err;
	return -pthread_join(t, NULL);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* the median over RUNS runs of the mean over n calls, in microseconds */
static double cost(int (*fn)(void), int n)
{
	double runs[RUNS];

	for (int r = 0; r < RUNS; r++) {
		double t0 = now_us();
		int err;

		for (int i = 0; i < n; i++) {
			err = fn();
			if (err) {
				fprintf(stderr, "servers_spawn: failed to start: %s\n",
					strerror(-err));
				exit(1);
			}
		}
		runs[r] = (now_us() - t0) / n;
	}
	qsort(runs, RUNS, sizeof(runs[0]), cmp);
	return runs[RUNS / 2];
}

int main(void)
{
	printf("fork+exit+wait      %8.1f us\n", cost(fork_wait, 500));
	printf("pthread create+join %8.1f us\n", cost(thread_join, 5000));
	return 0;
}
