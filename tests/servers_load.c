// SPDX-License-Identifier: MIT
/*
 * The five servers under load: wrk kept alive and with a new connection
 * per request, a thousand connections open at once, and a stop in the
 * middle of a load. After each the server must have let go of everything
 * the load made it take: descriptors, children, threads.
 */
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/cmd.h"
#include "tests/lib/models.h"
#include "tests/lib/server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define GET "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"

/* what a server holds when idle, to compare with after a load */
struct idle {
	int fds, threads;
};

static struct idle idle_state(pid_t pid)
{
	return (struct idle){ proc_count_fds(pid), proc_count_threads(pid) };
}

/* Back to idle: its descriptors, threads, and (fork) no children, no zombies. */
static void check_back_to_idle(const struct server *s, struct idle before)
{
	int zombies = 0;

	CHECK(server_alive(s), "the server still runs");
	CHECK(WAIT_UNTIL(proc_count_fds(s->pid) == before.fds, 10000), "%d descriptors, not %d",
	      proc_count_fds(s->pid), before.fds);
	CHECK(WAIT_UNTIL(proc_count_threads(s->pid) == before.threads, 10000), "%d threads, not %d",
	      proc_count_threads(s->pid), before.threads);
	CHECK(WAIT_UNTIL(proc_count_children(s->pid, &zombies) == 0 && zombies == 0, 10000),
	      "%d children, %d zombies", proc_count_children(s->pid, &zombies), zombies);
}

/* wrk -t1 -cN -d2s [-H 'Connection: close']: zero socket errors, zero non-2xx */
static void wrk(int port, int conns, bool close_each)
{
	char url[64], c[16], out[4096];
	const char *argv[] = { "wrk", "-t1", c, "-d2s", "--timeout", "10s", url, NULL, NULL, NULL };
	int rc;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	snprintf(c, sizeof(c), "-c%d", conns);
	if (close_each) {
		argv[6] = "-H";
		argv[7] = "Connection: close";
		argv[8] = url;
	}
	rc = cmd_run(out, sizeof(out), 60, argv);
	CHECK(rc == 0 && strstr(out, " requests in "), "wrk %d: %s", rc, out);
	CHECK(!strstr(out, "Socket errors"), "socket errors: %s", out);
	CHECK(!strstr(out, "Non-2xx"), "non-2xx answers: %s", out);
}

/* the blocking server serves one connection at a time: one client, kept alive */
static void wrk_case(bool close_each)
{
	struct server s;
	struct idle before;

	if (!cmd_exists("wrk"))
		test_skip("wrk is not installed (make deps)");
	if (model_start(&s, NULL))
		return;
	before = idle_state(s.pid);
	wrk(s.port, close_each || strcmp(model->binary, "blocking") ? 64 : 1, close_each);
	check_back_to_idle(&s, before);
	model_stop(&s);
}

static void wrk_kept_alive(void)
{
	wrk_case(false);
}

static void wrk_connection_close(void)
{
	wrk_case(true);
}

#define NCONNS 1000

/* A thousand connections open at once, a request on each, every one answered. */
static void thousand_connections(void)
{
	const char *args[] = { "--backlog", "1024", NULL };
	struct http_conn *c = calloc(NCONNS, sizeof(*c));
	struct http_response r;
	struct rlimit rl;
	struct server s;
	struct idle before;
	int open = 0, answered = 0, err = 0, zombies;

	/* a descriptor per connection here too */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (!CHECK(rl.rlim_cur >= NCONNS + 64, "open-file limit %lu", (unsigned long)rl.rlim_cur))
		goto out;
	if (model_start(&s, args))
		goto out;
	before = idle_state(s.pid);
	for (; open < NCONNS; open++)
		if ((err = http_conn_open(&c[open], s.port)))
			break;
	CHECK(open == NCONNS, "connection %d: %s", open, strerror(-err));
	for (int i = 0; i < open; i++)
		if ((err = send_str(c[i].fd, GET)))
			break;
	/* all held at once: the server cannot have closed any */
	for (int i = 0; i < open; i++)
		if (!(err = http_read(&c[i], &r, false, 30000)) && r.status == 200 && !r.conn_close)
			answered++;
	CHECK(answered == NCONNS, "%d answered (last error %d)", answered, err);
	if (!strcmp(model->binary, "fork"))
		CHECK(proc_count_children(s.pid, &zombies) == NCONNS, "%d children",
		      proc_count_children(s.pid, &zombies));
	else if (!strcmp(model->binary, "pthread"))
		CHECK(proc_count_threads(s.pid) > NCONNS, "%d threads", proc_count_threads(s.pid));
	else
		CHECK(proc_count_fds(s.pid) >= before.fds + NCONNS, "%d descriptors",
		      proc_count_fds(s.pid));
	for (int i = 0; i < open; i++)
		http_conn_close(&c[i]);
	check_back_to_idle(&s, before);
	model_stop(&s);
out:
	free(c);
}

/* pids of the live children of pid */
static int children_of(pid_t pid, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) && n < max) {
		char path[300], buf[512], *p, state;
		int ppid;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = e->d_name[0] >= '1' && e->d_name[0] <= '9' ? fopen(path, "r") : NULL;
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (p && sscanf(p + 1, " %c %d", &state, &ppid) == 2 && ppid == pid && state != 'Z')
			pids[n++] = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* wrk in the background, its output thrown away */
static pid_t start_wrk(int port)
{
	char url[64];
	pid_t pid;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execlp("wrk", "wrk", "-t1", "-c16", "-d20s", url, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/*
 * SIGTERM in the middle of a load: exit 0 within the 5 s server_stop()
 * allows, with every child gone (its threads go with the process).
 */
static void stop_under_load(void)
{
	struct server s;
	struct idle before;
	pid_t kids[256], wrk_pid;
	int nkids = 0, gone = 0;

	if (!cmd_exists("wrk"))
		test_skip("wrk is not installed (make deps)");
	if (model_start(&s, NULL))
		return;
	before = idle_state(s.pid);
	wrk_pid = start_wrk(s.port);
	/* under load: connections held (fork: by children) */
	CHECK(WAIT_UNTIL(proc_count_fds(s.pid) > before.fds ||
				 (nkids = children_of(s.pid, kids, 256)) > 0,
			 10000),
	      "no connection taken");
	nkids = children_of(s.pid, kids, 256);
	model_stop(&s);
	for (int i = 0; i < nkids; i++)
		gone += kill(kids[i], 0) && errno == ESRCH;
	CHECK(gone == nkids, "%d of %d children left behind", nkids - gone, nkids);
	kill(wrk_pid, SIGKILL);
	waitpid(wrk_pid, NULL, 0);
}

/* clang-format off */
MODEL_CASES(ALL_MODELS, wrk_kept_alive)
MODEL_CASES(ALL_MODELS, wrk_connection_close)
MODEL_CASES(CONCURRENT_MODELS, thousand_connections)
MODEL_CASES(ALL_MODELS, stop_under_load)

static const struct test_case cases[] = {
	MODEL_TESTS(ALL_MODELS, wrk_kept_alive, 60)
	MODEL_TESTS(ALL_MODELS, wrk_connection_close, 60)
	MODEL_TESTS(CONCURRENT_MODELS, thousand_connections, 120)
	MODEL_TESTS(ALL_MODELS, stop_under_load, 60)
};

/* clang-format on */

TEST_MAIN(cases)
