// SPDX-License-Identifier: MIT
#include "common/clock.h"
#include "tests/lib/check.h"

#include <errno.h>
#include <execinfo.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_SKIP 77

/* shared with the parent: the first failure or the skip reason */
static char *reason;
static const size_t reason_len = 512;
static bool failed;

long long now_ms(void)
{
	return mono_ms();
}

void poll_pause_(void)
{
	usleep(2000);
}

bool check_(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (ok)
		return true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "  %s:%d: CHECK(%s) failed: %s\n", file, line, expr, msg);
	if (!failed && reason)
		snprintf(reason, reason_len, "%s (%s:%d)", msg, file, line);
	failed = true;
	return false;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (reason)
		vsnprintf(reason, reason_len, fmt, ap);
	va_end(ap);
	if (test_case_end)
		test_case_end();
	fflush(NULL);
	_exit(EXIT_SKIP);
}

void (*test_case_end)(void);

void test_require_root(void)
{
	if (geteuid() != 0)
		test_skip("needs root");
}

const char *test_bin_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n < 0) {
		strcpy(dir, "build");
		return dir;
	}
	dir[n] = '\0';
	/* build/tests/NAME -> build; dirname works in place, its result may
	 * be dir itself or a static string */
	const char *d = dirname(dirname(dir));
	memmove(dir, d, strlen(d) + 1);
	return dir;
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (fnmatch(argv[i], name, 0) == 0)
			return true;
	return false;
}

/* A case that crashes says where, then dies of the same signal. */
static void backtrace_and_die(int sig)
{
	void *frames[48];
	int n = backtrace(frames, 48);

	dprintf(STDERR_FILENO, "  crashed with signal %d (%s); backtrace:\n", sig, strsignal(sig));
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Runs one case in a child of its own; returns 0 pass, 1 fail, 77 skip. */
static int run_case(const struct test_case *tc)
{
	int timeout_s = tc->timeout_s ? tc->timeout_s : 60;
	long long deadline = now_ms() + timeout_s * 1000LL;
	int status = 0;
	pid_t pid, w;

	reason[0] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(reason, reason_len, "fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGSEGV, backtrace_and_die);
		signal(SIGBUS, backtrace_and_die);
		signal(SIGABRT, backtrace_and_die);
		tc->run();
		if (test_case_end)
			test_case_end();
		fflush(NULL);
		_exit(failed ? 1 : 0);
	}
	setpgid(pid, pid);
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
		usleep(10000);
	if (w == 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(reason, reason_len, "timed out after %d s", timeout_s);
		return 1;
	}
	/* whatever the case started and left behind goes with it */
	kill(-pid, SIGKILL);
	if (WIFSIGNALED(status)) {
		snprintf(reason, reason_len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		return 1;
	}
	if (WEXITSTATUS(status) == EXIT_SKIP)
		return EXIT_SKIP;
	if (WEXITSTATUS(status) != 0 && !reason[0])
		snprintf(reason, reason_len, "exited with status %d", WEXITSTATUS(status));
	return WEXITSTATUS(status) ? 1 : 0;
}

int test_main(int argc, char **argv, const struct test_case *cases, size_t n)
{
	int nfail = 0;

	reason = mmap(NULL, reason_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reason == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* found before any case leaves for a mount namespace of its own: in a
	 * chroot, /proc/self/exe then reads as the host's path */
	test_bin_dir();
	for (size_t i = 0; i < n; i++) {
		if (!selected(cases[i].name, argc, argv))
			continue;
		switch (run_case(&cases[i])) {
		case 0:
			printf("PASS %s\n", cases[i].name);
			break;
		case EXIT_SKIP:
			printf("SKIP %s: %s\n", cases[i].name, reason);
			break;
		default:
			printf("FAIL %s: %s\n", cases[i].name, reason[0] ? reason : "failed");
			nfail++;
		}
	}
	return nfail ? 1 : 0;
}
