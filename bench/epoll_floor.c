// SPDX-License-Identifier: MIT
/*
 * epoll_floor: the least an epoll server can spend per request on this
 * machine, for bench/servers to measure beside server-epoll and nginx.
 *
 * Not a server to use: it answers every read with the same 200 response,
 * whatever the read held (no parsing, no pipelining, no errors, no
 * Connection: close), so that all it costs is the kernel's part: per
 * request one recv and one send, and a share of an epoll_wait. Any epoll
 * server that speaks HTTP pays that and more; kept alive under wrk, one
 * request per read, the answers are the same bytes server-epoll sends.
 *
 * It takes the servers' options (--port 0 picks a free port) and prints
 * their start-up line; SIGTERM ends it.
 */
#include "servers/common/listen.h"
#include "servers/common/options.h"
#include "servers/common/reply.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct server_model model = {
	.name = "epoll_floor",
	.doc = "The kernel's part of an epoll server's cost: a recv and a send per request, nothing else.",
	.examples = "    epoll_floor --port 0\n",
};

#define MAX_EVENTS 256

static void accept_all(int epfd, int lfd)
{
	int fd;

	while ((fd = accept_connection(lfd, SOCK_NONBLOCK)) >= 0) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = fd };

		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
			close(fd);
	}
}

int main(int argc, char **argv)
{
	const struct iovec *ok =
		reply_for(&(struct http_request){ .status = 200, .keep_alive = true });
	struct epoll_event ev[MAX_EVENTS];
	static char buf[16 << 10];
	struct server_opts o;
	int lfd, epfd, n;

	server_init(argc, argv, &model, &o);
	if (listen_sockets(&o, &lfd, 1, SOCK_NONBLOCK))
		return 1;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &(struct epoll_event){ EPOLLIN, { .fd = lfd } })) {
		perror("epoll_floor: epoll");
		return 1;
	}
	listen_announce(&o, lfd, 1);

	for (;;) {
		n = epoll_wait(epfd, ev, MAX_EVENTS, -1);
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;

			if (fd == lfd) {
				accept_all(epfd, lfd);
				continue;
			}
			/* one read per readiness edge: wrk sends one request and waits */
			ssize_t got = recv(fd, buf, sizeof(buf), 0);

			if (got < 0 && errno == EAGAIN)
				continue;
			if (got <= 0 || send(fd, ok->iov_base, ok->iov_len, MSG_NOSIGNAL) < 0)
				close(fd);
		}
	}
}
