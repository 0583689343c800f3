// SPDX-License-Identifier: MIT
/* What the load generator accepts as a target (loopback only) and the
 * request bytes it formats. */
#include "harness/load/load_target.h"
#include "tests/lib/check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

static void loopback_urls_parse(void)
{
	static const struct {
		const char *url;
		int family, port;
		const char *host;
	} ok[] = {
		{ "http://127.0.0.1:8080/", AF_INET, 8080, "127.0.0.1:8080" },
		{ "127.0.0.1:9", AF_INET, 9, "127.0.0.1:9" },
		{ "http://127.1.2.3", AF_INET, 80, "127.1.2.3" },
		{ "http://localhost:81/x?y=1", AF_INET, 81, "localhost:81" },
		{ "http://[::1]:8443/", AF_INET6, 8443, "[::1]:8443" },
	};
	struct load_target t;
	char err[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int r = load_target_init(&t, ok[i].url, NULL, 0, false, err, sizeof(err));
		const struct sockaddr_in *in = (const void *)&t.addr;

		if (!CHECK(r == 0, "%s: %s", ok[i].url, err))
			continue;
		CHECK(t.addr.ss_family == ok[i].family && ntohs(in->sin_port) == ok[i].port &&
			      !strcmp(t.host, ok[i].host),
		      "%s: family %d port %d host %s", ok[i].url, t.addr.ss_family,
		      ntohs(in->sin_port), t.host);
		load_target_free(&t);
	}
}

static void other_hosts_refused(void)
{
	static const char *const refused[] = {
		"http://10.0.0.1/",	    "http://8.8.8.8:80/", "http://example.com/",
		"http://[2001:db8::1]:80/", "http://0.0.0.0:80/", "http://128.0.0.1/",
	};
	struct load_target t;
	char err[256];

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int r = load_target_init(&t, refused[i], NULL, 0, false, err, sizeof(err));

		CHECK(r == -EPERM && strstr(err, "loopback"), "%s: %d '%s'", refused[i], r, err);
		load_target_free(&t);
	}
}

static void malformed_refused(void)
{
	static const char *const bad[] = {
		"",
		"https://127.0.0.1/",
		"ftp://127.0.0.1/",
		"http://127.0.0.1:0/",
		"http://127.0.0.1:70000/",
		"http://127.0.0.1:80x/",
		"http:///",
		"http://127.0.0.1/a b",
		"http://127.0.0.1/a\r\nX: y",
		"http://[::1/",
	};
	struct load_target t;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = load_target_init(&t, bad[i], NULL, 0, false, err, sizeof(err));

		CHECK(r == -EINVAL, "'%s': %d '%s'", bad[i], r, err);
		load_target_free(&t);
	}
}

static void request_bytes(void)
{
	const char *h[] = { "Accept: */*", "X-Test: 1" }, *host[] = { "Host: example" },
		   *inject[] = { "X: a\r\nY: b" };
	struct load_target t;
	char err[256];

	CHECK(load_target_init(&t, "http://127.0.0.1:8080/p?q", h, 2, false, err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(!strcmp(t.request, "GET /p?q HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n"
				 "X-Test: 1\r\n\r\n") &&
		      t.request_len == strlen(t.request),
	      "request '%s'", t.request);
	load_target_free(&t);
	CHECK(load_target_init(&t, "http://127.0.0.1:8080", host, 1, true, err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(!strcmp(t.request, "GET / HTTP/1.1\r\nHost: example\r\nConnection: close\r\n\r\n"),
	      "close: '%s'", t.request);
	load_target_free(&t);
	CHECK(load_target_init(&t, "http://127.0.0.1/", inject, 1, false, err, sizeof(err)) ==
		      -EINVAL,
	      "header with CRLF refused");
	load_target_free(&t);
}

/* A query without a path asks for /?query: a request target starts with '/'. */
static void query_without_path(void)
{
	struct load_target t;
	char err[256];

	CHECK(load_target_init(&t, "http://127.0.0.1:8080?x=1", NULL, 0, false, err, sizeof(err)) ==
		      0,
	      "%s", err);
	CHECK(t.request && !strncmp(t.request, "GET /?x=1 HTTP/1.1\r\n", 20), "request '%s'",
	      t.request);
	load_target_free(&t);
}

/* A header needs a name of token characters before its colon. */
static void header_names_checked(void)
{
	static const char *const bad[] = { ": x", " X: y", "X Y: z", "X(y): z", "no colon" };
	const char *good[] = { "X-Custom_1.a~: value with spaces" };
	struct load_target t;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = load_target_init(&t, "http://127.0.0.1/", &bad[i], 1, false, err,
					 sizeof(err));

		CHECK(r == -EINVAL && strstr(err, "bad header"), "'%s': %d '%s'", bad[i], r, err);
		load_target_free(&t);
	}
	CHECK(load_target_init(&t, "http://127.0.0.1/", good, 1, false, err, sizeof(err)) == 0,
	      "'%s': %s", good[0], err);
	load_target_free(&t);
}

static const struct test_case cases[] = {
	TEST(loopback_urls_parse), TEST(other_hosts_refused), TEST(malformed_refused),
	TEST(request_bytes),	   TEST(query_without_path),  TEST(header_names_checked),
};

TEST_MAIN(cases)
