// SPDX-License-Identifier: MIT
/*
 * The servers against clients that do not play along: one that idles in
 * keep-alive, ones that trickle a request head byte by byte (slowloris),
 * one that pipelines without ever reading, one whose request is too large
 * to take. Each is ended in time, or bounded, and the server goes on
 * serving; an error answer reaches the client before the close.
 */
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/models.h"
#include "tests/lib/server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GET	   "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define TIMEOUT_MS 500

/* A new connection, one GET answered 200 within timeout_ms. */
static bool serves_next_client_within(int port, int timeout_ms)
{
	struct http_response r = { 0 };
	struct http_conn c;
	int err = http_conn_open(&c, port);

	if (!err)
		err = send_str(c.fd, GET);
	if (!err)
		err = http_read(&c, &r, false, timeout_ms);
	http_conn_close(&c);
	return CHECK(!err && r.status == 200, "next client: err %d status %d", err, r.status);
}

static bool serves_next_client(int port)
{
	return serves_next_client_within(port, 5000);
}

/* A client kept alive and then silent is closed after --idle-timeout, and
 * the server (even the one that serves one connection at a time) goes on. */
static void idle_connection_closed(void)
{
	const char *args[] = { "--idle-timeout", "500ms", NULL };
	struct http_response r;
	struct http_conn c;
	struct server s;
	long long t0;

	if (model_start(&s, args))
		return;
	if (!CHECK(!http_conn_open(&c, s.port) && !send_str(c.fd, GET) &&
			   !http_read(&c, &r, false, 5000) && r.status == 200,
		   "a first request"))
		goto out;
	t0 = now_ms();
	CHECK(!http_peer_closed(&c, TIMEOUT_MS / 2), "closed before its idle timeout");
	CHECK(http_peer_closed(&c, 5000), "an idle connection was never closed");
	CHECK(now_ms() - t0 < 3000, "closed after %lld ms, for a 500 ms idle timeout",
	      now_ms() - t0);
	http_conn_close(&c);
	serves_next_client(s.port);
out:
	model_stop(&s);
}

/* Sends a header line: a head that never ends. false once the server is gone. */
static bool trickle(int fd)
{
	return send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT) == 11;
}

/*
 * A request head sent a line every 100 ms, never finished: answered 408
 * and closed --header-timeout after its first byte; a line now and then
 * does not stretch that.
 */
static void slow_head_gets_408(void)
{
	const char *args[] = { "--header-timeout", "500ms", "--idle-timeout", "10s", NULL };
	struct http_response r = { 0 };
	struct http_conn c;
	struct server s;
	long long t0;
	int err = -ETIMEDOUT;

	if (model_start(&s, args))
		return;
	if (!CHECK(!http_conn_open(&c, s.port) &&
			   !send_str(c.fd, "GET / HTTP/1.1\r\nHost: localhost\r\n"),
		   "connect"))
		goto out;
	t0 = now_ms();
	while (now_ms() - t0 < 5000 && trickle(c.fd) &&
	       (err = http_read(&c, &r, false, 100)) == -ETIMEDOUT)
		;
	CHECK(!err && r.status == 408, "after %lld ms: err %d, status %d", now_ms() - t0, err,
	      r.status);
	CHECK(now_ms() - t0 < 3000, "408 after %lld ms, for a 500 ms header timeout",
	      now_ms() - t0);
	CHECK(http_peer_closed(&c, 3000), "not closed after its 408");
	http_conn_close(&c);
	serves_next_client(s.port);
out:
	model_stop(&s);
}

/* Processes the server has made and not reaped: fork's children. */
static int children(pid_t pid)
{
	char path[96];
	int n = 0, c;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "r");
	while (f && fscanf(f, "%d", &c) == 1)
		n++;
	if (f)
		fclose(f);
	return n;
}

/*
 * Eight clients trickling heads (a pool of four, one at a time, a process
 * each) and a ninth that asks properly: answered once the slow ones are
 * cut, however they keep trickling; fork's children end with them.
 */
static void tricklers_cut(void)
{
	enum {
		SLOW = 8
	};
	const char *args[] = { "--header-timeout", "500ms", NULL };
	struct http_response r = { 0 };
	struct http_conn c;
	struct server s;
	int slow[SLOW], err = -ETIMEDOUT;
	long long t0;

	if (model_start(&s, args))
		return;
	for (int i = 0; i < SLOW; i++) {
		slow[i] = tcp_connect(s.port);
		if (!CHECK(slow[i] >= 0 && !send_str(slow[i], "GET / HTTP/1.1\r\n"), "trickler %d",
			   i))
			goto out;
	}
	if (!CHECK(!http_conn_open(&c, s.port) && !send_str(c.fd, GET), "the ninth client"))
		goto out;
	/* one at a time, each cut after 0.5 s: 4 s and some */
	t0 = now_ms();
	while (now_ms() - t0 < 10000 && (err = http_read(&c, &r, false, 100)) == -ETIMEDOUT)
		for (int i = 0; i < SLOW; i++)
			trickle(slow[i]);
	CHECK(!err && r.status == 200, "the ninth client, after %lld ms: err %d, status %d",
	      now_ms() - t0, err, r.status);
	CHECK(WAIT_UNTIL(children(s.pid) <= 1, 5000), "%d of its processes left", children(s.pid));
	http_conn_close(&c);
	for (int i = 0; i < SLOW; i++)
		close(slow[i]);
out:
	model_stop(&s);
}

/*
 * A client that pipelines GETs and never reads: what the server takes is
 * bounded (its answers queued, what the kernel buffers), not 64 MiB in a
 * few seconds; and another client is still served meanwhile.
 */
static void pipeliner_bounded(void)
{
	/* the blocking model serves it alone until it is cut for taking nothing */
	const char *args[] = { "--idle-timeout", "2s", NULL };
	static char reqs[64 << 10];
	size_t sent = 0, len = strlen(GET), each = sizeof(reqs) / len * len;
	long long t0, last = 0;
	struct server s;
	int fd;

	for (size_t i = 0; i + len <= sizeof(reqs); i += len)
		memcpy(reqs + i, GET, len);
	if (model_start(&s, args))
		return;
	fd = tcp_connect(s.port);
	if (!CHECK(fd >= 0, "connect"))
		goto out;
	t0 = last = now_ms();
	/* until it has taken nothing for a second, or far too much */
	while (now_ms() - last < 1000 && now_ms() - t0 < 15000 && sent < (64u << 20)) {
		ssize_t n = send(fd, reqs, each, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			sent += n;
			last = now_ms();
		} else {
			poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 50);
		}
	}
	fprintf(stderr, "took %zu bytes of pipelined requests before it stopped reading\n", sent);
	CHECK(sent < (32u << 20), "took %zu MiB of requests it could not answer", sent >> 20);
	/* one at a time: after the pipeliner, cut once its buffers take no more */
	serves_next_client_within(s.port, 15000);
	close(fd);
out:
	model_stop(&s);
}

/*
 * A request line of 4 MiB, more than the sockets buffer: answered 431
 * after its first 8 KiB, and the answer reaches the client that is still
 * sending (the server reads and drops the rest) rather than a reset.
 */
static void error_answer_reaches_client(void)
{
	size_t big = 4 << 20;
	char *req = malloc(big);
	struct http_response r = { 0 };
	struct http_conn c;
	struct server s;
	int err;

	if (!CHECK(req, "malloc") || model_start(&s, NULL))
		goto out;
	memcpy(req, "GET /", 5);
	memset(req + 5, 'a', big - 5);
	if (!CHECK(!http_conn_open(&c, s.port), "connect"))
		goto stop;
	err = send_all(c.fd, req, big);
	CHECK(!err, "sending the request: %s", strerror(-err));
	err = http_read(&c, &r, false, 5000);
	CHECK(!err && r.status == 431, "err %d (%s), status %d", err, strerror(-err), r.status);
	http_conn_close(&c);
	serves_next_client(s.port);
stop:
	model_stop(&s);
out:
	free(req);
}

MODEL_CASES(ALL_MODELS, idle_connection_closed)
MODEL_CASES(ALL_MODELS, slow_head_gets_408)
MODEL_CASES(ALL_MODELS, tricklers_cut)
MODEL_CASES(ALL_MODELS, pipeliner_bounded)
MODEL_CASES(ALL_MODELS, error_answer_reaches_client)

static const struct test_case cases[] = {
	MODEL_TESTS(ALL_MODELS, idle_connection_closed, 0)
		MODEL_TESTS(ALL_MODELS, slow_head_gets_408, 0)
			MODEL_TESTS(ALL_MODELS, tricklers_cut, 0)
				MODEL_TESTS(ALL_MODELS, pipeliner_bounded, 0)
					MODEL_TESTS(ALL_MODELS, error_answer_reaches_client, 0)
};

TEST_MAIN(cases)
