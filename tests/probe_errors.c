// SPDX-License-Identifier: MIT
/*
 * errors probe against servers whose answer is known, each in a cgroup and
 * a network namespace of its own as the harness runs a server: N
 * connections closed with an unread request are N resets sent
 * (TCP_ABORT_ON_CLOSE) and N received in ESTABLISHED; N connects to a port
 * nobody listens on are N resets for no socket; who sends the first FIN;
 * FINs sent when a process that kept the descriptors exits; drops by
 * reason (a reset for no socket drops the segment that asked for it). Each count is checked against the namespace's own counters
 * (/proc/PID/net/netstat and snmp, what nstat reads).
 */
#include "harness/sandbox/cgroup.h"
#include "probes/errors_probe.h"
#include "probes/netstat.h"
#include "probes/syscalls_probe.h"
#include "tests/lib/check.h"
#include "tests/lib/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h> /* TCP_ESTABLISHED, ...: the kernel's states */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 20

static struct errors_stats s;

static int rst_reason(const char *name)
{
	for (int r = 0; r < ERRORS_RST_REASONS; r++)
		if (errors_rst_reason_name(r) && !strcmp(errors_rst_reason_name(r), name))
			return r;
	return ERRORS_RST_REASONS - 1;
}

static int drop_reason(const char *name)
{
	for (int r = 0; r < ERRORS_DROP_REASONS; r++)
		if (errors_drop_reason_name(r) && !strcmp(errors_drop_reason_name(r), name))
			return r;
	return ERRORS_DROP_REASONS - 1;
}

static __u64 sent_total(void)
{
	__u64 n = 0;

	for (int side = 0; side < ERRORS_SIDES; side++)
		n += errors_rst_sent_by(&s, side);
	return n;
}

/* ------------------------------------------------------------ servers */

/* Waits until c has a request to read, then closes it unread: a reset. */
static void closes_unread(int fd)
{
	for (;;) {
		int c = accept(fd, NULL, NULL);
		struct pollfd pfd = { .fd = c, .events = POLLIN };

		if (c < 0)
			continue;
		poll(&pfd, 1, 5000);
		close(c);
	}
}

/* Reads the request, then aborts: SO_LINGER 0, a reset instead of a FIN. */
static void aborts_after_reading(int fd)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	for (;;) {
		int c = accept(fd, NULL, NULL);
		char buf[256];

		if (c < 0)
			continue;
		if (read(c, buf, sizeof(buf)) > 0)
			setsockopt(c, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(c);
	}
}

/* Reads the request, answers, closes: the server's FIN first. */
static void answers_and_closes(int fd)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

	for (;;) {
		int c = accept(fd, NULL, NULL);
		char buf[256];

		if (c < 0)
			continue;
		if (read(c, buf, sizeof(buf)) > 0 && write(c, resp, sizeof(resp) - 1) < 0)
			buf[0] = 0;
		close(c);
	}
}

/* Reads until the client closes, then closes: the client's FIN first. */
static void waits_for_eof(int fd)
{
	for (;;) {
		int c = accept(fd, NULL, NULL);
		char buf[256];

		if (c < 0)
			continue;
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
}

/*
 * A fork server whose parent keeps every connection: each child answers
 * and closes, which sends nothing while the parent holds its copy; after N
 * the parent exits, and the FINs leave then.
 */
static void parent_keeps_descriptors(int fd)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

	for (int i = 0; i < N; i++) {
		int c = accept(fd, NULL, NULL);
		char buf[256];

		if (c < 0) {
			i--;
			continue;
		}
		if (fork() == 0) {
			if (read(c, buf, sizeof(buf)) > 0 && write(c, resp, sizeof(resp) - 1) < 0)
				buf[0] = 0;
			close(c);
			_exit(0);
		}
		/* the parent's copy stays open: the bug */
	}
	while (wait(NULL) > 0)
		;
	/* told to go by the test (SIGUSR1), once it saw no FIN came */
	signal(SIGUSR1, SIG_DFL);
	for (;;)
		pause();
}

static void never_accepts(int fd)
{
	(void)fd;
	for (;;)
		pause();
}

/* ------------------------------------------------------------ clients */

static int connect_to(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* One request on a new connection; what the read after it returned: the
 * bytes, 0 (EOF), or -errno. close_after: we close first, once answered. */
static int request(int port, bool wait_eof)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct timeval tv = { .tv_sec = 5 };
	int fd = connect_to(port), n, total = 0;
	char buf[256];

	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (write(fd, req, sizeof(req) - 1) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0 && wait_eof)
		total += n;
	n = n < 0 ? -errno : wait_eof ? total : n;
	close(fd);
	return n;
}

/* ------------------------------------------------------------ set-up */

static void *probe;
static struct syscalls_stats *sys_s;

/* The syscalls probe on the same target, for its close()s held elsewhere. */
static void *syscalls_on(const struct cgroup *cg, const struct listener *l)
{
	struct probe_target t = { .cgroup_id = cg->id, .pid = l->pid };
	char why[256];
	void *p = NULL;

	sys_s = calloc(1, sizeof(*sys_s));
	if (!CHECK(sys_s && syscalls_probe_open(&p, &t, why, sizeof(why)) == 0, "open: %s", why) ||
	    !CHECK(syscalls_probe_attach(p, why, sizeof(why)) == 0, "attach: %s", why)) {
		syscalls_probe_destroy(p);
		return NULL;
	}
	return p;
}

static __u64 closes_held(void *sp)
{
	return sp && syscalls_probe_read(sp, sys_s) == 0 ? sys_s->closes_held_elsewhere : ~0ull;
}

static bool fresh(void)
{
	return errors_probe_read(probe, &s) == 0;
}

/* Root, a cgroup, a listener there in a netns of its own, the probe on
 * it and this process in its netns; or a skip that names what is missing. */
static bool setup(struct cgroup *cg, struct listener *l, int backlog, void (*serve)(int fd))
{
	struct probe_target t;
	char why[256];
	int err;

	test_require_root();
	if (prog_stats_enable() < 0)
		CHECK(false, "cannot enable BPF run-time statistics");
	err = cgroup_create(cg, "errors-target");
	if (err == -ENOENT)
		test_skip("no cgroup2 mounted");
	if (!CHECK(err == 0, "cgroup_create: %s", strerror(-err)))
		return false;
	err = listener_start(l, cg, true, backlog, serve);
	if (!CHECK(err == 0, "listener_start: %s", strerror(-err)))
		return false;
	t = (struct probe_target){ .cgroup_id = cg->id, .pid = l->pid };
	err = errors_probe_open(&probe, &t, why, sizeof(why));
	if (err == -EOPNOTSUPP || err == -ENOENT)
		test_skip("%s", why);
	if (!CHECK(err == 0, "open: %s", why))
		return false;
	err = errors_probe_attach(probe, why, sizeof(why));
	if (!CHECK(err == 0, "attach: %s", why))
		return false;
	err = netns_join(l->pid);
	return CHECK(err == 0, "netns_join: %s", strerror(-err)) &&
	       CHECK(fresh() && s.netns && s.have_drops && s.have_netstat, "missing: %s", s.why);
}

static void teardown(struct cgroup *cg)
{
	if (probe && fresh())
		errors_stats_print(stdout, &s);
	errors_probe_destroy(probe);
	probe = NULL;
	cgroup_destroy(cg);
}

/* ------------------------------------------------------------ cases */

/* N requests left unread by a close(): N resets, each counted once on
 * each side, as the kernel's own counters count them. */
static void unread_request_closed_is_a_reset(void)
{
	int resets = 0, abort = rst_reason("TCP_ABORT_ON_CLOSE");
	struct listener l;
	struct cgroup cg;

	if (!setup(&cg, &l, 64, closes_unread))
		goto out;
	for (int i = 0; i < N; i++)
		resets += request(l.port, false) == -ECONNRESET;
	CHECK(resets == N, "%d of %d requests reset", resets, N);
	CHECK(WAIT_UNTIL(fresh() && s.rst_received[ERRORS_CLIENT][TCP_ESTABLISHED] >= N, 5000),
	      "client resets received in ESTABLISHED: %llu",
	      (unsigned long long)s.rst_received[ERRORS_CLIENT][TCP_ESTABLISHED]);
	CHECK(s.rst_sent[ERRORS_SERVER][abort] == N,
	      "server resets TCP_ABORT_ON_CLOSE %llu, want %d",
	      (unsigned long long)s.rst_sent[ERRORS_SERVER][abort], N);
	/* tcp_close() moves to CLOSE before it sends the reset */
	CHECK(s.rst_sent_state[ERRORS_SERVER][TCP_CLOSE] == N, "sent in CLOSE: %llu",
	      (unsigned long long)s.rst_sent_state[ERRORS_SERVER][TCP_CLOSE]);
	CHECK(s.rst_received[ERRORS_CLIENT][TCP_ESTABLISHED] == N, "received %llu",
	      (unsigned long long)s.rst_received[ERRORS_CLIENT][TCP_ESTABLISHED]);
	CHECK(s.server_closed_first == 0, "a reset is no FIN: %llu",
	      (unsigned long long)s.server_closed_first);
	/* the kernel's own counters, read by the probe and by us */
	CHECK(s.netstat[NETSTAT_ABORT_ON_CLOSE] == N, "TCPAbortOnClose %llu",
	      (unsigned long long)s.netstat[NETSTAT_ABORT_ON_CLOSE]);
	CHECK(s.netstat[NETSTAT_OUT_RSTS] == sent_total(), "OutRsts %llu, probe %llu",
	      (unsigned long long)s.netstat[NETSTAT_OUT_RSTS], (unsigned long long)sent_total());
	/* an ESTABLISHED socket closed by a reset, on either side: the
	 * server's abort and the client's reset received */
	CHECK(s.netstat[NETSTAT_ESTAB_RESETS] == 2 * N, "EstabResets %llu, want %d",
	      (unsigned long long)s.netstat[NETSTAT_ESTAB_RESETS], 2 * N);
	{
		static const char *const names[] = { "TcpExt:TCPAbortOnClose" };
		__u64 v = 0;

		CHECK(netstat_read(0, names, 1, &v) == 0 && v >= N,
		      "our own read of the netns: TCPAbortOnClose %llu", (unsigned long long)v);
	}
	/* reset starts from zero */
	CHECK(errors_probe_reset(probe) == 0 && fresh() && sent_total() == 0 &&
		      s.netstat[NETSTAT_ABORT_ON_CLOSE] == 0,
	      "after reset: %llu sent", (unsigned long long)sent_total());
out:
	teardown(&cg);
}

/* N aborts with SO_LINGER 0, all input read: N resets the kernel sends
 * from tcp_disconnect() (TCP_STATE), and counts as TCPAbortOnData. */
static void linger_zero_close_is_a_reset(void)
{
	int resets = 0, state = rst_reason("TCP_STATE");
	struct listener l;
	struct cgroup cg;

	if (!setup(&cg, &l, 64, aborts_after_reading))
		goto out;
	for (int i = 0; i < N; i++)
		resets += request(l.port, false) == -ECONNRESET;
	CHECK(resets == N, "%d of %d requests reset", resets, N);
	CHECK(WAIT_UNTIL(fresh() && s.rst_sent[ERRORS_SERVER][state] >= N, 5000),
	      "TCP_STATE resets %llu", (unsigned long long)s.rst_sent[ERRORS_SERVER][state]);
	CHECK(s.rst_sent[ERRORS_SERVER][state] == N && sent_total() == N, "TCP_STATE %llu of %llu",
	      (unsigned long long)s.rst_sent[ERRORS_SERVER][state],
	      (unsigned long long)sent_total());
	CHECK(s.netstat[NETSTAT_ABORT_ON_DATA] == N, "TCPAbortOnData %llu, want %d",
	      (unsigned long long)s.netstat[NETSTAT_ABORT_ON_DATA], N);
	CHECK(s.netstat[NETSTAT_OUT_RSTS] == sent_total(), "OutRsts %llu, probe %llu",
	      (unsigned long long)s.netstat[NETSTAT_OUT_RSTS], (unsigned long long)sent_total());
out:
	teardown(&cg);
}

/* N connects to a port nobody listens on: N resets that no socket sent. */
static void refused_connect_is_a_reset_for_no_socket(void)
{
	int refused = 0, nosock = rst_reason("NO_SOCKET");
	struct listener l;
	struct cgroup cg;

	if (!setup(&cg, &l, 64, never_accepts))
		goto out;
	for (int i = 0; i < N; i++)
		refused += connect_to(l.port + 1 == 65536 ? 1 : l.port + 1) == -ECONNREFUSED;
	CHECK(refused == N, "%d of %d connects refused", refused, N);
	CHECK(WAIT_UNTIL(fresh() && s.rst_sent[ERRORS_NO_OWNER][nosock] >= N, 5000),
	      "no-socket resets %llu", (unsigned long long)s.rst_sent[ERRORS_NO_OWNER][nosock]);
	CHECK(s.rst_sent[ERRORS_NO_OWNER][nosock] == N, "no-socket resets %llu",
	      (unsigned long long)s.rst_sent[ERRORS_NO_OWNER][nosock]);
	CHECK(s.rst_received[ERRORS_CLIENT][TCP_SYN_SENT] == N, "received in SYN_SENT %llu",
	      (unsigned long long)s.rst_received[ERRORS_CLIENT][TCP_SYN_SENT]);
	CHECK(s.netstat[NETSTAT_OUT_RSTS] == sent_total(), "OutRsts %llu, probe %llu",
	      (unsigned long long)s.netstat[NETSTAT_OUT_RSTS], (unsigned long long)sent_total());
	CHECK(s.drops[drop_reason("NO_SOCKET")] == N, "dropped for no socket %llu",
	      (unsigned long long)s.drops[drop_reason("NO_SOCKET")]);
out:
	teardown(&cg);
}

/* The server answers and closes: its FIN first, N times. */
static void server_closing_first_is_counted(void)
{
	int answered = 0;
	struct listener l;
	struct cgroup cg;

	void *sp = NULL;

	if (!setup(&cg, &l, 64, answers_and_closes))
		goto out;
	sp = syscalls_on(&cg, &l);
	for (int i = 0; i < N; i++)
		answered += request(l.port, true) > 0;
	/* one process: every close() is the last */
	CHECK(closes_held(sp) == 0, "closes held elsewhere: %llu",
	      (unsigned long long)closes_held(sp));
	CHECK(answered == N, "%d of %d answered", answered, N);
	CHECK(WAIT_UNTIL(fresh() && s.server_closed_first >= N, 5000), "server first %llu",
	      (unsigned long long)s.server_closed_first);
	CHECK(s.server_closed_first == N && s.client_closed_first == 0,
	      "first FIN: server %llu, client %llu", (unsigned long long)s.server_closed_first,
	      (unsigned long long)s.client_closed_first);
	CHECK(s.fin_at_exit == 0 && s.fins == N, "FINs %llu, at exit %llu",
	      (unsigned long long)s.fins, (unsigned long long)s.fin_at_exit);
	CHECK(sent_total() == 0, "resets %llu", (unsigned long long)sent_total());
out:
	syscalls_probe_destroy(sp);
	free(sys_s);
	teardown(&cg);
}

/* The client closes after its answer: the client's FIN first. */
static void client_closing_first_is_counted(void)
{
	struct listener l;
	struct cgroup cg;

	if (!setup(&cg, &l, 64, waits_for_eof))
		goto out;
	for (int i = 0; i < N; i++) {
		int fd = connect_to(l.port);

		CHECK(fd >= 0 && write(fd, "x", 1) == 1, "connect %d", fd);
		close(fd);
	}
	CHECK(WAIT_UNTIL(fresh() && s.client_closed_first >= N, 5000), "client first %llu",
	      (unsigned long long)s.client_closed_first);
	CHECK(s.client_closed_first == N && s.server_closed_first == 0,
	      "first FIN: server %llu, client %llu", (unsigned long long)s.server_closed_first,
	      (unsigned long long)s.client_closed_first);
out:
	teardown(&cg);
}

/* The delayed close: children answer and close, the parent keeps its
 * copies; no FIN until the parent exits, and then N, at its exit. */
static void fin_delayed_until_parent_exits(void)
{
	static const char req[] = "GET / HTTP/1.1\r\n\r\n";
	struct timeval tv = { .tv_sec = 5 };
	struct listener l;
	struct cgroup cg;
	int fds[N], answered = 0;
	char buf[256];

	void *sp = NULL;

	if (!setup(&cg, &l, 64, parent_keeps_descriptors))
		goto out;
	sp = syscalls_on(&cg, &l);
	for (int i = 0; i < N; i++) {
		fds[i] = connect_to(l.port);
		if (!CHECK(fds[i] >= 0 && write(fds[i], req, sizeof(req) - 1) > 0, "request %d", i))
			goto out;
		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	/* every child has answered and closed its copy */
	for (int i = 0; i < N; i++)
		answered += read(fds[i], buf, sizeof(buf)) > 0;
	CHECK(answered == N, "%d of %d answered", answered, N);
	CHECK(WAIT_UNTIL(fresh() && s.fins == 0 && s.server_closed_first == 0, 200) &&
		      !WAIT_UNTIL(fresh() && s.fins > 0, 500),
	      "FINs %llu before the parent's exit", (unsigned long long)s.fins);
	/* each child's close() left the connection to the parent */
	CHECK(closes_held(sp) == N, "closes held elsewhere: %llu, want %d",
	      (unsigned long long)closes_held(sp), N);
	kill(l.pid, SIGUSR1);
	waitpid(l.pid, NULL, 0);
	CHECK(WAIT_UNTIL(fresh() && s.fins >= N, 5000), "FINs %llu", (unsigned long long)s.fins);
	CHECK(s.fin_at_exit == N && s.server_closed_first == N && s.fins == N,
	      "FINs %llu, at exit %llu, server first %llu", (unsigned long long)s.fins,
	      (unsigned long long)s.fin_at_exit, (unsigned long long)s.server_closed_first);
	for (int i = 0; i < N; i++)
		close(fds[i]);
out:
	syscalls_probe_destroy(sp);
	free(sys_s);
	teardown(&cg);
}

/*
 * A full accept queue drops the SYNs it refuses with consume_skb, not as
 * drops (tcp_rcv_state_process): kfree_skb's TCP_LISTEN_OVERFLOW is only
 * a final ACK refused. The accept_queue probe's ListenOverflows counts
 * them all; the drops seen here are never more.
 */
static void listen_overflow_is_not_all_drops(void)
{
	static const char *const names[] = { "TcpExt:ListenOverflows" };
	int overflow = drop_reason("TCP_LISTEN_OVERFLOW");
	struct listener l;
	struct cgroup cg;
	__u64 before = 0, after = 0;

	if (!setup(&cg, &l, 1, never_accepts))
		goto out;
	netstat_read(0, names, 1, &before);
	for (int i = 0; i < 10; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(l.port) };
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS)
			CHECK(false, "connect: %s", strerror(errno));
	}
	CHECK(WAIT_UNTIL(netstat_read(0, names, 1, &after) == 0 && after - before >= 8, 5000),
	      "ListenOverflows %llu", (unsigned long long)(after - before));
	CHECK(fresh() && s.drops[overflow] <= after - before,
	      "TCP_LISTEN_OVERFLOW %llu, ListenOverflows %llu",
	      (unsigned long long)s.drops[overflow], (unsigned long long)(after - before));
out:
	teardown(&cg);
}

/* Resets in another namespace are not the experiment's. */
static void other_namespaces_not_counted(void)
{
	struct listener l, other;
	struct cgroup cg;
	int refused = 0;

	if (!setup(&cg, &l, 64, never_accepts))
		goto out;
	if (!CHECK(netns_fresh() == 0, "netns_fresh") ||
	    !CHECK(listener_start(&other, NULL, false, 8, closes_unread) == 0, "other listener"))
		goto out;
	for (int i = 0; i < N; i++) {
		refused += connect_to(other.port + 1) == -ECONNREFUSED;
		request(other.port, false);
	}
	CHECK(refused == N, "%d refused", refused);
	CHECK(fresh() && sent_total() == 0 && errors_drops_total(&s) == 0 &&
		      errors_rst_received_by(&s, ERRORS_CLIENT) == 0,
	      "counted elsewhere: %llu resets, %llu drops", (unsigned long long)sent_total(),
	      (unsigned long long)errors_drops_total(&s));
out:
	teardown(&cg);
}

/* results.json holds what was counted, and reads back the same. */
static void json_round_trip(void)
{
	struct errors_stats *back = calloc(1, sizeof(*back));
	json_t *j, *again;
	char *a = NULL, *b = NULL;

	memset(&s, 0, sizeof(s));
	s.netns = s.have_reasons = s.have_drops = s.have_netstat = true;
	s.rst_sent[ERRORS_SERVER][rst_reason("TCP_ABORT_ON_CLOSE")] = 412;
	s.rst_received[ERRORS_CLIENT][TCP_ESTABLISHED] = 412;
	s.drops[drop_reason("TCP_LISTEN_OVERFLOW")] = 7;
	s.netstat[NETSTAT_ABORT_ON_CLOSE] = 412;
	s.server_closed_first = 3;
	j = errors_stats_to_json(&s);
	CHECK(json_integer_value(
		      json_object_get(json_object_get(json_object_get(j, "resets_sent"), "server"),
				      "TCP_ABORT_ON_CLOSE")) == 412,
	      "resets_sent.server.TCP_ABORT_ON_CLOSE");
	CHECK(back && errors_stats_from_json(j, back) == 0, "from_json");
	again = errors_stats_to_json(back);
	a = json_dumps(j, JSON_SORT_KEYS);
	b = json_dumps(again, JSON_SORT_KEYS);
	CHECK(a && b && !strcmp(a, b), "read back differs:\n%s\n%s", a, b);
	free(a);
	free(b);
	json_decref(j);
	json_decref(again);
	free(back);
}

static const struct test_case cases[] = {
	TEST(unread_request_closed_is_a_reset),
	TEST(linger_zero_close_is_a_reset),
	TEST(refused_connect_is_a_reset_for_no_socket),
	TEST(server_closing_first_is_counted),
	TEST(client_closing_first_is_counted),
	TEST(fin_delayed_until_parent_exits),
	TEST(listen_overflow_is_not_all_drops),
	TEST(other_namespaces_not_counted),
	TEST(json_round_trip),
};

TEST_MAIN(cases)
