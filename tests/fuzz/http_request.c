// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the servers' request parser (servers/common/http.c) and the
 * connection that frames pipelined requests with it (conn.c). Besides no
 * crash, leak or UB: the requests found, and how each was answered, do not
 * depend on how the bytes were split into reads; and the connection
 * answers the requests the parser finds, in order.
 */
#include "servers/common/conn.h"
#include "servers/common/http.h"
#include "servers/common/reply.h"
#include "tests/fuzz/split.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fields[ANSWER_FIELDS] = {
	"status", "head", "head_len", "keep_alive", "body_len",
};

/*
 * The stream as a connection reads it, request by request: each head is
 * parsed from where the last request (and its body) ended, with all the
 * bytes received since; one not complete waits for the next read; an
 * answer that does not keep the connection alive ends it.
 */
struct stream {
	char *buf; /* every byte received, in a buffer of exactly that size */
	size_t len, next;
	uint64_t skip; /* body bytes still to come */
	bool closed;
};

static void stream_read(struct stream *s, const char *data, size_t len, struct answers *out)
{
	struct http_request req;
	size_t n;

	s->buf = realloc(s->buf, s->len + len);
	if (!s->buf)
		abort();
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	while (!s->closed && s->next < s->len) {
		if (s->skip) {
			n = s->len - s->next < s->skip ? s->len - s->next : s->skip;
			s->skip -= n;
			s->next += n;
			continue;
		}
		n = http_parse(s->buf + s->next, s->len - s->next, &req);
		if (!n)
			break;
		if (n > s->len - s->next || n > HTTP_MAX_HEAD) {
			fprintf(stderr, "http_parse: a head of %zu bytes in %zu\n", n,
				s->len - s->next);
			abort();
		}
		/*
		 * The head's length says where the next request starts, so it
		 * must not depend on the split; but an answer that closes the
		 * connection has no next request, and a request refused at
		 * once, before its line ends (http.h), is as long as what had
		 * come: that length is left out.
		 */
		answers_add(out,
			    (uint64_t[ANSWER_FIELDS]){ req.status, req.head, req.keep_alive ? n : 0,
						       req.keep_alive, req.body_len });
		s->next += n;
		s->skip = req.body_len;
		s->closed = !req.keep_alive;
	}
}

/* the answers a connection sent */
struct sent {
	struct iovec *iov;
	size_t n;
};

/* Sends every answer due, as a server does once it has read. */
static void conn_drain(struct http_conn *c, struct sent *sent)
{
	struct iovec iov[HTTP_IOV_MAX];
	int n;

	while ((n = http_conn_output(c, iov, HTTP_IOV_MAX))) {
		sent->iov = realloc(sent->iov, (sent->n + n) * sizeof(iov[0]));
		if (!sent->iov)
			abort();
		memcpy(sent->iov + sent->n, iov, n * sizeof(iov[0]));
		sent->n += n;
		http_conn_sent(c, iov_bytes(iov, n));
	}
}

/* Is iov the reply to that answer? (all of it: the connection sends
 * everything due before the next read) */
static bool is_reply(const struct iovec *iov, const uint64_t *answer)
{
	struct http_request req = { .status = answer[0],
				    .head = answer[1],
				    .keep_alive = answer[3] };
	const struct iovec *reply = reply_for(&req);

	return iov->iov_base == reply->iov_base && iov->iov_len == reply->iov_len;
}

static void feed(const struct iovec *pieces, int npieces, struct answers *out)
{
	struct stream s = { 0 };
	struct http_conn c = { 0 };
	struct sent sent = { 0 };

	for (int i = 0; i < npieces; i++) {
		const char *p = pieces[i].iov_base;
		size_t left = pieces[i].iov_len;

		/* a server reads at most HTTP_RECV_MAX bytes at a time */
		while (left) {
			size_t n = left < HTTP_RECV_MAX ? left : HTTP_RECV_MAX;
			int err;

			stream_read(&s, p, n, out);
			err = http_conn_input(&c, p, n);
			if (err) {
				fprintf(stderr, "http_conn_input: %s\n", strerror(-err));
				abort();
			}
			conn_drain(&c, &sent);
			p += n;
			left -= n;
		}
	}
	/* the connection answered what the parser found, in order, and
	 * closes after the answer that ends the stream */
	for (size_t i = 0; i < out->n || i < sent.n; i++) {
		if (i >= out->n || i >= sent.n || !is_reply(&sent.iov[i], out->v[i])) {
			fprintf(stderr,
				"the connection's answer %zu of %zu is not the parser's (%zu)\n", i,
				sent.n, out->n);
			abort();
		}
	}
	if (http_conn_finished(&c) != s.closed) {
		fprintf(stderr, "the connection %s, the stream %s\n",
			http_conn_finished(&c) ? "closes" : "stays open",
			s.closed ? "ended" : "did not");
		abort();
	}
	http_conn_reset(&c);
	free(sent.iov);
	free(s.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		if (replies_init(strlen(REPLY_BODY_DEFAULT)))
			abort();
		ready = true;
	}
	split_check(data, size, feed, fields);
	return 0;
}
