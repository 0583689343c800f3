// SPDX-License-Identifier: MIT
#include "servers/common/reply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OK_KEEP_ALIVE,
	OK_CLOSE,
	BAD_REQUEST,
	NOT_ALLOWED,
	TIMEOUT,
	TOO_LARGE,
	BAD_VERSION,
	NREPLIES
};

/* [kind][0]: head and body, [kind][1]: head only (HEAD requests) */
static struct iovec replies[NREPLIES][2];

static int build(int kind, const char *status, const char *extra, const char *body, size_t body_len)
{
	char head[256];
	int n;
	char *buf;

	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %s\r\n"
		     "Server: whyserve\r\n"
		     "Content-Type: text/plain\r\n"
		     "Content-Length: %zu\r\n"
		     "%s"
		     "\r\n",
		     status, body_len, extra);
	buf = malloc(n + body_len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, head, n);
	memcpy(buf + n, body, body_len);
	replies[kind][0] = (struct iovec){ buf, n + body_len };
	replies[kind][1] = (struct iovec){ buf, n };
	return 0;
}

/* an error answer: its body is its reason phrase; it closes the connection */
static int build_error(int kind, const char *status, const char *extra)
{
	char body[64], hdrs[64];
	int n = snprintf(body, sizeof(body), "%s\n", status + 4);

	snprintf(hdrs, sizeof(hdrs), "%sConnection: close\r\n", extra);
	return build(kind, status, hdrs, body, n);
}

int replies_init(size_t body_bytes)
{
	const char *line = REPLY_BODY_DEFAULT;
	size_t line_len = strlen(line);
	char *body = malloc(body_bytes + 1);
	int err;

	if (!body)
		return -ENOMEM;
	for (size_t i = 0; i < body_bytes; i++)
		body[i] = line[i % line_len];
	err = build(OK_KEEP_ALIVE, "200 OK", "Connection: keep-alive\r\n", body, body_bytes);
	if (!err)
		err = build(OK_CLOSE, "200 OK", "Connection: close\r\n", body, body_bytes);
	free(body);
	if (!err)
		err = build_error(BAD_REQUEST, "400 Bad Request", "");
	if (!err)
		err = build_error(NOT_ALLOWED, "405 Method Not Allowed", "Allow: GET, HEAD\r\n");
	if (!err)
		err = build_error(TIMEOUT, "408 Request Timeout", "");
	if (!err)
		err = build_error(TOO_LARGE, "431 Request Header Fields Too Large", "");
	if (!err)
		err = build_error(BAD_VERSION, "505 HTTP Version Not Supported", "");
	return err;
}

const struct iovec *reply_for(const struct http_request *req)
{
	int kind;

	switch (req->status) {
	case 200:
		kind = req->keep_alive ? OK_KEEP_ALIVE : OK_CLOSE;
		break;
	case 405:
		kind = NOT_ALLOWED;
		break;
	case 408:
		kind = TIMEOUT;
		break;
	case 431:
		kind = TOO_LARGE;
		break;
	case 505:
		kind = BAD_VERSION;
		break;
	default:
		kind = BAD_REQUEST;
	}
	return &replies[kind][req->head];
}
