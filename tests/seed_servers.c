// SPDX-License-Identifier: MIT
/*
 * The seeds' Python socket servers (tests/fixtures/seed_servers/) as
 * processes: each answers GET, a 400 to garbage and goes on serving, keeps
 * a connection alive and honours "Connection: close"; those that serve one
 * connection at a time (seed 000's join after start) leave a second
 * client's request unread while the first stays open, the others answer
 * it; SIGTERM ends the server with its children and threads.
 */
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/cmd.h"
#include "tests/lib/server.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define BODY	  "Hello, World!\n"
#define GET	  "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define GET_CLOSE "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

struct seed_server {
	const char *name;    /* tests/fixtures/seed_servers/NAME.py */
	bool serial;	     /* serves one connection at a time */
	const char *helpers; /* what serves a connection: "processes", "threads" or NULL */
};

static const struct seed_server seeds[] = {
	{ "single_process", true, NULL },	    { "multi_process_joined", true, "processes" },
	{ "multi_thread_joined", true, "threads" }, { "multi_process", false, "processes" },
	{ "multi_thread", false, "threads" },
};
static const struct seed_server *seed;

/* python3 -B: no __pycache__ written into the source tree */
static int seed_start(struct server *s)
{
	char path[512];
	const char *argv[] = { "/usr/bin/env", "python3", "-B", path, "--host",
			       "127.0.0.1",    "--port",  "0",	NULL };
	int err;

	if (!cmd_exists("python3"))
		test_skip("python3 is not installed (scripts/install-deps --tests)");
	snprintf(path, sizeof(path), "%s/../tests/fixtures/seed_servers/%s.py", test_bin_dir(),
		 seed->name);
	err = server_start_argv(s, argv);
	CHECK(!err, "%s did not start: %s", path, strerror(-err));
	return err;
}

static bool seed_stop(struct server *s)
{
	int rc = server_stop(s);

	return CHECK(rc == 0, "after SIGTERM: %s %d", rc < 0 ? "stopping failed" : "exit status",
		     rc);
}

/* a request on an open connection answered 200 with the body, kept alive or not */
static bool answered(struct http_conn *c, const char *req, bool close, const char *what)
{
	struct http_response r;
	int err = send_str(c->fd, req);

	if (!err)
		err = http_read(c, &r, false, 5000);
	return CHECK(!err && r.status == 200 && r.body_len == 14 && !memcmp(r.body, BODY, 14) &&
			     r.conn_close == close,
		     "%s: err %d status %d close %d", what, err, err ? 0 : r.status,
		     err ? 0 : r.conn_close);
}

static void answers_get(void)
{
	struct http_response r;
	struct server s;
	int err;

	if (seed_start(&s))
		return;
	err = http_get(s.port, "/", &r);
	CHECK(!err && r.status == 200 && r.content_length == 14 && !memcmp(r.body, BODY, 14),
	      "GET: err %d status %d", err, r.status);
	seed_stop(&s);
}

static void garbage_400_then_serves(void)
{
	struct http_response r;
	struct http_conn c;
	struct server s;
	int err;

	if (seed_start(&s))
		return;
	if (!CHECK(!http_conn_open(&c, s.port), "connect"))
		goto out;
	err = send_str(c.fd, "hello there\r\n\r\n");
	if (!err)
		err = http_read(&c, &r, false, 5000);
	CHECK(!err && r.status == 400 && r.conn_close, "garbage: err %d status %d", err,
	      err ? 0 : r.status);
	CHECK(http_peer_closed(&c, 5000), "closed after the 400");
	http_conn_close(&c);
	if (CHECK(!http_conn_open(&c, s.port), "connect again")) {
		answered(&c, GET_CLOSE, true, "the next client");
		http_conn_close(&c);
	}
out:
	seed_stop(&s);
}

static void keep_alive_then_close(void)
{
	struct http_conn c;
	struct server s;

	if (seed_start(&s))
		return;
	if (!CHECK(!http_conn_open(&c, s.port), "connect"))
		goto out;
	for (int i = 0; i < 3; i++)
		if (!answered(&c, GET, false, "kept alive"))
			goto close;
	if (answered(&c, GET_CLOSE, true, "Connection: close"))
		CHECK(http_peer_closed(&c, 5000), "closed after Connection: close");
close:
	http_conn_close(&c);
out:
	seed_stop(&s);
}

static int local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	return getsockname(fd, (struct sockaddr *)&a, &len) ? -errno : ntohs(a.sin_port);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/*
 * A is answered and stays open; B's request reaches the server's socket.
 * Once it lies there unread while every task of the server sleeps, nothing
 * will read it until A ends: then B must be answered.
 */
static void one_connection_at_a_time(void)
{
	struct http_response r;
	struct http_conn a, b;
	struct server s;
	int err, bport;

	if (seed_start(&s))
		return;
	if (!CHECK(!http_conn_open(&a, s.port), "connect A"))
		goto out;
	if (!answered(&a, GET, false, "A") || !CHECK(!http_conn_open(&b, s.port), "connect B"))
		goto close_a;
	bport = local_port(b.fd);
	if (!CHECK(!send_str(b.fd, GET), "send B"))
		goto close_b;
	CHECK(WAIT_UNTIL(tcp_unread_bytes(s.port, bport) > 0 && proc_tree_asleep(s.pid), 5000),
	      "B's request unread (%ld bytes) while the server sleeps",
	      tcp_unread_bytes(s.port, bport));
	CHECK(!readable(b.fd), "B answered while A is open");
	http_conn_close(&a);
	a.fd = -1;
	err = http_read(&b, &r, false, 5000);
	CHECK(!err && r.status == 200, "B once A closed: err %d status %d", err,
	      err ? 0 : r.status);
close_b:
	http_conn_close(&b);
close_a:
	if (a.fd >= 0)
		http_conn_close(&a);
out:
	seed_stop(&s);
}

static void two_connections_at_once(void)
{
	struct http_conn a, b;
	struct server s;

	if (seed_start(&s))
		return;
	if (!CHECK(!http_conn_open(&a, s.port), "connect A"))
		goto out;
	if (answered(&a, GET, false, "A") && CHECK(!http_conn_open(&b, s.port), "connect B")) {
		if (answered(&b, GET, false, "B while A is open"))
			answered(&a, GET, false, "A again while B is open");
		http_conn_close(&b);
	}
	http_conn_close(&a);
out:
	seed_stop(&s);
}

/* SIGTERM while a connection is served: the server, its children and its
 * threads all end, and the connection is closed */
static void sigterm_leaves_nothing(void)
{
	pid_t kids[8];
	struct http_conn c;
	struct server s;
	int n = 0;

	if (seed_start(&s))
		return;
	if (!CHECK(!http_conn_open(&c, s.port), "connect"))
		goto out;
	if (!answered(&c, GET, false, "GET"))
		goto close;
	if (seed->helpers && !strcmp(seed->helpers, "processes")) {
		n = proc_children(s.pid, kids, 8);
		CHECK(n >= 1, "%d child processes serving", n);
	} else if (seed->helpers) {
		CHECK(proc_count_threads(s.pid) >= 2, "%d threads", proc_count_threads(s.pid));
	}
	seed_stop(&s);
	for (int i = 0; i < n; i++)
		CHECK(WAIT_UNTIL(!proc_state(kids[i]), 5000), "child %d left behind: state %c",
		      kids[i], proc_state(kids[i]));
	CHECK(http_peer_closed(&c, 5000), "the connection closed");
close:
	http_conn_close(&c);
	return;
out:
	seed_stop(&s);
}

/* clang-format off */
#define SERIAL_SEEDS(X, fn)                                                     \
	X(fn, single_process) X(fn, multi_process_joined) X(fn, multi_thread_joined)
#define CONCURRENT_SEEDS(X, fn) X(fn, multi_process) X(fn, multi_thread)
#define ALL_SEEDS(X, fn) SERIAL_SEEDS(X, fn) CONCURRENT_SEEDS(X, fn)
/* clang-format on */

static const struct seed_server *seed_find(const char *name)
{
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (!strcmp(seeds[i].name, name))
			return &seeds[i];
	return NULL;
}

/* each case once per server, named "case/server" */
#define SEED_WRAP_(fn, v)                                                                          \
	static void fn##__##v(void)                                                                \
	{                                                                                          \
		seed = seed_find(#v);                                                              \
		fn();                                                                              \
	}
#define SEED_ENTRY_(fn, v) { #fn "/" #v, fn##__##v, 30 },

ALL_SEEDS(SEED_WRAP_, answers_get)
ALL_SEEDS(SEED_WRAP_, garbage_400_then_serves)
ALL_SEEDS(SEED_WRAP_, keep_alive_then_close)
SERIAL_SEEDS(SEED_WRAP_, one_connection_at_a_time)
CONCURRENT_SEEDS(SEED_WRAP_, two_connections_at_once)
ALL_SEEDS(SEED_WRAP_, sigterm_leaves_nothing)

/* clang-format off */
static const struct test_case cases[] = {
	ALL_SEEDS(SEED_ENTRY_, answers_get)
	ALL_SEEDS(SEED_ENTRY_, garbage_400_then_serves)
	ALL_SEEDS(SEED_ENTRY_, keep_alive_then_close)
	SERIAL_SEEDS(SEED_ENTRY_, one_connection_at_a_time)
	CONCURRENT_SEEDS(SEED_ENTRY_, two_connections_at_once)
	ALL_SEEDS(SEED_ENTRY_, sigterm_leaves_nothing)
};
/* clang-format on */

TEST_MAIN(cases)
