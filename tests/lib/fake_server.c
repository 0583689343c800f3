// SPDX-License-Identifier: MIT
#include "tests/lib/fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
static const char status_500[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
static const char garbage[] = "this is not HTTP\r\n\r\n";

const char *const fake_behaviour_names[FAKE_BEHAVIOURS] = {
	[FAKE_OK] = "ok",
	[FAKE_500] = "500",
	[FAKE_GARBAGE] = "garbage",
	[FAKE_RESET] = "reset",
	[FAKE_SILENT] = "silent",
	[FAKE_CLOSE] = "close",
	[FAKE_CLOSE_UNREAD] = "close-unread",
	[FAKE_NO_ACCEPT] = "no-accept",
	[FAKE_STOP_LISTENING] = "stop-listening",
	[FAKE_ANSWER_CLOSE] = "answer-close",
	[FAKE_ANSWER_RESET] = "answer-reset",
	[FAKE_FORK_KEEP] = "fork-keep",
};

static void add(volatile uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* One complete request read on fd: act as told. false: fd was closed. */
static bool answer(int fd, enum fake_behaviour b, volatile uint64_t *count)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	const char *msg = NULL;

	add(&count[0]);
	switch (b) {
	case FAKE_ANSWER_CLOSE:
	case FAKE_ANSWER_RESET:
		if (send(fd, ok, strlen(ok), MSG_NOSIGNAL) == (ssize_t)strlen(ok))
			add(&count[1]);
		if (b == FAKE_ANSWER_RESET) {
			shutdown(fd, SHUT_WR);
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		}
		close(fd);
		return false;
	case FAKE_FORK_KEEP:
		if (fork() == 0) {
			if (send(fd, ok, strlen(ok), MSG_NOSIGNAL) == (ssize_t)strlen(ok))
				add(&count[1]);
			close(fd);
			_exit(0);
		}
		return false; /* kept open, never read again: the bug */
	case FAKE_OK:
	case FAKE_CLOSE_UNREAD: /* both after the first requests: see serve */
	case FAKE_NO_ACCEPT:
	case FAKE_STOP_LISTENING:
	case FAKE_BEHAVIOURS:
		msg = ok;
		break;
	case FAKE_500:
		msg = status_500;
		break;
	case FAKE_GARBAGE:
		msg = garbage;
		break;
	case FAKE_RESET:
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(fd);
		return false;
	case FAKE_SILENT:
		return true;
	case FAKE_CLOSE:
		close(fd);
		return false;
	}
	/* the socket blocks on writes: a short answer always goes out whole */
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) != (ssize_t)strlen(msg)) {
		close(fd);
		return false;
	}
	add(&count[1]);
	return true;
}

/* The child: an epoll loop; requests are counted by their blank line. */
void fake_server_serve(int lfd, enum fake_behaviour b, unsigned ok_first, volatile uint64_t *count)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[64];
	struct rlimit rl;
	unsigned char *match; /* per fd: bytes of "\r\n\r\n" matched so far */
	int ep = epoll_create1(0), nfds;
	char buf[16384];

	getrlimit(RLIMIT_NOFILE, &rl);
	nfds = rl.rlim_cur > 1048576 ? 1048576 : rl.rlim_cur;
	match = calloc(nfds, 1);
	ev.data.fd = lfd;
	if (ep < 0 || !match || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev))
		_exit(1);
	if (b == FAKE_FORK_KEEP)
		signal(SIGCHLD, SIG_IGN); /* its children reap themselves */
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);
		/* past the first requests it misbehaves */
		enum fake_behaviour now = count[0] >= ok_first ? b : FAKE_OK;

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t r;

			if (fd == lfd) {
				int one = 1, c;

				if (now == FAKE_NO_ACCEPT) {
					epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
					continue;
				}
				c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
				if (c < 0 || c >= nfds) {
					if (c >= 0)
						close(c);
					continue;
				}
				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				match[c] = 0;
				ev.data.fd = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				continue;
			}
			if (now == FAKE_CLOSE_UNREAD) {
				/* a byte read, the rest left unread: close() resets */
				if (recv(fd, buf, 1, MSG_DONTWAIT) == 1)
					add(&count[0]);
				close(fd);
				continue;
			}
			r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r <= 0) {
				if (r == 0 || (errno != EAGAIN && errno != EINTR))
					close(fd);
				continue;
			}
			for (ssize_t k = 0; k < r; k++) {
				static const char end[] = "\r\n\r\n";

				match[fd] = buf[k] == end[match[fd]] ? match[fd] + 1
					    : buf[k] == '\r'	     ? 1
								     : 0;
				if (match[fd] == 4) {
					match[fd] = 0;
					if (!answer(fd, count[0] >= ok_first ? b : FAKE_OK,
						    count)) {
						/* closed (EBADF, harmless), or kept unwatched */
						epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
						break;
					}
				}
			}
			if (b == FAKE_STOP_LISTENING && count[0] > ok_first && lfd >= 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
				close(lfd);
				lfd = -1;
			}
		}
	}
}

int fake_server_start(struct fake_server *f, enum fake_behaviour b)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int one = 1, lfd, err;

	memset(f, 0, sizeof(*f));
	f->count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (f->count == MAP_FAILED) {
		f->count = NULL;
		return -errno;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 4096) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len))
		goto fail;
	f->srv.port = ntohs(sa.sin_port);
	f->srv.pid = fork();
	if (f->srv.pid < 0)
		goto fail;
	if (f->srv.pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		fake_server_serve(lfd, b, 0, f->count);
		_exit(0);
	}
	close(lfd);
	snprintf(f->srv.line, sizeof(f->srv.line), "fake server listening on 127.0.0.1:%d",
		 f->srv.port);
	return 0;
fail:
	err = -errno;
	if (lfd >= 0)
		close(lfd);
	munmap((void *)f->count, 4096);
	f->count = NULL;
	return err;
}

uint64_t fake_server_requests(const struct fake_server *f)
{
	return __atomic_load_n(&f->count[0], __ATOMIC_RELAXED);
}

uint64_t fake_server_responses(const struct fake_server *f)
{
	return __atomic_load_n(&f->count[1], __ATOMIC_RELAXED);
}

int fake_server_stop(struct fake_server *f)
{
	int ret = server_stop(&f->srv);

	if (f->count)
		munmap((void *)f->count, 4096);
	f->count = NULL;
	return ret;
}
