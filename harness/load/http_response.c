// SPDX-License-Identifier: MIT
#include "harness/load/http_response.h"

#include <string.h>
#include <strings.h>

enum state {
	S_STATUS_LINE,
	S_HEADER,
	S_BODY,
	S_BODY_UNTIL_CLOSE,
	S_CHUNK_SIZE,
	S_CHUNK_DATA,
	S_CHUNK_END, /* the CRLF after a chunk's data */
	S_TRAILER,
	S_DONE,
};

void http_response_parser_init(struct http_response_parser *p, bool strict)
{
	p->state = S_STATUS_LINE;
	p->strict = strict;
	p->lenient = 0;
	p->close = p->chunked = p->keep_alive = p->http10 = false;
	p->status = 0;
	p->content_length = -1;
	p->remaining = 0;
	p->head_bytes = 0;
	p->line_len = 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/1.1 200 OK" */
static int status_line(struct http_response_parser *p, const char *l, size_t n)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) || !is_digit(l[7]) || l[8] != ' ' ||
	    !is_digit(l[9]) || !is_digit(l[10]) || !is_digit(l[11]) || (n > 12 && l[12] != ' '))
		return HTTP_RESPONSE_BAD;
	p->http10 = l[7] == '0';
	p->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (p->status < 100 || p->status > 599)
		return HTTP_RESPONSE_BAD;
	p->state = S_HEADER;
	return HTTP_RESPONSE_MORE;
}

/* Does the comma-separated list v (n bytes) hold token tok? */
static bool has_token(const char *v, size_t n, const char *tok)
{
	size_t tn = strlen(tok);

	for (size_t i = 0; i + tn <= n; i++)
		if (!strncasecmp(v + i, tok, tn) &&
		    (i == 0 || v[i - 1] == ',' || v[i - 1] == ' ' || v[i - 1] == '\t') &&
		    (i + tn == n || v[i + tn] == ',' || v[i + tn] == ' ' || v[i + tn] == ';' ||
		     v[i + tn] == '\t'))
			return true;
	return false;
}

static int header_line(struct http_response_parser *p, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n), *v;
	size_t name_len, vn;

	if (!colon && n >= sizeof(p->line) - 1)
		return HTTP_RESPONSE_MORE; /* a long line we kept only the start of */
	if (!colon || colon == l) {
		if (p->strict)
			return HTTP_RESPONSE_BAD;
		p->lenient |= 1 << HTTP_LENIENT_NO_COLON; /* skipped, as http.client does */
		return HTTP_RESPONSE_MORE;
	}
	name_len = colon - l;
	v = colon + 1;
	vn = l + n - v;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;

	if (name_len == 14 && !strncasecmp(l, "Content-Length", 14)) {
		int64_t cl = 0;

		if (!vn)
			return HTTP_RESPONSE_BAD;
		for (size_t i = 0; i < vn; i++) {
			if (!is_digit(v[i]) || cl > (INT64_MAX - 9) / 10)
				return HTTP_RESPONSE_BAD;
			cl = cl * 10 + (v[i] - '0');
		}
		if (p->content_length >= 0 && p->content_length != cl)
			return HTTP_RESPONSE_BAD;
		p->content_length = cl;
	} else if (name_len == 17 && !strncasecmp(l, "Transfer-Encoding", 17)) {
		p->chunked = has_token(v, vn, "chunked");
	} else if (name_len == 10 && !strncasecmp(l, "Connection", 10)) {
		if (has_token(v, vn, "close"))
			p->close = true;
		if (has_token(v, vn, "keep-alive"))
			p->keep_alive = true;
	}
	return HTTP_RESPONSE_MORE;
}

/* The empty line after the headers: how is the body delimited? */
static int end_of_head(struct http_response_parser *p)
{
	if (p->http10 && !p->keep_alive)
		p->close = true;
	if (p->status < 200) {
		if (p->status == 101)
			return HTTP_RESPONSE_BAD; /* no upgrades here */
		uint8_t lenient = p->lenient;	  /* what the 1xx needed, the response needed */

		http_response_parser_init(p, p->strict); /* 1xx: the real one follows */
		p->lenient = lenient;
		return HTTP_RESPONSE_MORE;
	}
	if (p->status == 204 || p->status == 304) {
		p->state = S_DONE;
	} else if (p->chunked) {
		p->state = S_CHUNK_SIZE;
	} else if (p->content_length >= 0) {
		p->remaining = p->content_length;
		p->state = p->remaining ? S_BODY : S_DONE;
	} else {
		p->close = true;
		p->lenient |= 1 << HTTP_LENIENT_BODY_AT_CLOSE;
		p->state = S_BODY_UNTIL_CLOSE;
	}
	return p->state == S_DONE ? HTTP_RESPONSE_DONE : HTTP_RESPONSE_MORE;
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "1a3;ext=1" */
static int chunk_size_line(struct http_response_parser *p, const char *l, size_t n)
{
	uint64_t size = 0;
	size_t i = 0;
	int d;

	for (; i < n && (d = hex_value(l[i])) >= 0; i++) {
		if (size >> 59)
			return HTTP_RESPONSE_BAD;
		size = size << 4 | d;
	}
	if (i == 0 || (i < n && l[i] != ';' && l[i] != ' ' && l[i] != '\t'))
		return HTTP_RESPONSE_BAD;
	p->remaining = size;
	p->state = size ? S_CHUNK_DATA : S_TRAILER;
	return HTTP_RESPONSE_MORE;
}

/* A complete line (without CRLF; maybe truncated to sizeof(line)). */
static int line(struct http_response_parser *p, const char *l, size_t n)
{
	switch (p->state) {
	case S_STATUS_LINE:
		return status_line(p, l, n);
	case S_HEADER:
		return n ? header_line(p, l, n) : end_of_head(p);
	case S_CHUNK_SIZE:
		return chunk_size_line(p, l, n);
	case S_CHUNK_END:
		if (n)
			return HTTP_RESPONSE_BAD;
		p->state = S_CHUNK_SIZE;
		return HTTP_RESPONSE_MORE;
	case S_TRAILER:
		if (n)
			return HTTP_RESPONSE_MORE;
		p->state = S_DONE;
		return HTTP_RESPONSE_DONE;
	}
	return HTTP_RESPONSE_BAD;
}

static bool in_head(const struct http_response_parser *p)
{
	return p->state == S_STATUS_LINE || p->state == S_HEADER;
}

int http_response_parse(struct http_response_parser *p, const char *buf, size_t len, size_t *used)
{
	size_t i = 0;
	int r;

	while (i < len) {
		if (p->state == S_DONE) {
			*used = i;
			return HTTP_RESPONSE_DONE;
		}
		if (p->state == S_BODY || p->state == S_CHUNK_DATA) {
			size_t n = len - i < p->remaining ? len - i : p->remaining;

			i += n;
			p->remaining -= n;
			if (!p->remaining) {
				if (p->state == S_CHUNK_DATA) {
					p->state = S_CHUNK_END;
				} else {
					p->state = S_DONE;
					*used = i;
					return HTTP_RESPONSE_DONE;
				}
			}
			continue;
		}
		if (p->state == S_BODY_UNTIL_CLOSE) {
			i = len;
			break;
		}

		/* a line: keep its start, act on it at its '\n' */
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t seg = (nl ? (size_t)(nl - buf) : len) - i;
		size_t room = sizeof(p->line) - p->line_len;
		size_t n;

		memcpy(p->line + p->line_len, buf + i, seg < room ? seg : room);
		p->line_len += seg < room ? seg : room;
		if (in_head(p) && (p->head_bytes += seg + !!nl) > HTTP_RESPONSE_MAX_HEAD)
			return HTTP_RESPONSE_BAD;
		i += seg;
		if (!nl)
			break;
		i++; /* the '\n' */
		n = p->line_len;
		if (n && p->line[n - 1] == '\r')
			n--;
		else if (in_head(p))
			p->lenient |= 1 << HTTP_LENIENT_BARE_LF;
		p->line_len = 0;
		r = line(p, p->line, n);
		if (r == HTTP_RESPONSE_BAD)
			return r;
		if (r == HTTP_RESPONSE_DONE) {
			*used = i;
			return r;
		}
	}
	*used = len;
	if (p->state == S_DONE)
		return HTTP_RESPONSE_DONE;
	return HTTP_RESPONSE_MORE;
}

/* The close came in the headers: the head ends there, its last line too
 * (http.client and curl read "HTTP/1.1 200 OK\r\n" and a close as a 200
 * without a body). */
static int head_at_close(struct http_response_parser *p)
{
	size_t n = p->line_len;

	if (p->strict)
		return HTTP_RESPONSE_BAD;
	p->line_len = 0;
	if (n && p->line[n - 1] == '\r')
		n--;
	if (n && header_line(p, p->line, n) == HTTP_RESPONSE_BAD)
		return HTTP_RESPONSE_BAD;
	end_of_head(p);
	/* an upgrade, a 1xx and no more, or a body announced and never sent */
	if (p->state != S_DONE && p->state != S_BODY_UNTIL_CLOSE)
		return HTTP_RESPONSE_BAD;
	p->lenient |= 1 << HTTP_LENIENT_HEAD_AT_CLOSE;
	p->lenient &= ~(1 << HTTP_LENIENT_BODY_AT_CLOSE); /* there was no body to delimit */
	p->close = true;
	p->state = S_DONE;
	return HTTP_RESPONSE_DONE;
}

int http_response_parse_eof(struct http_response_parser *p)
{
	if (p->state == S_HEADER)
		return head_at_close(p);
	if (p->state == S_BODY_UNTIL_CLOSE || p->state == S_DONE) {
		p->state = S_DONE;
		return HTTP_RESPONSE_DONE;
	}
	return HTTP_RESPONSE_BAD;
}

static const char *const lenient_names[HTTP_LENIENT_KINDS][2] = {
	{ "bare_lf", "responses whose head lines end in a bare \\n" },
	{ "no_colon", "responses with a header line without a colon (skipped)" },
	{ "head_at_close", "responses whose head the close ended (no empty line)" },
	{ "body_at_close", "responses delimited by close, not by length" },
};

const char *http_lenient_name(enum http_lenient kind)
{
	return (unsigned)kind < HTTP_LENIENT_KINDS ? lenient_names[kind][0] : "?";
}

const char *http_lenient_label(enum http_lenient kind)
{
	return (unsigned)kind < HTTP_LENIENT_KINDS ? lenient_names[kind][1] : "?";
}
