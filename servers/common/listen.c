// SPDX-License-Identifier: MIT
#include "servers/common/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int open_one(const struct addrinfo *ai, const struct server_opts *o, bool reuseport,
		    int flags)
{
	int one = 1, fd, err;

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, o->backlog)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void set_port(struct sockaddr *sa, int port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons(port);
}

static int bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -errno;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* The kernel silently caps the backlog at net.core.somaxconn: say so. */
static void check_somaxconn(int backlog)
{
	FILE *f = fopen("/proc/sys/net/core/somaxconn", "r");
	int max;

	if (!f)
		return;
	if (fscanf(f, "%d", &max) == 1 && backlog > max)
		report("note: backlog %d is capped at net.core.somaxconn (%d)", backlog, max);
	fclose(f);
}

int listen_sockets(const struct server_opts *o, int *fds, int n, int flags)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	int port = o->port, err = 0, i;

	err = getaddrinfo(o->host, NULL, &hints, &ai);
	if (err) {
		report("failed to resolve %s: %s", o->host, gai_strerror(err));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		set_port(ai->ai_addr, port);
		fds[i] = open_one(ai, o, n > 1, flags);
		if (fds[i] < 0) {
			err = fds[i];
			report("failed to listen on %s port %d: %s", o->host, port, strerror(-err));
			break;
		}
		if (!port)
			port = bound_port(fds[0]);
	}
	freeaddrinfo(ai);
	if (err) {
		while (i--)
			close(fds[i]);
		return err;
	}
	check_somaxconn(o->backlog);
	return 0;
}

void listen_announce(const struct server_opts *o, int fd, int workers)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char ip[INET6_ADDRSTRLEN] = "?";
	const void *addr = &((struct sockaddr_in *)&ss)->sin_addr;
	bool v6;

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		ss.ss_family = AF_UNSPEC;
	v6 = ss.ss_family == AF_INET6;
	if (v6)
		addr = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	inet_ntop(ss.ss_family, addr, ip, sizeof(ip));
	printf("%s: listening on %s%s%s:%d (backlog %d, workers %d)\n", server_name, v6 ? "[" : "",
	       ip, v6 ? "]" : "", bound_port(fd), o->backlog, workers);
	fflush(stdout);
}

void accept_backoff(int err)
{
	report_ratelimited("failed to accept connection: %s", strerror(err));
	poll(NULL, 0, 10);
}

int accept_connection(int fd, int flags)
{
	int conn, err;

	for (;;) {
		conn = accept4(fd, NULL, NULL, flags | SOCK_CLOEXEC);
		if (conn >= 0)
			return conn;
		err = errno;
		switch (err) {
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
		case ENETDOWN:
		case ENOPROTOOPT:
		case EHOSTDOWN:
		case ENONET:
		case EHOSTUNREACH:
		case ENETUNREACH:
			continue; /* that connection's problem, not the next one's */
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			accept_backoff(err);
			return -EAGAIN;
		default:
			return -err;
		}
	}
}
