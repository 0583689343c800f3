// SPDX-License-Identifier: MIT
/*
 * Request heads, strictly by RFC 9112: request-line = method SP target SP
 * HTTP-version; each field "name: value"; lines end in CRLF (a bare LF is
 * accepted, as section 2.2 allows). What the server needs from the fields:
 * Connection (keep-alive or close), Content-Length (body bytes to skip),
 * Host (required by HTTP/1.1), Transfer-Encoding (bodies we cannot frame).
 */
#include "servers/common/http.h"

#include <string.h>
#include <strings.h>

/* what the fields said, checked once the head is complete */
struct fields {
	int version; /* 10, 11, or 0: well formed but not HTTP/1.0 or 1.1 */
	bool get, head;
	int hosts;
	bool has_length, chunked, conn_close, conn_keep_alive;
	uint64_t length;
};

/* tchar (RFC 9110 5.6.2): what methods and field names are made of */
static bool is_tchar(unsigned char c)
{
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return true;
	if (c >= '0' && c <= '9')
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

/* field-value characters: anything but controls, except HTAB */
static bool is_vchar_or_ws(unsigned char c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

static bool token_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && !strncasecmp(s, word, n);
}

/* Connection: a comma-separated list of options (RFC 9110 7.6.1) */
static void parse_connection(const char *v, size_t n, struct fields *f)
{
	while (n) {
		size_t len = 0, end;

		while (len < n && v[len] != ',')
			len++;
		end = len;
		while (end && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (token_is(v, end, "close"))
			f->conn_close = true;
		else if (token_is(v, end, "keep-alive"))
			f->conn_keep_alive = true;
		if (len < n)
			len++; /* the comma */
		v += len;
		n -= len;
		while (n && (*v == ' ' || *v == '\t')) {
			v++;
			n--;
		}
	}
}

/* 1*DIGIT; a repeated Content-Length must repeat the same value */
static int parse_length(const char *v, size_t n, struct fields *f)
{
	uint64_t len = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || len > (UINT64_MAX >> 4))
			return -1;
		len = len * 10 + (v[i] - '0');
	}
	if (f->has_length && f->length != len)
		return -1;
	f->has_length = true;
	f->length = len;
	return 0;
}

/* "name: value" (n bytes, line ending removed); -1 when malformed */
static int parse_field(const char *line, size_t n, struct fields *f)
{
	size_t name = 0, v, end = n;

	while (name < n && is_tchar(line[name]))
		name++;
	/* no whitespace between name and colon, no obs-fold (RFC 9112 5.1, 5.2) */
	if (!name || name == n || line[name] != ':')
		return -1;
	for (size_t i = name + 1; i < n; i++)
		if (!is_vchar_or_ws(line[i]))
			return -1;
	v = name + 1;
	while (v < end && (line[v] == ' ' || line[v] == '\t'))
		v++;
	while (end > v && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;

	if (token_is(line, name, "host"))
		f->hosts++;
	else if (token_is(line, name, "connection"))
		parse_connection(line + v, end - v, f);
	else if (token_is(line, name, "content-length"))
		return parse_length(line + v, end - v, f);
	else if (token_is(line, name, "transfer-encoding"))
		f->chunked = true;
	return 0;
}

/* method SP request-target SP HTTP-version; -1 when malformed */
static int parse_request_line(const char *line, size_t n, struct fields *f)
{
	size_t m = 0, t;
	const char *v;

	while (m < n && is_tchar(line[m]))
		m++;
	if (!m || m == n || line[m] != ' ')
		return -1;
	/* methods are case-sensitive */
	f->get = m == 3 && !memcmp(line, "GET", 3);
	f->head = m == 4 && !memcmp(line, "HEAD", 4);
	t = m + 1;
	while (t < n && (unsigned char)line[t] > ' ' && line[t] != 0x7f)
		t++;
	if (t == m + 1 || t == n || line[t] != ' ')
		return -1;
	v = line + t + 1;
	if (n - t - 1 != 8 || memcmp(v, "HTTP/", 5) || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
	    v[7] < '0' || v[7] > '9')
		return -1;
	if (v[5] == '1' && (v[7] == '0' || v[7] == '1'))
		f->version = v[7] == '1' ? 11 : 10;
	return 0;
}

/* While the request line is incomplete, a method with a byte no method can
 * have (binary garbage, a TLS hello) is refused at once. */
static bool cannot_be_method(const char *buf, size_t len)
{
	for (size_t i = 0; i < len && buf[i] != ' '; i++)
		if (!is_tchar(buf[i]))
			return true;
	return false;
}

static size_t answer(struct http_request *req, int status, size_t len)
{
	req->status = status;
	req->keep_alive = false;
	return len;
}

size_t http_parse(const char *buf, size_t len, struct http_request *req)
{
	size_t limit = len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD;
	struct fields f = { 0 };
	size_t pos = 0;
	bool first = true;

	*req = (struct http_request){ .status = 200 };
	while (pos < limit && (buf[pos] == '\r' || buf[pos] == '\n'))
		pos++;
	for (;;) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', limit - pos);
		size_t n;

		if (!nl) {
			/* garbage is a 400 however many of its bytes have come */
			if (first && cannot_be_method(line, limit - pos))
				return answer(req, 400, limit);
			if (len >= HTTP_MAX_HEAD)
				return answer(req, 431, HTTP_MAX_HEAD);
			return 0;
		}
		n = nl - line;
		pos += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (memchr(line, '\r', n)) /* a bare CR */
			return answer(req, 400, pos);
		if (first) {
			if (parse_request_line(line, n, &f))
				return answer(req, 400, pos);
			req->head = f.head; /* even an error answer has no body then */
			first = false;
			continue;
		}
		if (!n)
			break; /* the blank line: the head is complete */
		if (parse_field(line, n, &f))
			return answer(req, 400, pos);
	}

	if (!f.version)
		return answer(req, 505, pos);
	if ((f.version == 11 && f.hosts != 1) || f.hosts > 1 || f.chunked)
		return answer(req, 400, pos);
	if (!f.get && !f.head)
		return answer(req, 405, pos);
	req->body_len = f.length;
	req->keep_alive = f.version == 11 ? !f.conn_close : f.conn_keep_alive && !f.conn_close;
	return pos;
}
