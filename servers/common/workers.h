/* SPDX-License-Identifier: MIT */
/*
 * What the event-loop models (epoll, io_uring) share: their main thread.
 * It opens a listening socket per worker (--workers, SO_REUSEPORT) and
 * starts a thread per worker running the model's loop on it, prints the
 * start-up line once every loop is set up, waits for SIGINT or SIGTERM,
 * tells the loops to stop, and joins them.
 */
#ifndef WHYSERVE_WORKERS_H
#define WHYSERVE_WORKERS_H

#include "servers/common/options.h"

/*
 * A loop sets itself up, calls workers_ready(), then serves listen_fd
 * until stop_fd (an eventfd, shared by all loops) turns readable. It
 * returns 0 or -errno (after reporting it); a loop that fails stops the
 * whole server.
 */
typedef int (*worker_loop)(int listen_fd, int stop_fd);
void workers_ready(void);

/*
 * Runs o->workers loops until a stop; listen_flags: 0 or SOCK_NONBLOCK, for
 * listen_sockets(). 0 or -errno (reported).
 */
int workers_run(const struct server_opts *o, int listen_flags, worker_loop loop);

#endif
