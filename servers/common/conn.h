/* SPDX-License-Identifier: MIT */
/*
 * One HTTP connection, whatever the I/O model: bytes in, answers out.
 *
 * A server hands in the bytes it received (http_conn_input), sends what
 * http_conn_output gives it, and reports how much went (http_conn_sent).
 * Requests are answered in order, pipelined or not; keep-alive follows
 * HTTP/1.0 and 1.1 rules; the bytes of a request split across reads are
 * kept (stashed) until it is complete. Answers are pointers to prebuilt
 * replies, so nothing is copied or allocated per request.
 *
 * Back-pressure: when answers pile up unsent (a client pipelining without
 * reading), http_conn_wants_input turns false: a server stops reading that
 * connection until it has sent some.
 */
#ifndef WHYSERVE_CONN_H
#define WHYSERVE_CONN_H

#include "servers/common/http.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Most bytes handed to http_conn_input at once (a server's read size). */
#define HTTP_RECV_MAX 16384
/* Answers handed out by one http_conn_output (one send or sendmsg). */
#define HTTP_IOV_MAX  32
#define HTTP_OUT_RUNS 16
/* Most bytes kept for a connection that is sent requests it cannot take. */
#define HTTP_STASH_MAX (1 << 20)

struct http_conn {
	/* answers queued, in order, run-length coded: 100 pipelined GETs are one run */
	struct http_run {
		const struct iovec *reply;
		uint64_t count;
	} run[HTTP_OUT_RUNS];
	unsigned nruns;
	size_t sent;   /* bytes of the first queued answer already sent */
	uint64_t skip; /* body bytes of the last request still to discard */
	bool closing;  /* the last answer queued ends the connection */
	/* bytes received but not yet answered: stash[start..end), allocated when needed */
	char *stash;
	unsigned stash_start, stash_end, stash_cap;
};

/*
 * Takes len (<= HTTP_RECV_MAX) bytes just received: answers every complete
 * request (and does its --work-us/--sleep-us), keeps the rest. A server
 * that reads only while http_conn_wants_input() keeps at most a partial
 * head and one read. One that cannot stop the kernel from handing it data
 * (io_uring's multishot recv, until its cancel lands) may give more: kept
 * up to HTTP_STASH_MAX. 0, or -ENOMEM, or -ENOBUFS past that: either way
 * the connection must be closed.
 */
int http_conn_input(struct http_conn *c, const char *data, size_t len);
/* Should the server read more from this connection now? */
bool http_conn_wants_input(const struct http_conn *c);
/* The answers to send next, as up to max iovecs; 0 when nothing is due. */
int http_conn_output(const struct http_conn *c, struct iovec *iov, int max);
/*
 * Sends what http_conn_output gave, with one system call: send() for one
 * buffer (cheaper than writev, which goes through the VFS), sendmsg()
 * for more. MSG_NOSIGNAL: a closed peer is an EPIPE, not a SIGPIPE.
 */
ssize_t http_send(int fd, const struct iovec *iov, int n);
/* Answers are waiting to be sent. */
bool http_conn_has_output(const struct http_conn *c);
/* n bytes of that were sent; stashed requests may now be answered. */
void http_conn_sent(struct http_conn *c, size_t n);
/* The last answer was sent and it closes the connection. */
bool http_conn_finished(const struct http_conn *c);
/* Frees what the connection holds and makes it new. */
void http_conn_reset(struct http_conn *c);

static inline size_t iov_bytes(const struct iovec *iov, int n)
{
	size_t len = 0;

	while (n--)
		len += iov[n].iov_len;
	return len;
}

#endif
