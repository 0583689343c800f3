// SPDX-License-Identifier: MIT
/*
 * io_uring probe against rings whose answer is known: N NOPs and
 * N reads, reads forced to io-wq with IOSQE_ASYNC, a wait on an empty
 * pipe, a multishot accept; and a target beside an untargeted busy ring.
 * The target runs in a cgroup of its own and does each step when told.
 */
#include "harness/sandbox/cgroup.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/io_uring_probe.h"
#include "tests/lib/check.h"
#include "tests/lib/fresh_tracefs.h"
#include "tests/lib/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define N 100 /* NOPs, and reads */
#define M 20  /* reads with IOSQE_ASYNC */

static struct io_uring_stats s; /* big: not on the stack */

static bool fresh(void *p)
{
	return io_uring_probe_read(p, &s) == 0;
}

/* n requests of one kind, 32 at a time, each waited for; 0 or -errno. */
static int ring_run(struct io_uring *ring, int n, int op, int fd, unsigned flags)
{
	static char buf[512];

	while (n > 0) {
		int batch = n < 32 ? n : 32, err;

		for (int i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

			if (op == IORING_OP_NOP)
				io_uring_prep_nop(sqe);
			else
				io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
			io_uring_sqe_set_flags(sqe, flags);
		}
		err = io_uring_submit_and_wait(ring, batch);
		if (err < 0)
			return err;
		for (int i = 0; i < batch; i++) {
			struct io_uring_cqe *cqe;

			err = io_uring_wait_cqe(ring, &cqe);
			if (err)
				return err;
			err = cqe->res < 0 ? cqe->res : 0;
			io_uring_cqe_seen(ring, cqe);
			if (err)
				return err;
		}
		n -= batch;
	}
	return 0;
}

/* A file of 4 KiB in the page cache, already unlinked. */
static int scratch_file(void)
{
	char path[] = "/tmp/whyserve-uring.XXXXXX", buf[4096] = { 1 };
	int fd = mkstemp(path);

	if (fd < 0)
		return -errno;
	unlink(path);
	if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* ------------------------------------------------------------ the target */

/* The target process: does step k when told k, answers k (or 0 on error). */
struct target {
	pid_t pid;
	int go, done; /* pipes: to it, from it */
	int file;     /* a file to read */
	int pipe_fd;  /* a pipe: the target reads it, the test writes it */
	int port;     /* its listener, for multishot accept */
};

typedef int (*step_fn)(struct io_uring *ring, struct target *t, int step);

static int target_start(struct target *t, const struct cgroup *cg, step_fn fn)
{
	int go[2], done[2], pw[2];

	memset(t, 0, sizeof(*t));
	t->file = scratch_file();
	if (t->file < 0 || pipe2(go, O_CLOEXEC) || pipe2(done, O_CLOEXEC) || pipe2(pw, O_CLOEXEC))
		return -errno;
	t->pid = fork();
	if (t->pid < 0)
		return -errno;
	if (t->pid == 0) {
		struct io_uring ring;
		char k;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pw[1]);
		t->pipe_fd = pw[0]; /* in the target: the read end */
		if (cgroup_add_pid(cg, getpid()) || io_uring_queue_init(64, &ring, 0))
			_exit(1);
		while (read(go[0], &k, 1) == 1) {
			char r = fn(&ring, t, k) == 0 ? k : 0;

			if (write(done[1], &r, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	close(pw[0]);
	t->go = go[1];
	t->done = done[0];
	t->pipe_fd = pw[1];
	return 0;
}

/* Tells the target to do step k and waits (10 s) for it to be done. */
static bool target_step(struct target *t, char k)
{
	struct pollfd pfd = { .fd = t->done, .events = POLLIN };
	char r = 0;

	return write(t->go, &k, 1) == 1 && poll(&pfd, 1, 10000) == 1 && read(t->done, &r, 1) == 1 &&
	       r == k;
}

static void *setup(struct cgroup *cg, struct target *t, step_fn fn)
{
	struct probe_target pt;
	void *p;
	char why[256];
	int err;

	test_require_root();
	if (prog_stats_enable() < 0) /* held until the case ends */
		CHECK(false, "cannot enable BPF run-time statistics");
	err = cgroup_create(cg, "uring-target");
	if (err == -ENOENT)
		test_skip("no cgroup2 mounted");
	if (!CHECK(err == 0, "cgroup_create: %s", strerror(-err)))
		return NULL;
	err = target_start(t, cg, fn);
	if (!CHECK(err == 0, "target_start: %s", strerror(-err)))
		return NULL;
	pt = (struct probe_target){ .cgroup_id = cg->id, .pid = t->pid };
	err = io_uring_probe_open(&p, &pt, why, sizeof(why));
	if (err == -EOPNOTSUPP)
		test_skip("%s", why);
	if (!CHECK(err == 0, "open: %s", why))
		return NULL;
	err = io_uring_probe_attach(p, why, sizeof(why));
	if (!CHECK(err == 0, "attach: %s", why)) {
		io_uring_probe_destroy(p);
		return NULL;
	}
	return p;
}

static void teardown(void *p, struct cgroup *cg)
{
	if (p && fresh(p))
		io_uring_stats_print(stdout, &s);
	io_uring_probe_destroy(p);
	cgroup_destroy(cg);
}

/* ------------------------------------------------------------ cases */

static int counted_steps(struct io_uring *ring, struct target *t, int step)
{
	switch (step) {
	case 1:
		return ring_run(ring, N, IORING_OP_NOP, -1, 0)
			       ?: ring_run(ring, N, IORING_OP_READ, t->file, 0);
	case 2:
		return ring_run(ring, M, IORING_OP_READ, t->file, IOSQE_ASYNC);
	case 3: /* a read of an empty pipe: io_uring_enter must sleep */
		return ring_run(ring, 1, IORING_OP_READ, t->pipe_fd, 0);
	}
	return -EINVAL;
}

static void nops_and_reads_counted_per_opcode(void)
{
	struct io_uring_op_stats *nop = &s.ops[IORING_OP_NOP], *rd = &s.ops[IORING_OP_READ];
	void *p;
	struct cgroup cg;
	struct target t;
	__u64 punted;

	p = setup(&cg, &t, counted_steps);
	if (!p)
		goto out;
	CHECK(io_uring_op_name(IORING_OP_READ) && !strcmp(io_uring_op_name(IORING_OP_READ), "READ"),
	      "opcode name %s", io_uring_op_name(IORING_OP_READ));

	if (!CHECK(target_step(&t, 1), "step 1: %d NOPs and %d reads", N, N) ||
	    !CHECK(fresh(p), "read"))
		goto out;
	CHECK(nop->submitted == N && nop->completed == N && nop->errors == 0,
	      "NOP: %llu submitted, %llu completed, %llu errors, want %d",
	      (unsigned long long)nop->submitted, (unsigned long long)nop->completed,
	      (unsigned long long)nop->errors, N);
	CHECK(rd->submitted == N && rd->completed == N && rd->errors == 0,
	      "READ: %llu submitted, %llu completed, want %d", (unsigned long long)rd->submitted,
	      (unsigned long long)rd->completed, N);
	CHECK(log2_hist_total(&nop->latency) == N && log2_hist_total(&rd->latency) == N,
	      "latencies: NOP %llu, READ %llu, want %d",
	      (unsigned long long)log2_hist_total(&nop->latency),
	      (unsigned long long)log2_hist_total(&rd->latency), N);
	CHECK(nop->punted == 0, "NOPs punted %llu", (unsigned long long)nop->punted);
	CHECK(s.submitted == 2 * N && s.completed == 2 * N, "totals %llu/%llu",
	      (unsigned long long)s.submitted, (unsigned long long)s.completed);
	punted = rd->punted;

	if (!CHECK(target_step(&t, 2), "step 2: %d IOSQE_ASYNC reads", M) ||
	    !CHECK(fresh(p), "read"))
		goto out;
	CHECK(rd->submitted == N + M && rd->completed == N + M,
	      "READ: %llu submitted, %llu completed, want %d", (unsigned long long)rd->submitted,
	      (unsigned long long)rd->completed, N + M);
	CHECK(rd->punted - punted == M, "IOSQE_ASYNC reads punted %llu, want %d",
	      (unsigned long long)(rd->punted - punted), M);

	/* step 3 blocks in io_uring_enter until the pipe has a byte */
	if (!CHECK(write(t.go, &(char){ 3 }, 1) == 1, "step 3"))
		goto out;
	CHECK(WAIT_UNTIL(fresh(p) && s.cq_waits >= 1, 5000), "no wait for completions seen");
	CHECK(write(t.pipe_fd, "x", 1) == 1, "write to the pipe");
	{
		struct pollfd pfd = { .fd = t.done, .events = POLLIN };
		char r = 0;

		CHECK(poll(&pfd, 1, 10000) == 1 && read(t.done, &r, 1) == 1 && r == 3,
		      "step 3 did not finish");
	}
	CHECK(fresh(p) && rd->completed == N + M + 1 && s.unattributed == 0,
	      "READ completed %llu, want %d; unattributed %llu", (unsigned long long)rd->completed,
	      N + M + 1, (unsigned long long)s.unattributed);
	{
		json_t *j = io_uring_stats_to_json(&s);
		json_t *read = json_object_get(json_object_get(j, "ops"), "READ");

		CHECK(json_integer_value(json_object_get(read, "submitted")) == N + M + 1 &&
			      json_integer_value(json_object_get(read, "punted")) ==
				      (json_int_t)rd->punted &&
			      json_integer_value(json_object_get(j, "cq_waits")) ==
				      (json_int_t)s.cq_waits,
		      "results.json view disagrees with the stats");
		json_decref(j);
	}
	CHECK(s.cost.events >= 4 * N && s.cost.run_ns > 0, "cost %llu events %llu ns",
	      (unsigned long long)s.cost.events, (unsigned long long)s.cost.run_ns);
out:
	teardown(p, &cg);
}

/* A multishot accept: one submission, a CQE per connection, the extra
 * CQEs carrying no request but matched to ACCEPT. */
static int multishot_steps(struct io_uring *ring, struct target *t, int step)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	static int lfd = -1;
	int n = 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	switch (step) {
	case 1: /* listen, report the port through the file */
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 64) ||
		    getsockname(lfd, (struct sockaddr *)&sa, &len))
			return -errno;
		t->port = ntohs(sa.sin_port);
		return pwrite(t->file, &t->port, sizeof(t->port), 0) == sizeof(t->port) ? 0 : -EIO;
	case 2: /* accept 5 connections with one multishot SQE */
		io_uring_prep_multishot_accept(io_uring_get_sqe(ring), lfd, NULL, NULL, 0);
		if (io_uring_submit(ring) != 1)
			return -EIO;
		while (n < 5) {
			struct io_uring_cqe *cqe;
			bool more;

			if (io_uring_wait_cqe(ring, &cqe))
				return -EIO;
			more = cqe->flags & IORING_CQE_F_MORE;
			if (cqe->res >= 0)
				n++;
			io_uring_cqe_seen(ring, cqe);
			if (!more)
				return -EIO;
		}
		return 0;
	}
	return -EINVAL;
}

static void multishot_accept_cqes_attributed(void)
{
	struct io_uring_op_stats *acc = &s.ops[IORING_OP_ACCEPT];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	void *p;
	struct cgroup cg;
	struct target t;
	int fds[5];

	p = setup(&cg, &t, multishot_steps);
	if (!p)
		goto out;
	if (!CHECK(target_step(&t, 1), "listen") ||
	    !CHECK(pread(t.file, &t.port, sizeof(t.port), 0) == sizeof(t.port), "port"))
		goto out;
	if (!CHECK(write(t.go, &(char){ 2 }, 1) == 1, "step 2"))
		goto out;
	sa.sin_port = htons(t.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < 5; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect");
	}
	{
		struct pollfd pfd = { .fd = t.done, .events = POLLIN };
		char r = 0;

		CHECK(poll(&pfd, 1, 10000) == 1 && read(t.done, &r, 1) == 1 && r == 2,
		      "the target did not accept 5 connections");
	}
	CHECK(fresh(p) && acc->submitted == 1 && acc->multishot == 1,
	      "ACCEPT: %llu submitted, %llu multishot", (unsigned long long)acc->submitted,
	      (unsigned long long)acc->multishot);
	CHECK(acc->completed == 5 && s.unattributed == 0,
	      "ACCEPT: %llu completed, want 5; unattributed %llu",
	      (unsigned long long)acc->completed, (unsigned long long)s.unattributed);
	CHECK(log2_hist_total(&acc->latency) == 0, "a multishot request was timed");
out:
	teardown(p, &cg);
}

/* Kernels before 6.13 have io_uring_complete with other arguments: the
 * probe takes the classic tracepoint there. The same answers from it. */
static void classic_complete_tracepoint_counts_the_same(void)
{
	struct io_uring_op_stats *nop = &s.ops[IORING_OP_NOP], *rd = &s.ops[IORING_OP_READ];
	void *p = NULL;
	struct cgroup cg = { .path = "" };
	struct target t;

	/* as on a fresh machine: the probe mounts tracefs itself */
	test_without_tracefs();
	io_uring_probe_classic_complete = true;
	p = setup(&cg, &t, counted_steps);
	if (!p)
		goto out;
	if (!CHECK(target_step(&t, 1), "step 1") || !CHECK(target_step(&t, 2), "step 2") ||
	    !CHECK(fresh(p), "read"))
		goto out;
	CHECK(nop->submitted == N && nop->completed == N && log2_hist_total(&nop->latency) == N,
	      "NOP: %llu submitted, %llu completed, %llu timed, want %d",
	      (unsigned long long)nop->submitted, (unsigned long long)nop->completed,
	      (unsigned long long)log2_hist_total(&nop->latency), N);
	CHECK(rd->submitted == N + M && rd->completed == N + M &&
		      log2_hist_total(&rd->latency) == N + M && rd->punted >= M,
	      "READ: %llu submitted, %llu completed, %llu timed, %llu punted",
	      (unsigned long long)rd->submitted, (unsigned long long)rd->completed,
	      (unsigned long long)log2_hist_total(&rd->latency), (unsigned long long)rd->punted);
out:
	teardown(p, &cg);
}

/* A kernel without one of the hooks: the probe goes on without that
 * figure and says so; without the submissions it does not open. */
static void degrades_without_a_tracepoint(void)
{
	struct io_uring_op_stats *rd = &s.ops[IORING_OP_READ];
	void *p, *none = NULL;
	struct probe_target nt = { 0 };
	struct cgroup cg;
	struct target t;
	char why[256];
	int err;

	hooks_env.hidden = "io_uring_queue_async_work";
	p = setup(&cg, &t, counted_steps);
	if (!p)
		goto out;
	if (!CHECK(target_step(&t, 2), "step 2") || !CHECK(fresh(p), "read"))
		goto out;
	CHECK(!s.have_punts && rd->punted == 0 && strstr(s.why, "io_uring_queue_async_work"),
	      "punts %d/%llu, why '%s'", s.have_punts, (unsigned long long)rd->punted, s.why);
	CHECK(rd->submitted == M && rd->completed == M, "READ %llu/%llu, want %d",
	      (unsigned long long)rd->submitted, (unsigned long long)rd->completed, M);

	hooks_env.hidden = "io_uring_submit_req";
	err = io_uring_probe_open(&none, &nt, why, sizeof(why));
	CHECK(err == -EOPNOTSUPP && !none && strstr(why, "io_uring_submit_req"),
	      "open without io_uring_submit_req: %d, why '%s'", err, why);
out:
	hooks_env.hidden = NULL;
	teardown(p, &cg);
}

static int nops_only(struct io_uring *ring, struct target *t, int step)
{
	(void)t;
	return step == 1 ? ring_run(ring, N, IORING_OP_NOP, -1, 0) : -EINVAL;
}

/* The same opcodes in a ring outside the target, at the same time, and
 * other ones: none of it is counted for the target. */
static void untargeted_ring_not_counted(void)
{
	struct io_uring ring;
	void *p;
	struct cgroup cg;
	struct target t;
	int file = -1, pw[2] = { -1, -1 }, err;

	p = setup(&cg, &t, nops_only);
	if (!p)
		goto out;
	file = scratch_file();
	if (!CHECK(file >= 0 && pipe(pw) == 0, "scratch file") ||
	    !CHECK(io_uring_queue_init(64, &ring, 0) == 0, "io_uring_queue_init"))
		goto out;
	if (!CHECK(write(t.go, &(char){ 1 }, 1) == 1, "step 1"))
		goto out;
	err = ring_run(&ring, 10 * N, IORING_OP_NOP, -1, 0) ?:
	      ring_run(&ring, N, IORING_OP_READ, file, 0) ?:
	      ring_run(&ring, M, IORING_OP_READ, file, IOSQE_ASYNC);
	CHECK(err == 0, "untargeted ring: %s", strerror(-err));
	{
		struct pollfd pfd = { .fd = t.done, .events = POLLIN };
		char r = 0;

		CHECK(poll(&pfd, 1, 10000) == 1 && read(t.done, &r, 1) == 1 && r == 1,
		      "the target's NOPs did not finish");
	}
	/* and a wait for completions of our own: the byte comes once we sleep
	 * (were it early, there would be no wait, and nothing to leak) */
	if (fork() == 0) {
		pid_t us = getppid();

		WAIT_UNTIL(proc_state(us) == 'S', 2000);
		_exit(write(pw[1], "x", 1) == 1 ? 0 : 1);
	}
	err = ring_run(&ring, 1, IORING_OP_READ, pw[0], 0);
	CHECK(err == 0, "untargeted wait: %s", strerror(-err));
	io_uring_queue_exit(&ring);

	CHECK(fresh(p), "read");
	CHECK(s.ops[IORING_OP_NOP].submitted == N && s.ops[IORING_OP_NOP].completed == N,
	      "NOP: %llu submitted, %llu completed, want %d",
	      (unsigned long long)s.ops[IORING_OP_NOP].submitted,
	      (unsigned long long)s.ops[IORING_OP_NOP].completed, N);
	CHECK(s.submitted == N && s.completed == N && s.punted == 0 && s.cq_waits == 0,
	      "totals: %llu submitted, %llu completed, %llu punted, %llu waits",
	      (unsigned long long)s.submitted, (unsigned long long)s.completed,
	      (unsigned long long)s.punted, (unsigned long long)s.cq_waits);
out:
	if (file >= 0)
		close(file);
	teardown(p, &cg);
}

static const struct test_case cases[] = {
	TEST(nops_and_reads_counted_per_opcode),
	TEST(multishot_accept_cqes_attributed),
	TEST(classic_complete_tracepoint_counts_the_same),
	TEST(degrades_without_a_tracepoint),
	TEST(untargeted_ring_not_counted),
};

TEST_MAIN(cases)
