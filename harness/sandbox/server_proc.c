// SPDX-License-Identifier: MIT
#include "common/clock.h"
#include "harness/sandbox/server_proc.h"
#include "harness/sandbox/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw)
		return -ENOENT;
	if (setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid))
		return -errno;
	return 0;
}

/* The whole environment a server gets: nothing of the harness's (sudo's,
 * the user's) reaches a program facing any client. */
static const char *const server_environment[] = {
	"PATH=" SERVER_PATH,
	"LC_ALL=C",
	NULL,
};

/* Nothing of the harness's descriptors (its probes, its results, its
 * sockets) but the program to run: stdin from /dev/null, stdout and
 * stderr the pipes the harness reads. */
static int only_stdio(int exe, int out_fd, int err_fd)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* a harness started with stdio closed got pipes among 0-2: lift them */
	exe = fcntl(exe, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	out_fd = fcntl(out_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	err_fd = fcntl(err_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	null = fcntl(null, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	dup2(null, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	if (exe > STDERR_FILENO + 1)
		close_range(STDERR_FILENO + 1, exe - 1, 0);
	close_range(exe + 1, ~0U, 0);
	return exe;
}

/* In the child, between fork and exec: each step's failure is reported on
 * stderr and ends the child, so the parent sees no start-up line. */
static void become_server(const struct server_spec *spec, int out_fd, int err_fd, pid_t parent)
{
	int err, exe;

	/* opened while still root: a build tree under /root (mode 700) is no
	 * path nobody may walk, but the file itself (mode 755) it may run */
	exe = open(spec->argv[0], O_RDONLY | O_CLOEXEC);
	if (exe < 0) {
		fprintf(stderr, "failed to open %s: %s\n", spec->argv[0], strerror(errno));
		_exit(127);
	}
	if (spec->cg && (err = cgroup_add_pid(spec->cg, 0))) {
		fprintf(stderr, "failed to join cgroup %s: %s\n", spec->cg->path, strerror(-err));
		_exit(126);
	}
	if (spec->cpus && sched_setaffinity(0, sizeof(*spec->cpus), spec->cpus)) {
		perror("failed to pin the server to its CPUs");
		_exit(126);
	}
	if (spec->drop_root && geteuid() == 0 && (err = drop_to(spec->user ?: "nobody"))) {
		fprintf(stderr, "failed to drop root for %s: %s\n", spec->user ?: "nobody",
			strerror(-err));
		_exit(126);
	}
	/* after the uid change, which clears it: die with the harness */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(126);
	/* its own process group: a Ctrl-C reaches the harness, which stops it */
	setpgid(0, 0);
	exe = only_stdio(exe, out_fd, err_fd);
	signal(SIGPIPE, SIG_DFL);
	/* no set-uid program run by it regains what it gave up */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	fexecve(exe, (char *const *)spec->argv, (char *const *)server_environment);
	/* a script (#!): its interpreter opens it as /dev/fd/N, which
	 * close-on-exec took away; it keeps that one descriptor */
	if (errno == ENOENT && !fcntl(exe, F_SETFD, 0))
		fexecve(exe, (char *const *)spec->argv, (char *const *)server_environment);
	fprintf(stderr, "failed to run %s: %s\n", spec->argv[0], strerror(errno));
	_exit(127);
}

int read_line_timeout(int fd, char *buf, size_t len, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - mono_ms();
		ssize_t r;

		if (left <= 0)
			return -ETIMEDOUT;
		switch (poll(&p, 1, left)) {
		case -1:
			return -errno; /* -EINTR: a signal the caller may care for */
		case 0:
			return -ETIMEDOUT;
		}
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

int startup_line_port(const char *line)
{
	const char *at = strstr(line, "listening on "), *end, *colon = NULL;

	if (!at)
		return -EPROTO;
	at += strlen("listening on ");
	end = at + strcspn(at, " \n");
	for (const char *p = at; p < end; p++)
		if (*p == ':')
			colon = p;
	return colon ? atoi(colon + 1) : -EPROTO;
}

/* A server of the user's: stdout and stderr into one unlinked file, read
 * back by its tail. */
static int start_unannounced(struct server_proc *sp, const struct server_spec *spec, pid_t parent)
{
	int out = memfd_create("whyserve-server-output", MFD_CLOEXEC), err;

	if (out < 0)
		return -errno;
	sp->pid = fork();
	if (sp->pid < 0) {
		err = -errno;
		close(out);
		return err;
	}
	if (sp->pid == 0)
		become_server(spec, out, out, parent);
	sp->err_fd = out;
	sp->err_file = true;
	sp->port = spec->port;
	return 0;
}

int server_proc_start(struct server_proc *sp, const struct server_spec *spec, int timeout_ms)
{
	pid_t parent = getpid();
	int pipefd[2], errfd[2], err;

	memset(sp, 0, sizeof(*sp));
	sp->err_fd = -1;
	if (spec->port > 0)
		return start_unannounced(sp, spec, parent);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(errfd, O_CLOEXEC) < 0) {
		err = -errno;
		goto close_out;
	}
	sp->pid = fork();
	if (sp->pid < 0) {
		err = -errno;
		close(errfd[0]);
		close(errfd[1]);
		goto close_out;
	}
	if (sp->pid == 0)
		become_server(spec, pipefd[1], errfd[1], parent);
	close(pipefd[1]);
	close(errfd[1]);
	sp->err_fd = errfd[0];
	fcntl(sp->err_fd, F_SETFL, O_NONBLOCK);
	err = read_line_timeout(pipefd[0], sp->line, sizeof(sp->line), timeout_ms);
	close(pipefd[0]);
	if (!err) {
		sp->port = startup_line_port(sp->line);
		err = sp->port > 0 ? 0 : -EPROTO;
	}
	if (err)
		server_proc_stop(sp, 1000);
	return err;
close_out:
	close(pipefd[0]);
	close(pipefd[1]);
	return err;
}

/* The last of the file, from a line's start when it has more than fits. */
static void file_tail(struct server_proc *sp)
{
	off_t size = lseek(sp->err_fd, 0, SEEK_END), from;
	ssize_t r;
	char *nl;

	from = size > (off_t)sizeof(sp->err) - 1 ? size - (off_t)sizeof(sp->err) + 1 : 0;
	r = pread(sp->err_fd, sp->err, sizeof(sp->err) - 1, from);
	sp->err[r > 0 ? r : 0] = '\0';
	if (from > 0 && (nl = strchr(sp->err, '\n')))
		memmove(sp->err, nl + 1, strlen(nl + 1) + 1);
}

void server_proc_drain_stderr(struct server_proc *sp)
{
	size_t n = strlen(sp->err);
	ssize_t r;

	if (sp->err_file) {
		if (sp->err_fd >= 0)
			file_tail(sp);
		return;
	}
	while (sp->err_fd >= 0 && n + 1 < sizeof(sp->err) &&
	       (r = read(sp->err_fd, sp->err + n, sizeof(sp->err) - 1 - n)) > 0)
		n += r;
	sp->err[n] = '\0';
}

/* Reaped: its status as a shell says it (128 + signal when killed). */
static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* waitpid, keeping the CPU time the kernel charged it (and the children it
 * reaped): a count apart from its cgroup's */
static pid_t reap(struct server_proc *sp, int *status, int options)
{
	struct rusage ru;
	pid_t w = wait4(sp->pid, status, options, &ru);

	if (w > 0)
		sp->rusage_cpu_us = ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec +
				    ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
	return w;
}

int server_proc_wait(struct server_proc *sp, int timeout_ms, volatile sig_atomic_t *stop)
{
	long long deadline = mono_ms() + timeout_ms;
	struct timespec pause = { .tv_nsec = 5 * 1000 * 1000 };
	int status;
	pid_t w;

	if (sp->pid <= 0)
		return -ESRCH;
	while ((w = reap(sp, &status, WNOHANG)) == 0) {
		if (stop && *stop)
			return -EINTR;
		if (mono_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
	if (w < 0)
		return -errno;
	sp->pid = 0;
	sp->reaped = true;
	sp->status = exit_code(status);
	return sp->status;
}

int server_proc_output(struct server_proc *sp, char *buf, size_t len)
{
	ssize_t r;

	if (!sp->err_file || sp->err_fd < 0 || !len)
		return -EBADF;
	r = pread(sp->err_fd, buf, len - 1, 0);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	return r;
}

int server_proc_stop_with(struct server_proc *sp, int sig, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;
	struct timespec pause = { .tv_nsec = 2 * 1000 * 1000 };
	int status = 0, err = 0;
	pid_t w = 0;

	if (sp->pid > 0) {
		/* its process group: a tool's workers (Locust's) hear it too */
		kill(-sp->pid, sig);
		kill(sp->pid, sig);
		while ((w = reap(sp, &status, WNOHANG)) == 0 && mono_ms() < deadline)
			nanosleep(&pause, NULL);
		if (w == 0) {
			kill(-sp->pid, SIGKILL);
			kill(sp->pid, SIGKILL);
			w = reap(sp, &status, 0);
		}
		err = w < 0 ? -errno : 0;
		if (!err) {
			sp->reaped = true;
			sp->status = exit_code(status);
		}
	} else if (!sp->reaped) {
		err = -ESRCH;
	}
	sp->pid = 0;
	server_proc_drain_stderr(sp);
	if (sp->err_fd >= 0)
		close(sp->err_fd);
	sp->err_fd = -1;
	return err ? err : sp->status;
}

int server_proc_stop(struct server_proc *sp, int timeout_ms)
{
	return server_proc_stop_with(sp, SIGTERM, timeout_ms);
}

int find_sibling_binary(const char *name, char *path, size_t len)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	dir = dirname(exe);
	snprintf(path, len, "%s/%s", dir, name);
	if (access(path, X_OK) == 0)
		return 0;
	snprintf(path, len, "%s/../lib/whyserve/%s", dir, name);
	if (access(path, X_OK) == 0)
		return 0;
	return -ENOENT;
}
