// SPDX-License-Identifier: MIT
#include "harness/run/load_hosts.h"
#include "common/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

#define HELLO_TIMEOUT_MS 20000 /* ssh's own connect and authentication first */
#define CLOSE_WAIT_MS	 5000

/* ssh's words, the host, and the agent's command line for the far side */
static int ssh_argv(const struct run_opts *o, const char *host, wordexp_t *w, char ***argv)
{
	static const char *const tail[] = { "load", "--agent" };
	size_t n = 0;
	char **a;

	if (wordexp(o->ssh, w, WRDE_NOCMD | WRDE_UNDEF) || !w->we_wordc)
		return -EINVAL;
	a = calloc(w->we_wordc + 5, sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < w->we_wordc; i++)
		a[n++] = w->we_wordv[i];
	a[n++] = (char *)host;
	a[n++] = (char *)o->remote_harness;
	a[n++] = (char *)tail[0];
	a[n++] = (char *)tail[1];
	*argv = a;
	return 0;
}

static int spawn(struct load_hosts *h, unsigned i, const struct run_opts *o)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	wordexp_t w;
	char **argv = NULL;
	int ret;

	ret = ssh_argv(o, o->load_hosts[i], &w, &argv);
	if (ret == -EINVAL) {
		snprintf(h->said[i], sizeof(h->said[i]), "--ssh '%s' does not split into words",
			 o->ssh);
		return ret;
	}
	if (ret)
		return ret;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC | O_NONBLOCK)) {
		ret = -errno;
		goto out;
	}
	h->pid[i] = fork();
	if (h->pid[i] < 0) {
		ret = -errno;
		goto out;
	}
	if (h->pid[i] == 0) {
		/* its own process group: a Ctrl-C meant for the run is the
		 * run's to pass on (by closing stdin), not ssh's to die of */
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	h->agent[i].host = o->load_hosts[i];
	h->agent[i].to_fd = in[1];
	h->agent[i].from_fd = out[0];
	h->err_fd[i] = err[0];
	in[1] = out[0] = err[0] = -1;
out:
	for (int k = 0; k < 2; k++) {
		if (in[k] >= 0)
			close(in[k]);
		if (out[k] >= 0)
			close(out[k]);
		if (err[k] >= 0)
			close(err[k]);
	}
	free(argv);
	wordfree(&w);
	return ret;
}

/* What ssh (or the agent) wrote on stderr so far: its last line kept. */
static void drain_said(struct load_hosts *h, unsigned i)
{
	char buf[4096];
	ssize_t n;

	if (h->err_fd[i] < 0)
		return;
	while ((n = read(h->err_fd[i], buf, sizeof(buf) - 1)) > 0) {
		char *line, *end;

		buf[n] = '\0';
		/* the last line that says something */
		for (end = buf + n; end > buf && (end[-1] == '\n' || end[-1] == '\r');)
			*--end = '\0';
		line = strrchr(buf, '\n');
		line = line ? line + 1 : buf;
		if (*line)
			snprintf(h->said[i], sizeof(h->said[i]), "%.*s",
				 (int)sizeof(h->said[i]) - 1, line);
	}
}

/* ssh exited (or exits within ms): its status, else -1 */
static int exited(struct load_hosts *h, unsigned i, int ms)
{
	long long deadline = mono_ms() + ms;
	int status;

	if (h->pid[i] <= 0)
		return -1;
	do {
		if (waitpid(h->pid[i], &status, WNOHANG) == h->pid[i]) {
			h->pid[i] = 0;
			return status;
		}
		if (ms)
			usleep(10000);
	} while (mono_ms() < deadline);
	return -1;
}

const char *load_hosts_why(struct load_hosts *h, unsigned i)
{
	struct load_agent *a = &h->agent[i];
	static char why[768];
	int status;

	/* ssh that ended says why better than a closed pipe does */
	status = exited(h, i, a->greeted ? 0 : 1000);
	drain_said(h, i);
	if (h->said[i][0] && (!a->greeted || status >= 0))
		snprintf(why, sizeof(why), "%s", h->said[i]);
	else if (status >= 0 && WIFEXITED(status) && !a->why[0])
		snprintf(why, sizeof(why), "ssh exited with status %d", WEXITSTATUS(status));
	else
		snprintf(why, sizeof(why), "%s", a->why[0] ? a->why : "failed");
	if (a->greeted && status >= 0 && WIFEXITED(status))
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 " (its agent ended; ssh exited with status %d)", WEXITSTATUS(status));
	return why;
}

/* The servers' address: --listen, or ours as the first host's ssh saw it. */
static int choose_listen(struct load_hosts *h, const struct run_opts *o, char *why, size_t len)
{
	if (o->listen[0]) {
		snprintf(h->listen, sizeof(h->listen), "%s", o->listen);
		snprintf(h->listen_how, sizeof(h->listen_how), "as --listen asked");
		return 0;
	}
	if (!h->agent[0].ssh_client[0]) {
		snprintf(why, len,
			 "load host %s: its ssh did not say where it comes from (no "
			 "SSH_CONNECTION): give --listen ADDR",
			 h->agent[0].host);
		return -EINVAL;
	}
	snprintf(h->listen, sizeof(h->listen), "%s", h->agent[0].ssh_client);
	snprintf(h->listen_how, sizeof(h->listen_how),
		 "this host's address as %s's ssh sees it; --listen to choose another",
		 h->agent[0].host);
	return 0;
}

int load_hosts_open(struct load_hosts *h, const struct run_opts *o, char *why, size_t len)
{
	int err = 0;

	memset(h, 0, sizeof(*h));
	for (int i = 0; i < RUN_MAX_LOAD_HOSTS; i++) {
		h->err_fd[i] = -1;
		h->agent[i].to_fd = h->agent[i].from_fd = -1;
	}
	for (h->n = 0; !err && h->n < (unsigned)o->nload_hosts; h->n++) {
		err = spawn(h, h->n, o);
		if (err)
			snprintf(why, len, "load host %s: %s", o->load_hosts[h->n],
				 h->said[h->n][0] ? h->said[h->n] : strerror(-err));
	}
	if (!err && load_agents_hello(h->agent, h->n, HELLO_TIMEOUT_MS)) {
		for (unsigned i = 0; i < h->n; i++)
			if (h->agent[i].failed) {
				snprintf(why, len, "load host %s: %s", h->agent[i].host,
					 load_hosts_why(h, i));
				break;
			}
		err = -EINVAL;
	}
	if (!err)
		err = choose_listen(h, o, why, len);
	if (err) {
		load_hosts_close(h);
		return -EINVAL;
	}
	return 0;
}

void load_hosts_drain(struct load_hosts *h)
{
	for (unsigned i = 0; i < h->n; i++)
		drain_said(h, i);
}

bool load_hosts_lost(const struct load_hosts *h)
{
	for (unsigned i = 0; i < h->n; i++)
		if (h->agent[i].failed)
			return true;
	return false;
}

void load_hosts_close(struct load_hosts *h)
{
	for (unsigned i = 0; i < h->n; i++)
		if (h->agent[i].to_fd >= 0) {
			close(h->agent[i].to_fd); /* the agent ends, then its ssh */
			h->agent[i].to_fd = -1;
		}
	for (unsigned i = 0; i < h->n; i++) {
		if (h->pid[i] > 0 && exited(h, i, CLOSE_WAIT_MS) < 0) {
			kill(h->pid[i], SIGTERM);
			if (exited(h, i, 1000) < 0) {
				kill(h->pid[i], SIGKILL);
				waitpid(h->pid[i], NULL, 0);
			}
		}
		h->pid[i] = 0;
		if (h->agent[i].from_fd >= 0)
			close(h->agent[i].from_fd);
		h->agent[i].from_fd = -1;
		if (h->err_fd[i] >= 0)
			close(h->err_fd[i]);
		h->err_fd[i] = -1;
		load_agent_free(&h->agent[i]);
	}
	h->n = 0;
}
