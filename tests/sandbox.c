// SPDX-License-Identifier: MIT
/*
 * The server process as the harness starts it (harness/sandbox/): none of
 * the harness's descriptors or environment, stdin from /dev/null, no new
 * privileges, as nobody, in its cgroup.
 */
#include "tests/lib/check.h"
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/server_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A stand-in server: says what it was given on stderr (each descriptor's
 * target, its environment, NoNewPrivs, its uid), then its start-up line.
 */
static const char *const reporter[] = {
	"/bin/sh",
	"-c",
	/* ls, as any program the server runs, has what the shell was given,
	 * and its own listing of /proc/self/fd */
	"ls -l /proc/self/fd | sed -n 's/.* \\([0-9]*\\) -> /fd \\1 -> /p' >&2; "
	"env | sed 's/^/env /' >&2; grep -E '^(NoNewPrivs|Uid):' /proc/$$/status >&2; "
	"echo 'stand-in listening on 127.0.0.1:1'; exec sleep 30",
	NULL,
};

static void started_bare(void)
{
	struct server_spec spec = { .argv = reporter, .drop_root = true };
	struct server_proc sp;
	int leak, err, fds = 0;
	char *line, *save = NULL;

	test_require_root();
	/* what a harness holds open (a results file, a BPF map): not for it */
	leak = open("/etc/hostname", O_RDONLY); /* no O_CLOEXEC on purpose */
	setenv("WHYSERVE_SECRET", "from the harness", 1);
	if (!CHECK(leak >= 0, "open: %s", strerror(errno)))
		return;
	err = server_proc_start(&sp, &spec, 5000);
	if (!CHECK(!err, "start: %s: %s", strerror(-err), sp.err))
		return;
	/* all it said is on stderr once it stops */
	server_proc_stop(&sp, 2000);
	fprintf(stderr, "%s", sp.err);
	for (line = strtok_r(sp.err, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int fd;

		if (sscanf(line, "fd %d", &fd) == 1) {
			const char *target = strstr(line, " -> ");

			fds++;
			/* above stderr only ls's own listing of /proc/self/fd */
			CHECK(target && (fd <= 2 || (!strncmp(target, " -> /proc/", 10) &&
						     strstr(target, "/fd"))),
			      "descriptor of the harness's: %s", line);
			CHECK(fd != 0 || strstr(line, "/dev/null"), "stdin is not /dev/null: %s",
			      line);
		}
		CHECK(!strstr(line, "WHYSERVE_SECRET"), "the harness's environment: %s", line);
		CHECK(strncmp(line, "env ", 4) || !strncmp(line, "env PATH=", 9) ||
			      !strncmp(line, "env LC_ALL=", 11) || !strncmp(line, "env PWD=", 8) ||
			      !strncmp(line, "env SHLVL=", 10) || !strncmp(line, "env _=", 6),
		      "more than a minimal environment: %s", line);
		if (!strncmp(line, "NoNewPrivs:", 11))
			CHECK(strstr(line, "1"), "%s", line);
		if (!strncmp(line, "Uid:", 4))
			CHECK(!strstr(line, "\t0\t"), "still root: %s", line);
	}
	CHECK(fds >= 3, "no descriptor listed: %d", fds);
	CHECK(strstr(sp.line, "listening on"), "start-up line: %s", sp.line);
	close(leak);
}

/* whyserve/NAME under the cgroup2 root, as a path */
static bool cgroup_path(char *path, size_t len, const char *name)
{
	char root[256];

	if (!CHECK(!cgroup2_root(root, sizeof(root)), "no cgroup v2"))
		return false;
	snprintf(path, len, "%s/whyserve/%s", root, name);
	return true;
}

/* A child that makes whyserve/NAME (and locks it, if lock), then waits. */
static pid_t holder(const char *name, bool lock, int ready[2])
{
	pid_t pid = fork();

	if (pid == 0) {
		char path[512];
		int fd;

		if (!cgroup_path(path, sizeof(path), name) ||
		    (mkdir(path, 0755) && errno != EEXIST))
			_exit(1);
		fd = open(path, O_RDONLY | O_DIRECTORY);
		if (fd < 0 || (lock && flock(fd, LOCK_EX)))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	return pid;
}

/*
 * Stale means nobody holds it, whatever its name says: one named after a
 * PID nobody has but held by a live process (in another PID namespace, say)
 * is kept; one named after a live PID (the PID reused) but held by nobody,
 * and one whose maker was killed, are reaped.
 */
static void stale_cgroups_by_lock_not_pid(void)
{
	char held[64], reused[64], killed[512], path[512];
	int ready[2], n;
	struct cgroup cg;
	pid_t h, k;
	char c;

	test_require_root();
	snprintf(held, sizeof(held), "test-held-%d", 999999999);
	snprintf(reused, sizeof(reused), "test-reused-%d", 1); /* init is alive */
	if (!CHECK(!pipe(ready), "pipe"))
		return;
	h = holder(held, true, ready);
	if (!CHECK(h > 0 && read(ready[0], &c, 1) == 1, "a live holder"))
		goto out;
	/* made by a process now gone: its name's PID is init's, alive */
	k = holder(reused, false, ready);
	if (!CHECK(k > 0 && read(ready[0], &c, 1) == 1, "a second maker"))
		goto out;
	kill(k, SIGKILL);
	waitpid(k, NULL, 0);
	/* made and locked the harness's way by a process then killed */
	k = fork();
	if (k == 0) {
		if (cgroup_create(&cg, "test-killed") || write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (!CHECK(k > 0 && read(ready[0], &c, 1) == 1, "a third maker"))
		goto out;
	snprintf(killed, sizeof(killed), "test-killed-%d", k);
	kill(k, SIGKILL);
	waitpid(k, NULL, 0);

	n = cgroup_reap_stale();
	CHECK(n >= 2, "%d reaped", n);
	CHECK(cgroup_path(path, sizeof(path), held) && !access(path, F_OK),
	      "a live process's cgroup was reaped");
	CHECK(cgroup_path(path, sizeof(path), reused) && access(path, F_OK),
	      "a stale cgroup named after a live PID was kept");
	CHECK(cgroup_path(path, sizeof(path), killed) && access(path, F_OK),
	      "a killed maker's cgroup was kept");
out:
	if (h > 0) {
		kill(h, SIGKILL);
		waitpid(h, NULL, 0);
	}
	if (cgroup_path(path, sizeof(path), held))
		rmdir(path);
}

static const struct test_case cases[] = {
	TEST(started_bare),
	TEST(stale_cgroups_by_lock_not_pid),
};

TEST_MAIN(cases)
