// SPDX-License-Identifier: MIT
#include "tests/lib/client.h"
#include "tests/lib/check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

int tcp_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 5 };
	int one = 1, fd, err;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int tcp_listen_any(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (void *)&sa, sizeof(sa)) || listen(fd, 1) ||
	    getsockname(fd, (void *)&sa, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int send_str(int fd, const char *s)
{
	return send_all(fd, s, strlen(s));
}

int http_conn_open(struct http_conn *c, int port)
{
	c->len = 0;
	c->fd = tcp_connect(port);
	return c->fd < 0 ? c->fd : 0;
}

void http_conn_close(struct http_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Reads more bytes into the buffer: >0 read, 0 EOF, -errno. */
static int fill(struct http_conn *c, long long deadline)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	long long left = deadline - now_ms();
	ssize_t n;

	if (c->len == sizeof(c->buf))
		return -ENOBUFS;
	if (left <= 0 || poll(&p, 1, left) == 0)
		return -ETIMEDOUT;
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n < 0)
		return -errno;
	c->len += n;
	return n;
}

static const char *header_value(const char *head, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = strstr(head, "\r\n"); l; l = strstr(l + 2, "\r\n"))
		if (!strncasecmp(l + 2, name, n) && l[2 + n] == ':') {
			const char *v = l + 3 + n;
			while (*v == ' ' || *v == '\t')
				v++;
			return v;
		}
	return NULL;
}

int http_read(struct http_conn *c, struct http_response *r, bool head_request, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	const char *v;
	char *end;
	size_t hlen, need;
	int n;

	memset(r, 0, sizeof(*r));
	r->content_length = -1;
	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
		n = fill(c, deadline);
		if (n == 0)
			return c->len ? -EPIPE : -ECONNRESET;
		if (n < 0)
			return n;
	}
	hlen = end + 4 - c->buf;
	if (hlen >= sizeof(r->head))
		return -EPROTO;
	memcpy(r->head, c->buf, hlen);
	r->head[hlen] = '\0';
	if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1)
		return -EPROTO;
	v = header_value(r->head, "Content-Length");
	if (v)
		r->content_length = strtol(v, NULL, 10);
	v = header_value(r->head, "Connection");
	r->conn_close = v && !strncasecmp(v, "close", 5);
	need = head_request || r->content_length < 0 ? 0 : r->content_length;
	if (need > sizeof(r->body))
		return -EPROTO;
	while (c->len < hlen + need) {
		n = fill(c, deadline);
		if (n == 0)
			return -EPIPE;
		if (n < 0)
			return n;
	}
	memcpy(r->body, c->buf + hlen, need);
	r->body_len = need;
	memmove(c->buf, c->buf + hlen + need, c->len - hlen - need);
	c->len -= hlen + need;
	return 0;
}

bool http_peer_closed(struct http_conn *c, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	int n;

	c->len = 0;
	while ((n = fill(c, deadline)) > 0)
		c->len = 0; /* discard anything still arriving */
	return n == 0 || n == -ECONNRESET || n == -EPIPE;
}

int http_get(int port, const char *path, struct http_response *r)
{
	struct http_conn c;
	char req[512];
	int err;

	err = http_conn_open(&c, port);
	if (err)
		return err;
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
	err = send_str(c.fd, req);
	if (!err)
		err = http_read(&c, r, false, 5000);
	http_conn_close(&c);
	return err;
}
