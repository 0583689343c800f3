// SPDX-License-Identifier: MIT
#include "harness/load/load_target.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* Printable, no spaces: nothing that could end the request line early. */
static bool clean(const char *s, bool spaces_ok)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || (*s == ' ' && !spaces_ok))
			return false;
	return true;
}

/* "Name: value": a name of token characters (RFC 9110), then a colon */
static bool header_line(const char *h)
{
	const char *colon = strchr(h, ':');

	if (!colon || colon == h)
		return false;
	for (const char *c = h; c < colon; c++)
		if (!isalnum((unsigned char)*c) && !strchr("!#$%&'*+-.^_`|~", *c))
			return false;
	return clean(colon, true);
}

static bool header_named(const char *h, const char *name)
{
	size_t n = strlen(name);

	return !strncasecmp(h, name, n) && h[n] == ':';
}

static int resolve(struct load_target *t, const char *host, int port, bool any_address, char *err,
		   size_t errlen)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&t->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t->addr;
	static const char why[] = "harness load only targets loopback "
				  "(127.0.0.0/8, ::1, localhost)";

	memset(&t->addr, 0, sizeof(t->addr));
	if (!strcasecmp(host, "localhost"))
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		if (!any_address && (ntohl(in->sin_addr.s_addr) >> 24) != 127)
			return fail(err, errlen, -EPERM, "refusing to load %s: %s", host, why);
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		t->addrlen = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		const struct in6_addr *a = &in6->sin6_addr;

		if (!any_address && !IN6_IS_ADDR_LOOPBACK(a) &&
		    !(IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127))
			return fail(err, errlen, -EPERM, "refusing to load %s: %s", host, why);
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		t->addrlen = sizeof(*in6);
		return 0;
	}
	/* names are not resolved: that could lead anywhere */
	return fail(err, errlen, -EPERM, "refusing to load '%s': %s", host, why);
}

int load_target_init(struct load_target *t, const char *url, const char *const *headers,
		     unsigned nheaders, bool close, char *err, size_t errlen)
{
	return load_target_parse(t, url, headers, nheaders, close, false, err, errlen);
}

int load_target_parse(struct load_target *t, const char *url, const char *const *headers,
		      unsigned nheaders, bool close, bool any_address, char *err, size_t errlen)
{
	char host[256];
	const char *p = url, *auth_end, *path, *port_s = NULL;
	bool has_host = false, has_conn = false;
	size_t len, cap;
	long port = 80;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!url || !*url)
		return fail(err, errlen, -EINVAL, "no URL");
	if (!strncasecmp(p, "https://", 8))
		return fail(err, errlen, -EINVAL, "%s: https is not supported, only http://", url);
	if (!strncasecmp(p, "http://", 7))
		p += 7;
	else if (strstr(p, "://"))
		return fail(err, errlen, -EINVAL, "%s: only http:// URLs", url);
	auth_end = p + strcspn(p, "/?#");
	path = *auth_end == '/' || *auth_end == '?' ? auth_end : "/";
	len = auth_end - p;
	if (!len || len >= sizeof(t->host) || len >= sizeof(host))
		return fail(err, errlen, -EINVAL, "%s: no host, or too long a host", url);
	memcpy(t->host, p, len);
	t->host[len] = '\0';

	if (t->host[0] == '[') {
		char *rb = strchr(t->host, ']');

		if (!rb)
			return fail(err, errlen, -EINVAL, "%s: unterminated [IPv6 address]", url);
		snprintf(host, sizeof(host), "%.*s", (int)(rb - t->host - 1), t->host + 1);
		if (rb[1] == ':')
			port_s = rb + 2;
		else if (rb[1])
			return fail(err, errlen, -EINVAL, "%s: bad host", url);
	} else {
		char *colon = strchr(t->host, ':');

		snprintf(host, sizeof(host), "%.*s", (int)(colon ? colon - t->host : (long)len),
			 t->host);
		if (colon)
			port_s = colon + 1;
	}
	if (port_s) {
		char *end;

		errno = 0;
		port = strtol(port_s, &end, 10);
		if (errno || end == port_s || *end || port < 1 || port > 65535)
			return fail(err, errlen, -EINVAL, "%s: bad port '%s'", url, port_s);
	}
	if (strchr(path, '#'))
		path = strndupa(path, strchr(path, '#') - path);
	if (!clean(path, false) || !clean(t->host, false))
		return fail(err, errlen, -EINVAL, "%s: spaces or control characters in the URL",
			    url);
	ret = resolve(t, host, (int)port, any_address, err, errlen);
	if (ret)
		return ret;

	cap = strlen(path) + strlen(t->host) + 64;
	for (unsigned i = 0; i < nheaders; i++) {
		if (!header_line(headers[i]))
			return fail(err, errlen, -EINVAL,
				    "bad header '%s': want 'Name: value', one line", headers[i]);
		has_host |= header_named(headers[i], "Host");
		has_conn |= header_named(headers[i], "Connection");
		cap += strlen(headers[i]) + 2;
	}
	t->request = malloc(cap);
	if (!t->request)
		return fail(err, errlen, -ENOMEM, "out of memory");
	/* http://host?q asks for /?q: a request target starts with a slash */
	len = snprintf(t->request, cap, "GET %s%s HTTP/1.1\r\n", path[0] == '?' ? "/" : "", path);
	if (!has_host)
		len += snprintf(t->request + len, cap - len, "Host: %s\r\n", t->host);
	for (unsigned i = 0; i < nheaders; i++)
		len += snprintf(t->request + len, cap - len, "%s\r\n", headers[i]);
	if (close && !has_conn)
		len += snprintf(t->request + len, cap - len, "Connection: close\r\n");
	len += snprintf(t->request + len, cap - len, "\r\n");
	t->request_len = len;
	return 0;
}

void load_target_free(struct load_target *t)
{
	free(t->request);
	t->request = NULL;
}
