/* SPDX-License-Identifier: MIT */
/* A plain blocking HTTP/1.1 client for tests: connect, send bytes exactly as
 * the test wants them, read framed responses one at a time (pipelining ok). */
#ifndef WHYSERVE_TESTS_CLIENT_H
#define WHYSERVE_TESTS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

/* Connected TCP socket to 127.0.0.1:port (timeouts 5 s), or -errno. */
int tcp_connect(int port);
/* A listener on 127.0.0.1, some free port (*port), that never accepts: to
 * hold a port busy. Its fd, or -errno. */
int tcp_listen_any(int *port);
int send_all(int fd, const void *buf, size_t len);
int send_str(int fd, const char *s);

struct http_conn {
	int fd;
	size_t len; /* bytes buffered, not yet consumed */
	char buf[16384];
};

struct http_response {
	int status;
	long content_length; /* -1 when absent */
	bool conn_close;     /* "Connection: close" */
	char head[8192];     /* status line and headers */
	char body[16384];
	size_t body_len;
};

int http_conn_open(struct http_conn *c, int port);
void http_conn_close(struct http_conn *c);
/*
 * Reads one response (the body by Content-Length; none for HEAD).
 * 0, -ECONNRESET/-EPIPE (closed before a full response), -ETIMEDOUT, -EPROTO.
 */
int http_read(struct http_conn *c, struct http_response *r, bool head_request, int timeout_ms);
/* The peer closed the connection (EOF or reset) within timeout_ms? */
bool http_peer_closed(struct http_conn *c, int timeout_ms);
/* One GET on a new connection; 0 or -errno. */
int http_get(int port, const char *path, struct http_response *r);

#endif
