// SPDX-License-Identifier: MIT
#include "tests/lib/workload.h"
#include "harness/sandbox/cgroup.h"
#include "tests/lib/check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int workload_start(struct workload *w, const char *cgroup_dir, const char *const args[])
{
	int in[2], out[2], err;
	const char *argv[64];
	char path[512];
	int n = 0;

	memset(w, 0, sizeof(*w));
	w->go_fd = w->out_fd = -1;
	snprintf(path, sizeof(path), "%s/workload", test_bin_dir());
	argv[n++] = path;
	for (int i = 0; args && args[i] && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (pipe2(in, O_CLOEXEC))
		return -errno;
	if (pipe2(out, O_CLOEXEC)) {
		err = -errno;
		close(in[0]);
		close(in[1]);
		return err;
	}
	w->pid = fork();
	if (w->pid < 0) {
		err = -errno;
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return err;
	}
	if (w->pid == 0) {
		if (cgroup_dir) {
			char procs[600];
			FILE *f;

			snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup_dir);
			f = fopen(procs, "w");
			if (!f || fprintf(f, "0\n") < 0 || fclose(f)) {
				fprintf(stderr, "workload: cannot join %s: %s\n", cgroup_dir,
					strerror(errno));
				_exit(126);
			}
		}
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		signal(SIGPIPE, SIG_DFL);
		execv(path, (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	w->go_fd = in[1];
	w->out_fd = out[0];
	return 0;
}

bool workload_start_in_cgroup(struct workload *w, struct cgroup *cg, const char *name,
			      const char *const args[])
{
	int err = cgroup_create(cg, name);

	if (!CHECK(!err, "create cgroup: %s", strerror(-err)))
		return false;
	err = workload_start(w, cg->path, args);
	return CHECK(!err, "start workload: %s", strerror(-err));
}

int workload_go(struct workload *w)
{
	return write(w->go_fd, "g", 1) == 1 ? 0 : -errno;
}

int workload_read_line(struct workload *w, char *buf, size_t len, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { .fd = w->out_fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -ETIMEDOUT;
		r = read(w->out_fd, buf + n, 1);
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static void close_fds(struct workload *w)
{
	if (w->go_fd >= 0)
		close(w->go_fd);
	if (w->out_fd >= 0)
		close(w->out_fd);
	w->go_fd = w->out_fd = -1;
}

int workload_wait(struct workload *w, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	int status;
	pid_t r;

	if (w->pid <= 0)
		return -ECHILD;
	if (w->go_fd >= 0) {
		close(w->go_fd);
		w->go_fd = -1;
	}
	while ((r = waitpid(w->pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
		poll_pause_();
	if (r == 0) {
		workload_stop(w);
		return -ETIMEDOUT;
	}
	w->pid = 0;
	close_fds(w);
	if (r < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void workload_stop(struct workload *w)
{
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, NULL, 0);
		w->pid = 0;
	}
	close_fds(w);
}

/* Calls fn on /proc/PID/task/TID/<file> for every thread. */
static int for_each_task(pid_t pid, const char *file, int (*fn)(FILE *f, __u64 *a, __u64 *b),
			 __u64 *a, __u64 *b)
{
	char dir[64], path[400];
	struct dirent *d;
	int err = 0, n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((d = readdir(dp)) && !err) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, d->d_name, file);
		f = fopen(path, "r");
		if (!f)
			continue; /* the thread just exited */
		err = fn(f, a, b);
		fclose(f);
		n++;
	}
	closedir(dp);
	return err ? err : n ? 0 : -ESRCH;
}

static int add_switches(FILE *f, __u64 *vol, __u64 *invol)
{
	char line[256];
	unsigned long long v;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1)
			*vol += v;
		else if (sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
			*invol += v;
	}
	return 0;
}

int proc_ctxt_switches(pid_t pid, __u64 *voluntary, __u64 *involuntary)
{
	*voluntary = *involuntary = 0;
	return for_each_task(pid, "status", add_switches, voluntary, involuntary);
}

static int add_schedstat(FILE *f, __u64 *acc, __u64 *unused)
{
	unsigned long long r, w, n;

	(void)unused;
	if (fscanf(f, "%llu %llu %llu", &r, &w, &n) != 3)
		return -EPROTO;
	acc[0] += r;
	acc[1] += w;
	acc[2] += n;
	return 0;
}

int proc_schedstat(pid_t pid, struct proc_schedstat *st)
{
	__u64 acc[3] = { 0 }, unused;
	int err = for_each_task(pid, "schedstat", add_schedstat, acc, &unused);

	st->run_ns = acc[0];
	st->wait_ns = acc[1];
	st->slices = acc[2];
	return err;
}

static int count_running(FILE *f, __u64 *running, __u64 *unused)
{
	char buf[512], *p;

	(void)unused;
	if (!fgets(buf, sizeof(buf), f) || !(p = strrchr(buf, ')')))
		return -EPROTO;
	/* "pid (comm) S ...": the state follows the comm */
	if (p[2] != 'S' && p[2] != 'D')
		(*running)++;
	return 0;
}

int workload_all_blocked(const struct workload *w)
{
	__u64 running = 0, unused;
	int err = for_each_task(w->pid, "stat", count_running, &running, &unused);

	return !err && running == 0;
}

static int count_task(FILE *f, __u64 *tasks, __u64 *running)
{
	(*tasks)++;
	return count_running(f, running, NULL);
}

int proc_tasks(pid_t pid, __u64 *tasks, __u64 *running)
{
	*tasks = *running = 0;
	return for_each_task(pid, "stat", count_task, tasks, running);
}

int workload_waits_for_go(const struct workload *w)
{
	unsigned long long fd;
	char path[64];
	long nr = -1;
	FILE *f;
	int n;

	/* "0 0x0 0x7ffc... 0x1 ...": the syscall it is in and its arguments */
	snprintf(path, sizeof(path), "/proc/%d/syscall", w->pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%ld %llx", &nr, &fd);
	fclose(f);
	return n == 2 && nr == SYS_read && fd == STDIN_FILENO && workload_all_blocked(w);
}

static int add_migrations(FILE *f, __u64 *migrations, __u64 *unused)
{
	char line[256];
	unsigned long long v;

	(void)unused;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "se.nr_migrations : %llu", &v) == 1)
			*migrations += v;
	return 0;
}

int proc_migrations(pid_t pid, __u64 *migrations)
{
	__u64 unused;

	*migrations = 0;
	return for_each_task(pid, "sched", add_migrations, migrations, &unused);
}
