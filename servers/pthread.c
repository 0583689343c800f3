// SPDX-License-Identifier: MIT
/*
 * server-pthread: a thread per connection, or a fixed pool of threads.
 *
 * The model. The main thread accepts a connection and starts a thread
 * (pthread_create) that serves it with blocking calls and ends with it.
 * With --pool N, N threads are started once instead; each accepts a
 * connection itself, serves it until it closes and accepts the next, so
 * connections wait in the kernel's accept queue for a free thread and at
 * most N are served at a time: a kept-alive client keeps its thread.
 *
 * Its costs. A thread is cheaper to start than a process (no page tables
 * to copy: the address space is shared), tens of microseconds to create
 * and join, plus its stack (256 KiB reserved here). Per request a recv and
 * a send, and a wake-up of the thread the request is for: with many
 * connections, many context switches and a busy run queue. Every thread
 * shares the process: one crash takes all connections with it.
 *
 * Stopping: SIGINT/SIGTERM shuts the listening socket down (serve.h), so
 * accept() returns; the main thread then shuts down every connection still
 * served, so that its thread's recv() returns, and joins every thread.
 */
#include "servers/common/listen.h"
#include "servers/common/options.h"
#include "servers/common/serve.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct server_model model = {
	.name = "server-pthread",
	.doc = "An HTTP/1.1 server with a thread per connection, or a fixed pool of threads.",
	.examples = "    server-pthread                    # a thread per connection\n"
		    "    server-pthread --pool 8           # 8 threads, 8 connections at a time\n",
	.options = OPT_POOL,
};

#define STACK_SIZE (256 << 10)

/* by descriptor: the thread that serves (or last served) it */
struct slot {
	pthread_t thread;
	bool started; /* a thread was started for it and is not joined yet */
	bool live;    /* it is being served: a stop must shut it down */
};
static struct slot *slots;
static int nslots;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int lfd;

static void set_live(int fd, bool live)
{
	pthread_mutex_lock(&lock);
	slots[fd].live = live;
	pthread_mutex_unlock(&lock);
}

/* Marked live before the check of the flag: a stop sees it, or it sees the stop. */
static void serve(int fd)
{
	set_live(fd, true);
	if (!stop_requested)
		serve_connection(fd);
	set_live(fd, false);
	close(fd);
}

static void *connection_thread(void *arg)
{
	serve((int)(intptr_t)arg);
	return NULL;
}

static void *pool_thread(void *arg)
{
	int fd;

	(void)arg;
	while ((fd = accept_connection(lfd, 0)) >= 0 || fd == -EAGAIN)
		if (fd >= 0)
			serve(fd);
	if (!stop_requested)
		report("failed to accept connection: %s", strerror(-fd));
	return NULL;
}

/* The main thread, without --pool: accept, start a thread, again. */
static int accept_loop(const pthread_attr_t *attr)
{
	int fd, err;

	for (;;) {
		fd = accept_connection(lfd, 0);
		if (fd == -EAGAIN)
			continue;
		if (fd < 0)
			return fd;
		/* the thread that served this descriptor before has closed it: it is ending */
		if (slots[fd].started)
			pthread_join(slots[fd].thread, NULL);
		err = pthread_create(&slots[fd].thread, attr, connection_thread,
				     (void *)(intptr_t)fd);
		slots[fd].started = !err;
		if (err) {
			report_ratelimited("failed to create thread: %s", strerror(err));
			close(fd);
			continue;
		}
		/*
		 * Step aside so that the new thread runs now: its request is
		 * usually there already, so it answers, and if its client
		 * closes, it ends, and its kernel stack goes back to the
		 * kernel's per-CPU cache (2 stacks) for the next start. Left
		 * to its time slice, this loop would go on accepting and start
		 * threads while those before had not yet ended; each start
		 * past the cache takes a fresh stack (vmalloc), and costs about
		 * twice as much (bench/servers: bursts).
		 */
		sched_yield();
	}
}

/*
 * With --pool: start the threads, with SIGINT and SIGTERM blocked, which
 * they inherit: the signal goes to the main thread's sigsuspend(), in
 * wait_for_stop(). Returns how many started.
 */
static int start_pool(int n, const pthread_attr_t *attr, pthread_t *pool, sigset_t *old)
{
	sigset_t stop;
	int err = 0, i;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, old);
	for (i = 0; i < n && !err; i++)
		err = pthread_create(&pool[i], attr, pool_thread, NULL);
	if (err) {
		report("failed to create thread: %s", strerror(err));
		raise(SIGTERM);
		i--;
	}
	return i;
}

static void wait_for_stop(const sigset_t *old)
{
	while (!stop_requested)
		sigsuspend(old);
}

int main(int argc, char **argv)
{
	struct server_opts o;
	pthread_attr_t attr;
	pthread_t *pool = NULL;
	struct rlimit rl;
	sigset_t mask;
	int err = 0, npool = 0;

	server_init(argc, argv, &model, &o);
	getrlimit(RLIMIT_NOFILE, &rl);
	nslots = rl.rlim_cur;
	slots = calloc(nslots, sizeof(*slots));
	pool = calloc(o.pool, sizeof(*pool));
	if (!slots || (o.pool && !pool)) {
		report("failed to allocate threads: %s", strerror(ENOMEM));
		return 1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	if (listen_sockets(&o, &lfd, 1, 0) || serve_timeouts(lfd, &o) || stop_on_signal(lfd))
		return 1;
	if (o.pool)
		npool = start_pool(o.pool, &attr, pool, &mask);
	listen_announce(&o, lfd, o.pool ? o.pool : 1);

	if (o.pool)
		wait_for_stop(&mask);
	else
		err = accept_loop(&attr);

	/* stop: end the connections still served, then wait for their threads */
	pthread_mutex_lock(&lock);
	for (int fd = 0; fd < nslots; fd++)
		if (slots[fd].live)
			shutdown(fd, SHUT_RDWR);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < npool; i++)
		pthread_join(pool[i], NULL);
	for (int fd = 0; fd < nslots; fd++)
		if (slots[fd].started)
			pthread_join(slots[fd].thread, NULL);
	close(lfd);
	return o.pool ? 0 : stop_exit_status(err);
}
