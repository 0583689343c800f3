// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the load generator's response parser
 * (harness/load/http_response.c), fed a stream of responses one after the
 * other, then the peer's close. Besides no crash, leak or UB: each
 * response's result, status, bytes and close do not depend on how the
 * bytes were split into reads.
 */
#include "harness/load/http_response.h"
#include "tests/fuzz/split.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const fields[ANSWER_FIELDS] = {
	"result", "at_eof", "status", "bytes", "close",
};

static void answer(struct answers *out, int r, bool at_eof, const struct http_response_parser *p,
		   size_t bytes)
{
	answers_add(out, (uint64_t[ANSWER_FIELDS]){ r, at_eof, p->status, bytes, p->close });
}

static void feed(const struct iovec *pieces, int npieces, struct answers *out)
{
	struct http_response_parser p;
	size_t bytes = 0; /* of the response being parsed */

	http_response_parser_init(&p);
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
				http_response_parser_init(&p);
				bytes = 0;
			}
		}
	}
	if (bytes)
		answer(out, http_response_parse_eof(&p), true, &p, bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	split_check(data, size, feed, fields);
	return 0;
}
