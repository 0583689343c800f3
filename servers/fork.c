// SPDX-License-Identifier: MIT
/*
 * server-fork: a process per connection.
 *
 * The model. The parent accepts a connection and fork()s; the child serves
 * it with blocking calls and exits; the parent closes its copy of the
 * socket and goes back to accepting. Connections are served in parallel
 * and apart from each other: what goes wrong in one child touches no other
 * client. The parent must reap each child that exits (waitpid), or it
 * stays a zombie.
 *
 * Its costs. A fork() per connection: copying the page tables, then the
 * copy-on-write faults in the child, its exit and the parent's wait, which
 * add up to far more than answering a request. Kept-alive connections
 * spread that over many requests; Connection: close pays it for every one.
 * A thousand idle keep-alive clients are a thousand processes.
 *
 * The parent waits in poll() for either of two things: a connection on the
 * listening socket, or a signal, read from a signalfd so that none can be
 * missed: SIGCHLD (reap), SIGINT or SIGTERM (stop: pass the signal on to
 * the children and reap them all).
 */
#include "servers/common/listen.h"
#include "servers/common/options.h"
#include "servers/common/serve.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct server_model model = {
	.name = "server-fork",
	.doc = "An HTTP/1.1 server that forks a process for each connection.",
	.examples = "    server-fork                       # on 127.0.0.1:8080\n"
		    "    server-fork --port 0 --backlog 16 # a free port, a short accept queue\n",
};

/* the children alive, so that a stop can be passed on to them */
static pid_t *children;
static int nchildren, capacity;

static int remember(pid_t pid)
{
	if (nchildren == capacity) {
		int cap = capacity ? 2 * capacity : 64;
		pid_t *p = realloc(children, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		children = p;
		capacity = cap;
	}
	children[nchildren++] = pid;
	return 0;
}

static void forget(pid_t pid)
{
	for (int i = 0; i < nchildren; i++)
		if (children[i] == pid) {
			children[i] = children[--nchildren];
			return;
		}
}

static void reap(int flags)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, flags)) > 0 || (pid < 0 && errno == EINTR))
		if (pid > 0)
			forget(pid);
}

/* In the child: only the connection is ours; the signals are as they were. */
static void child(int fd, int lfd, int sfd, const sigset_t *mask)
{
	close(lfd);
	close(sfd);
	sigprocmask(SIG_SETMASK, mask, NULL);
	serve_connection(fd);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct signalfd_siginfo si;
	struct server_opts o;
	sigset_t sigs, mask;
	int lfd, sfd, fd = 0;
	pid_t pid;

	server_init(argc, argv, &model, &o);
	if (listen_sockets(&o, &lfd, 1, SOCK_NONBLOCK))
		return 1;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &mask);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "%s: failed to create signalfd: %s\n", model.name, strerror(errno));
		return 1;
	}
	listen_announce(&o, lfd, 1);

	for (;;) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0)
			continue; /* EINTR */
		if (p[1].revents && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD)
				break; /* SIGINT, SIGTERM: stop */
			reap(WNOHANG);
		}
		if (!p[0].revents)
			continue;
		fd = accept_connection(lfd, 0);
		if (fd == -EAGAIN)
			continue;
		if (fd < 0)
			break;
		pid = fork();
		if (pid == 0)
			child(fd, lfd, sfd, &mask);
		if (pid < 0)
			fprintf(stderr, "%s: failed to fork: %s\n", model.name, strerror(errno));
		else if (remember(pid))
			kill(pid, SIGKILL); /* one we could not stop later */
		close(fd);
	}

	close(lfd);
	for (int i = 0; i < nchildren; i++)
		kill(children[i], SIGTERM);
	reap(0);
	if (fd < 0 && fd != -EAGAIN) {
		fprintf(stderr, "%s: failed to accept connection: %s\n", model.name, strerror(-fd));
		return 1;
	}
	return 0;
}
