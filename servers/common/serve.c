// SPDX-License-Identifier: MIT
#include "servers/common/serve.h"
#include "common/clock.h"
#include "servers/common/conn.h"
#include "servers/common/options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_listen_fd = -1, stop_conn_fd = -1;

/*
 * A page to read into: the fork model's child touches no more fresh stack
 * than it must (each page it touches is a page fault); pipelined requests
 * beyond it are read by the next recv().
 */
#define RECV_SIZE 4096

static int set_timeout(int fd, int opt, int64_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	if (ms < 1)
		tv.tv_usec = 1000; /* 0 would mean never */
	return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

int serve_timeouts(int listen_fd, const struct server_opts *o)
{
	int64_t idle_ms = o->idle_timeout_s * 1e3;

	/* accepted sockets inherit them: no system call per connection */
	if (set_timeout(listen_fd, SO_RCVTIMEO, idle_ms) ||
	    set_timeout(listen_fd, SO_SNDTIMEO, idle_ms)) {
		int err = -errno;

		report("failed to set the idle timeout: %s", strerror(-err));
		return err;
	}
	return 0;
}

/*
 * After an error answer: no more to send, and what the client still sends
 * is read and dropped, for HTTP_LINGER_MS at most, so that closing does
 * not reset the connection before the client has read the answer.
 */
static void linger(int fd)
{
	int64_t end = mono_ms() + HTTP_LINGER_MS;
	size_t drained = 0;
	char buf[RECV_SIZE];
	ssize_t n;

	shutdown(fd, SHUT_WR);
	while (drained < HTTP_LINGER_MAX && mono_ms() < end &&
	       !set_timeout(fd, SO_RCVTIMEO, end - mono_ms()) &&
	       ((n = recv(fd, buf, sizeof(buf), 0)) > 0 || (n < 0 && errno == EINTR)))
		drained += n > 0 ? n : 0;
}

/*
 * recv with the connection's timeout: the socket's own (the idle timeout,
 * from the listening socket) while no request is begun; once a head is,
 * what is left of the header timeout, which a client sending a byte now
 * and then must not stretch.
 */
static ssize_t recv_in_time(int fd, struct http_conn *c, char *buf, size_t len, bool *shortened)
{
	if (http_conn_head_pending(c)) {
		*shortened = !set_timeout(fd, SO_RCVTIMEO, http_conn_deadline(c) - mono_ms());
	} else if (*shortened) {
		set_timeout(fd, SO_RCVTIMEO, http_conn_deadline(c) - c->active_ms);
		*shortened = false;
	}
	return recv(fd, buf, len, 0);
}

void serve_connection(int fd)
{
	struct http_conn c = { 0 };
	struct iovec iov[HTTP_IOV_MAX];
	char buf[RECV_SIZE];
	bool shortened = false;
	ssize_t n;
	int k;

	http_conn_start(&c);
	for (;;) {
		k = http_conn_output(&c, iov, HTTP_IOV_MAX);
		if (k) {
			/* a client that takes nothing for the idle timeout: EAGAIN */
			n = http_send(fd, iov, k);
			if (n < 0 && errno != EINTR)
				break;
			if (n > 0)
				http_conn_sent(&c, n);
			continue;
		}
		if (http_conn_finished(&c))
			break;
		/* a head trickled in a byte at a time is cut all the same */
		if (http_conn_head_pending(&c) && mono_ms() >= http_conn_deadline(&c)) {
			http_conn_expire(&c);
			continue;
		}
		n = recv_in_time(fd, &c, buf, sizeof(buf), &shortened);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			http_conn_expire(&c); /* a 408 to send, or nothing */
			continue;
		}
		if (n <= 0 || http_conn_input(&c, buf, n))
			break;
	}
	if (http_conn_finished(&c) && http_conn_linger(&c))
		linger(fd);
	http_conn_reset(&c);
}

static void on_stop_signal(int sig)
{
	int saved = errno;

	(void)sig;
	stop_requested = 1;
	/* shutdown() is async-signal-safe; it wakes whoever waits on the socket */
	if (stop_listen_fd >= 0)
		shutdown(stop_listen_fd, SHUT_RD);
	if (stop_conn_fd >= 0)
		shutdown(stop_conn_fd, SHUT_RDWR);
	errno = saved;
}

int stop_on_signal(int listen_fd)
{
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESTART };

	stop_listen_fd = listen_fd;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)) {
		int err = -errno;

		report("failed to set signal handler: %s", strerror(-err));
		return err;
	}
	return 0;
}

int stop_exit_status(int err)
{
	if (stop_requested)
		return 0;
	report("failed to accept connection: %s", strerror(-err));
	return 1;
}

void stop_watch(int fd)
{
	stop_conn_fd = fd;
}
