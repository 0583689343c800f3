// SPDX-License-Identifier: MIT
/*
 * The five servers as processes, with real clients: curl, and raw sockets
 * that send exactly what a case needs (pipelines, single bytes, garbage,
 * resets). Every case runs for every variant (tests/lib/models.h) and ends
 * with a SIGTERM that must make the server exit 0.
 */
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/cmd.h"
#include "tests/lib/models.h"
#include "tests/lib/server.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY	  "Hello, World!\n"
#define GET	  "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define GET_CLOSE "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

static void need(const char *tool)
{
	if (!cmd_exists(tool))
		test_skip("%s is not installed (make deps)", tool);
}

/* curl ARGS... http://127.0.0.1:PORT/ into out; its exit status */
static int curl(char *out, size_t len, int port, const char *a1, const char *a2, const char *a3,
		const char *a4)
{
	char url[64];
	const char *argv[] = { "curl", "-s", "--max-time", "10", a1, a2, a3, a4, NULL, NULL };
	int n = 4;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	while (argv[n])
		n++;
	argv[n] = url;
	return cmd_run(out, len, 20, argv);
}

/* a new connection, one GET, 200 and the body: the server still serves */
static bool serves_next_client(int port)
{
	struct http_response r;
	int err = http_get(port, "/", &r);

	return CHECK(!err && r.status == 200 && r.body_len == 14 && !memcmp(r.body, BODY, 14),
		     "next client: err %d status %d", err, r.status);
}

static void curl_get_head_post(void)
{
	struct server s;
	char out[4096];
	int rc;

	need("curl");
	if (model_start(&s, NULL))
		return;
	rc = curl(out, sizeof(out), s.port, "-i", NULL, NULL, NULL);
	CHECK(rc == 0 && !strncmp(out, "HTTP/1.1 200 OK\r\n", 17), "GET: curl %d: %s", rc, out);
	CHECK(strstr(out, "\r\nContent-Length: 14\r\n"), "GET: Content-Length: %s", out);
	CHECK(strlen(out) > 14 && !strcmp(out + strlen(out) - 18, "\r\n\r\n" BODY), "GET: body: %s",
	      out);
	rc = curl(out, sizeof(out), s.port, "-I", NULL, NULL, NULL);
	CHECK(rc == 0 && !strncmp(out, "HTTP/1.1 200 OK\r\n", 17), "HEAD: curl %d: %s", rc, out);
	CHECK(strstr(out, "\r\nContent-Length: 14\r\n") && !strstr(out, "Hello"),
	      "HEAD: length, no body: %s", out);
	rc = curl(out, sizeof(out), s.port, "-i", "-d", "hello", NULL);
	CHECK(rc == 0 && !strncmp(out, "HTTP/1.1 405 ", 13), "POST: curl %d: %s", rc, out);
	CHECK(strstr(out, "\r\nAllow: GET, HEAD\r\n"), "POST: Allow: %s", out);
	serves_next_client(s.port);
	model_stop(&s);
}

static void keep_alive_100_requests(void)
{
	struct http_response r;
	struct http_conn c;
	struct server s;
	int i, err = 0;

	if (model_start(&s, NULL))
		return;
	if (!CHECK(!http_conn_open(&c, s.port), "connect"))
		goto out;
	for (i = 0; i < 100; i++) {
		err = send_str(c.fd, GET);
		if (!err)
			err = http_read(&c, &r, false, 10000);
		if (err || r.status != 200 || r.conn_close || r.body_len != 14)
			break;
	}
	CHECK(i == 100, "request %d: err %d status %d close %d", i, err, r.status, r.conn_close);
	CHECK(!http_peer_closed(&c, 100), "the connection stays open");
	http_conn_close(&c);
out:
	model_stop(&s);
}

/* a request on a new connection; its answer, and whether the server closed it */
static void ask(int port, const char *req, int *status, bool *said_close, bool *closed, int wait_ms)
{
	struct http_response r = { 0 };
	struct http_conn c;

	*status = -1;
	*said_close = *closed = false;
	if (http_conn_open(&c, port))
		return;
	if (!send_str(c.fd, req) && !http_read(&c, &r, false, 10000)) {
		*status = r.status;
		*said_close = r.conn_close;
		*closed = http_peer_closed(&c, wait_ms);
	}
	http_conn_close(&c);
}

static void connection_close_honoured(void)
{
	static const struct {
		const char *req;
		bool close;
	} cases[] = {
		{ GET_CLOSE, true },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", false },
		{ GET, false },
	};
	struct server s;
	int status;
	bool said, closed;

	if (model_start(&s, NULL))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* closed within 5 s, or still open after 300 ms */
		ask(s.port, cases[i].req, &status, &said, &closed, cases[i].close ? 5000 : 300);
		CHECK(status == 200 && said == cases[i].close && closed == cases[i].close,
		      "'%s': status %d, said close %d, closed %d", cases[i].req, status, said,
		      closed);
	}
	model_stop(&s);
}

static void pipelined_three_in_one_send(void)
{
	const char *three = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
			    "HEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n"
			    "GET /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
	struct http_response r[3];
	struct http_conn c;
	struct server s;
	int err[3] = { -1, -1, -1 };

	if (model_start(&s, NULL))
		return;
	if (!CHECK(!http_conn_open(&c, s.port) && !send_str(c.fd, three), "send"))
		goto out;
	/* HEAD's answer has Content-Length 14 and no body: out of order, the framing breaks */
	for (int i = 0; i < 3; i++)
		err[i] = http_read(&c, &r[i], i == 1, 10000);
	CHECK(!err[0] && r[0].status == 200 && r[0].body_len == 14 && !r[0].conn_close,
	      "first: err %d status %d", err[0], r[0].status);
	CHECK(!err[1] && r[1].status == 200 && r[1].content_length == 14 && !r[1].conn_close,
	      "second (HEAD): err %d status %d", err[1], r[1].status);
	CHECK(!err[2] && r[2].status == 200 && r[2].body_len == 14 && r[2].conn_close,
	      "third: err %d status %d close %d", err[2], r[2].status, r[2].conn_close);
	CHECK(c.len == 0 && http_peer_closed(&c, 5000), "nothing more, then closed");
	http_conn_close(&c);
out:
	model_stop(&s);
}

static void request_in_single_bytes(void)
{
	const char *req = GET_CLOSE;
	struct http_response r;
	struct http_conn c;
	struct server s;
	int err = 0;

	if (model_start(&s, NULL))
		return;
	if (!CHECK(!http_conn_open(&c, s.port), "connect"))
		goto out;
	for (size_t i = 0; req[i] && !err; i++)
		err = send_all(c.fd, req + i, 1);
	if (!err)
		err = http_read(&c, &r, false, 10000);
	CHECK(!err && r.status == 200 && r.body_len == 14 && r.conn_close, "err %d status %d", err,
	      r.status);
	http_conn_close(&c);
out:
	model_stop(&s);
}

/* sends req (len bytes; a send may fail once the server has answered), reads the answer */
static int answer_to(int port, const char *req, size_t len, bool *closed)
{
	struct http_response r = { 0 };
	struct http_conn c;
	int err;

	*closed = false;
	if (http_conn_open(&c, port))
		return -1;
	send_all(c.fd, req, len);
	err = http_read(&c, &r, false, 10000);
	if (!err)
		*closed = http_peer_closed(&c, 5000);
	http_conn_close(&c);
	return err ? err : r.status;
}

static void bad_requests_answered(void)
{
	static const struct {
		const char *what, *req;
		int status;
	} cases[] = {
		{ "TLS hello", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 400 },
		{ "garbage line", "hello world\r\n\r\n", 400 },
		{ "no Host", "GET / HTTP/1.1\r\n\r\n", 400 },
		{ "HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505 },
		{ "DELETE", "DELETE / HTTP/1.1\r\nHost: h\r\n\r\n", 405 },
	};
	const char *start = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ";
	size_t big = 64 << 10;
	char *req = malloc(big);
	struct server s;
	bool closed;
	int status;

	if (model_start(&s, NULL))
		goto out;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		status = answer_to(s.port, cases[i].req, strlen(cases[i].req), &closed);
		CHECK(status == cases[i].status && closed, "%s: %d, closed %d, not %d",
		      cases[i].what, status, closed, cases[i].status);
		serves_next_client(s.port);
	}
	/* a 64 KiB header */
	memset(req, 'a', big);
	memcpy(req, start, strlen(start));
	memcpy(req + big - 4, "\r\n\r\n", 4);
	status = answer_to(s.port, req, big, &closed);
	CHECK(status == 431 && closed, "64 KiB header: %d, closed %d", status, closed);
	serves_next_client(s.port);
	model_stop(&s);
out:
	free(req);
}

enum leave {
	RESET,
	CLOSE,
	HALF_CLOSE
};

/*
 * A client sends what it sends, reads the answer when one is due, and
 * leaves: with a reset (SO_LINGER 0 makes close() send RST), an orderly
 * close, or a half-close (FIN) after which it still reads.
 */
static void client_leaves(int port, const char *sent, bool answered, enum leave how)
{
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	struct http_conn c;
	struct http_response r;

	if (!CHECK(!http_conn_open(&c, port), "connect"))
		return;
	send_str(c.fd, sent);
	if (how == HALF_CLOSE)
		shutdown(c.fd, SHUT_WR);
	if (answered)
		CHECK(!http_read(&c, &r, false, 10000) && r.status == 200, "'%s': no answer", sent);
	if (how == HALF_CLOSE)
		CHECK(http_peer_closed(&c, 5000), "closed after the client's FIN");
	if (how == RESET)
		setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	http_conn_close(&c);
	serves_next_client(port);
}

static void clients_that_vanish(void)
{
	struct server s;

	if (model_start(&s, NULL))
		return;
	/* a reset mid-request; half a request, then gone; a reset while kept alive */
	client_leaves(s.port, "GET / HTTP/1.1\r\nHo", false, RESET);
	client_leaves(s.port, "GET / HTTP/1.1\r\nHost: h\r\n", false, CLOSE);
	client_leaves(s.port, GET, true, RESET);
	/* a request and a FIN: the answer still comes */
	client_leaves(s.port, GET, true, HALF_CLOSE);
	model_stop(&s);
}

/*
 * A request and the client's FIN that arrive together while the server is
 * busy (another request sleeps): it must answer, and see the FIN too.
 */
static void request_and_fin_together(void)
{
	const char *args[] = { "--sleep-us", "200000", NULL };
	struct http_response r;
	struct http_conn a, b;
	struct server s;

	if (model_start(&s, args))
		return;
	if (!CHECK(!http_conn_open(&a, s.port) && !send_str(a.fd, GET_CLOSE), "first client"))
		goto out;
	if (CHECK(!http_conn_open(&b, s.port), "connect")) {
		CHECK(!send_str(b.fd, GET) && !shutdown(b.fd, SHUT_WR), "send and FIN");
		CHECK(!http_read(&b, &r, false, 10000) && r.status == 200, "answered");
		CHECK(http_peer_closed(&b, 5000), "closed after the client's FIN");
		http_conn_close(&b);
	}
	CHECK(!http_read(&a, &r, false, 10000) && r.status == 200, "first client answered");
	http_conn_close(&a);
out:
	model_stop(&s);
}

/*
 * 2,000 requests, GET and HEAD by turns, written while the answers come
 * back (the client reads as it writes): every one answered, in order.
 * Answers that alternate cannot be counted in one run: the server has to
 * stop reading (or keep what it read) while they wait to be sent.
 */
static void deep_pipeline(void)
{
	enum {
		N = 2000
	};
	const char *req[2] = { "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
			       "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n" };
	size_t len = 0, sent = 0, got = 0, cap = 1 << 20, head = 0, want = 0;
	char *in = malloc(N * 40), *out = malloc(cap), *end;
	long long deadline = now_ms() + 30000;
	struct server s;
	bool ok = true;
	int fd;

	for (int i = 0; i < N; i++) {
		memcpy(in + len, req[i % 2], strlen(req[i % 2]));
		len += strlen(req[i % 2]);
	}
	if (model_start(&s, NULL))
		goto out;
	fd = tcp_connect(s.port);
	if (!CHECK(fd >= 0, "connect"))
		goto stop;
	while ((!want || got < want) && now_ms() < deadline) {
		struct pollfd p = { fd, POLLIN | (sent < len ? POLLOUT : 0), 0 };
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		if (p.revents & POLLOUT) {
			n = send(fd, in + sent, len - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
			sent += n > 0 ? n : 0;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(fd, out + got, cap - got, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN))
				break;
			got += n > 0 ? n : 0;
		}
		/* all answers have the same head; GETs add the 14-byte body */
		if (!head && (end = memmem(out, got, "\r\n\r\n", 4))) {
			head = end + 4 - out;
			want = N * head + N / 2 * 14;
		}
	}
	CHECK(sent == len && head && got == want, "sent %zu of %zu, got %zu of %zu bytes", sent,
	      len, got, want);
	for (size_t i = 0, at = 0; i < N && at < got && ok; i++) {
		ok = !strncmp(out + at, "HTTP/1.1 200 OK\r\n", 17);
		at += head + (i % 2 ? 0 : 14);
		ok = ok && CHECK(at <= got && (i % 2 || !memcmp(out + at - 14, BODY, 14)),
				 "answer %zu out of place", i);
	}
	close(fd);
stop:
	model_stop(&s);
out:
	free(in);
	free(out);
}

/* --body-bytes 1 MB: answers larger than any socket buffer, sent in parts */
static void large_bodies_pipelined(void)
{
	const char *args[] = { "--body-bytes", "1000000", NULL };
	const char *three = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
			    "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"
			    "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
	size_t total = 0, head = 0, want;
	char *buf = malloc(4 << 20), out[256];
	struct server s;
	int fd, rc;
	ssize_t n;

	need("curl");
	if (model_start(&s, args))
		goto out;
	rc = curl(out, sizeof(out), s.port, "-o", "/dev/null", "-w",
		  "%{http_code} %{size_download}");
	CHECK(rc == 0 && !strcmp(out, "200 1000000"), "curl %d: %s", rc, out);
	fd = tcp_connect(s.port);
	if (CHECK(fd >= 0 && !send_str(fd, three), "send")) {
		while ((n = recv(fd, buf + total, (4 << 20) - total, 0)) > 0)
			total += n;
		if (memmem(buf, total, "\r\n\r\n", 4))
			head = (char *)memmem(buf, total, "\r\n\r\n", 4) + 4 - buf;
		/* keep-alive GET, HEAD, closing GET: three heads (the last a bit longer), two bodies */
		want = 3 * head + strlen("close") - strlen("keep-alive") + 2 * 1000000;
		CHECK(head && total == want, "%zu bytes, not %zu (head %zu)", total, want, head);
		CHECK(total > head + 1000000 &&
			      !memcmp(buf + head + 1000000, "HTTP/1.1 200 OK\r\n", 17),
		      "the HEAD answer right after the first body");
		close(fd);
	}
	model_stop(&s);
out:
	free(buf);
}

static void options_and_startup_line(void)
{
	const char *bad[][4] = {
		{ "--port", "abc", NULL },
		{ "--port", "70000", NULL },
		{ "--port", "nan", NULL },
		{ "--backlog", "0", NULL },
		{ "--backlog", "70000", NULL },
		{ "--sleep-us", "1e30", NULL },
		{ "--work-us", "-1", NULL },
		{ "--nope", NULL },
		{ "extra", NULL },
		{ "--body-bytes", "1k", NULL },
		{ "--port", NULL },
	};
	const char *args[] = { "--backlog", "7", NULL };
	char out[8192], want[128];
	struct server s;
	int rc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { model_path(), bad[i][0], bad[i][1], NULL };
		char *nl;

		rc = cmd_run(out, sizeof(out), 10, argv);
		nl = strchr(out, '\n');
		CHECK(rc == 2 && nl && !nl[1] && !strncmp(out, "server-", 7),
		      "%s %s: exit %d, '%s'", bad[i][0], bad[i][1] ? bad[i][1] : "", rc, out);
	}
	{
		const char *argv[] = { model_path(), "--help", NULL };

		rc = cmd_run(out, sizeof(out), 10, argv);
		CHECK(rc == 0 && strstr(out, "USAGE:") && strstr(out, "EXAMPLES:") &&
			      strstr(out, "--sleep-us"),
		      "--help: exit %d: %s", rc, out);
		bool loops = !strcmp(model->binary, "epoll") || !strcmp(model->binary, "io_uring");
		bool pool = !strcmp(model->binary, "pthread");

		CHECK(!strstr(out, "--workers") == !loops && !strstr(out, "--pool") == !pool,
		      "--workers, --pool only where they apply: %s", out);
	}
	if (model_start(&s, args))
		return;
	snprintf(want, sizeof(want), "server-%s: listening on 127.0.0.1:%d (backlog 7, workers %d)",
		 model->binary, s.port, model->workers);
	CHECK(!strcmp(s.line, want), "'%s', not '%s'", s.line, want);
	serves_next_client(s.port);
	model_stop(&s);
}

static void listens_on_ipv6(void)
{
	const char *argv[] = { model_path(), "--port", "0", "--host", "::1", NULL };
	char out[512], url[64], want[64];
	struct server s;
	int rc;

	need("curl");
	rc = server_start_argv(&s, argv);
	if (!CHECK(!rc, "start: %s", strerror(-rc)))
		return;
	snprintf(want, sizeof(want), "listening on [::1]:%d (", s.port);
	CHECK(strstr(s.line, want), "'%s'", s.line);
	snprintf(url, sizeof(url), "http://[::1]:%d/", s.port);
	{
		const char *c[] = { "curl", "-s", "-g", "--max-time", "10", url, NULL };

		rc = cmd_run(out, sizeof(out), 20, c);
		CHECK(rc == 0 && !strcmp(out, BODY), "curl %d: '%s'", rc, out);
	}
	model_stop(&s);
}

/* Two clients whose requests block 300 ms: at once, or one after the other? */
static void sleep_blocks_per_model(void)
{
	const char *args[] = { "--sleep-us", "300000", NULL };
	struct http_response r;
	struct http_conn c[2];
	struct server s;
	long long t0, ms;
	int ok = 0;

	if (model_start(&s, args))
		return;
	if (!CHECK(!http_conn_open(&c[0], s.port) && !http_conn_open(&c[1], s.port), "connect"))
		goto out;
	t0 = now_ms();
	send_str(c[0].fd, GET_CLOSE);
	send_str(c[1].fd, GET_CLOSE);
	for (int i = 0; i < 2; i++)
		ok += !http_read(&c[i], &r, false, 10000) && r.status == 200;
	ms = now_ms() - t0;
	CHECK(ok == 2, "%d answers", ok);
	if (model->parallel)
		CHECK(ms >= 290 && ms < 590, "parallel: %lld ms, not ~300", ms);
	else if (model->workers > 1) /* on the same loop, or on two: the kernel's hash */
		CHECK(ms >= 290, "%lld ms, not 300 or 600", ms);
	else
		CHECK(ms >= 590, "one at a time: %lld ms, not ~600", ms);
	http_conn_close(&c[0]);
	http_conn_close(&c[1]);
out:
	model_stop(&s);
}

/* utime + stime of a process and of its reaped children, in ms */
static long cpu_ms(pid_t pid)
{
	unsigned long long t[4] = { 0 };
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
			 &t[0], &t[1], &t[2], &t[3]) != 4)
		return -1;
	return (t[0] + t[1] + t[2] + t[3]) * 1000 / sysconf(_SC_CLK_TCK);
}

static void work_burns_cpu(void)
{
	const char *args[] = { "--work-us", "3000", NULL };
	struct http_response r;
	struct http_conn c;
	struct server s;
	long before;
	int i, err = 0;

	if (model_start(&s, args))
		return;
	before = cpu_ms(s.pid);
	if (!CHECK(!http_conn_open(&c, s.port), "connect"))
		goto out;
	for (i = 0; i < 100 && !err; i++) {
		err = send_str(c.fd, GET);
		if (!err)
			err = http_read(&c, &r, false, 10000);
	}
	CHECK(i == 100 && !err, "request %d: %d", i, err);
	http_conn_close(&c);
	/* 100 x 3 ms = 300 ms of CPU (fork: the child's, counted once it is reaped) */
	CHECK(WAIT_UNTIL(cpu_ms(s.pid) - before >= 240, 10000), "%ld ms of CPU, not ~300",
	      cpu_ms(s.pid) - before);
out:
	model_stop(&s);
}

/* clang-format off */
MODEL_CASES(ALL_MODELS, curl_get_head_post)
MODEL_CASES(ALL_MODELS, keep_alive_100_requests)
MODEL_CASES(ALL_MODELS, connection_close_honoured)
MODEL_CASES(ALL_MODELS, pipelined_three_in_one_send)
MODEL_CASES(ALL_MODELS, request_in_single_bytes)
MODEL_CASES(ALL_MODELS, bad_requests_answered)
MODEL_CASES(ALL_MODELS, clients_that_vanish)
MODEL_CASES(ALL_MODELS, request_and_fin_together)
MODEL_CASES(ALL_MODELS, deep_pipeline)
MODEL_CASES(ALL_MODELS, large_bodies_pipelined)
MODEL_CASES(ALL_MODELS, options_and_startup_line)
MODEL_CASES(EACH_BINARY, listens_on_ipv6)
MODEL_CASES(ALL_MODELS, sleep_blocks_per_model)
MODEL_CASES(EACH_BINARY, work_burns_cpu)

static const struct test_case cases[] = {
	MODEL_TESTS(ALL_MODELS, curl_get_head_post, 0)
	MODEL_TESTS(ALL_MODELS, keep_alive_100_requests, 0)
	MODEL_TESTS(ALL_MODELS, connection_close_honoured, 0)
	MODEL_TESTS(ALL_MODELS, pipelined_three_in_one_send, 0)
	MODEL_TESTS(ALL_MODELS, request_in_single_bytes, 0)
	MODEL_TESTS(ALL_MODELS, bad_requests_answered, 0)
	MODEL_TESTS(ALL_MODELS, clients_that_vanish, 0)
	MODEL_TESTS(ALL_MODELS, request_and_fin_together, 0)
	MODEL_TESTS(ALL_MODELS, deep_pipeline, 0)
	MODEL_TESTS(ALL_MODELS, large_bodies_pipelined, 0)
	MODEL_TESTS(ALL_MODELS, options_and_startup_line, 0)
	MODEL_TESTS(EACH_BINARY, listens_on_ipv6, 0)
	MODEL_TESTS(ALL_MODELS, sleep_blocks_per_model, 0)
	MODEL_TESTS(EACH_BINARY, work_burns_cpu, 0)
};

/* clang-format on */

TEST_MAIN(cases)
