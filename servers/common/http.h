/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.1 request heads (RFC 9112): framing and the few fields a server
 * that answers every GET with the same body needs. No allocation, no state:
 * the caller hands in the bytes it has, from the start of a request.
 */
#ifndef WHYSERVE_HTTP_H
#define WHYSERVE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Request line and headers, up to and including the blank line. */
#define HTTP_MAX_HEAD 8192

struct http_request {
	int status;	   /* 200, or the error to answer with (then close) */
	bool head;	   /* HEAD: the answer carries no body */
	bool keep_alive;   /* another request may follow on the connection */
	uint64_t body_len; /* Content-Length: body bytes after the head */
};

/*
 * Parses the request head at the start of buf. Returns 0 while more bytes
 * are needed, or the length of the head once it is complete, with *req
 * filled in. A request that cannot be valid whatever follows is complete
 * at once, with req->status 400; one whose head outgrows HTTP_MAX_HEAD
 * gets 431. Empty lines before the request line are skipped (RFC 9112 2.2).
 */
size_t http_parse(const char *buf, size_t len, struct http_request *req);

#endif
