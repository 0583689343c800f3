// SPDX-License-Identifier: MIT
/*
 * server-epoll: an event loop per worker, on non-blocking sockets.
 *
 * The model. Every socket is non-blocking and registered with epoll. The
 * loop asks the kernel which sockets are ready (epoll_wait), then does for
 * each whatever it can without waiting: accept, read, answer, write. A
 * connection is a small state machine (struct conn): what the socket may
 * still hold or take, the answers not yet sent, the bytes of a request not
 * yet complete. One thread serves thousands of connections; --workers N
 * runs N loops, each on its own listening socket (SO_REUSEPORT), so that
 * N cores share the work without sharing a lock.
 *
 * Its costs. Per request: one recv, one send, and a share of an
 * epoll_wait that reports many sockets at once. No thread or process per
 * connection, no context switch per request. Sockets are registered once,
 * edge-triggered (EPOLLET) for both directions, so there is no epoll_ctl
 * per request: the loop remembers instead whether a socket may still have
 * data (a read that filled the buffer) or room (a write that took it all).
 * The price: nothing may block. A request that sleeps (--sleep-us) or
 * computes (--work-us) stalls every connection of its loop.
 *
 * Time. No socket call may wait, so no socket timeout can end a stuck
 * connection: the loop keeps its connections in a list and, about twice
 * per shortest timeout, sweeps it for those past their deadline (idle,
 * head not whole in time, lingering done). epoll_wait waits no longer
 * than the next sweep.
 */
#include "common/clock.h"
#include "servers/common/conn.h"
#include "servers/common/listen.h"
#include "servers/common/options.h"
#include "servers/common/workers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct server_model model = {
	.name = "server-epoll",
	.doc = "An HTTP/1.1 server: an epoll event loop per worker thread.",
	.examples = "    server-epoll                      # one loop on 127.0.0.1:8080\n"
		    "    server-epoll --workers 2          # two loops, SO_REUSEPORT\n"
		    "    server-epoll --sleep-us 1000      # each request stalls its loop 1 ms\n",
	.options = OPT_WORKERS,
};

#define MAX_EVENTS 256

struct conn {
	int fd;
	bool readable; /* the socket may hold data we have not read */
	bool writable; /* the socket took all we wrote last time */
	bool hup;      /* the peer shut down its side: a short read does not drain that */
	bool eof;      /* the peer sends no more, and we have read all it sent */
	struct http_conn http;
	struct conn *prev, *next; /* among the loop's live ones; next: free ones too */
};

struct loop {
	int epfd, listen_fd;
	struct conn live;	 /* the head of the list of open connections */
	struct conn *free;	 /* closed connections, for reuse: no malloc per connection */
	int64_t next_sweep;	 /* ms: when to look for connections past their time */
	char buf[HTTP_RECV_MAX]; /* every read lands here; requests are answered in place */
};

/* epoll_event.data of the two descriptors that are not connections */
static char listen_tag, stop_tag;

static void conn_close(struct loop *l, struct conn *c)
{
	close(c->fd); /* which also takes it out of the epoll set */
	http_conn_reset(&c->http);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	c->next = l->free;
	l->free = c;
}

/* After an error answer: read and drop what comes, until EOF; -1: close. */
static int conn_drain(struct loop *l, struct conn *c)
{
	ssize_t n;

	while (c->readable) {
		n = recv(c->fd, l->buf, sizeof(l->buf), 0);
		if (n < 0) {
			c->readable = false;
			return errno == EAGAIN ? 0 : -1;
		}
		if (n == 0 || http_conn_drained(&c->http, n))
			return -1;
	}
	return 0;
}

/* Does all the connection can do now without waiting; -1: close it. */
static int conn_run(struct loop *l, struct conn *c)
{
	struct iovec iov[HTTP_IOV_MAX];
	ssize_t n;
	int k;

	if (c->http.lingering)
		return conn_drain(l, c);
	for (;;) {
		while (c->writable && (k = http_conn_output(&c->http, iov, HTTP_IOV_MAX))) {
			n = http_send(c->fd, iov, k);
			if (n < 0 && errno != EAGAIN)
				return -1;
			if (n < 0 || (size_t)n < iov_bytes(iov, k))
				c->writable = false; /* full: EPOLLOUT says when there is room */
			if (n > 0)
				http_conn_sent(&c->http, n);
		}
		if (http_conn_finished(&c->http) && http_conn_linger(&c->http) && !c->eof) {
			shutdown(c->fd, SHUT_WR);
			http_conn_linger_start(&c->http);
			return conn_drain(l, c);
		}
		if (http_conn_finished(&c->http) || (c->eof && !http_conn_has_output(&c->http)))
			return -1;
		if (!c->readable || c->eof || !http_conn_wants_input(&c->http))
			return 0;
		n = recv(c->fd, l->buf, sizeof(l->buf), 0);
		if (n < 0) {
			c->readable = false;
			return errno == EAGAIN ? 0 : -1;
		}
		/*
		 * A short read drained the socket: the next byte to arrive makes
		 * a new edge. Not so the FIN, if its edge came with this data.
		 */
		if (n < (ssize_t)sizeof(l->buf) && !c->hup)
			c->readable = false;
		if (n == 0)
			c->eof = true;
		else if (http_conn_input(&c->http, l->buf, n))
			return -1;
	}
}

/*
 * Accepts every connection waiting. Its request is usually there already
 * (clients send as soon as they are connected): serve it first, and
 * register the socket only if the connection goes on; epoll_ctl then
 * reports at once whatever arrived in between.
 */
static void accept_all(struct loop *l)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET };
	struct conn *c;
	int fd;

	while ((fd = accept_connection(l->listen_fd, SOCK_NONBLOCK)) >= 0) {
		c = l->free;
		if (c)
			l->free = c->next;
		else if (!(c = calloc(1, sizeof(*c)))) {
			close(fd);
			continue;
		}
		*c = (struct conn){ .fd = fd,
				    .readable = true,
				    .writable = true,
				    .prev = &l->live,
				    .next = l->live.next };
		l->live.next->prev = c;
		l->live.next = c;
		http_conn_start(&c->http);
		ev.data.ptr = c;
		if (conn_run(l, c) || epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev))
			conn_close(l, c);
	}
}

/* Ends the connections past their deadline: idle, too slow a head, lingering done. */
static void sweep(struct loop *l, int64_t now)
{
	struct conn *c, *next;

	for (c = l->live.next; c != &l->live; c = next) {
		next = c->next;
		if (now < http_conn_deadline(&c->http))
			continue;
		if (c->http.lingering) {
			conn_close(l, c);
			continue;
		}
		http_conn_expire(&c->http); /* a 408 to send, or nothing */
		if (conn_run(l, c))
			conn_close(l, c);
	}
}

/* How long epoll_wait may wait: until the next sweep, if anything is open. */
static int wait_ms(struct loop *l, int64_t now, int sweep_ms)
{
	if (l->live.next == &l->live)
		return -1;
	if (now >= l->next_sweep) {
		sweep(l, now);
		l->next_sweep = now + sweep_ms;
	}
	return l->next_sweep - now;
}

static int epoll_loop(int listen_fd, int stop_fd)
{
	struct epoll_event ev[MAX_EVENTS];
	struct loop *l = calloc(1, sizeof(*l));
	int n, err = 0, sweep_ms = http_conn_sweep_ms();

	if (!l)
		return -ENOMEM;
	l->listen_fd = listen_fd;
	l->live.prev = l->live.next = &l->live;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	/* the listening socket level-triggered: accept_all() empties it anyway */
	if (l->epfd < 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, listen_fd,
		      &(struct epoll_event){ EPOLLIN, { .ptr = &listen_tag } }) ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, stop_fd,
		      &(struct epoll_event){ EPOLLIN, { .ptr = &stop_tag } })) {
		err = -errno;
		report("failed to set up epoll: %s", strerror(-err));
		free(l);
		return err;
	}
	workers_ready();

	for (;;) {
		n = epoll_wait(l->epfd, ev, MAX_EVENTS, wait_ms(l, mono_ms(), sweep_ms));
		if (n < 0 && errno != EINTR) {
			err = -errno;
			report("failed to wait for events: %s", strerror(-err));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = ev[i].data.ptr;

			if (ev[i].data.ptr == &stop_tag)
				goto out;
			if (ev[i].data.ptr == &listen_tag) {
				accept_all(l);
				continue;
			}
			if (ev[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				c->readable = true;
			if (ev[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				c->hup = true;
			if (ev[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				c->writable = true;
			if (conn_run(l, c))
				conn_close(l, c);
		}
	}
out:
	close(l->epfd);
	free(l);
	return err;
}

int main(int argc, char **argv)
{
	struct server_opts o;

	server_init(argc, argv, &model, &o);
	return workers_run(&o, SOCK_NONBLOCK, epoll_loop) ? 1 : 0;
}
