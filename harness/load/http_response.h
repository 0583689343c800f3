/* SPDX-License-Identifier: MIT */
/*
 * An incremental HTTP/1.x response parser for the load generator: it is
 * fed whatever recv() returned, keeps no bytes beyond the start of the
 * current line, and says when one response is complete. It reads the
 * status, Content-Length, Transfer-Encoding: chunked and Connection, and
 * skips everything else (bodies are counted, not kept).
 *
 * It reads what the clients people use read (Python's http.client under
 * Locust and requests, curl): a head whose lines end in a bare "\n", a
 * header line without a colon (skipped: a server echoing the request
 * after its status line), a head the close ends without its empty line.
 * Each such leniency is noted in `lenient`, since it changes what the
 * server costs; strict mode refuses what wrk refuses (the colonless line,
 * the head ended by the close).
 */
#ifndef WHYSERVE_HARNESS_HTTP_RESPONSE_H
#define WHYSERVE_HARNESS_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_RESPONSE_MAX_HEAD 65536 /* a longer head is a bad response */

enum http_response_status {
	HTTP_RESPONSE_BAD = -1, /* not HTTP, or broken framing */
	HTTP_RESPONSE_MORE = 0, /* all bytes used, response not complete */
	HTTP_RESPONSE_DONE = 1, /* one response complete */
};

/* what a response needed of the reader; in `lenient`, bit 1 << kind */
enum http_lenient {
	HTTP_LENIENT_BARE_LF,	    /* a head line ended in "\n" alone */
	HTTP_LENIENT_NO_COLON,	    /* a header line without a colon */
	HTTP_LENIENT_HEAD_AT_CLOSE, /* the close ended the head */
	HTTP_LENIENT_BODY_AT_CLOSE, /* no length, not chunked: the close ended it */
	HTTP_LENIENT_KINDS,
};

struct http_response_parser {
	uint8_t state;
	bool strict;	 /* refuse what wrk refuses */
	uint8_t lenient; /* 1 << enum http_lenient: what this response needed */
	bool close;	 /* the server closes the connection after this response */
	bool chunked;
	bool keep_alive; /* "Connection: keep-alive" (matters for HTTP/1.0) */
	bool http10;
	int status;
	int64_t content_length; /* -1: none */
	uint64_t remaining;	/* body or chunk bytes still to come */
	uint32_t head_bytes;
	uint16_t line_len; /* bytes of the current line kept in line[] */
	char line[94];	   /* a line's start: all the headers we read need */
};

/* For the next response; strict is kept from one response to the next. */
void http_response_parser_init(struct http_response_parser *p, bool strict);
/*
 * Feeds len bytes. *used is how many belong to this response: all of them
 * unless DONE came before the end of buf (what follows is the next one).
 */
int http_response_parse(struct http_response_parser *p, const char *buf, size_t len, size_t *used);
/* The peer closed: DONE if the close delimited the body (or, not strict,
 * the head), else BAD. */
int http_response_parse_eof(struct http_response_parser *p);

/* "body_at_close", ...: the JSON keys */
const char *http_lenient_name(enum http_lenient kind);
/* "responses delimited by close, not by length", ...: for people */
const char *http_lenient_label(enum http_lenient kind);

#endif
