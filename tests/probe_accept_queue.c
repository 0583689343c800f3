// SPDX-License-Identifier: MIT
/*
 * accept_queue probe against listeners whose answer is known: one that
 * never accepts (the kernel queues backlog + 1 children, then drops), one
 * that accepts every connection before the next arrives (depth 1 at every
 * enqueue), and a target beside untargeted listeners that are loaded.
 * Each target listener runs in a cgroup and a network namespace of its own,
 * as the harness runs a server.
 */
#include "harness/sandbox/cgroup.h"
#include "probes/accept_queue_probe.h"
#include "probes/hooks.h"
#include "tests/lib/check.h"
#include "tests/lib/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct accept_queue_stats s; /* big: not on the stack */

/* what the listener does with its connections */
static void never_accepts(int fd)
{
	(void)fd;
	for (;;)
		pause();
}

static void accepts(int fd)
{
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c >= 0)
			close(c);
	}
}

#define NEVER_ACCEPTS never_accepts
#define ACCEPTS	      accepts

/* A connect that does not wait for the handshake: on loopback the SYN,
 * SYN-ACK and ACK are all processed before connect() returns. */
static int connect_nowait(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* n connects left open, as a burst of clients the server does not serve. */
static int connect_burst(int port, int n)
{
	for (int i = 0; i < n; i++)
		if (connect_nowait(port) < 0)
			return -errno;
	return 0;
}

/* A connection the server has accepted and closed: we saw its EOF. */
static bool connect_served(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char c;
	bool ok;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && read(fd, &c, 1) == 0;
	close(fd);
	return ok;
}

static bool fresh(void *p)
{
	return accept_queue_probe_read(p, &s) == 0;
}

/* Root, a cgroup and the probe's hooks, or a skip that names what is missing. */
static void *setup(struct cgroup *cg, struct listener *l, int backlog, void (*mode)(int fd))
{
	void *p;
	struct probe_target t;
	char why[256];
	int err;

	test_require_root();
	if (prog_stats_enable() < 0) /* held until the case ends */
		CHECK(false, "cannot enable BPF run-time statistics");
	err = cgroup_create(cg, "aq-target");
	if (err == -ENOENT)
		test_skip("no cgroup2 mounted");
	if (!CHECK(err == 0, "cgroup_create: %s", strerror(-err)))
		return NULL;
	err = listener_start(l, cg, true, backlog, mode);
	if (!CHECK(err == 0, "listener_start: %s", strerror(-err)))
		return NULL;
	t = (struct probe_target){ .cgroup_id = cg->id, .pid = l->pid };
	err = accept_queue_probe_open(&p, &t, why, sizeof(why));
	if (err == -EOPNOTSUPP)
		test_skip("%s", why);
	if (!CHECK(err == 0, "open: %s", why))
		return NULL;
	err = accept_queue_probe_attach(p, why, sizeof(why));
	if (!CHECK(err == 0, "attach: %s", why)) {
		accept_queue_probe_destroy(p);
		return NULL;
	}
	/* the probe samples from the target's netns on its own; the clients
	 * of this test join it */
	err = netns_join(l->pid);
	if (!CHECK(err == 0, "netns_join: %s", strerror(-err))) {
		accept_queue_probe_destroy(p);
		return NULL;
	}
	return p;
}

static void teardown(void *p, struct cgroup *cg)
{
	if (p && fresh(p))
		accept_queue_stats_print(stdout, &s);
	accept_queue_probe_destroy(p);
	cgroup_destroy(cg);
}

/* backlog 16, never accepted, 40 connects: the kernel queues 17. */
static void never_accepting_listener_fills_to_backlog_plus_one(void)
{
	void *p;
	struct listener l;
	struct cgroup cg;

	p = setup(&cg, &l, 16, NEVER_ACCEPTS);
	if (!p)
		goto out;
	if (!CHECK(connect_burst(l.port, 40) == 0, "connect: %s", strerror(errno)))
		goto out;
	/* 17 queued; the SYNs of the other 23 dropped (and retried later) */
	CHECK(WAIT_UNTIL(fresh(p) && s.enqueues >= 17 && s.listen_overflows >= 23 &&
				 s.samples_full >= 1,
			 5000),
	      "enqueues %llu, overflows %llu, full samples %llu", (unsigned long long)s.enqueues,
	      (unsigned long long)s.listen_overflows, (unsigned long long)s.samples_full);
	CHECK(s.have_enqueues && s.have_samples && s.have_netstat, "missing: %s", s.why);
	CHECK(s.enqueues == 17, "enqueues %llu, want 17", (unsigned long long)s.enqueues);
	CHECK(s.limit == 16, "limit %u", s.limit);
	CHECK(s.max_depth == 17, "max depth %u, want backlog+1 = 17", s.max_depth);
	CHECK(s.at_limit == 1, "full after %llu enqueues, want 1 (the 17th)",
	      (unsigned long long)s.at_limit);
	/* depths 1..17: slot 0 holds 1, slot 1 2-3, ..., slot 4 16-17 */
	CHECK(s.depth.slots[0] == 1 && s.depth.slots[1] == 2 && s.depth.slots[2] == 4 &&
		      s.depth.slots[3] == 8 && s.depth.slots[4] == 2 && s.depth.slots[5] == 0,
	      "depth histogram %llu %llu %llu %llu %llu %llu", (unsigned long long)s.depth.slots[0],
	      (unsigned long long)s.depth.slots[1], (unsigned long long)s.depth.slots[2],
	      (unsigned long long)s.depth.slots[3], (unsigned long long)s.depth.slots[4],
	      (unsigned long long)s.depth.slots[5]);
	CHECK(s.listen_overflows >= 23 && s.listen_drops >= s.listen_overflows,
	      "ListenOverflows %llu ListenDrops %llu", (unsigned long long)s.listen_overflows,
	      (unsigned long long)s.listen_drops);
	CHECK(s.listener_drops >= 23, "drops on the listener %llu",
	      (unsigned long long)s.listener_drops);
	CHECK(s.listeners == 1 && s.max_sampled_depth == 17, "sampled %u listeners, depth %u",
	      s.listeners, s.max_sampled_depth);
	CHECK(s.series_len > 0 && s.series[s.series_len - 1].max_depth == 17 &&
		      s.series[s.series_len - 1].limit == 16 &&
		      s.series[s.series_len - 1].full == 1,
	      "series: %u points, last depth %u limit %u", s.series_len,
	      s.series_len ? s.series[s.series_len - 1].max_depth : 0,
	      s.series_len ? s.series[s.series_len - 1].limit : 0);
	CHECK(s.cost.events >= 17 && s.cost.run_ns > 0, "cost %llu events %llu ns",
	      (unsigned long long)s.cost.events, (unsigned long long)s.cost.run_ns);

	accept_queue_stats_print(stdout, &s);
	{
		json_t *j = accept_queue_stats_to_json(&s);
		json_t *series = json_object_get(json_object_get(j, "samples"), "series");
		json_t *enq = json_object_get(j, "enqueues"), *net = json_object_get(j, "netstat");

		CHECK(json_integer_value(json_object_get(enq, "max_depth")) == 17 &&
			      json_integer_value(json_object_get(net, "ListenOverflows")) >= 23 &&
			      json_array_size(json_object_get(series, "max_depth")) ==
				      s.series_len &&
			      json_integer_value(json_object_get(series, "every_ms")) == 100,
		      "results.json view disagrees with the stats");
		json_decref(j);
	}

	/* reset starts again from zero */
	CHECK(accept_queue_probe_reset(p) == 0 && fresh(p) && s.enqueues == 0 && s.max_depth == 0 &&
		      s.listen_overflows == 0 && s.series_len == 0,
	      "after reset: %llu enqueues, depth %u, %llu overflows, %u points",
	      (unsigned long long)s.enqueues, s.max_depth, (unsigned long long)s.listen_overflows,
	      s.series_len);
out:
	teardown(p, &cg);
}

/* A listener that accepts each connection before the next one arrives:
 * every enqueue finds the queue empty but for the new child. */
static void accepting_listener_stays_empty(void)
{
	void *p;
	struct listener l;
	struct cgroup cg;
	int served = 0;

	p = setup(&cg, &l, 16, ACCEPTS);
	if (!p)
		goto out;
	for (int i = 0; i < 40; i++)
		served += connect_served(l.port);
	CHECK(served == 40, "served %d of 40", served);
	CHECK(WAIT_UNTIL(fresh(p) && s.enqueues >= 40 && s.samples >= 2, 5000), "enqueues %llu",
	      (unsigned long long)s.enqueues);
	CHECK(s.enqueues == 40, "enqueues %llu", (unsigned long long)s.enqueues);
	CHECK(s.max_depth == 1 && s.depth.slots[0] == 40, "max depth %u", s.max_depth);
	CHECK(s.at_limit == 0, "full %llu times", (unsigned long long)s.at_limit);
	CHECK(s.max_sampled_depth <= 1, "sampled depth %u", s.max_sampled_depth);
	CHECK(s.listen_overflows == 0 && s.listen_drops == 0,
	      "ListenOverflows %llu ListenDrops %llu", (unsigned long long)s.listen_overflows,
	      (unsigned long long)s.listen_drops);
out:
	teardown(p, &cg);
}

/* A TcpExt counter of the calling thread's network namespace, or -1. */
static long long netstat_value(const char *name)
{
	char names[8192], vals[8192], *sn, *sv, *n, *v;
	long long x = -1;
	FILE *f = fopen("/proc/thread-self/net/netstat", "r");

	while (f && fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		n = strtok_r(names + 7, " \n", &sn);
		v = strtok_r(vals + 7, " \n", &sv);
		for (; n && v; n = strtok_r(NULL, " \n", &sn), v = strtok_r(NULL, " \n", &sv))
			if (!strcmp(n, name))
				x = atoll(v);
	}
	if (f)
		fclose(f);
	return x;
}

/* In a namespace of its own: a listener with backlog 2 and 20 connects
 * overflows; exits 0 when its netns counted the overflows. */
static pid_t overflow_elsewhere(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct listener l;
		bool ok;

		if (netns_fresh() || listener_start(&l, NULL, false, 2, NEVER_ACCEPTS) ||
		    connect_burst(l.port, 20))
			_exit(1);
		ok = netstat_value("ListenOverflows") > 0;
		kill(l.pid, SIGKILL);
		_exit(ok ? 0 : 1);
	}
	return pid;
}

/* Load on untargeted listeners changes nothing of the target's counts:
 * one in the target's netns but another cgroup, one in another netns. */
static void untargeted_listeners_not_counted(void)
{
	void *p;
	struct listener l, other;
	struct cgroup cg;
	int status = -1;
	pid_t elsewhere;

	p = setup(&cg, &l, 16, NEVER_ACCEPTS);
	if (!p)
		goto out;
	/* same netns (we joined it), our cgroup: 40 queued, no overflow */
	if (!CHECK(listener_start(&other, NULL, false, 64, NEVER_ACCEPTS) == 0, "other listener") ||
	    !CHECK(connect_burst(other.port, 40) == 0, "connect other"))
		goto out;
	elsewhere = overflow_elsewhere();
	CHECK(elsewhere > 0 && waitpid(elsewhere, &status, 0) == elsewhere && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0,
	      "the listener in another netns did not overflow (status %d)", status);
	if (!CHECK(connect_burst(l.port, 5) == 0, "connect target"))
		goto out;
	/* a sample taken after the 5 also saw the other listener's 40 */
	CHECK(WAIT_UNTIL(fresh(p) && s.enqueues >= 5 && s.max_sampled_depth >= 5, 5000),
	      "enqueues %llu, sampled depth %u", (unsigned long long)s.enqueues,
	      s.max_sampled_depth);
	CHECK(s.enqueues == 5 && s.max_depth == 5 && s.limit == 16 && s.at_limit == 0,
	      "enqueues %llu, max depth %u, limit %u, full %llu", (unsigned long long)s.enqueues,
	      s.max_depth, s.limit, (unsigned long long)s.at_limit);
	CHECK(s.listeners == 1 && s.max_sampled_depth == 5, "sampled %u listeners, depth %u",
	      s.listeners, s.max_sampled_depth);
	CHECK(s.listen_overflows == 0 && s.listen_drops == 0 && s.listener_drops == 0,
	      "overflows %llu, drops %llu, listener drops %llu",
	      (unsigned long long)s.listen_overflows, (unsigned long long)s.listen_drops,
	      (unsigned long long)s.listener_drops);
out:
	teardown(p, &cg);
}

/* A kernel without sock:sk_data_ready (before 6.3): the samples still see
 * the queue fill, and the probe says what it goes without. */
static void degrades_to_samples_without_sk_data_ready(void)
{
	void *p, *none = NULL;
	struct probe_target nt = { 0 };
	struct listener l;
	struct cgroup cg;
	char why[256];
	int err;

	hooks_env.hidden = "sk_data_ready";
	p = setup(&cg, &l, 16, NEVER_ACCEPTS);
	if (!p)
		goto out;
	if (!CHECK(connect_burst(l.port, 40) == 0, "connect: %s", strerror(errno)))
		goto out;
	CHECK(WAIT_UNTIL(fresh(p) && s.max_sampled_depth >= 17 && s.listen_overflows >= 23, 5000),
	      "sampled depth %u, overflows %llu", s.max_sampled_depth,
	      (unsigned long long)s.listen_overflows);
	CHECK(!s.have_enqueues && s.enqueues == 0 && s.have_samples && s.max_sampled_depth == 17,
	      "enqueues %d/%llu, samples %d, depth %u", s.have_enqueues,
	      (unsigned long long)s.enqueues, s.have_samples, s.max_sampled_depth);
	CHECK(strstr(s.why, "sk_data_ready"), "why: '%s'", s.why);

	/* and without iter/tcp as well: nothing left, and it says why */
	hooks_env.hidden = "sk_data_ready,tcp";
	err = accept_queue_probe_open(&none, &nt, why, sizeof(why));
	CHECK(err == -EOPNOTSUPP && !none, "open without any hook: %d", err);
	CHECK(strstr(why, "sk_data_ready") && strstr(why, "iter"), "why: '%s'", why);
out:
	hooks_env.hidden = NULL;
	teardown(p, &cg);
}

static const struct test_case cases[] = {
	TEST(never_accepting_listener_fills_to_backlog_plus_one),
	TEST(accepting_listener_stays_empty),
	TEST(untargeted_listeners_not_counted),
	TEST(degrades_to_samples_without_sk_data_ready),
};

TEST_MAIN(cases)
