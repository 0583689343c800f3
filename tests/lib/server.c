// SPDX-License-Identifier: MIT
#include "tests/lib/server.h"
#include "tests/lib/check.h"
#include "harness/sandbox/server_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int server_start_argv(struct server *s, const char *const argv[])
{
	int pipefd[2], err;

	memset(s, 0, sizeof(*s));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	s->pid = fork();
	if (s->pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (s->pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	err = read_line_timeout(pipefd[0], s->line, sizeof(s->line), 5000);
	/* the server keeps writing nowhere if it prints more: drop the pipe */
	close(pipefd[0]);
	if (err) {
		fprintf(stderr, "server %s: no start-up line: %s\n", argv[0], strerror(-err));
		server_stop(s);
		return err;
	}
	s->port = startup_line_port(s->line);
	return s->port > 0 ? 0 : -EPROTO;
}

int server_start(struct server *s, const char *model, const char *const args[])
{
	const char *argv[32];
	char path[512];
	int n = 0;

	snprintf(path, sizeof(path), "%s/server-%s", test_bin_dir(), model);
	argv[n++] = path;
	argv[n++] = "--port";
	argv[n++] = "0";
	for (int i = 0; args && args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return server_start_argv(s, argv);
}

int server_stop(struct server *s)
{
	long long deadline = now_ms() + 5000;
	int status;
	pid_t w;

	if (s->pid <= 0)
		return -ESRCH;
	kill(s->pid, SIGTERM);
	while ((w = waitpid(s->pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
		usleep(5000);
	if (w == 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &status, 0);
		s->pid = 0;
		return -ETIMEDOUT;
	}
	s->pid = 0;
	if (w < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int status_field(pid_t pid, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			snprintf(val, len, "%s", line + klen + 1);
			fclose(f);
			return 0;
		}
	fclose(f);
	return -ENOENT;
}

int server_alive(const struct server *s)
{
	char state[64];

	if (s->pid <= 0 || status_field(s->pid, "State", state, sizeof(state)))
		return 0;
	return !strstr(state, "Z") && !strstr(state, "X");
}

int proc_count_fds(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

int proc_count_threads(pid_t pid)
{
	char val[64];
	int err = status_field(pid, "Threads", val, sizeof(val));

	return err ? err : atoi(val);
}

/* Calls fn for each child process of pid with its state letter. */
static int for_each_child(pid_t pid, void (*fn)(pid_t child, char state, void *arg), void *arg)
{
	char path[300], buf[512];
	struct dirent *d;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		int ppid = 0;
		char state = 0;
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		/* pid (comm) state ppid: comm may hold spaces, so start after ')' */
		if (fgets(buf, sizeof(buf), f)) {
			char *rp = strrchr(buf, ')');
			if (rp)
				sscanf(rp + 1, " %c %d", &state, &ppid);
		}
		fclose(f);
		if (ppid == pid)
			fn(atoi(d->d_name), state, arg);
	}
	closedir(dir);
	return 0;
}

struct child_count {
	int live, zombies;
};

static void count_child(pid_t child, char state, void *arg)
{
	struct child_count *c = arg;

	(void)child;
	if (state == 'Z')
		c->zombies++;
	else
		c->live++;
}

int proc_count_children(pid_t pid, int *zombies)
{
	struct child_count c = { 0, 0 };
	int err = for_each_child(pid, count_child, &c);

	if (err)
		return err;
	if (zombies)
		*zombies = c.zombies;
	return c.live;
}

struct child_list {
	pid_t *pids;
	int max, n;
};

static void list_child(pid_t child, char state, void *arg)
{
	struct child_list *l = arg;

	if (state != 'Z' && l->n < l->max)
		l->pids[l->n++] = child;
}

int proc_children(pid_t pid, pid_t *pids, int max)
{
	struct child_list l = { pids, max, 0 };
	int err = for_each_child(pid, list_child, &l);

	return err ? err : l.n;
}

/* Every thread of pid sleeping (S)? */
static bool threads_asleep(pid_t pid)
{
	char path[300], buf[512], *rp;
	bool asleep = true;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (asleep && (d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, d->d_name);
		f = fopen(path, "r");
		/* a thread that ended meanwhile is not awake */
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')))
			asleep = rp[2] == 'S';
		fclose(f);
	}
	closedir(dir);
	return asleep;
}

bool proc_tree_asleep(pid_t pid)
{
	pid_t kids[64];
	int n = proc_children(pid, kids, 64);

	if (n < 0 || !threads_asleep(pid))
		return false;
	for (int i = 0; i < n; i++)
		if (!proc_tree_asleep(kids[i]))
			return false;
	return true;
}

long tcp_unread_bytes(int local_port, int remote_port)
{
	char line[512];
	long found = -ENOENT;
	FILE *f = fopen("/proc/net/tcp", "r");

	if (!f)
		return -errno;
	/* sl local_address rem_address st tx_queue:rx_queue ..., all in hex */
	while (found < 0 && fgets(line, sizeof(line), f)) {
		unsigned int lport, rport, tx, rx;

		if (sscanf(line, " %*d: %*x:%x %*x:%x %*x %x:%x", &lport, &rport, &tx, &rx) == 4 &&
		    (int)lport == local_port && (int)rport == remote_port)
			found = rx;
	}
	fclose(f);
	return found;
}

char proc_state(pid_t pid)
{
	char path[64], buf[512], *rp, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')))
		st = rp[2];
	if (f)
		fclose(f);
	return st;
}
