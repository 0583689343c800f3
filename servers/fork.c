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
 * Its costs. A fork() per connection: new page tables, then page faults:
 * each page parent or child writes while both map it is copied
 * (copy-on-write), and each page of code the child runs is mapped anew;
 * then the child's exit and the parent's wait. Together far more than
 * answering a request: kept-alive connections spread it over many
 * requests, Connection: close pays it for every one. A thousand idle
 * keep-alive clients are a thousand processes.
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
#include <sys/mman.h>
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

/*
 * The children alive, so that a stop can be passed on to them. In a
 * mapping of its own that children do not inherit (MADV_DONTFORK): any
 * page the parent shares with a child is copy-on-write, and the parent
 * would pay a page copy for every fork when it writes the table.
 */
#define MAX_CHILDREN 65536
static struct {
	int n;
	pid_t pid[MAX_CHILDREN];
} * children;

static int children_init(void)
{
	children = mmap(NULL, sizeof(*children), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (children == MAP_FAILED || madvise(children, sizeof(*children), MADV_DONTFORK)) {
		int err = -errno;

		report("failed to map the children table: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int remember(pid_t pid)
{
	if (children->n == MAX_CHILDREN)
		return -ENOSPC;
	children->pid[children->n++] = pid;
	return 0;
}

static void forget(pid_t pid)
{
	for (int i = 0; i < children->n; i++)
		if (children->pid[i] == pid) {
			children->pid[i] = children->pid[--children->n];
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
	int lfd, sfd, fd, err = 0;
	pid_t pid;

	server_init(argc, argv, &model, &o);
	if (children_init() || listen_sockets(&o, &lfd, 1, SOCK_NONBLOCK) ||
	    serve_timeouts(lfd, &o))
		return 1;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &mask);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		report("failed to create signalfd: %s", strerror(errno));
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
		if (fd < 0) {
			err = fd;
			break;
		}
		pid = fork();
		if (pid == 0)
			child(fd, lfd, sfd, &mask);
		if (pid < 0)
			report_ratelimited("failed to fork: %s", strerror(errno));
		else if (remember(pid))
			kill(pid, SIGKILL); /* one we could not stop later */
		close(fd);
	}

	close(lfd);
	for (int i = 0; i < children->n; i++)
		kill(children->pid[i], SIGTERM);
	reap(0);
	if (err) {
		report("failed to accept connection: %s", strerror(-err));
		return 1;
	}
	return 0;
}
