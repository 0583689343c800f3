// SPDX-License-Identifier: MIT
/*
 * server-io_uring: a completion ring per worker.
 *
 * The model. epoll tells a server which sockets are ready, and the server
 * then makes each read and write itself. io_uring takes the operations
 * instead: the loop puts requests (SQEs: accept on this socket, receive on
 * that one, send these bytes) in a submission queue it shares with the
 * kernel, and collects their results (CQEs) from a completion queue. One
 * io_uring_enter() submits the whole batch and waits for the next results.
 * A multishot accept goes on accepting, and a multishot recv goes on
 * receiving, each time into a buffer the kernel takes from a ring of
 * provided buffers that the loop refills; so in the steady state a request
 * costs a recv completion, a send and its completion, and a share of one
 * system call with every other connection active at the time.
 *
 * Its costs. The limit of epoll remains: one thread per loop, and a
 * request that blocks (--sleep-us) or computes (--work-us) stalls the
 * whole loop. What it saves are system calls (one per batch, not two or
 * three per request) and re-arming (multishot operations stay armed).
 *
 * Features, and the kernel each needs. uring_probe() tries them at
 * start-up and says on stderr, in one line, which are missing and what is
 * done instead (WHYSERVE_IO_URING_LEGACY=1 makes it find none of them, to
 * try the fallbacks on a new kernel):
 *   accept, recv, send, sendmsg, cancel, close, poll   5.6  (required)
 *   provided buffers (IORING_OP_PROVIDE_BUFFERS)       5.7  (required)
 *   provided-buffer ring                               5.19 (else PROVIDE_BUFFERS)
 *   multishot accept                                   5.19 (else an accept per connection)
 *   multishot recv                                     6.0  (else a recv per read)
 *   IORING_SETUP_COOP_TASKRUN                          5.19 (else none)
 *   IORING_SETUP_SINGLE_ISSUER + DEFER_TASKRUN         6.1  (else COOP_TASKRUN)
 *
 * user_data: a struct conn pointer (8-byte aligned) with the operation in
 * its low 3 bits; accept and stop carry no connection.
 *
 * Back-pressure: a connection with more answers unsent than it may queue
 * stops receiving (its recv is cancelled) until some are sent. What the
 * kernel hands over before the cancel lands is kept (up to 1 MiB; past
 * that the connection is closed).
 *
 * Time: as in server-epoll, the loop sweeps its list of connections for
 * those past their deadline; the wait for completions ends in time for
 * the next sweep (io_uring_submit_and_wait_timeout).
 */
#include "common/clock.h"
#include "servers/common/conn.h"
#include "servers/common/listen.h"
#include "servers/common/options.h"
#include "servers/common/uring.h"
#include "servers/common/workers.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct server_model model = {
	.name = "server-io_uring",
	.doc = "An HTTP/1.1 server: an io_uring completion loop per worker thread.",
	.examples = "    server-io_uring                   # one ring on 127.0.0.1:8080\n"
		    "    server-io_uring --workers 2       # two rings, SO_REUSEPORT\n"
		    "    WHYSERVE_IO_URING_LEGACY=1 server-io_uring  # as on a 5.7 kernel\n",
	.options = OPT_WORKERS,
};

enum op {
	OP_IGNORE = URING_IGNORE,
	OP_ACCEPT,
	OP_RECV,
	OP_SEND,
	OP_STOP,
	OP_MASK = 7
};

#define ENTRIES	  1024 /* submission queue; completions: 4x */
#define BUF_COUNT 1024 /* provided buffers per loop */
#define BUF_SIZE  4096
#define BUF_GROUP 0

struct conn {
	int fd;
	bool recv_armed; /* a recv is in flight (multishot: until a CQE without F_MORE) */
	bool cancelling; /* a cancel of that recv is in flight */
	bool send_armed; /* a send is in flight, of iov below */
	bool eof;	 /* the peer sends no more */
	bool dead;	 /* close it once nothing is in flight */
	struct http_conn http;
	struct msghdr msg;
	struct iovec iov[HTTP_IOV_MAX];
	struct conn *prev, *next; /* among the loop's live ones; next: free ones too */
};

struct loop {
	struct io_uring ring;
	struct uring_bufs bufs;
	int listen_fd;
	struct conn live;   /* the head of the list of open connections */
	struct conn *free;  /* closed connections, for reuse */
	int64_t next_sweep; /* ms: when to look for connections past their time */
};

static struct uring_features features;

static void tag(struct io_uring_sqe *sqe, struct conn *c, enum op op)
{
	io_uring_sqe_set_data64(sqe, (uintptr_t)c | op);
}

static void arm_accept(struct loop *l)
{
	struct io_uring_sqe *sqe = uring_sqe(&l->ring);

	if (features.multishot_accept)
		io_uring_prep_multishot_accept(sqe, l->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	else
		io_uring_prep_accept(sqe, l->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	tag(sqe, NULL, OP_ACCEPT);
}

static void arm_recv(struct loop *l, struct conn *c)
{
	struct io_uring_sqe *sqe = uring_sqe(&l->ring);

	if (features.multishot_recv)
		io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
	else
		io_uring_prep_recv(sqe, c->fd, NULL, BUF_SIZE, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT; /* the kernel picks the buffer */
	sqe->buf_group = BUF_GROUP;
	tag(sqe, c, OP_RECV);
	c->recv_armed = true;
}

static void cancel_recv(struct loop *l, struct conn *c)
{
	struct io_uring_sqe *sqe = uring_sqe(&l->ring);

	io_uring_prep_cancel64(sqe, (uintptr_t)c | OP_RECV, 0);
	tag(sqe, NULL, OP_IGNORE); /* the recv's own completion says it ended */
	c->cancelling = true;
}

static void send_answers(struct loop *l, struct conn *c, int n)
{
	struct io_uring_sqe *sqe = uring_sqe(&l->ring);

	if (n == 1) {
		io_uring_prep_send(sqe, c->fd, c->iov[0].iov_base, c->iov[0].iov_len, MSG_NOSIGNAL);
	} else {
		c->msg = (struct msghdr){ .msg_iov = c->iov, .msg_iovlen = n };
		io_uring_prep_sendmsg(sqe, c->fd, &c->msg, MSG_NOSIGNAL);
	}
	tag(sqe, c, OP_SEND);
	c->send_armed = true;
}

static void conn_close(struct loop *l, struct conn *c)
{
	struct io_uring_sqe *sqe = uring_sqe(&l->ring);

	io_uring_prep_close(sqe, c->fd);
	tag(sqe, NULL, OP_IGNORE);
	http_conn_reset(&c->http);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	c->next = l->free;
	l->free = c;
}

/*
 * The connection's state machine, run after each of its completions:
 * send what is due (one send in flight at a time, so answers stay in
 * order), receive while it wants input, close once it is over and
 * nothing is in flight.
 */
static void conn_update(struct loop *l, struct conn *c)
{
	bool want_recv;
	int n;

	if (!c->send_armed && !c->dead && (n = http_conn_output(&c->http, c->iov, HTTP_IOV_MAX)))
		send_answers(l, c, n);
	/* after an error answer, read and drop what comes until EOF (conn.h) */
	if (!c->send_armed && http_conn_finished(&c->http) && http_conn_linger(&c->http) &&
	    !c->eof && !c->http.lingering) {
		shutdown(c->fd, SHUT_WR);
		http_conn_linger_start(&c->http);
	}
	if (!c->send_armed && (c->eof || (http_conn_finished(&c->http) && !c->http.lingering)))
		c->dead = true;
	want_recv = !c->dead && !c->eof && (c->http.lingering || http_conn_wants_input(&c->http));
	if (want_recv && !c->recv_armed)
		arm_recv(l, c);
	else if (!want_recv && c->recv_armed && !c->cancelling)
		cancel_recv(l, c);
	if (c->dead && !c->recv_armed && !c->send_armed)
		conn_close(l, c);
}

static void on_accept(struct loop *l, struct io_uring_cqe *cqe)
{
	struct conn *c;

	if (cqe->res >= 0) {
		c = l->free;
		if (c)
			l->free = c->next;
		else if (!(c = malloc(sizeof(*c))))
			close(cqe->res);
		if (c) {
			*c = (struct conn){ .fd = cqe->res,
					    .prev = &l->live,
					    .next = l->live.next };
			l->live.next->prev = c;
			l->live.next = c;
			http_conn_start(&c->http);
			conn_update(l, c);
		}
	} else if (cqe->res != -ECANCELED && cqe->res != -ECONNABORTED) {
		accept_backoff(-cqe->res);
	}
	if (!(cqe->flags & IORING_CQE_F_MORE))
		arm_accept(l);
}

static void on_recv(struct loop *l, struct conn *c, struct io_uring_cqe *cqe)
{
	unsigned bid;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		c->recv_armed = c->cancelling = false;
	if (cqe->flags & IORING_CQE_F_BUFFER) {
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		if (cqe->res > 0 && !c->dead && c->http.lingering)
			c->dead = http_conn_drained(&c->http, cqe->res);
		else if (cqe->res > 0 && !c->dead &&
			 http_conn_input(&c->http, uring_buf(&l->bufs, bid), cqe->res))
			c->dead = true;
		uring_buf_put(&l->bufs, bid);
	}
	if (cqe->res == 0)
		c->eof = true;
	else if (cqe->res < 0 && cqe->res != -ENOBUFS && cqe->res != -ECANCELED)
		c->dead = true; /* -ENOBUFS: out of buffers for now, re-armed below */
	conn_update(l, c);
}

static void on_send(struct loop *l, struct conn *c, struct io_uring_cqe *cqe)
{
	c->send_armed = false;
	if (cqe->res < 0)
		c->dead = true;
	else
		http_conn_sent(&c->http, cqe->res);
	conn_update(l, c);
}

/* Ends the connections past their deadline: idle, too slow a head, lingering done. */
static void sweep(struct loop *l, int64_t now)
{
	struct conn *c, *next;

	for (c = l->live.next; c != &l->live; c = next) {
		next = c->next; /* conn_update may close c, never another */
		if (c->dead || now < http_conn_deadline(&c->http))
			continue;
		if (c->http.lingering)
			c->dead = true;
		else
			http_conn_expire(&c->http); /* a 408 to send, or nothing */
		conn_update(l, c);
	}
}

/* Submits, and waits for a completion, or until the next sweep is due. */
static int submit_and_wait(struct loop *l, int sweep_ms)
{
	int64_t now = mono_ms(), left;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts;

	if (l->live.next == &l->live)
		return io_uring_submit_and_wait(&l->ring, 1);
	if (now >= l->next_sweep) {
		sweep(l, now);
		l->next_sweep = now + sweep_ms;
	}
	left = l->next_sweep - now;
	ts = (struct __kernel_timespec){ .tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000 };
	return io_uring_submit_and_wait_timeout(&l->ring, &cqe, 1, &ts, NULL);
}

static int uring_loop(int listen_fd, int stop_fd)
{
	struct loop *l = calloc(1, sizeof(*l));
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	bool stop = false;
	unsigned head, n;
	int err, sweep_ms = http_conn_sweep_ms();

	if (!l)
		return -ENOMEM;
	l->listen_fd = listen_fd;
	l->live.prev = l->live.next = &l->live;
	err = uring_init(&l->ring, ENTRIES, features.setup_flags);
	if (!err)
		err = uring_bufs_init(&l->bufs, &l->ring, BUF_GROUP, BUF_COUNT, BUF_SIZE,
				      features.buf_ring);
	if (err) {
		report("failed to set up io_uring: %s", strerror(-err));
		return err;
	}
	arm_accept(l);
	sqe = uring_sqe(&l->ring);
	io_uring_prep_poll_add(sqe, stop_fd, POLLIN);
	tag(sqe, NULL, OP_STOP);
	workers_ready();

	while (!stop) {
		err = submit_and_wait(l, sweep_ms);
		if (err < 0 && err != -EINTR && err != -EAGAIN && err != -EBUSY && err != -ETIME) {
			report("failed to submit to io_uring: %s", strerror(-err));
			break;
		}
		err = n = 0;
		io_uring_for_each_cqe(&l->ring, head, cqe) {
			uint64_t data = io_uring_cqe_get_data64(cqe);
			struct conn *c = (struct conn *)(uintptr_t)(data & ~(uint64_t)OP_MASK);

			n++;
			switch (data & OP_MASK) {
			case OP_ACCEPT:
				on_accept(l, cqe);
				break;
			case OP_RECV:
				on_recv(l, c, cqe);
				break;
			case OP_SEND:
				on_send(l, c, cqe);
				break;
			case OP_STOP:
				stop = true;
				break;
			}
		}
		io_uring_cq_advance(&l->ring, n);
		uring_bufs_publish(&l->bufs);
	}
	uring_bufs_free(&l->bufs);
	io_uring_queue_exit(&l->ring);
	free(l);
	return err;
}

int main(int argc, char **argv)
{
	struct server_opts o;

	server_init(argc, argv, &model, &o);
	if (uring_probe(&features))
		return 1;
	return workers_run(&o, 0, uring_loop) ? 1 : 0;
}
