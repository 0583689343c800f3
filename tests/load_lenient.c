// SPDX-License-Identifier: MIT
/* The load generator reads the seeds' servers' answers as Python's
 * http.client and curl read them (each then closing: a colonless line
 * after the status line, the status line alone, bare "\n" heads), counts
 * every response and the leniency it needed, and refuses them with
 * --strict as wrk does. http.client and curl read the same bytes, from the
 * same server, as the independent witnesses. */
#include "harness/load/load.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/fake_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char url[64];

/* Every response this server sends needs these leniencies, and is read
 * by these clients as a 200 with body_len bytes of body. */
static const struct seed_answer {
	enum fake_behaviour b;
	const char *what;
	unsigned lenient;   /* 1 << enum http_lenient */
	size_t body_len;    /* as http.client and curl read it */
	bool curl_reads_it; /* curl 7.68+ refuses a header line without a colon */
} answers[] = {
	{ FAKE_ECHO_AFTER_STATUS, "status line, request echoed (seed 000, single process)",
	  1 << HTTP_LENIENT_NO_COLON | 1 << HTTP_LENIENT_BODY_AT_CLOSE, 0, false },
	{ FAKE_STATUS_LINE_ONLY, "status line alone (seed 000, multi-process)",
	  1 << HTTP_LENIENT_HEAD_AT_CLOSE, 0, true },
	{ FAKE_BARE_LF, "bare LF head (seed 001)",
	  1 << HTTP_LENIENT_BARE_LF | 1 << HTTP_LENIENT_BODY_AT_CLOSE, 5, true },
};

/* Python's http.client, as Locust's and requests' underneath: "STATUS BODY_LEN" */
static const char python_reader[] =
	"import http.client, sys\n"
	"c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=5)\n"
	"c.request('GET', '/')\n"
	"r = c.getresponse()\n"
	"print(r.status, len(r.read()))\n";

static void read_by_python(int port, const struct seed_answer *a)
{
	char out[256], p[16];
	const char *argv[] = { "python3", "-B", "-c", python_reader, p, NULL };
	int status = 0, len = -1, rc;

	snprintf(p, sizeof(p), "%d", port);
	rc = cmd_run(out, sizeof(out), 10, argv);
	CHECK(rc == 0 && sscanf(out, "%d %d", &status, &len) == 2 && status == 200 &&
		      len == (int)a->body_len,
	      "%s: http.client read %s (rc %d)", a->what, out, rc);
}

/* curl: status, and head + body bytes: what the load counts per response */
static void read_by_curl(int port, const struct seed_answer *a)
{
	char out[256];
	const char *argv[] = { "curl",	    "-s", "-o",
			       "/dev/null", "-w", "%{http_code} %{size_header} %{size_download}",
			       url,	    NULL };
	int status = 0, head = -1, body = -1, rc;

	(void)port;
	rc = cmd_run(out, sizeof(out), 10, argv);
	if (!a->curl_reads_it) {
		/* CURLE_WEIRD_SERVER_REPLY: "Header without colon" */
		CHECK(rc == 8, "%s: curl rc %d (%s)", a->what, rc, out);
		return;
	}
	CHECK(rc == 0 && sscanf(out, "%d %d %d", &status, &head, &body) == 3 && status == 200 &&
		      body == (int)a->body_len &&
		      (size_t)(head + body) == strlen(fake_server_answer(a->b)),
	      "%s: curl read %s (rc %d)", a->what, out, rc);
}

/* results.json keeps them: the load section's "lenient" and "strict" */
static void json_round_trip(const struct load_result *r, const struct seed_answer *a)
{
	json_t *j = load_result_to_json(r);
	struct load_result back;
	const json_t *l = json_object_get(j, "lenient");

	CHECK(json_is_false(json_object_get(j, "strict")), "%s: strict in JSON", a->what);
	CHECK(json_integer_value(json_object_get(l, "body_at_close")) ==
		      (json_int_t)r->lenient[HTTP_LENIENT_BODY_AT_CLOSE],
	      "%s: lenient.body_at_close", a->what);
	if (CHECK(load_result_from_json(j, &back) == 0, "%s: read back", a->what))
		CHECK(!memcmp(back.lenient, r->lenient, sizeof(r->lenient)),
		      "%s: lenient read back", a->what);
	load_result_free(&back);
	json_decref(j);
}

static void load_reads(const struct seed_answer *a, bool strict)
{
	struct fake_server f;
	struct load_opts o = { .connections = 4, .threads = 2, .duration_s = 1, .strict = strict };
	struct load_result r;
	int err;

	if (!CHECK(fake_server_start(&f, a->b) == 0, "fake server"))
		return;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", f.srv.port);
	o.url = url;
	err = load_run(&o, &r);
	if (!CHECK(err == 0, "load_run: %s", r.error))
		goto out;
	if (strict) {
		/* a colonless line is a bad response; a head the close cut, a
		 * close before a whole response */
		enum load_error kind = LOAD_ERR_KINDS;

		if (a->lenient & 1 << HTTP_LENIENT_NO_COLON)
			kind = LOAD_ERR_BAD_RESPONSE;
		else if (a->lenient & 1 << HTTP_LENIENT_HEAD_AT_CLOSE)
			kind = LOAD_ERR_CLOSED;
		if (kind != LOAD_ERR_KINDS)
			CHECK(r.requests == 0 && r.errors[kind] > 100,
			      "%s, strict: %llu requests, %llu %s", a->what,
			      (unsigned long long)r.requests, (unsigned long long)r.errors[kind],
			      load_error_name(kind));
		else
			CHECK(r.requests > 100 && r.errors_total == 0, "%s, strict: %llu requests",
			      a->what, (unsigned long long)r.requests);
		goto out;
	}
	CHECK(r.requests > 100 && r.errors_total == 0, "%s: %llu requests, %llu errors", a->what,
	      (unsigned long long)r.requests, (unsigned long long)r.errors_total);
	CHECK(r.status[200] == r.requests, "%s: %llu 200s", a->what,
	      (unsigned long long)r.status[200]);
	/* each response read whole: the bytes the server sent, one connection each */
	CHECK(r.bytes == r.requests * strlen(fake_server_answer(a->b)), "%s: %llu bytes", a->what,
	      (unsigned long long)r.bytes);
	CHECK(r.connects >= r.requests, "%s: %llu connections for %llu requests", a->what,
	      (unsigned long long)r.connects, (unsigned long long)r.requests);
	/* the server's own count: every answer sent was read, but those the
	 * window cut (warm-up none; at most one per connection at the end) */
	CHECK(fake_server_responses(&f) >= r.requests &&
		      fake_server_responses(&f) <= r.requests + o.connections,
	      "%s: server sent %llu, load counted %llu", a->what,
	      (unsigned long long)fake_server_responses(&f), (unsigned long long)r.requests);
	for (int k = 0; k < HTTP_LENIENT_KINDS; k++)
		CHECK(r.lenient[k] == (a->lenient >> k & 1 ? r.requests : 0), "%s: %s %llu of %llu",
		      a->what, http_lenient_name(k), (unsigned long long)r.lenient[k],
		      (unsigned long long)r.requests);
	json_round_trip(&r, a);
	read_by_python(f.srv.port, a);
	read_by_curl(f.srv.port, a);
out:
	load_result_free(&r);
	fake_server_stop(&f);
}

static void seeds_answers_read_and_counted(void)
{
	if (!cmd_exists("python3") || !cmd_exists("curl"))
		test_skip("python3 or curl is not installed (scripts/install-deps --tests)");
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		load_reads(&answers[i], false);
}

static void strict_reads_as_wrk(void)
{
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		load_reads(&answers[i], true);
}

/* A plain keep-alive server needs no leniency: nothing is counted. */
static void plain_responses_need_none(void)
{
	struct fake_server f;
	struct load_opts o = { .connections = 2, .threads = 1, .duration_s = 0.5 };
	struct load_result r;

	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", f.srv.port);
	o.url = url;
	if (CHECK(load_run(&o, &r) == 0, "load_run: %s", r.error) &&
	    CHECK(r.requests > 100, "%llu requests", (unsigned long long)r.requests))
		for (int k = 0; k < HTTP_LENIENT_KINDS; k++)
			CHECK(r.lenient[k] == 0, "%s: %llu", http_lenient_name(k),
			      (unsigned long long)r.lenient[k]);
	load_result_free(&r);
	fake_server_stop(&f);
}

static const struct test_case cases[] = {
	TEST(seeds_answers_read_and_counted),
	TEST(strict_reads_as_wrk),
	TEST(plain_responses_need_none),
};

TEST_MAIN(cases)
