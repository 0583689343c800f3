// SPDX-License-Identifier: MIT
#include "servers/common/serve.h"
#include "servers/common/conn.h"
#include "servers/common/options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_listen_fd = -1, stop_conn_fd = -1;

/*
 * A page to read into: the fork model's child touches no more fresh stack
 * than it must (each page it touches is a page fault); pipelined requests
 * beyond it are read by the next recv().
 */
#define RECV_SIZE 4096

void serve_connection(int fd)
{
	struct http_conn c = { 0 };
	struct iovec iov[HTTP_IOV_MAX];
	char buf[RECV_SIZE];
	ssize_t n;
	int k;

	for (;;) {
		k = http_conn_output(&c, iov, HTTP_IOV_MAX);
		if (k) {
			n = http_send(fd, iov, k);
			if (n < 0 && errno != EINTR)
				break;
			if (n > 0)
				http_conn_sent(&c, n);
			continue;
		}
		if (http_conn_finished(&c))
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || http_conn_input(&c, buf, n))
			break;
	}
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
