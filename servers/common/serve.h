/* SPDX-License-Identifier: MIT */
/*
 * What the blocking models (blocking, fork, pthread) share: the loop that
 * serves one connection with blocking calls, and a race-free stop.
 */
#ifndef WHYSERVE_SERVE_H
#define WHYSERVE_SERVE_H

#include <signal.h>

struct server_opts;

/*
 * Serves one connection until the peer closes it, an answer closes it, a
 * timeout, or an error: recv, answer every complete request, send the
 * answers, again. After an error answer, lingers (conn.h). The caller
 * closes fd.
 */
void serve_connection(int fd);
/*
 * The idle timeout on the listening socket, as recv and send timeouts
 * that every socket accepted from it inherits (accept itself then wakes
 * up that often too, with EAGAIN). 0 or -errno (reported).
 */
int serve_timeouts(int listen_fd, const struct server_opts *o);

/*
 * Stop on SIGINT/SIGTERM: the handler sets stop_requested and shuts the
 * listening socket down. An accept() blocked on it returns (EINVAL) and so
 * does every later one, so a signal cannot slip in between a check of the
 * flag and the call. The handler restarts interrupted calls (SA_RESTART),
 * so no other thread sees EINTR. 0 or -errno (reported).
 */
extern volatile sig_atomic_t stop_requested;
int stop_on_signal(int listen_fd);
/* The exit status once accepting failed with err: 0 after a stop, else 1. */
int stop_exit_status(int err);
/*
 * The connection the stop must also shut down (-1: none): the blocking
 * server's only one, so that a client idling in keep-alive cannot hold the
 * stop. Set it, then check stop_requested, then serve.
 */
void stop_watch(int fd);

#endif
