// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the load generator's response parser
 * (harness/load/http_response.c), fed a stream of responses one after the
 * other, then the peer's close, strict (as wrk reads) and not (as
 * http.client reads). Besides no crash, leak or UB: in each mode, each
 * response's result, status, bytes, close and leniencies do not depend on
 * how the bytes were split into reads; strict notes no leniency it refuses;
 * and the lenient reading agrees with the strict one on every response the
 * strict one took, taking more only with a leniency it names.
 */
#include "harness/load/http_response.h"
#include "tests/fuzz/split.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	F_RESULT,
	F_AT_EOF,
	F_STATUS,
	F_BYTES,
	F_CLOSE_LENIENT
};

static const char *const fields[ANSWER_FIELDS] = {
	"result", "at_eof", "status", "bytes", "close | lenient << 1",
};

/* the leniencies strict refuses */
#define REFUSED_STRICT (1 << HTTP_LENIENT_NO_COLON | 1 << HTTP_LENIENT_HEAD_AT_CLOSE)

static bool strict; /* the mode feed() parses in (feed_fn has no argument for it) */

static void answer(struct answers *out, int r, bool at_eof, const struct http_response_parser *p,
		   size_t bytes)
{
	answers_add(out, (uint64_t[ANSWER_FIELDS]){ r, at_eof, p->status, bytes,
						    p->close | (uint64_t)p->lenient << 1 });
}

static void feed(const struct iovec *pieces, int npieces, struct answers *out)
{
	struct http_response_parser p;
	size_t bytes = 0; /* of the response being parsed */

	http_response_parser_init(&p, strict);
	for (int i = 0; i < npieces; i++) {
		const char *buf = pieces[i].iov_base;
		size_t len = pieces[i].iov_len;

		while (len) {
			size_t used = 0;
			int r = http_response_parse(&p, buf, len, &used);

			if (r == HTTP_RESPONSE_BAD) {
				answer(out, r, false, &p, 0); /* used is not set: no bytes */
				return;
			}
			/* all of buf is used unless a response ended in it, and none ends empty */
			if ((r == HTTP_RESPONSE_MORE && used != len) ||
			    (r == HTTP_RESPONSE_DONE && (!used || used > len))) {
				fprintf(stderr, "http_response_parse: result %d used %zu of %zu\n",
					r, used, len);
				abort();
			}
			bytes += used;
			buf += used;
			len -= used;
			if (r == HTTP_RESPONSE_DONE) {
				answer(out, r, false, &p, bytes);
				http_response_parser_init(&p, strict);
				bytes = 0;
			}
		}
	}
	if (bytes)
		answer(out, http_response_parse_eof(&p), true, &p, bytes);
}

static void fail(const char *what, size_t i, const uint64_t *s, const uint64_t *l)
{
	fprintf(stderr, "response %zu: %s\n  strict ", i, what);
	for (int k = 0; k < ANSWER_FIELDS; k++)
		fprintf(stderr, " %s %llu", fields[k], (unsigned long long)s[k]);
	fprintf(stderr, "\n  lenient");
	for (int k = 0; l && k < ANSWER_FIELDS; k++)
		fprintf(stderr, " %s %llu", fields[k], (unsigned long long)l[k]);
	fputc('\n', stderr);
	abort();
}

/* The two readings of the whole stream, response by response. */
static void compare_modes(const uint8_t *data, size_t size)
{
	struct answers s = { 0 }, l = { 0 };
	struct iovec whole;

	if (size < 2)
		return;
	whole = (struct iovec){ malloc(size - 2 ? size - 2 : 1), size - 2 };
	if (!whole.iov_base)
		abort();
	memcpy(whole.iov_base, data + 2, size - 2);
	strict = true;
	feed(&whole, 1, &s);
	strict = false;
	feed(&whole, 1, &l);
	for (size_t i = 0; i < s.n; i++) {
		const uint64_t *a = s.v[i], *b = i < l.n ? l.v[i] : NULL;

		if (a[F_CLOSE_LENIENT] >> 1 & REFUSED_STRICT)
			fail("strict took a leniency it refuses", i, a, b);
		if (!b)
			fail("lenient gave fewer answers", i, a, b);
		if (a[F_RESULT] == (uint64_t)HTTP_RESPONSE_DONE) {
			if (memcmp(a, b, sizeof(s.v[0])))
				fail("a response strict took, read otherwise", i, a, b);
		} else if (b[F_RESULT] == (uint64_t)HTTP_RESPONSE_DONE &&
			   !(b[F_CLOSE_LENIENT] >> 1 & REFUSED_STRICT)) {
			fail("lenient took what strict refused, naming no leniency", i, a, b);
		}
	}
	free(whole.iov_base);
	free(s.v);
	free(l.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	strict = true;
	split_check(data, size, feed, fields);
	strict = false;
	split_check(data, size, feed, fields);
	compare_modes(data, size);
	return 0;
}
