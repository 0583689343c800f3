// SPDX-License-Identifier: MIT
#include "tests/lib/cmd.h"
#include "tests/lib/check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int cmd_run(char *out, size_t outlen, int timeout_s, const char *const argv[])
{
	return cmd_run_pid(out, outlen, timeout_s, argv, NULL);
}

int cmd_run_pid(char *out, size_t outlen, int timeout_s, const char *const argv[], pid_t *ran_as)
{
	long long deadline = now_ms() + timeout_s * 1000LL;
	size_t n = 0;
	int pipefd[2], status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (ran_as)
		*ran_as = pid;
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		long long left = deadline - now_ms();
		char scratch[4096];
		ssize_t r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, left) <= 0)
			continue;
		if (n + 1 < outlen)
			r = read(pipefd[0], out + n, outlen - 1 - n);
		else
			r = read(pipefd[0], scratch, sizeof(scratch));
		if (r <= 0)
			break;
		if (n + 1 < outlen)
			n += r;
	}
	close(pipefd[0]);
	if (outlen)
		out[n] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool cmd_exists(const char *name)
{
	char path[4096];
	const char *env = getenv("PATH");

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!env)
		env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = env; *p;) {
		size_t len = strcspn(p, ":");
		snprintf(path, sizeof(path), "%.*s/%s", (int)len, p, name);
		if (access(path, X_OK) == 0)
			return true;
		p += len + (p[len] == ':');
	}
	return false;
}

static char fixtures[PATH_MAX];
static pid_t fixtures_owner;

static void fixtures_remove(void)
{
	/* a case's forked child inherits this, not the copy */
	if (getpid() == fixtures_owner)
		rm_rf(fixtures);
}

const char *test_fixtures_dir(void)
{
	char src[PATH_MAX], out[512];

	if (fixtures[0])
		return fixtures;
	snprintf(src, sizeof(src), "%s/../tests/fixtures/.", test_bin_dir());
	snprintf(fixtures, sizeof(fixtures), "/tmp/whyserve-fixtures-XXXXXX");
	if (mkdtemp(fixtures) &&
	    !cmd_run(out, sizeof(out), 30,
		     (const char *const[]){ "cp", "-R", src, fixtures, NULL }) &&
	    !cmd_run(out, sizeof(out), 30,
		     (const char *const[]){ "chmod", "-R", "a+rX", fixtures, NULL })) {
		fixtures_owner = getpid();
		/* a case's process ends with _exit: removed there, or at exit */
		test_case_end = fixtures_remove;
		atexit(fixtures_remove);
		return fixtures;
	}
	/* no copy: the checkout's own, readable by root at least */
	rm_rf(fixtures);
	snprintf(fixtures, sizeof(fixtures), "%s/../tests/fixtures", test_bin_dir());
	return fixtures;
}

void rm_rf(const char *dir)
{
	const char *const argv[] = { "rm", "-rf", dir, NULL };
	char out[256];

	if (dir[0])
		cmd_run(out, sizeof(out), 30, argv);
}
