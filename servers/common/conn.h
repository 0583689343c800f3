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
 * connection until it has sent some. At most HTTP_QUEUED_MAX bytes of
 * answers wait, however alike they are.
 *
 * Timeouts: a connection that moves no byte for --idle-timeout, or whose
 * request head is not whole --header-timeout after its first byte, is
 * over (http_conn_deadline, http_conn_expire): the second answered 408.
 *
 * Lingering: after an error answer the client may still be sending (the
 * rest of a request too large to take); closing then would reset the
 * connection, and the client might never read the answer. A server shuts
 * its side down and reads what comes, for a while (http_conn_linger).
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
/* Most bytes of answers queued for one connection before it stops reading. */
#define HTTP_QUEUED_MAX (256 << 10)
/* After an error answer: read what the client still sends, this long at most. */
#define HTTP_LINGER_MS	2000
#define HTTP_LINGER_MAX (64 << 20)

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
	bool error;    /* ... and it answers an error: linger before closing */
	/* on the monotonic clock, ms: bytes last moved, the head began (0: none) */
	int64_t active_ms, head_ms;
	bool lingering;	  /* answered, shut down for writing, reading what comes */
	uint64_t drained; /* bytes read and dropped meanwhile */
	/* bytes received but not yet answered: stash[start..end), allocated when needed */
	char *stash;
	unsigned stash_start, stash_end, stash_cap;
};

/* The timeouts of every connection, in ms (from --idle-timeout, --header-timeout). */
void http_conn_timeouts(int64_t idle_ms, int64_t header_ms);
/* A connection just accepted: its idle time starts now. */
void http_conn_start(struct http_conn *c);
/* When it times out, or its lingering ends (ms on the monotonic clock,
 * common/clock.h's mono_ms). */
int64_t http_conn_deadline(const struct http_conn *c);
/*
 * It timed out: with a request head begun, answer 408 and close; idle,
 * close without a word. Either way http_conn_finished follows once the
 * answer (if any) is sent.
 */
void http_conn_expire(struct http_conn *c);
/* How often an event loop looks for connections past their deadline: about
 * twice per shortest timeout, at most once a second. */
int http_conn_sweep_ms(void);
/* A request head is begun and not yet whole: the header timeout runs. */
bool http_conn_head_pending(const struct http_conn *c);
/* The connection ended with an error answer: linger before closing. */
bool http_conn_linger(const struct http_conn *c);
/*
 * For event loops, which cannot wait in a loop of their own: the server
 * shut its side down and reads what comes until EOF or the deadline
 * (HTTP_LINGER_MS from now), dropping it; http_conn_drained counts it and
 * says when enough (HTTP_LINGER_MAX) was read to give up.
 */
void http_conn_linger_start(struct http_conn *c);
bool http_conn_drained(struct http_conn *c, size_t n);

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
