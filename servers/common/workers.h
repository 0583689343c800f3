/* SPDX-License-Identifier: MIT */
/*
 * What the event-loop models (epoll, io_uring) share: their main thread.
 * It starts one thread per worker, each running the model's loop on its
 * own listening socket, prints the start-up line once every loop is set
 * up, waits for SIGINT or SIGTERM, tells the loops to stop, and joins them.
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

/* Runs n loops, one on each of listen_fds, until a stop. 0 or -errno. */
int workers_run(const struct server_opts *o, const int *listen_fds, int n, worker_loop loop);

#endif
