// SPDX-License-Identifier: MIT
#include "servers/common/workers.h"
#include "servers/common/listen.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct worker {
	worker_loop loop;
	int listen_fd, stop_fd;
	int err;
	pthread_t thread;
};

/* loops set up or ended, of those started: the start-up line waits for all */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int nready;

void workers_ready(void)
{
	pthread_mutex_lock(&lock);
	nready++;
	pthread_cond_signal(&changed);
	pthread_mutex_unlock(&lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->err = w->loop(w->listen_fd, w->stop_fd);
	if (w->err) {
		workers_ready();	 /* if it failed setting up */
		kill(getpid(), SIGTERM); /* the main thread takes it as a stop */
	}
	return NULL;
}

int workers_run(const struct server_opts *o, int listen_flags, worker_loop loop)
{
	int n = o->workers, started = 0, err = 0, sig, stop_fd;
	struct worker *w = calloc(n, sizeof(*w));
	int *listen_fds = calloc(n, sizeof(*listen_fds));
	sigset_t stop;

	if (!w || !listen_fds) {
		free(w);
		free(listen_fds);
		return -ENOMEM;
	}
	err = listen_sockets(o, listen_fds, n, listen_flags);
	if (err) {
		free(w);
		free(listen_fds);
		return err;
	}
	/* blocked here and so in every loop: only sigwait() below takes them */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	stop_fd = eventfd(0, EFD_CLOEXEC);
	if (stop_fd < 0) {
		err = -errno;
		report("failed to create eventfd: %s", strerror(-err));
		free(w);
		return err;
	}
	for (; started < n; started++) {
		w[started] = (struct worker){ loop, listen_fds[started], stop_fd, 0, 0 };
		err = -pthread_create(&w[started].thread, NULL, worker_main, &w[started]);
		if (err) {
			report("failed to create worker thread: %s", strerror(-err));
			break;
		}
	}
	pthread_mutex_lock(&lock);
	while (nready < started)
		pthread_cond_wait(&changed, &lock);
	for (int i = 0; i < started && !err; i++)
		err = w[i].err; /* a loop that could not set itself up */
	pthread_mutex_unlock(&lock);
	if (!err) {
		listen_announce(o, listen_fds[0], n);
		sigwait(&stop, &sig);
	}
	eventfd_write(stop_fd, 1);
	for (int i = 0; i < started; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].err && !err)
			err = w[i].err;
	}
	for (int i = 0; i < n; i++)
		close(listen_fds[i]);
	close(stop_fd);
	free(listen_fds);
	free(w);
	return err;
}
