// SPDX-License-Identifier: MIT
/*
 * nginx as the reference model: run by name beside our models, configured
 * by the harness, explained by what the kernel saw it be, in every output;
 * its requests checked against nginx's own count; named when missing, it
 * is refused in one line.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/file.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/results.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NGINX "/usr/sbin/nginx"

static const char *harness(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/harness", test_bin_dir());
	return path;
}

static void require_nginx(void)
{
	if (access(NGINX, X_OK))
		test_skip("nginx is not installed (scripts/install-deps)");
}

/* DIR/NAME as a string ("" when it cannot be read); free it */
static char *text_of(const char *dir, const char *name)
{
	char path[256];
	size_t len = 0;
	char *bytes, *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	bytes = (char *)file_read(path, &len);
	s = strndup(bytes ? bytes : "", len);
	free(bytes);
	return s;
}

/* The directories the harness made for nginx, left in /tmp */
static int nginx_dirs_left(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, "whyserve-nginx-", 15);
	if (d)
		closedir(d);
	return n;
}

/* served, explained, and an event loop by the kernel's figures */
static bool explained_event_loop(json_t *exp, const char *model)
{
	json_t *fig = json_object_get(exp, "figures");

	return CHECK(exp, "no %s experiment", model) &&
	       CHECK(json_num(fig, "requests") > 0, "%s: no request served", model) &&
	       CHECK(results_limited_by(exp)[0], "%s: no verdict", model) &&
	       CHECK(!strcmp(results_trait_is(exp, "event_loop"), "yes") &&
			     json_is_true(
				     json_object_get(json_object_get(fig, "traits"), "event_loop")),
		     "%s: not inferred an event loop", model);
}

/*
 * nginx beside epoll under throughput: both explained, nginx's row in
 * summary.txt, results.json and report.html; the requests the load counted
 * against those nginx itself read in the window (its stub_status): each
 * answered one was read, and at most the connections' last requests (and
 * the warm-up's) were read but not seen answered.
 */
static void nginx_beside_epoll(void)
{
	char dir[64] = "", *summary = NULL, *html = NULL, *trace = NULL;
	static char again[1 << 17];
	int before = nginx_dirs_left();
	json_t *results, *nginx, *epoll, *fig;
	double load, own, conns;
	int rc;

	require_nginx();
	results = harness_results_in((const char *const[]){ "epoll", "nginx", "-s",
							    "throughput,sleep", NULL },
				     dir);
	if (!results)
		goto out;
	/* where our handlers sleep, nginx cannot be asked to: not run */
	CHECK(results_experiment(results, "epoll", "sleep") &&
		      !results_experiment(results, "nginx", "sleep"),
	      "nginx run under sleep, or epoll not");
	nginx = results_experiment(results, "nginx", "throughput");
	epoll = results_experiment(results, "epoll", "throughput");
	if (!explained_event_loop(epoll, "epoll") || !explained_event_loop(nginx, "nginx"))
		goto out;
	fig = json_object_get(nginx, "figures");
	load = json_num(fig, "requests");
	own = json_num(fig, "server_requests");
	conns = json_num(fig, "connections");
	/* the same window, read at its edges: but for those in flight there */
	CHECK(fabs(own - load) <= 2 * conns,
	      "nginx counted %.0f requests in the window, the load %.0f (%.0f connections)", own,
	      load, conns);
	CHECK(isnan(json_num(json_object_get(epoll, "figures"), "server_requests")),
	      "epoll has a count of its own");
	/* configured as ours: the backlog asked, one worker per server CPU */
	CHECK(json_num(fig, "backlog") == 128 && json_num(fig, "aq_limit") == 128,
	      "nginx: backlog %g, accept queue limit %g", json_num(fig, "backlog"),
	      json_num(fig, "aq_limit"));
	summary = text_of(dir, "summary.txt");
	html = text_of(dir, "report.html");
	trace = text_of(dir, "nginx.txt");
	CHECK(strstr(summary, "\nnginx ") && strstr(summary, "\nnginx: limited by"),
	      "summary.txt has no row or verdict of nginx: %.3000s", summary);
	CHECK(strstr(html, "</span>nginx</td><td class=\"verdict\">") &&
		      strstr(html, "</span>nginx<small>throughput</small>"),
	      "report.html has no row or section of nginx");
	CHECK(strstr(trace, "its own count (nginx's stub_status)") &&
		      strstr(trace, "what it is, from the kernel's figures: an event loop"),
	      "nginx.txt: no count of its own, or not an event loop: %.3000s", trace);
	/* read back from results.json alone, as written */
	rc = cmd_run(again, sizeof(again), 30,
		     (const char *const[]){ harness(), "report", dir, NULL });
	CHECK(rc == 0 && strstr(again, "==== nginx · throughput ====") &&
		      strstr(again, "its own count (nginx's stub_status)"),
	      "harness report: exit %d, nginx not read back: %.2000s", rc, again);
out:
	CHECK(nginx_dirs_left() <= before, "nginx's directory left in /tmp");
	free(summary);
	free(html);
	free(trace);
	rm_rf(dir);
	json_decref(results);
}

/* Named where it would run nowhere: one line, exit 2, before anything starts. */
static void nowhere_refused(void)
{
	static const char *const asked[][4] = {
		{ "-s", "sleep", NULL },
		{ "-s", "throughput", "--work-us", "10" },
	};
	char out[4096];

	require_nginx();
	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		const char *argv[8] = { harness(), "run", "nginx" };
		int rc, lines = 0;

		for (int k = 0; k < 4 && asked[i][k]; k++)
			argv[3 + k] = asked[i][k];
		rc = cmd_run(out, sizeof(out), 10, argv);
		for (char *p = out; (p = strchr(p, '\n')); p++)
			lines++;
		CHECK(rc == 2 && lines == 1 && strstr(out, "nginx would run nowhere"),
		      "%s %s: exit %d, not one line saying so: %s", asked[i][0], asked[i][1], rc,
		      out);
	}
}

/* harness list says whether it is installed */
static void listed(void)
{
	char out[8192];
	int rc = cmd_run(out, sizeof(out), 10, (const char *const[]){ harness(), "list", NULL });

	CHECK(rc == 0 && strstr(out, "\n  nginx ") &&
		      strstr(out, access(NGINX, X_OK) ? "not installed" : "; installed"),
	      "harness list: exit %d: %s", rc, out);
}

/*
 * Without nginx (hidden under a file that is no program, in a mount
 * namespace of the test's own), naming it is one line and exit 2, and
 * harness list says it is not installed.
 */
static void missing_refused(void)
{
	char run[1200], out[4096];
	int rc, lines = 0;

	test_require_root();
	require_nginx();
	if (!cmd_exists("unshare"))
		test_skip("no unshare (util-linux) to hide nginx in a mount namespace");
	snprintf(run, sizeof(run),
		 "mount --bind /dev/null " NGINX " && %s list | grep '^  nginx' && "
		 "exec %s run nginx -s throughput --quick",
		 harness(), harness());
	rc = cmd_run(out, sizeof(out), 30,
		     (const char *const[]){ "unshare", "--mount", "sh", "-c", run, NULL });
	for (char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK(rc == 2 && lines == 2 && strstr(out, "not installed\n") &&
		      strstr(out, "harness run: nginx is not installed (" NGINX ": "),
	      "exit %d, not one line saying nginx is not installed: %s", rc, out);
}

static const struct test_case cases[] = {
	TEST_SLOW(nginx_beside_epoll, 150),
	TEST(nowhere_refused),
	TEST(listed),
	TEST_SLOW(missing_refused, 30),
};

TEST_MAIN(cases)
