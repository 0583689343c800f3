/* SPDX-License-Identifier: MIT */
/* Listening sockets, the start-up line, and accept(2) with its errors sorted. */
#ifndef WHYSERVE_LISTEN_H
#define WHYSERVE_LISTEN_H

#include "servers/common/options.h"

/*
 * Opens n listening sockets on --host and --port with --backlog; with
 * n > 1 they share the port (SO_REUSEPORT): each is an accept queue of its
 * own and the kernel spreads connections over them by hash. With --port 0
 * all bind the port the first one got. flags: 0 or SOCK_NONBLOCK.
 * Accepted sockets inherit TCP_NODELAY. 0 or -errno (reported on stderr).
 */
int listen_sockets(const struct server_opts *o, int *fds, int n, int flags);
/*
 * Prints, once, the start-up line others parse:
 *   server-epoll: listening on 127.0.0.1:8080 (backlog 128, workers 2)
 */
void listen_announce(const struct server_opts *o, int fd, int workers);
/*
 * accept4(fd, flags | SOCK_CLOEXEC), retrying what the next call may not
 * meet again (EINTR, a connection reset in the queue). -EAGAIN: nothing
 * to accept now; try again later (a non-blocking socket with an empty
 * queue, or out of descriptors or memory: reported once a second, after a
 * 10 ms pause). Any other -errno: the socket is done for (-EINVAL: it was
 * shut down, which is how a stop ends the blocking servers' accept()).
 */
int accept_connection(int fd, int flags);
/* Out of descriptors or memory (err): report it, once a second, and pause 10 ms. */
void accept_backoff(int err);

#endif
