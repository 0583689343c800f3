// SPDX-License-Identifier: MIT
/* The load generator's incremental HTTP response parser. */
#include "harness/load/http_response.h"
#include "tests/lib/check.h"

#include <stdio.h>
#include <string.h>

/* Feeds s in pieces of `step` bytes; returns the result, *used the bytes of
 * the first response. */
static int feed_as(bool strict, struct http_response_parser *p, const char *s, size_t step,
		   size_t *total)
{
	size_t len = strlen(s), off = 0, used;
	int r = HTTP_RESPONSE_MORE;

	http_response_parser_init(p, strict);
	while (off < len) {
		size_t n = len - off < step ? len - off : step;

		r = http_response_parse(p, s + off, n, &used);
		if (r == HTTP_RESPONSE_BAD)
			break;
		off += used;
		if (r == HTTP_RESPONSE_DONE)
			break;
	}
	*total = off;
	return r;
}

/* as wrk reads (--strict): what every case but the lenient ones checks */
static int feed(struct http_response_parser *p, const char *s, size_t step, size_t *total)
{
	return feed_as(true, p, s, step, total);
}

/* the same response must parse the same however it is split */
static void every_split(const char *s, int want, size_t want_used, const char *what)
{
	struct http_response_parser p;
	size_t used;

	for (size_t step = 1; step <= strlen(s); step++) {
		int r = feed(&p, s, step, &used);

		if (!CHECK(r == want && (want != HTTP_RESPONSE_DONE || used == want_used),
			   "%s in %zu-byte pieces: result %d used %zu", what, step, r, used))
			return;
	}
}

static void content_length(void)
{
	const char *s = "HTTP/1.1 200 OK\r\nServer: x\r\ncontent-length: 5\r\n\r\nhello";
	struct http_response_parser p;
	size_t used;

	every_split(s, HTTP_RESPONSE_DONE, strlen(s), "content-length");
	feed(&p, s, 1000, &used);
	CHECK(p.status == 200 && !p.close && p.content_length == 5, "status %d", p.status);
}

static void chunked_with_extensions_and_trailers(void)
{
	const char *s = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
			"5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n"
			"Trailer: yes\r\n\r\n";

	every_split(s, HTTP_RESPONSE_DONE, strlen(s), "chunked");
}

static void body_until_close(void)
{
	const char *s = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body";
	struct http_response_parser p;
	size_t used;

	CHECK(feed(&p, s, 7, &used) == HTTP_RESPONSE_MORE, "needs the close");
	CHECK(p.close, "closes");
	CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_DONE, "done at EOF");
	feed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nsome", 100, &used);
	CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_BAD, "truncated at EOF");
}

static void connection_close_and_http10(void)
{
	struct http_response_parser p;
	size_t used;

	feed(&p, "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", 100, &used);
	CHECK(p.close, "Connection: close");
	feed(&p, "HTTP/1.1 200 OK\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 0\r\n\r\n",
	     100, &used);
	CHECK(!p.close, "keep-alive");
	feed(&p, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 100, &used);
	CHECK(p.close, "HTTP/1.0 closes by default");
	feed(&p, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 100,
	     &used);
	CHECK(!p.close, "HTTP/1.0 keep-alive");
}

static void no_body_statuses_and_1xx(void)
{
	const char *s = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
	struct http_response_parser p;
	size_t used;

	every_split(s, HTTP_RESPONSE_DONE, strlen(s), "100 then 204");
	feed(&p, s, 100, &used);
	CHECK(p.status == 204, "status %d", p.status);
	feed(&p, "HTTP/1.1 304 Not Modified\nContent-Length: 10\n\n", 100, &used);
	CHECK(p.status == 304, "304, bare LF lines");
}

static void back_to_back_responses(void)
{
	const char *one = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\nabc";
	char two[256];

	snprintf(two, sizeof(two), "%sHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", one);
	every_split(two, HTTP_RESPONSE_DONE, strlen(one), "the first of two");
}

static void bad_responses(void)
{
	static const char *const bad[] = {
		"this is not HTTP\r\n\r\n",
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 700 Odd\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
		"HTTP/1.1 101 Switching Protocols\r\n\r\n",
	};
	struct http_response_parser p;
	size_t used;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(feed(&p, bad[i], 3, &used) == HTTP_RESPONSE_BAD, "bad: %s", bad[i]);
		/* the colonless line is the one leniency among them */
		if (!strstr(bad[i], "no colon"))
			CHECK(feed_as(false, &p, bad[i], 3, &used) == HTTP_RESPONSE_BAD,
			      "bad, not strict: %s", bad[i]);
	}
}

/* Seed 000's single-process server: its status line, then the request
 * echoed, then the close. http.client reads a 200 with an empty body. */
static void colonless_line_skipped(void)
{
	const char *s = "HTTP/1.1 200 OK\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	struct http_response_parser p;
	size_t used;

	int r = feed_as(false, &p, s, 5, &used);

	CHECK(r == HTTP_RESPONSE_MORE && used == strlen(s), "read to the end of the head: used %zu",
	      used);
	CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_DONE && p.status == 200 && p.close,
	      "a 200 at the close");
	CHECK(p.lenient == (1 << HTTP_LENIENT_NO_COLON | 1 << HTTP_LENIENT_BODY_AT_CLOSE),
	      "lenient %#x", p.lenient);
	CHECK(feed(&p, s, 5, &used) == HTTP_RESPONSE_BAD, "strict: bad");
}

/* Seed 000's multi-process server: the status line alone, then the close. */
static void head_ended_by_close(void)
{
	static const char *const heads[] = { "HTTP/1.1 200 OK\r\n",
					     "HTTP/1.1 200 OK\r\nX: y\r\nServer: z",
					     "HTTP/1.1 204 No Content\r\n" };
	struct http_response_parser p;
	size_t used;

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		feed_as(false, &p, heads[i], 4, &used);
		CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_DONE && p.close &&
			      p.lenient == 1 << HTTP_LENIENT_HEAD_AT_CLOSE,
		      "%s: done at the close, lenient %#x", heads[i], p.lenient);
		feed(&p, heads[i], 4, &used);
		CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_BAD, "strict: %s", heads[i]);
	}
	/* a body announced and never sent stays an error */
	feed_as(false, &p, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", 4, &used);
	CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_BAD, "length announced");
	feed_as(false, &p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", 4, &used);
	CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_BAD, "chunks announced");
	feed_as(false, &p, "HTTP/1.1 100 Continue\r\n", 4, &used);
	CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_BAD, "a 1xx only");
	feed_as(false, &p, "HTTP/1.1 20", 4, &used);
	CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_BAD, "no status line");
}

/* Seed 001's servers: bare "\n" line ends; noted in both modes, refused in none */
static void bare_lf_noted(void)
{
	const char *s = "HTTP/1.1 200 OK\nContent-Type: text/html\n\nGET / HTTP/1.1\r\n\r\n";
	struct http_response_parser p;
	size_t used;

	for (int strict = 0; strict < 2; strict++) {
		feed_as(strict, &p, s, 3, &used);
		CHECK(http_response_parse_eof(&p) == HTTP_RESPONSE_DONE &&
			      p.lenient ==
				      (1 << HTTP_LENIENT_BARE_LF | 1 << HTTP_LENIENT_BODY_AT_CLOSE),
		      "strict %d: lenient %#x", strict, p.lenient);
	}
	feed_as(false, &p, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 3, &used);
	CHECK(p.lenient == 0, "a plain response needs nothing: %#x", p.lenient);
}

static void long_and_oversized_heads(void)
{
	static char s[HTTP_RESPONSE_MAX_HEAD + 512];
	struct http_response_parser p;
	size_t used, n;

	/* a long header line is fine: only the start of a line is kept */
	n = snprintf(s, sizeof(s), "HTTP/1.1 200 OK\r\nX-Long: ");
	memset(s + n, 'a', 5000);
	snprintf(s + n + 5000, sizeof(s) - n - 5000, "\r\nContent-Length: 2\r\n\r\nok");
	CHECK(feed(&p, s, 1000, &used) == HTTP_RESPONSE_DONE && used == strlen(s), "long line");
	/* a head past the limit is not */
	n = snprintf(s, sizeof(s), "HTTP/1.1 200 OK\r\n");
	while (n < HTTP_RESPONSE_MAX_HEAD + 100)
		n += snprintf(s + n, sizeof(s) - n, "X-Pad: aaaaaaaaaaaaaaaa\r\n");
	CHECK(feed(&p, s, 4096, &used) == HTTP_RESPONSE_BAD, "oversized head");
}

static const struct test_case cases[] = {
	TEST(content_length),
	TEST(chunked_with_extensions_and_trailers),
	TEST(body_until_close),
	TEST(connection_close_and_http10),
	TEST(no_body_statuses_and_1xx),
	TEST(back_to_back_responses),
	TEST(bad_responses),
	TEST(long_and_oversized_heads),
	TEST(colonless_line_skipped),
	TEST(head_ended_by_close),
	TEST(bare_lf_noted),
};

TEST_MAIN(cases)
