// SPDX-License-Identifier: MIT
/*
 * The servers' HTTP core alone (servers/common: http, reply, conn), built
 * with AddressSanitizer and UBSan: request heads parsed by the rules,
 * every request cut at every byte, pipelines in any split, answers in
 * order, back-pressure.
 */
#include "tests/lib/check.h"
#include "servers/common/conn.h"
#include "servers/common/http.h"
#include "servers/common/reply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parsed {
	size_t len;
	struct http_request req;
};

static struct parsed parse(const char *s)
{
	struct parsed p;

	/* a copy of exactly the bytes, so ASan sees any read past them */
	char *buf = malloc(strlen(s) + 1);

	memcpy(buf, s, strlen(s));
	p.len = http_parse(buf, strlen(s), &p.req);
	free(buf);
	return p;
}

/* status of a complete request, -1 if the parser asked for more */
static int status_of(const char *s)
{
	struct parsed p = parse(s);

	return p.len ? p.req.status : -1;
}

static void parses_get_and_head(void)
{
	const char *get = "GET /index.html?x=1 HTTP/1.1\r\nHost: localhost\r\n"
			  "User-Agent: test\r\nAccept: */*\r\n\r\n";
	struct parsed p = parse(get);

	CHECK(p.len == strlen(get), "length %zu of %zu", p.len, strlen(get));
	CHECK(p.req.status == 200 && !p.req.head && p.req.keep_alive && !p.req.body_len,
	      "status %d head %d keep-alive %d", p.req.status, p.req.head, p.req.keep_alive);
	p = parse("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
	CHECK(p.req.status == 200 && p.req.head, "HEAD: status %d head %d", p.req.status,
	      p.req.head);
	/* a bare LF ends lines too (RFC 9112 2.2); empty lines before a request are skipped */
	p = parse("\r\n\nGET / HTTP/1.1\nHost: h\n\n");
	CHECK(p.len == 27 && p.req.status == 200, "LF only: len %zu status %d", p.len,
	      p.req.status);
	/* the head ends at the blank line; the body is the connection's to skip */
	p = parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
	CHECK(p.len == 46 && p.req.body_len == 5, "body: len %zu body %llu", p.len,
	      (unsigned long long)p.req.body_len);
}

static void keep_alive_rules(void)
{
	static const struct {
		const char *req;
		bool keep_alive;
	} cases[] = {
		{ "GET / HTTP/1.1\r\nHost: h\r\n\r\n", true },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nconnection:   upgrade ,close \r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\n\r\n", false },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed p = parse(cases[i].req);

		CHECK(p.req.status == 200 && p.req.keep_alive == cases[i].keep_alive,
		      "%s: status %d keep-alive %d", cases[i].req, p.req.status, p.req.keep_alive);
	}
}

static void errors_by_the_rules(void)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{ "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi", 405 },
		{ "get / HTTP/1.1\r\nHost: h\r\n\r\n", 405 }, /* methods are case-sensitive */
		{ "DELETE /x HTTP/1.0\r\n\r\n", 405 },
		{ "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505 },
		{ "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505 },
		{ "GET / HTTP/0.9\r\n\r\n", 505 },
		{ "GET /\r\n\r\n", 400 },
		{ "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400 },
		{ "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
		{ "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400 },
		{ "GET / http/1.1\r\nHost: h\r\n\r\n", 400 },
		{ "hello world\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n\r\n", 400 },			 /* no Host */
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 }, /* two */
		{ "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed p = parse(cases[i].req);

		CHECK(p.len && p.req.status == cases[i].status && !p.req.keep_alive,
		      "'%s': len %zu status %d, not %d", cases[i].req, p.len, p.req.status,
		      cases[i].status);
	}
	/* garbage is refused before its line ends */
	CHECK(status_of("\x16\x03\x01\x02\x00") == 400, "binary");
	CHECK(status_of("GET\x01") == 400, "control in method");
	CHECK(status_of("GE") == -1 && status_of("GET /x") == -1, "a valid prefix waits");
}

static void head_limit_is_8k(void)
{
	char *buf = malloc(HTTP_MAX_HEAD + 64);
	const char *start = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
	struct http_request req;
	size_t n;

	/* a head of exactly HTTP_MAX_HEAD bytes is fine, one more is not */
	memset(buf, 'a', HTTP_MAX_HEAD + 64);
	memcpy(buf, start, strlen(start));
	memcpy(buf + HTTP_MAX_HEAD - 4, "\r\n\r\n", 4);
	n = http_parse(buf, HTTP_MAX_HEAD, &req);
	CHECK(n == HTTP_MAX_HEAD && req.status == 200, "8192 bytes: %zu %d", n, req.status);
	memcpy(buf + HTTP_MAX_HEAD - 4, "a\r\n\r\n", 5);
	n = http_parse(buf, HTTP_MAX_HEAD - 1, &req);
	CHECK(n == 0, "incomplete below the limit waits: %zu", n);
	n = http_parse(buf, HTTP_MAX_HEAD + 1, &req);
	CHECK(n && req.status == 431 && !req.keep_alive, "8193 bytes: %zu %d", n, req.status);
	/* garbage is a 400 however much of it has come: past the limit too */
	memset(buf, 'a', HTTP_MAX_HEAD + 64);
	buf[0] = 0x16;
	n = http_parse(buf, HTTP_MAX_HEAD + 64, &req);
	CHECK(n == HTTP_MAX_HEAD && req.status == 400, "garbage, 8256 bytes: %zu %d", n,
	      req.status);
	free(buf);
}

/* every proper prefix of a valid request asks for more; the whole is complete */
static void cut_at_every_byte(void)
{
	static const char *const reqs[] = {
		"GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n",
		"HEAD /a/b?c=d HTTP/1.0\r\nConnection: keep-alive\r\nX-Empty:\r\n\r\n",
		"\r\nGET / HTTP/1.1\nHost: h\nConnection: close\n\n",
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nAccept: */*\r\n\r\n",
		"POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n",
		"GET / HTTP/3.0\r\nHost: h\r\n\r\n",
	};

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		size_t len = strlen(reqs[i]);
		struct http_request req;
		char *buf = malloc(len);

		memcpy(buf, reqs[i], len);
		for (size_t cut = 0; cut < len; cut++) {
			/* the prefix in a buffer of its own size: ASan catches overreads */
			char *pre = malloc(cut + 1);
			size_t n;

			memcpy(pre, buf, cut);
			n = http_parse(pre, cut, &req);
			free(pre);
			if (!CHECK(n == 0, "'%s' cut at %zu: %zu", reqs[i], cut, n))
				break;
		}
		CHECK(http_parse(buf, len, &req) == len, "'%s' whole", reqs[i]);
		free(buf);
	}
}

/* ------------------------------------------------------- connections */

/* Everything the connection has to send, sent at once, appended to out. */
static void drain(struct http_conn *c, char *out, size_t *out_len, size_t cap)
{
	struct iovec iov[HTTP_IOV_MAX];
	int n;

	while ((n = http_conn_output(c, iov, HTTP_IOV_MAX))) {
		size_t len = iov_bytes(iov, n);

		for (int i = 0; i < n; i++) {
			if (*out_len + iov[i].iov_len <= cap)
				memcpy(out + *out_len, iov[i].iov_base, iov[i].iov_len);
			*out_len += iov[i].iov_len;
		}
		http_conn_sent(c, len);
	}
}

static int count(const char *buf, size_t len, const char *word)
{
	const char *p = buf, *end = buf + len;
	int n = 0;

	while ((p = memmem(p, end - p, word, strlen(word)))) {
		n++;
		p++;
	}
	return n;
}

/* Feeds input in pieces of the given sizes (0: the rest); returns the output. */
static size_t feed(const char *in, const size_t *pieces, char *out, size_t cap, bool *finished)
{
	struct http_conn c = { 0 };
	size_t len = strlen(in), off = 0, out_len = 0;

	for (int i = 0; off < len; i++) {
		size_t n = pieces[i] && pieces[i] < len - off ? pieces[i] : len - off;

		if (http_conn_input(&c, in + off, n))
			break;
		off += n;
		drain(&c, out, &out_len, cap);
	}
	*finished = http_conn_finished(&c);
	http_conn_reset(&c);
	return out_len;
}

static const char pipeline[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
			       "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"
			       "GET /x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
			       "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
			       "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
			       "GET /never HTTP/1.1\r\nHost: h\r\n\r\n";

static void pipeline_in_any_split(void)
{
	static char want[8192], got[8192];
	size_t want_len, got_len, len = strlen(pipeline);
	size_t whole[] = { 0 };
	bool finished;

	CHECK(replies_init(14) == 0, "replies");
	want_len = feed(pipeline, whole, want, sizeof(want), &finished);
	CHECK(finished, "Connection: close ends it");
	/* 4 keep-alive answers (one HEAD) and the closing one; the last request unanswered */
	CHECK(want_len < sizeof(want) && strstr(want, "Connection: close"), "answers");
	CHECK(count(want, want_len, "200 OK") == 5, "%d answers, not 5",
	      count(want, want_len, "200 OK"));
	for (size_t cut = 1; cut < len; cut++) {
		size_t two[] = { cut, 0 };

		got_len = feed(pipeline, two, got, sizeof(got), &finished);
		if (!CHECK(got_len == want_len && !memcmp(got, want, want_len) && finished,
			   "split at %zu: %zu bytes, not %zu", cut, got_len, want_len))
			return;
	}
	/* byte by byte */
	{
		struct http_conn c = { 0 };
		size_t out_len = 0;

		for (size_t off = 0; off < len && !http_conn_finished(&c); off++) {
			CHECK(http_conn_input(&c, pipeline + off, 1) == 0, "byte %zu", off);
			drain(&c, got, &out_len, sizeof(got));
		}
		CHECK(out_len == want_len && !memcmp(got, want, want_len),
		      "byte by byte: %zu bytes, not %zu", out_len, want_len);
		http_conn_reset(&c);
	}
}

static void errors_close_the_connection(void)
{
	static const char *const inputs[] = {
		"GET / HTTP/1.1\r\nHost: h\r\n\r\nBOGUS\x01\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
	};
	static const char *const last[] = { "400 Bad Request", "405 Method Not Allowed" };
	char out[4096];
	size_t whole[] = { 0 };
	bool finished;

	CHECK(replies_init(14) == 0, "replies");
	for (int i = 0; i < 2; i++) {
		size_t n = feed(inputs[i], whole, out, sizeof(out) - 1, &finished);

		out[n] = '\0';
		CHECK(finished && strstr(out, last[i]) && strstr(out, "Connection: close"),
		      "input %d: %s", i, out);
		CHECK(!strstr(strstr(out, last[i]), "200 OK"), "nothing answered after the error");
	}
}

#define STASHED(c) ((c).stash_end - (c).stash_start)

/* Answers that pile up unsent stop the reading; sending lets it go on. */
static void back_pressure(void)
{
	/* alternating GET and HEAD: a new run for each answer */
	const char *two = "GET / HTTP/1.1\r\nHost: h\r\n\r\nHEAD / HTTP/1.1\r\nHost: h\r\n\r\n";
	size_t len = strlen(two), total = 0, out_len = 0;
	struct http_conn c = { 0 };
	char *in = malloc(HTTP_RECV_MAX);
	static char out[8 << 20];
	size_t extra = 0;
	int sent = 0, err = 0;

	CHECK(replies_init(14) == 0, "replies");
	while (total + len <= HTTP_RECV_MAX) {
		memcpy(in + total, two, len);
		total += len;
	}
	CHECK(http_conn_input(&c, in, total) == 0, "input");
	CHECK(!http_conn_wants_input(&c), "wants no more with %u runs queued", c.nruns);
	CHECK(c.nruns == HTTP_OUT_RUNS && STASHED(c) > 0, "%u runs, %u stashed", c.nruns,
	      STASHED(c));
	/* input it did not want but had to take (io_uring): kept up to HTTP_STASH_MAX */
	while (STASHED(c) + total <= HTTP_STASH_MAX && !err) {
		err = http_conn_input(&c, in, total);
		extra += total / len * 2;
	}
	CHECK(!err, "more input kept: %d", err);
	CHECK(http_conn_input(&c, in, total) == -ENOBUFS, "past HTTP_STASH_MAX: -ENOBUFS");
	drain(&c, out, &out_len, sizeof(out));
	sent = count(out, out_len, "200 OK");
	CHECK(sent == (int)(total / len * 2 + extra), "%d answers for %zu requests", sent,
	      total / len * 2 + extra);
	CHECK(http_conn_wants_input(&c) && !STASHED(c), "wants input again");
	http_conn_reset(&c);
	free(in);
}

/* A partial send leaves the rest of the answer, and the next, in order. */
static void partial_sends(void)
{
	const char *req = "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
	struct http_conn c = { 0 };
	struct iovec iov[HTTP_IOV_MAX];
	char out[1024], want[1024];
	size_t out_len = 0, want_len = 0;
	int n;

	CHECK(replies_init(14) == 0, "replies");
	CHECK(http_conn_input(&c, req, strlen(req)) == 0, "input");
	n = http_conn_output(&c, iov, HTTP_IOV_MAX);
	CHECK(n == 2, "%d iovecs", n);
	for (int i = 0; i < n; i++) {
		memcpy(want + want_len, iov[i].iov_base, iov[i].iov_len);
		want_len += iov[i].iov_len;
	}
	/* send 7 bytes at a time */
	while ((n = http_conn_output(&c, iov, HTTP_IOV_MAX))) {
		size_t k = iov[0].iov_len < 7 ? iov[0].iov_len : 7;

		memcpy(out + out_len, iov[0].iov_base, k);
		out_len += k;
		http_conn_sent(&c, k);
	}
	CHECK(out_len == want_len && !memcmp(out, want, want_len), "%zu of %zu bytes in order",
	      out_len, want_len);
	CHECK(!http_conn_finished(&c) && http_conn_wants_input(&c), "still open");
	http_conn_reset(&c);
}

static void replies_carry_their_length(void)
{
	struct http_request req = { .status = 200, .keep_alive = true };
	const struct iovec *r;
	size_t head;

	CHECK(replies_init(100000) == 0, "replies");
	r = reply_for(&req);
	head = (char *)memmem(r->iov_base, r->iov_len, "\r\n\r\n", 4) - (char *)r->iov_base + 4;
	CHECK(r->iov_len == head + 100000, "length %zu", r->iov_len);
	CHECK(memmem(r->iov_base, head, "Content-Length: 100000\r\n", 24), "Content-Length");
	CHECK(!memcmp((char *)r->iov_base + head, "Hello, World!\nHello", 19), "body");
	req.head = true;
	CHECK(reply_for(&req)->iov_len == head, "HEAD: the head only");
	req = (struct http_request){ .status = 405, .head = false };
	r = reply_for(&req);
	CHECK(memmem(r->iov_base, r->iov_len, "Allow: GET, HEAD\r\n", 18), "405 says Allow");
	CHECK(replies_init(0) == 0, "empty body");
	req = (struct http_request){ .status = 200 };
	r = reply_for(&req);
	CHECK(memmem(r->iov_base, r->iov_len, "Content-Length: 0\r\n", 19), "length 0");
}

static const struct test_case cases[] = {
	TEST(parses_get_and_head),
	TEST(keep_alive_rules),
	TEST(errors_by_the_rules),
	TEST(head_limit_is_8k),
	TEST(cut_at_every_byte),
	TEST(pipeline_in_any_split),
	TEST(errors_close_the_connection),
	TEST(back_pressure),
	TEST(partial_sends),
	TEST(replies_carry_their_length),
};

TEST_MAIN(cases)
