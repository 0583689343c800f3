// SPDX-License-Identifier: MIT
/*
 * The seeds' servers (tests/fixtures/seed_servers), run through harness
 * run --server under throughput and under users, explained as what the
 * kernel saw them be: the single process and seed 000's joined variants
 * serve one connection at a time (the joined ones creating a process or a
 * thread for it and waiting for it to end: the time account's wait4 or
 * futex), the unjoined ones serve connections at once.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/results.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct seed {
	const char *name, *file; /* model NAME: tests/fixtures/seed_servers/FILE.py */
	bool serial;
	const char *creates; /* "process", "thread" or NULL */
	const char *waits;   /* the call a joined one waits in for it */
};

/* at most 4 --server a run: the serial ones, then the concurrent ones */
static const struct seed serial_seeds[] = {
	{ "single", "single_process", true, NULL, NULL },
	{ "pjoined", "multi_process_joined", true, "process", "wait4" },
	{ "tjoined", "multi_thread_joined", true, "thread", "futex" },
	{ NULL },
};
static const struct seed concurrent_seeds[] = {
	{ "procs", "multi_process", false, "process", NULL },
	{ "threads", "multi_thread", false, "thread", NULL },
	{ NULL },
};

static void one_explained(json_t *exp, const struct seed *s, const char *scenario)
{
	json_t *fig = json_object_get(exp, "figures"), *serial = results_trait(exp, "serial");
	double rps, starved = json_num(fig, "starved"), conns = json_num(fig, "connections");
	const char *verdict =
		json_string_value(json_object_get(json_object_get(exp, "verdict"), "text")) ?: "";
	const char *why = json_string_value(json_object_get(serial, "text")) ?: "";
	char per[64];

	if (!harness_served(exp, s->name, &rps))
		return;
	CHECK(!strcmp(results_trait_is(exp, "serial"), s->serial ? "yes" : "no") &&
		      results_fig_trait(exp, "serial") == s->serial,
	      "%s/%s: serial is %s (%s)", s->name, scenario, results_trait_is(exp, "serial"), why);
	if (s->creates) {
		snprintf(per, sizeof(per), "%s_per_connection", s->creates);
		CHECK(!strcmp(results_trait_is(exp, per), "yes"), "%s/%s: %s is %s: %s", s->name,
		      scenario, per, results_trait_is(exp, per),
		      json_string_value(json_object_get(results_trait(exp, per), "text")));
	}
	if (!s->serial) {
		/* served at once: hardly a connection left unanswered */
		CHECK(strcmp(results_limited_by(exp), "serial_serving") && starved <= conns / 10,
		      "%s/%s: limited by %s, %g of %g connections starved", s->name, scenario,
		      results_limited_by(exp), starved, conns);
		return;
	}
	/* one served, the others starved (all but one, bar a noisy start) */
	CHECK(!strcmp(results_limited_by(exp), "serial_serving") && starved >= 0.8 * conns,
	      "%s/%s: limited by %s, %g of %g connections starved", s->name, scenario,
	      results_limited_by(exp), starved, conns);
	if (s->waits) {
		double share = json_num(json_object_get(serial, "evidence"), "window_share");

		/* the accepting task blocked waiting for the one it created */
		CHECK(strstr(why, s->waits) && share >= 0.5, "%s/%s: %s not waited in: %s", s->name,
		      scenario, s->waits, why);
		snprintf(per, sizeof(per), "(a %s created for it", s->creates);
		CHECK(strstr(verdict, per), "%s/%s: verdict without '%s': %s", s->name, scenario,
		      per, verdict);
	}
}

static void seeds_explained(const struct seed *seeds, const char *const load[])
{
	char args[8][600], dir[512];
	const char *argv[24];
	json_t *results;
	int n = 0, i;

	if (!cmd_exists("python3"))
		test_skip("python3 is not installed (scripts/install-deps --tests)");
	snprintf(dir, sizeof(dir), "%s/seed_servers", test_fixtures_dir());
	for (i = 0; load[i]; i++)
		argv[n++] = load[i];
	for (i = 0; seeds[i].name; i++) {
		snprintf(args[i], sizeof(args[i]),
			 "--server=%s=python3 -B %s/%s.py --host {host} --port {port}",
			 seeds[i].name, dir, seeds[i].file);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	results = harness_results(argv, NULL, NULL);
	for (i = 0; results && seeds[i].name; i++)
		one_explained(results_experiment(results, seeds[i].name, load[1]), &seeds[i],
			      load[1]);
	json_decref(results);
}

/* kept alive, 20 connections as fast as each is answered */
static const char *const throughput[] = { "-s", "throughput", "-c", "20", NULL };
/*
 * Locust-like users, each on a connection of its own kept between
 * requests: 50 of them up within 0.1 s, thinking 0-10 ms, ask more than
 * one connection at a time can answer, and fewer than the accept queue
 * of the concurrent ones holds at once. No warm-up: its users' closed
 * connections would be left in the queue, for a process or a thread each
 * before the measured users' (Python's fork, on a shared machine, can
 * take the whole window for them).
 */
static const char *const users[] = { "-s",  "users",   "--users", "50",	      "--spawn-rate",
				     "500", "--think", "0-10ms",  "--warmup", "0",
				     "-d",  "2s",      NULL };

static void serial_under_throughput(void)
{
	seeds_explained(serial_seeds, throughput);
}

static void concurrent_under_throughput(void)
{
	seeds_explained(concurrent_seeds, throughput);
}

static void serial_under_users(void)
{
	seeds_explained(serial_seeds, users);
}

static void concurrent_under_users(void)
{
	seeds_explained(concurrent_seeds, users);
}

static const struct test_case cases[] = {
	TEST_SLOW(serial_under_throughput, 150),
	TEST_SLOW(concurrent_under_throughput, 150),
	TEST_SLOW(serial_under_users, 150),
	TEST_SLOW(concurrent_under_users, 150),
};

TEST_MAIN(cases)
