// SPDX-License-Identifier: MIT
/* The load generator's incremental HTTP response parser. */
#include "harness/load/http_response.h"
#include "tests/lib/check.h"

#include <stdio.h>
#include <string.h>

/* Feeds s in pieces of `step` bytes; returns the result, *used the bytes of
 * the first response. */
static int feed(struct http_response_parser *p, const char *s, size_t step, size_t *total)
{
	size_t len = strlen(s), off = 0, used;
	int r = HTTP_RESPONSE_MORE;

	http_response_parser_init(p);
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

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(feed(&p, bad[i], 3, &used) == HTTP_RESPONSE_BAD, "bad: %s", bad[i]);
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
};

TEST_MAIN(cases)
