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
 *
 * servers_spawn N: the same with N children (threads) alive at every
 * start, as a server holding N kept-alive connections has: each new one
 * retires the oldest (a byte on a pipe it waits on; a semaphore for a
 * thread). On a VM, switching among many address spaces costs more than
 * between two.
 *
 * servers_spawn bursts: pthread create+join with threads started B at a
 * time, for B from 1 to 16, as a server that finds B connections in its
 * accept queue starts them. The kernel keeps 2 freed thread stacks per
 * CPU for reuse: a third start in a row allocates one (vmalloc), and its
 * exit frees one.
 */
#include "common/clock.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 7

static int fork_wait(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	return waitpid(pid, NULL, 0) == pid ? 0 : -errno;
}

/* threads as server-pthread makes them: 256 KiB stacks. The size matters
 * with many alive: glibc keeps freed stacks for reuse up to 40 MiB. */
static pthread_attr_t attr;

static void *thread_main(void *arg)
{
	return arg;
}

static int thread_join(void)
{
	pthread_t t;
	int err = pthread_create(&t, &attr, thread_main, NULL);

	if (err)
		return -err;
	return -pthread_join(t, NULL);
}

#define MAX_ALIVE 4096

static int alive_max = 1; /* children or threads alive at every start */

/* fork with alive_max children alive: each waits for a byte on one pipe */
static int pipefd[2] = { -1, -1 };

static int fork_alive(void)
{
	static int alive;
	pid_t pid;
	char c = 0;

	if (pipefd[0] < 0 && pipe(pipefd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(pipefd[1]); /* the parent's end alone: its exit is EOF */
		if (read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (++alive < alive_max)
		return 0;
	/* retire one: whichever child takes the byte */
	if (write(pipefd[1], &c, 1) != 1 || waitpid(-1, NULL, 0) < 0)
		return -errno;
	alive--;
	return 0;
}

static struct slot {
	pthread_t thread;
	sem_t go;
	int started;
} slots[MAX_ALIVE];

static void *thread_wait(void *arg)
{
	sem_wait(&((struct slot *)arg)->go);
	return NULL;
}

/* pthread_create with alive_max threads alive: the oldest is let go, joined */
static int thread_alive(void)
{
	static int next;
	struct slot *s = &slots[next++ % alive_max];
	int err;

	if (s->started) {
		sem_post(&s->go);
		err = pthread_join(s->thread, NULL);
		sem_destroy(&s->go);
		s->started = 0;
		if (err)
			return -err;
	}
	sem_init(&s->go, 0, 0);
	err = pthread_create(&s->thread, &attr, thread_wait, s);
	s->started = !err;
	return -err;
}

static sem_t burst_go;

static void *burst_wait(void *arg)
{
	sem_wait(&burst_go);
	return arg;
}

/* per thread, b (at most 16) threads started, then let go and joined */
static double burst_cost(int b, int n)
{
	pthread_t t[16];
	double t0 = (mono_ns() / 1e3);
	int err;

	for (int r = 0; r < n / b; r++) {
		for (int i = 0; i < b; i++)
			if ((err = pthread_create(&t[i], &attr, burst_wait, NULL))) {
				fprintf(stderr, "servers_spawn: failed to start: %s\n",
					strerror(err));
				exit(1);
			}
		for (int i = 0; i < b; i++)
			sem_post(&burst_go);
		for (int i = 0; i < b; i++)
			pthread_join(t[i], NULL);
	}
	return ((mono_ns() / 1e3) - t0) / (n / b * b);
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
		double t0 = (mono_ns() / 1e3);
		int err;

		for (int i = 0; i < n; i++) {
			err = fn();
			if (err) {
				fprintf(stderr, "servers_spawn: failed to start: %s\n",
					strerror(-err));
				exit(1);
			}
		}
		runs[r] = ((mono_ns() / 1e3) - t0) / n;
	}
	qsort(runs, RUNS, sizeof(runs[0]), cmp);
	return runs[RUNS / 2];
}

int main(int argc, char **argv)
{
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	if (argc > 1 && !strcmp(argv[1], "bursts")) {
		static const int bursts[] = { 1, 2, 3, 4, 8, 16 };

		sem_init(&burst_go, 0, 0);
		for (size_t i = 0; i < sizeof(bursts) / sizeof(bursts[0]); i++)
			printf("pthread create+join %8.1f us, %d at a time\n",
			       burst_cost(bursts[i], 20000), bursts[i]);
		return 0;
	}
	if (argc > 1)
		alive_max = atoi(argv[1]);
	if (alive_max < 1 || alive_max > MAX_ALIVE) {
		fprintf(stderr, "usage: servers_spawn [ALIVE (1 to %d) | bursts]\n", MAX_ALIVE);
		return 2;
	}
	if (alive_max == 1) {
		printf("fork+exit+wait      %8.1f us\n", cost(fork_wait, 500));
		printf("pthread create+join %8.1f us\n", cost(thread_join, 5000));
		return 0;
	}
	printf("fork+exit+wait      %8.1f us, %d alive\n", cost(fork_alive, 500), alive_max);
	close(pipefd[1]); /* EOF: the children still alive exit */
	while (wait(NULL) > 0)
		;
	/* the threads left die with the process */
	printf("pthread create+join %8.1f us, %d alive\n", cost(thread_alive, 5000), alive_max);
	return 0;
}
